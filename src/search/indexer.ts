// Building the index in MiniSearch's own serialized form, without MiniSearch's in-memory index.
//
// MiniSearch.addAll keeps a radix tree and a Map per (term, field) of documents; at 100,000
// papers that is millions of Maps and most of the build goes to allocating and collecting them
// (measured: 80 s for 100,000 papers, 5 s for 10,000). Queries still run on MiniSearch (loadJS);
// only the build is done here, with flat arrays, and test/index-format.test.ts checks that the
// result equals MiniSearch.toJSON() for the same documents.
import type { Paper, Progress } from '../model.js';
import { FIELDS, processTerm, tokenize } from './analyze.js';
import { byCodeUnit, type Meta, type Surface } from './store.js';

/** The text of each indexed field of a paper. */
export function fieldText(p: Paper, field: string): string {
  switch (field) {
    case 'title':
      return p.title ?? '';
    case 'authors':
      return p.authors.join(', ');
    case 'abstract':
      return p.abstract ?? '';
    case 'categories':
      return p.categories.join(' ');
    case 'organisation':
      return p.organisation ?? '';
    default:
      return '';
  }
}

/** MiniSearch options shared by building and searching; they must match exactly. */
export function miniSearchOptions() {
  return {
    idField: 'sid',
    fields: [...FIELDS],
    storeFields: [] as string[],
    extractField: (doc: { sid: number; paper: Paper }, field: string) => (field === 'sid' ? doc.sid : fieldText(doc.paper, field)),
    tokenize,
    processTerm,
  };
}

export interface BuiltIndex {
  meta: Meta;
  /** Unique raw tokens per field, documents × fields, as MiniSearch counts field length. */
  lengths: Uint32Array;
  /** Sorted terms, each with its postings as MiniSearch serializes them: {fieldId: {docId: freq}}. */
  terms: string[];
  postings: string[];
  df: number[];
  surface: Surface;
}

/** Indexes papers exactly as MiniSearch.addAll would, numbering them 0, 1, … in order. */
export function buildIndex(papers: Paper[], onProgress?: Progress): BuiltIndex {
  const nFields = FIELDS.length;
  // Per term, per field: a flat [doc, freq, doc, freq, …] list in increasing doc order.
  const index = new Map<string, (number[] | undefined)[]>();
  const lengths = new Uint32Array(papers.length * nFields);
  const avg = new Array<number>(nFields).fill(0);
  const surface = new SurfaceTally();

  papers.forEach((paper, doc) => {
    if (doc % 500 === 0) onProgress?.('indexing papers', doc, papers.length);
    for (let f = 0; f < nFields; f++) {
      const field = FIELDS[f]!;
      const tokens = tokenize(fieldText(paper, field));
      const unique = new Set(tokens).size;
      lengths[doc * nFields + f] = unique;
      // MiniSearch's running average, in its order of operations, so the floats agree to the bit.
      avg[f] = (avg[f]! * doc + unique) / (doc + 1);
      const counted = SURFACE_FIELDS.has(field);
      for (const token of tokens) {
        const term = processTerm(token);
        if (!term) continue;
        let perField = index.get(term);
        if (!perField) index.set(term, (perField = new Array(nFields)));
        let list = perField[f];
        if (!list) perField[f] = list = [];
        if (list.length && list[list.length - 2] === doc) list[list.length - 1]! += 1;
        else list.push(doc, 1);
        if (counted) surface.add(token, term);
      }
    }
  });

  const terms = [...index.keys()].sort(byCodeUnit);
  const postings: string[] = [];
  const df: number[] = [];
  for (const term of terms) {
    const perField = index.get(term)!;
    const parts: string[] = [];
    const docs = new Set<number>();
    perField.forEach((list, f) => {
      if (!list) return;
      const pairs: string[] = [];
      for (let i = 0; i < list.length; i += 2) {
        pairs.push(`"${list[i]}":${list[i + 1]}`);
        docs.add(list[i]!);
      }
      parts.push(`"${f}":{${pairs.join(',')}}`);
    });
    postings.push(`{${parts.join(',')}}`);
    df.push(docs.size);
  }


  return {
    meta: {
      documentCount: papers.length,
      nextId: papers.length,
      fieldIds: Object.fromEntries(FIELDS.map((f, i) => [f, i])),
      averageFieldLength: papers.length ? avg : [],
      dirtCount: 0,
      serializationVersion: 2,
    },
    lengths,
    terms,
    postings,
    df,
    surface: surface.result(),
  };
}

/** The fields whose words "did you mean" may offer: titles and abstracts. */
export const SURFACE_FIELDS = new Set<string>(['title', 'abstract']);

/** Surface forms for "did you mean": which word each stemmed term came from most often (`prune` ← pruning). */
export class SurfaceTally {
  private counts = new Map<string, Map<string, number>>();
  /** Counts one token of a title or abstract and the term it became. */
  add(token: string, term: string): void {
    const lower = token.toLowerCase();
    if (lower === term) return;
    let m = this.counts.get(term);
    if (!m) this.counts.set(term, (m = new Map()));
    m.set(lower, (m.get(lower) ?? 0) + 1);
  }
  /** Each term's commonest word, the alphabetically first among equals, in the order terms were first met. */
  result(): Surface {
    const surface: Surface = {};
    for (const [term, m] of this.counts) surface[term] = commonest(m);
    return surface;
  }
}

/** A word tally's commonest word, the first in the alphabet among equals. */
export function commonest(m: Map<string, number>): string {
  let best = '';
  let n = 0;
  for (const [w, c] of m) if (c > n || (c === n && w < best)) [best, n] = [w, c];
  return best;
}

// The MiniSearch engine's store: lit's store file (store.ts), read a section at a time, with
// MiniSearch ranking the postings of each query's own terms. The ranking rules are the Ranker's.
import MiniSearch from 'minisearch';
import type { Paper } from '../model.js';
import { BOOST, type Field } from './analyze.js';
import { miniSearchOptions } from './indexer.js';
import { boundedLevenshtein, distanceWithin, FUZZY, FUZZY_MIN, PAPER_ID, PREFIX_MIN, Ranker, type Matcher, type Near } from './ranker.js';
import { BadStoreError, NO_YEAR, parsePaperLine, type LibraryInfo, type Lookup, type Meta, type StoreReader, type Surface } from './store.js';

/** MiniSearch's prefix option as lit uses it. */
export const prefixOption = (term: string): boolean => term.length >= PREFIX_MIN;

/** MiniSearch's fuzzy option as lit uses it: no typo tolerance below four letters. */
export const fuzzyOption = (term: string): number | false => (term.length >= FUZZY_MIN ? FUZZY : false);

function lowerBound(arr: { length: number; at(i: number): string | undefined }, x: string): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr.at(mid)! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The sorted vocabulary, kept as the UTF-8 bytes of the store: a search decodes the dozen terms
 * its binary search touches, not the tens of thousands of the whole list (a JSON array of them
 * cost a 10,000-paper search a parse and its garbage on every run).
 */
class TermList {
  readonly length: number;
  private whole?: string[];
  constructor(
    private readonly text: Buffer,
    private readonly offsets: Uint32Array,
  ) {
    this.length = Math.max(0, offsets.length - 1);
  }
  at(i: number): string | undefined {
    if (i < 0 || i >= this.length) return undefined;
    return this.whole ? this.whole[i] : this.text.toString('utf8', this.offsets[i]!, this.offsets[i + 1]!);
  }
  /**
   * The indexes of the terms within `max` edits of `t`, compared on the stored bytes so no term
   * is decoded: terms are folded to ASCII, and a term still holding other letters is more
   * edits from an ASCII word in bytes than in letters, so none within reach is missed that way
   * by more than those few scripts' one- and two-letter words.
   */
  near(t: string, max: number, from = 0, to = this.length): number[] {
    if (!/^[\x00-\x7f]*$/.test(t)) return this.all().flatMap((x, i) => (i >= from && i < to && boundedLevenshtein(t, x, max) <= max ? [i] : []));
    const out: number[] = [];
    const o = this.offsets;
    for (let i = from; i < to; i++) {
      const start = o[i]!;
      const len = o[i + 1]! - start;
      if (len < t.length - max || len > t.length + max) continue;
      if (distanceWithin(t, this.text, start, len, max) <= max) out.push(i);
    }
    return out;
  }

  /** Every term, decoded once: for the searches that look at all of them (typos, suggestions). */
  all(): string[] {
    return (this.whole ??= Array.from({ length: this.length }, (_, i) => this.text.toString('utf8', this.offsets[i]!, this.offsets[i + 1]!)));
  }
}

interface VocabView {
  terms: TermList;
  starts: Float64Array;
  df: Uint32Array;
}

/** The MiniSearch engine's LibraryStore: queries over one store file, whose sections are read the first time they are needed. */
export class Searcher extends Ranker {
  private _vocab?: VocabView;
  private _meta?: Meta;
  private _lengths?: Uint32Array;
  private _years?: Int32Array;
  private _starts?: Float64Array;
  private _info?: LibraryInfo;
  private _lookup?: Lookup;
  private _surface?: Surface;
  private papersBySid = new Map<number, Paper>();

  constructor(readonly store: StoreReader) {
    super();
  }

  get info(): LibraryInfo {
    return (this._info ??= this.store.json<LibraryInfo>('info'));
  }
  private get vocab(): VocabView {
    return (this._vocab ??= {
      terms: new TermList(this.store.section('termText'), this.store.typed('termOffsets', Uint32Array, 4)),
      starts: this.store.typed('termStarts', Float64Array, 8),
      df: this.store.typed('termDf', Uint32Array, 4),
    });
  }
  private get meta(): Meta {
    return (this._meta ??= this.store.json<Meta>('meta'));
  }
  private get lengths(): Uint32Array {
    return (this._lengths ??= this.store.typed('lengths', Uint32Array, 4));
  }
  private _paperSums?: Uint32Array;
  private _postingSums?: Uint32Array;
  private get paperSums(): Uint32Array {
    return (this._paperSums ??= this.store.typed('paperSums', Uint32Array, 4));
  }
  private get postingSums(): Uint32Array {
    return (this._postingSums ??= this.store.typed('postingSums', Uint32Array, 4));
  }
  private get starts(): Float64Array {
    return (this._starts ??= this.store.typed('starts', Float64Array, 8));
  }

  get size(): number {
    return this.starts.length;
  }

  private get fieldCount(): number {
    return Object.keys(this.meta.fieldIds).length;
  }

  /** Terms a paper has in one field. */
  private fieldLength(sid: number, field: Field): number {
    return this.lengths[sid * this.fieldCount + this.meta.fieldIds[field]!] ?? 0;
  }

  /** One paper by short id, parsed from its own line only. */
  paper(sid: number): Paper {
    const hit = this.papersBySid.get(sid);
    if (hit) return hit;
    const starts = this.starts;
    if (!(sid >= 0 && sid < starts.length)) throw new BadStoreError('cache refers to a paper it does not hold');
    const end = sid + 1 < starts.length ? starts[sid + 1]! : this.store.sectionLength('papers');
    const p = parsePaperLine(this.store.slice('papers', starts[sid]!, end, this.paperSums[sid]));
    this.papersBySid.set(sid, p);
    return p;
  }

  /** Every paper, in library order. */
  allPapers(): Paper[] {
    const text = this.store.section('papers').toString('utf8');
    const out: Paper[] = [];
    for (const line of text.split('\n')) if (line) out.push(parsePaperLine(Buffer.from(line)));
    return out;
  }

  /** Short id of a paper id, citation key or alias. */
  lookup(idOrKey: string): number | undefined {
    const l = (this._lookup ??= this.store.json<Lookup>('lookup'));
    const i = lowerBound(l.names, idOrKey);
    return l.names[i] === idOrKey ? l.sids[i] : undefined;
  }

  /** Short ids of the papers whose id starts with these hex digits. */
  idsWithPrefix(prefix: string): number[] {
    const l = (this._lookup ??= this.store.json<Lookup>('lookup'));
    const out = new Set<number>();
    for (let i = lowerBound(l.names, prefix); i < l.names.length && l.names[i]!.startsWith(prefix); i++) {
      if (PAPER_ID.test(l.names[i]!)) out.add(l.sids[i]!);
    }
    return [...out];
  }

  private postings(term: string): Record<string, Record<string, number>> | null {
    const v = this.vocab;
    const i = lowerBound(v.terms, term);
    if (v.terms.at(i) !== term) return null;
    const end = i + 1 < v.starts.length ? v.starts[i + 1]! : this.store.sectionLength('postings');
    try {
      return JSON.parse(this.store.slice('postings', v.starts[i]!, end, this.postingSums[i]).toString('utf8'));
    } catch {
      throw new BadStoreError('cache postings are damaged');
    }
  }

  /**
   * A MiniSearch holding only the postings of the given terms, and only the documents those
   * postings name: BM25 reads the global document count and average lengths plus each matched
   * document's own lengths, so the scores equal those of the full index. Given `fields`, only
   * those fields' postings are kept: a title search need not hold every paper whose abstract
   * says "model", and BM25 counts a term's papers per field, so its scores do not change.
   */
  partialIndex(terms: Iterable<string>, fields?: Field[]): MiniSearch {
    const index: [string, Record<string, Record<string, number>>][] = [];
    const docs = new Set<string>();
    const keep = fields && new Set(fields.map((f) => String(this.meta.fieldIds[f])));
    for (const t of new Set(terms)) {
      let p = this.postings(t);
      if (p && keep) p = Object.fromEntries(Object.entries(p).filter(([f]) => keep.has(f)));
      if (!p || !Object.keys(p).length) continue;
      index.push([t, p]);
      for (const freqs of Object.values(p)) for (const d of Object.keys(freqs)) docs.add(d);
    }
    const documentIds: Record<string, number> = {};
    const fieldLength: Record<string, number[]> = {};
    const n = this.fieldCount;
    for (const d of docs) {
      const sid = Number(d);
      if (!(sid >= 0 && sid < this.size)) throw new BadStoreError('cache postings name a paper it does not hold');
      documentIds[d] = sid;
      fieldLength[d] = Array.from(this.lengths.subarray(sid * n, sid * n + n));
    }
    return MiniSearch.loadJS({ ...this.meta, documentIds, fieldLength, storedFields: {}, index } as never, miniSearchOptions() as never);
  }

  protected year(sid: number): number | null {
    const y = (this._years ??= this.store.typed('years', Int32Array, 4))[sid];
    return y === undefined || y === NO_YEAR ? null : y;
  }


  protected titleLength(sid: number): number {
    return this.fieldLength(sid, 'title');
  }

  protected df(term: string): number {
    const i = lowerBound(this.vocab.terms, term);
    return this.vocab.terms.at(i) === term ? (this.vocab.df[i] ?? 0) : 0;
  }

  protected withPrefix(term: string): string[] {
    const terms = this.vocab.terms;
    const out: string[] = [];
    for (let i = lowerBound(terms, term); i < terms.length && terms.at(i)!.startsWith(term); i++) out.push(terms.at(i)!);
    return out;
  }

  protected near(term: string, max: number, sameFirst = false): Near[] {
    const terms = this.vocab.terms;
    // The words that share the first letter are one range of the sorted vocabulary.
    const from = sameFirst ? lowerBound(terms, term[0]!) : 0;
    const to = sameFirst ? lowerBound(terms, String.fromCharCode(term.charCodeAt(0) + 1)) : terms.length;
    return terms.near(term, max, from, to).flatMap((i) => {
      const t = terms.at(i)!;
      return boundedLevenshtein(term, t, max) <= max ? [{ term: t, df: this.vocab.df[i] ?? 0 }] : [];
    });
  }

  protected surfaceOf(term: string): string | undefined {
    return this.surface[term];
  }

  private get surface(): Surface {
    return (this._surface ??= this.store.json<Surface>('surface'));
  }

  protected commonestStarting(typed: string): string | null {
    let best: { w: string; df: number } | null = null;
    const surface = this.surface;
    // `for … in`, not Object.entries: tens of thousands of pairs made for one look is garbage.
    for (const stem in surface) {
      const w = surface[stem]!;
      if (!w.startsWith(typed)) continue;
      const df = this.df(stem);
      // Among equals the first in the alphabet, a rule an updated SQLite store can keep too.
      if (!best || df > best.df || (df === best.df && w < best.w)) best = { w, df };
    }
    return best?.w ?? null;
  }

  protected papersWith(term: string, limit: number): number[] {
    const docs = new Set<number>();
    for (const freqs of Object.values(this.postings(term) ?? {})) for (const d of Object.keys(freqs)) docs.add(Number(d));
    return [...docs].slice(0, limit);
  }

  protected matcher(terms: string[], fields?: Field[]): Matcher {
    const ms = this.partialIndex(terms, fields);
    return {
      match: (text, o) => {
        const results = ms.search(text, {
          ...(o.fields ? { fields: o.fields } : {}),
          ...(o.boost ? { boost: BOOST } : {}),
          prefix: o.prefix ? prefixOption : false,
          fuzzy: o.fuzzy ? fuzzyOption : false,
          combineWith: o.any ? 'OR' : 'AND',
          ...(o.analysed ? { tokenize: (t: string) => t.split(' '), processTerm: (t: string) => t } : {}),
        });
        return {
          sids: results.map((r) => r.id as number),
          scores: results.map((r) => r.score),
          inTitle: results.map((r) => (Object.values(r.match).some((f) => f.includes('title')) ? 1 : 0)),
          terms: results.map((r) => r.queryTerms.length),
        };
      },
    };
  }
}

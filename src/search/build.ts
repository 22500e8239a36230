// Building the on-disk store from a library: index every paper with MiniSearch, then split its
// serialized form into the sections store.ts reads piecemeal.
import MiniSearch from 'minisearch';
import type { Library } from '../library.js';
import type { Paper } from '../model.js';
import { FIELDS, processTerm, tokenize } from './analyze.js';
import { encodeStore, type Docs, type LibraryInfo, type Skeleton, type Vocab } from './store.js';

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

/** Indexes the library and encodes the whole store. */
export function buildStore(lib: Library, info: Omit<LibraryInfo, 'files' | 'warnings' | 'entries' | 'reasons'>): Buffer {
  const ms = new MiniSearch<{ sid: number; paper: Paper }>(miniSearchOptions());
  ms.addAll(lib.papers.map((paper, sid) => ({ sid, paper })));
  const js = ms.toJSON() as unknown as Skeleton & { index: [string, Record<string, Record<string, number>>][] };

  // Year per document, for year: filters without reading papers.
  const storedFields: Skeleton['storedFields'] = {};
  for (const [short, sid] of Object.entries(js.documentIds)) storedFields[short] = { y: lib.papers[sid]?.year ?? null };
  const skeleton: Skeleton = {
    documentCount: js.documentCount,
    nextId: js.nextId,
    documentIds: js.documentIds,
    fieldIds: js.fieldIds,
    fieldLength: js.fieldLength,
    averageFieldLength: js.averageFieldLength,
    storedFields,
    dirtCount: js.dirtCount,
    serializationVersion: js.serializationVersion,
  };

  const entries = [...js.index].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const vocab: Vocab = { terms: [], starts: [], df: [], surface: {} };
  const chunks: Buffer[] = [];
  let at = 0;
  for (const [term, data] of entries) {
    const b = Buffer.from(JSON.stringify(data));
    vocab.terms.push(term);
    vocab.starts.push(at);
    const docs = new Set<string>();
    for (const f of Object.values(data)) for (const d of Object.keys(f)) docs.add(d);
    vocab.df.push(docs.size);
    chunks.push(b);
    at += b.length;
  }
  vocab.surface = surfaceForms(lib.papers);

  const lines: Buffer[] = [];
  const docs: Docs = { starts: [], lookup: {} };
  let off = 0;
  lib.papers.forEach((p, sid) => {
    const b = Buffer.from(`${JSON.stringify(p)}\n`);
    docs.starts.push(off);
    off += b.length;
    lines.push(b);
    docs.lookup[p.id] = sid;
    docs.lookup[p.key] = sid;
  });

  return encodeStore({
    info: {
      ...info,
      files: lib.files,
      warnings: lib.warnings,
      entries: lib.entries.length,
      reasons: [...lib.reasons.entries()],
    },
    skeleton,
    vocab,
    postings: Buffer.concat(chunks),
    docs,
    papers: Buffer.concat(lines),
  });
}

/** For each stemmed term, the commonest title or abstract word that produced it, where they differ. */
function surfaceForms(papers: Paper[]): Record<string, string> {
  const counts = new Map<string, Map<string, number>>();
  for (const p of papers) {
    for (const word of tokenize(`${p.title ?? ''} ${p.abstract ?? ''}`)) {
      const lower = word.toLowerCase();
      const term = processTerm(word);
      if (!term || term === lower) continue;
      let m = counts.get(term);
      if (!m) counts.set(term, (m = new Map()));
      m.set(lower, (m.get(lower) ?? 0) + 1);
    }
  }
  const out: Record<string, string> = {};
  for (const [term, m] of counts) {
    let best = '';
    let n = 0;
    for (const [w, c] of m) if (c > n || (c === n && w < best)) [best, n] = [w, c];
    out[term] = best;
  }
  return out;
}

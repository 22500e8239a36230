// Building the on-disk store from a library: index every paper, then write the sections store.ts
// reads piecemeal.
import { librarySummary, type Library } from '../library.js';
import type { Progress } from '../model.js';
import { hash32 } from '../hash.js';
import { buildIndex } from './indexer.js';
import { byCodeUnit, encodeStore, NO_YEAR, type LibraryInfo } from './store.js';

/** Indexes the library and encodes the whole store. */
export function buildStore(lib: Library, info: Pick<LibraryInfo, 'litVersion' | 'key'>, onProgress?: Progress): Buffer {
  const index = buildIndex(lib.papers, onProgress);
  onProgress?.('writing the index');
  const postings: Buffer[] = [];
  const starts: number[] = [];
  const postingSums = new Uint32Array(index.postings.length);
  let at = 0;
  index.postings.forEach((p, i) => {
    const b = Buffer.from(p);
    starts.push(at);
    postings.push(b);
    postingSums[i] = hash32(b);
    at += b.length;
  });

  const lines: Buffer[] = [];
  const paperStarts = new Float64Array(lib.papers.length);
  const paperSums = new Uint32Array(lib.papers.length);
  const names: [string, number][] = [];
  let off = 0;
  lib.papers.forEach((p, sid) => {
    const b = Buffer.from(`${JSON.stringify(p)}\n`);
    paperStarts[sid] = off;
    // The line with its newline, as the searcher slices it.
    paperSums[sid] = hash32(b);
    off += b.length;
    lines.push(b);
    names.push([p.id, sid], [p.key, sid], ...p.aliases.map((a): [string, number] => [a, sid]));
  });
  names.sort((a, b) => byCodeUnit(a[0], b[0]));

  return encodeStore({
    info: librarySummary(lib, info.litVersion, info.key),
    meta: index.meta,
    lengths: index.lengths,
    years: Int32Array.from(lib.papers, (p) => p.year ?? NO_YEAR),
    vocab: { terms: index.terms, starts, df: index.df },
    surface: index.surface,
    postings: Buffer.concat(postings),
    postingSums,
    lookup: { names: names.map((x) => x[0]), sids: names.map((x) => x[1]) },
    starts: paperStarts,
    papers: Buffer.concat(lines),
    paperSums,
  });
}

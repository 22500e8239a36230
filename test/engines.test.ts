// The two engines answer alike: the same first hit and at least 9 of the same top 10 for a
// fixed table of queries, on the seeds and on a generated 10,000-paper library. Both rank with
// the same BM25 (src/search/ranker.ts), so in fact their hits are the same; a divergence names
// the query.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { inflateSync } from 'node:zlib';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module shared with the benchmarks.
import { writeProfile } from '../bench/generate.mjs';
import { engine as minisearch } from '../src/engines/minisearch.js';
import { engine as sqlite, HeldPapers, loadDriver, pickDriver } from '../src/engines/sqlite.js';
import { encodeBlock, NEAR, NEAR_SAME_FIRST, PAPER_BLOCK } from '../src/engines/sqlite-store.js';
import { textRows, WriterThread, writerTuning } from '../src/engines/sqlite-writer.js';
import { resolvePapers } from '../src/cli/commands/resolve.js';
import { assignKeys } from '../src/keys.js';
import { readLibrary } from '../src/library.js';
import type { LibraryStore } from '../src/library-store.js';
import type { Paper } from '../src/model.js';
import { searchText } from '../src/search/boolean.js';
import type { Matcher } from '../src/search/ranker.js';
import { findSources } from '../src/sources/read.js';
import { titleKey } from '../src/text.js';
import { ROOT, tempDir } from './helpers.js';

const hasSqlite = loadDriver() !== null;
if (!hasSqlite) {
  if (process.env.CI) throw new Error('better-sqlite3 does not load: the engine tests cannot run');
  console.warn('\n  SKIPPED: engine agreement (better-sqlite3 is not installed)\n');
}

/** Both engines' stores for the same sources, built from one read of them. */
async function bothStores(sources: string[], edit?: (papers: Paper[]) => void): Promise<{ mini: LibraryStore; lite: LibraryStore }> {
  const found = await findSources(sources, ROOT);
  const lib = readLibrary(found.files);
  assignKeys(lib.papers, lib.fingerprints, [], undefined, lib.citeKeys);
  edit?.(lib.papers);
  const dir = tempDir('lit-engines-');
  const input = { lib, litVersion: 'test', key: 'test' };
  const mini = (await minisearch.build(input, path.join(dir, 'library-0.litc'))).store;
  const lite = (await sqlite.build(input, path.join(dir, 'library-0.sqlite-current'))).store;
  return { mini, lite };
}

// Words, phrases, fields, prefixes, joined and misspelt words, exclusions, years, filters,
// boolean queries: what the query language offers, each once at least.
const SEED_QUERIES = [
  'pruning', 'curse of depth', 'sparse training', 'large language models', 'quantization', 'mixture of experts', 'attention', 'llm', 'lottery ticket', 'low-rank',
  'galore', 'spam', 'adam', 'optimizer', 'grokking', 'reasoning', 'diffusion', 'vision transformer', 'graph neural networks', 'memory efficient',
  'layer norm', 'pre-ln', 'kv cache', 'distillation', 'robustness', 'dynamic sparsity', 'weight decay', '"large language"', '"sparse training"', 'author:liu',
  'author:liu sparse', 'author:"shiwei liu" pruning', 'category:cs.LG', 'year:2024 pruning', 'year:2020..2023 sparse', 'pruning -llm', 'sparse -"large language"', 'prun', 'sparsi', 'finetuning',
  'kmedoids', 'sparsty', 'pruning OR quantization', 'sparse (training | inference)', 'title:pruning', 'abstract:sparsity', 'type:article pruning', 'Enhancing Enhancing', 'o1', 'transformers scaling laws',
];
const GENERATED_QUERIES = [
  'pruning', 'model', 'training', 'sparse', 'layer', 'language models', 'attention heads', 'gradient', 'memory', 'quantization',
  'tokens', 'reasoning', 'efficient', 'performance', 'benchmark', 'author:nguyen', 'author:müller pruning', 'author:garcia sparse', '"language models"', '"large language"',
  'pruning -sparse', 'sparsity OR quantization', 'prun', 'effic', 'optimi', 'low-rank adaptation', 'mixture of experts', 'depth', 'curse of depth', 'weights activations',
  'vision', 'diffusion models', 'fine-tuning', 'finetuning', 'reinforcement learning', 'inference speed', 'accuracy', 'parameters', 'compression', 'sparsty',
  'lottery', 'dynamic', 'noise', 'loss landscape', 'title:pruning', 'abstract:grokking', 'author:kim -author:liu', 'training (dynamics | stability)', 'LLMs', 'zq',
];

/** How the two engines' answers to one query differ, or null when they agree as the issue asks. */
function divergence(mini: LibraryStore, lite: LibraryStore, q: string, fuzzy = false): string | null {
  const a = searchText(mini, q, { fuzzy }).hits;
  const b = searchText(lite, q, { fuzzy }).hits;
  if (!a.length && !b.length) return null;
  if (a[0]?.sid !== b[0]?.sid) return `first hit ${a[0]?.sid} vs ${b[0]?.sid}`;
  const top = new Set(a.slice(0, 10).map((h) => h.sid));
  const shared = b.slice(0, 10).filter((h) => top.has(h.sid)).length;
  return shared >= Math.min(9, top.size) ? null : `${shared} of the top ${top.size} shared`;
}

describe.skipIf(!hasSqlite)('the MiniSearch and SQLite engines', () => {
  let seeds: { mini: LibraryStore; lite: LibraryStore };
  let generated: { mini: LibraryStore; lite: LibraryStore };
  beforeAll(async () => {
    seeds = await bothStores([path.join(ROOT, 'seeds')]);
    const file = path.join(tempDir('lit-generated-'), 'profile-10000.txt');
    writeProfile(file, path.join(ROOT, 'seeds'), 10_000, { seed: 7 });
    generated = await bothStores([file]);
  }, 120_000);

  it('has a table of 100 queries', () => {
    expect(new Set(SEED_QUERIES).size + new Set(GENERATED_QUERIES).size).toBe(100);
  });
  it.each(SEED_QUERIES)('agree on the seeds for %s', (q) => {
    expect(divergence(seeds.mini, seeds.lite, q)).toBeNull();
  });
  it.each(GENERATED_QUERIES)('agree on 10,000 generated papers for %s', (q) => {
    expect(divergence(generated.mini, generated.lite, q)).toBeNull();
  });
  it.each(['sparsty', 'quantizaton', 'atention heads'])('agree with --fuzzy for %s', (q) => {
    expect(divergence(generated.mini, generated.lite, q, true)).toBeNull();
  });
  it('give the same scores, hit for hit, since both rank with the same BM25', () => {
    for (const q of ['pruning', 'curse of depth', 'author:liu sparse', 'prun -sparse']) {
      const a = searchText(generated.mini, q).hits;
      const b = searchText(generated.lite, q).hits;
      expect(b.map((h) => h.sid)).toEqual(a.map((h) => h.sid));
      b.forEach((h, i) => expect(h.score).toBeCloseTo(a[i]!.score, 9));
    }
  });
  it('score a plain word into the ranker\'s sums as match and addWord would, to the bit', () => {
    type Matching = { matcher(...a: unknown[]): Matcher };
    const lite = generated.lite as unknown as Matching;
    const sums = { score: new Float64Array(10_000), matched: new Uint16Array(10_000), titled: new Uint16Array(10_000), touched: new Int32Array(10_000), reached: 0 };
    expect(lite.matcher([]).addWord?.('pruning', { prefix: true, fuzzy: false, boost: true }, sums)).toBe(true);
    expect(sums.reached).toBeGreaterThan(100);
    // The same store with a Matcher that only matches: the ranker adds up match's rows itself.
    const unfused = Object.create(lite) as Matching;
    unfused.matcher = (...a) => ({ match: lite.matcher(...a).match });
    const queries = ['pruning', 'prun', 'curse of depth', 'sparse training pruning', 'fine-tuning model', 'author:liu sparse', 'pruning -sparse', 'sparsity OR quantization', 'model model'];
    for (const fuzzy of [false, true])
      for (const q of [...queries, 'sparsty', 'atention heads']) expect(searchText(generated.lite, q, { fuzzy }), q).toEqual(searchText(unfused as unknown as LibraryStore, q, { fuzzy }));
  });
  it('find the words near a fuzzy word from an index of term lengths, and a first letter\'s words from the table\'s order', () => {
    const db = (generated.lite as unknown as { db: { prepare(sql: string): { all(...a: unknown[]): { detail: string }[] } } }).db;
    const plan = (sql: string, ...a: unknown[]) => db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...a).map((r) => r.detail).join('; ');
    expect(plan(NEAR, 6, 8)).toMatch(/COVERING INDEX vocab_length/);
    expect(plan(NEAR_SAME_FIRST, 's', 't', 6, 8)).toMatch(/PRIMARY KEY/);
  });
  it('rank the best few with a limit exactly as the whole ranking begins, and count every match', () => {
    for (const store of [generated.mini, generated.lite, seeds.lite])
      for (const q of ['pruning', 'curse of depth', 'model', 'pruning OR quantization', 'author:liu', 'year:2024', 'key:nothing']) {
        const all = searchText(store, q);
        for (const limit of [1, 10, 250]) {
          const few = searchText(store, q, { limit });
          expect(few.total).toBe(all.hits.length);
          expect(few.hits).toEqual(all.hits.slice(0, limit));
        }
      }
  });
  it('agree on titles for show, similar papers, respellings and lookups', () => {
    for (const { mini, lite } of [seeds, generated]) {
      for (const t of ['curse of depth', 'sparse training', 'pruning large language models']) {
        const a = mini.titleMatches(t).slice(0, 5);
        const b = lite.titleMatches(t).slice(0, 5);
        // Sums taken in another order may differ in the last bit.
        expect(b.map((h) => [h.sid, h.matched])).toEqual(a.map((h) => [h.sid, h.matched]));
        b.forEach((h, i) => expect(h.score).toBeCloseTo(a[i]!.score, 9));
      }
      expect(lite.similar([0, 1]).slice(0, 10).map((h) => h.sid)).toEqual(mini.similar([0, 1]).slice(0, 10).map((h) => h.sid));
      const q = { words: ['sparsty', 'learni', 'trainng'], phrases: [], fields: [], exclude: [], excludeFields: [], names: [], filters: [], year: null };
      expect(lite.forgive(q as never)).toEqual(mini.forgive(q as never));
      expect(lite.suggest(q as never)).toEqual(mini.suggest(q as never));
      const p = mini.paper(3);
      expect(lite.lookup(p.key)).toBe(3);
      expect(lite.idsWithPrefix(p.id.slice(0, 6))).toEqual(mini.idsWithPrefix(p.id.slice(0, 6)));
      expect(lite.allPapers()).toEqual(mini.allPapers());
    }
  });
  it('give a name two papers hold to the first of them, as MiniSearch does', async () => {
    // The key pass leaves no name to two papers, but a store must not depend on it: here
    // `shared` is an alias of the first and third papers, `omega` of the second and third, and
    // `zeta`, the first paper's key, an alias of the second. A build writes the names table in
    // the names' order, not the papers', and must still give each name to its first holder.
    const file = path.join(tempDir('lit-names-'), 'names.bib');
    writeFileSync(
      file,
      [
        '@article{zeta, title = {Tensor networks for circuits}, author = {Doe, Jane}, year = 2024}',
        '@article{beta, title = {Pruning large models}, author = {Roe, Ann}, year = 2023}',
        '@article{alpha, title = {Sparse training at scale}, author = {Poe, Al}, year = 2022}',
      ].join('\n'),
    );
    const aliases = [['shared'], ['zeta', 'omega'], ['shared', 'omega']];
    const { mini, lite } = await bothStores([file], (papers) => papers.forEach((p, i) => (p.aliases = aliases[i]!)));
    const keyOf = (store: LibraryStore, name: string) => store.paper(store.lookup(name)!).key;
    for (const [name, key] of [['shared', 'zeta'], ['zeta', 'zeta'], ['omega', 'beta'], ['alpha', 'alpha']] as const) {
      expect([name, keyOf(mini, name)]).toEqual([name, key]);
      expect([name, keyOf(lite, name)]).toEqual([name, key]);
    }
  });
  it('name a paper by its whole title in one look-up, as ranking every title would', () => {
    for (const { mini, lite } of [seeds, generated]) {
      const papers = mini.allPapers();
      const byTitle = new Map<string, number[]>();
      papers.forEach((p, sid) => {
        const k = titleKey(p.title ?? '');
        if (k) byTitle.set(k, [...(byTitle.get(k) ?? []), sid]);
      });
      // Every title of the seeds, and of the generated library a spread of 500 (SQLite's own table; MiniSearch keeps none).
      const step = Math.max(1, Math.floor(papers.length / 500));
      for (let sid = 0; sid < papers.length; sid += step) {
        const title = papers[sid]!.title;
        if (!title) continue;
        expect(lite.wholeTitle(title)).toEqual(byTitle.get(titleKey(title)));
        expect(lite.wholeTitle(title.toUpperCase().replace(/ /g, '  '))).toEqual(byTitle.get(titleKey(title)));
        expect(mini.wholeTitle(title)).toBeNull();
        const named = (store: LibraryStore) => {
          try {
            return resolvePapers(store, [title]);
          } catch (e) {
            return (e as Error).message;
          }
        };
        expect(named(lite)).toEqual(named(mini));
      }
      expect(lite.wholeTitle('no paper has this title at all')).toEqual([]);
      expect(lite.wholeTitle('?!')).toEqual([]);
      expect(lite.info).toEqual(mini.info);
    }
  });
});

/** Every row of every table of the database a store's pointer names, in one comparable text per table. */
async function tables(pointer: string): Promise<Record<string, string>> {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(path.join(path.dirname(pointer), readFileSync(pointer, 'utf8').trim()), { readonly: true });
  try {
    const out: Record<string, string> = {};
    for (const t of db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[]) {
      const rows = db.prepare(`SELECT * FROM "${t}"`).raw().all() as unknown[][];
      out[t] = rows.map((r) => r.map((v) => (Buffer.isBuffer(v) ? v.toString('hex') : JSON.stringify(v))).join('\t')).sort().join('\n');
    }
    return out;
  } finally {
    db.close();
  }
}

describe.skipIf(!hasSqlite)('the writer thread of a large build', () => {
  it('lets papers go once their blocks are made, and has them all back for a build that starts again', async () => {
    const found = await findSources([path.join(ROOT, 'seeds')], ROOT);
    const lib = readLibrary(found.files);
    assignKeys(lib.papers, lib.fingerprints, [], undefined, lib.citeKeys);
    const before = JSON.parse(JSON.stringify(lib.papers)) as Paper[];
    const held = new HeldPapers(lib.papers);
    const to = 3 * PAPER_BLOCK;
    const blocks: [number, Buffer][] = [];
    for (let b = 0; b < to; b += PAPER_BLOCK) blocks.push([b / PAPER_BLOCK, encodeBlock(lib.papers.slice(b, b + PAPER_BLOCK).map((p) => JSON.stringify(p)), held.dictionary)]);
    held.release(0, to, blocks);
    expect(lib.papers.slice(0, to).every((p) => p.id === undefined)).toBe(true);
    expect(lib.papers[to]).toEqual(before[to]);
    expect(held.ids).toEqual(before.map((p) => p.id));
    held.restore();
    expect(lib.papers).toEqual(before);
  });

  it('stores, row for row, what a build on one thread stores', async () => {
    const found = await findSources([path.join(ROOT, 'seeds')], ROOT);
    const built: Record<string, string>[] = [];
    const before = writerTuning.threadFrom;
    try {
      // Bytes of sources from which a build writes through the thread: never, then always.
      for (const from of [Infinity, 0]) {
        writerTuning.threadFrom = from;
        const lib = readLibrary(found.files);
        assignKeys(lib.papers, lib.fingerprints, [], undefined, lib.citeKeys);
        const pointer = path.join(tempDir('lit-writer-'), 'library-0.sqlite-current');
        await sqlite.build({ lib, litVersion: 'test', key: 'test' }, pointer);
        built.push(await tables(pointer));
      }
    } finally {
      writerTuning.threadFrom = before;
    }
    expect(Object.keys(built[0]!)).toContain('fts_data');
    expect(built[0]!.papers!.length).toBeGreaterThan(1000);
    expect(built[1]).toEqual(built[0]);
  });

  it('fails the job that fails and every later one, deflates what it is told to, and ends when aborted', async () => {
    const file = path.join(tempDir('lit-writer-'), 'w.sqlite');
    const w = new WriterThread(createRequire(import.meta.url).resolve('better-sqlite3'), file, ['journal_mode = OFF']);
    w.send({ op: 'exec', sql: 'CREATE TABLE t(a INTEGER, b)' });
    w.send({ op: 'text-rows', sql: 'INSERT INTO t VALUES (?, ?)', width: 2, text: '1\x1fone\x1f2\x1ftwo\x1f' });
    w.send({ op: 'rows', sql: 'INSERT INTO t VALUES (?, ?)', width: 2, values: [3, 'three', 4, 'four'], deflate: 1 });
    w.drain();
    // The failure shows at the send that finds it, or at the next wait for the writer.
    expect(() => {
      w.send({ op: 'exec', sql: 'INSERT INTO nowhere VALUES (1)' });
      w.drain();
    }).toThrow(/no such table: nowhere/);
    expect(() => w.send({ op: 'rows', sql: 'INSERT INTO t VALUES (?, ?)', width: 2, values: [5, 'five'] })).toThrow(/no such table: nowhere/);
    w.abort();
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(file, { readonly: true });
    const rows = db.prepare('SELECT a, b FROM t ORDER BY a').raw().all() as [number, string | Buffer][];
    expect(rows.map(([a, b]) => [a, Buffer.isBuffer(b) ? inflateSync(b).toString() : b])).toEqual([[1, 'one'], [2, 'two'], [3, 'three'], [4, 'four']]);
    expect(Buffer.isBuffer(rows[2]![1])).toBe(true);
    db.close();
  });

  it.each([
    ['', 2, []],
    ['7\x1fa b\x1f', 2, [7, 'a b']],
    ['1\x1f\x1fx\x1f2\x1fy\x1f\x1f', 3, [1, '', 'x', 2, 'y', '']],
  ])('reads the rows of the text %j, %i fields a row', (text, width, values) => {
    expect(textRows(text, width)).toEqual(values);
  });
});

describe('the SQLite driver a run loads', () => {
  const Bundled = function Bundled() {} as unknown as NonNullable<Parameters<typeof pickDriver>[0]>['Database'];
  const bundled = { Database: Bundled, version: '12.11.1' };
  it.each([
    ['bundled, its addon found, the same version installed', bundled, '/x/better_sqlite3.node', '12.11.1', Bundled],
    ['none bundled (a build without better-sqlite3, or the sources)', null, '/x/better_sqlite3.node', '12.11.1', null],
    ['bundled, but the addon not where lit names it', bundled, undefined, '12.11.1', null],
    ['bundled from another version than the one installed', bundled, '/x/better_sqlite3.node', '12.12.0', null],
    ['bundled, and the installed version unreadable', bundled, '/x/better_sqlite3.node', undefined, null],
  ])('is the bundled one only where it drives the installed addon: %s', (_, b, addon, installed, want) => {
    expect(pickDriver(b, addon, () => installed)).toBe(want);
  });
  it.skipIf(!hasSqlite)("is bundled into lit.cjs from the installed better-sqlite3, its version with it", () => {
    const installed = (JSON.parse(readFileSync(createRequire(import.meta.url).resolve('better-sqlite3/package.json'), 'utf8')) as { version: string }).version;
    const bundle = readFileSync(path.join(ROOT, 'dist', 'lit.cjs'), 'utf8');
    // A message of better-sqlite3's lib/database.js, and the version the build read.
    expect(bundle).toContain('Misspelled option "readOnly" should be "readonly"');
    expect(bundle).toContain(`version: ${JSON.stringify(installed)} }`);
  });
});

it('the generator the engine tests and the benchmarks share writes the same file twice', () => {
  const dir = tempDir();
  const a = writeProfile(path.join(dir, 'a.txt'), path.join(ROOT, 'seeds'), 50, { seed: 3 });
  const b = writeProfile(path.join(dir, 'b.txt'), path.join(ROOT, 'seeds'), 50, { seed: 3 });
  expect(readFileSync(a, 'utf8')).toBe(readFileSync(b, 'utf8'));
  expect(readFileSync(a, 'utf8').split('\n')).toHaveLength(152);
  expect(readdirSync(dir).sort()).toEqual(['a.txt', 'b.txt']);
});

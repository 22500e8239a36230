// The SQLite engine: FTS5 through better-sqlite3, an optional dependency. For large libraries:
// a query reads the pages it needs, where the MiniSearch engine reads each word's whole postings.
//
// On disk, a source set has a pointer file naming its current database. A build writes a new
// database under a name of its own and then replaces the pointer atomically, so a reader sees
// the old database or the new one, two concurrent builds leave one good store (the last
// pointer written), and no database is ever renamed while open (SQLite's WAL files follow a
// database's name, and a renamed one can meet another's).
import type BetterSqlite3 from 'better-sqlite3';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { deflate as deflateZlib, deflateSync, inflate as inflateZlib, inflateSync } from 'node:zlib';
import { makeFolder, writeFileAtomic } from '../atomic.js';
import { EXIT, LitError } from '../errors.js';
import type { BegunBuild, Engine } from '../library-store.js';
import type { Paper, Progress, RawEntry, Warning } from '../model.js';
import { FIELDS, processTerm, tokenize } from '../search/analyze.js';
import { commonest, fieldText, SURFACE_FIELDS } from '../search/indexer.js';
import { BadStoreError, NO_YEAR, type LibraryInfo, type Surface } from '../search/store.js';
import { hash32 } from '../hash.js';
// Loaded by builds and updates only: library.ts brings every source layout (4 ms at each start).
import type { Library, ParsedFile } from '../library.js';
import type { EntryKeys } from '../merge.js';
// The writer (and node:worker_threads) loads only for a build: every search opens this module.
import type { RowWriter } from './sqlite-writer.js';
import { bundledDriver } from './bundled-driver.js';
import { blockDeflate, decodeBlock, encodeBlock, guard, LATE_INDEXES, PAPER_BLOCK, paperDictionary, parsePaper, SCHEMA, SQLITE_FORMAT, SqliteStore, titleHash } from './sqlite-store.js';

type Driver = typeof BetterSqlite3;

const deflate = promisify(deflateZlib);
const inflate = promisify(inflateZlib);

let driver: Driver | null | undefined;
let addon: string | undefined;
// Where the driver was loaded from, for the writer thread to load the same one.
let driverPath: string | undefined;

/** better-sqlite3, or null where it is not installed (or could not be built). */
export function loadDriver(): Driver | null {
  if (driver === undefined) {
    try {
      const require = createRequire(import.meta.url);
      driverPath = require.resolve('better-sqlite3');
      // Named directly, the addon skips the `bindings` package's search of a dozen paths (1 ms a start).
      try {
        addon = require.resolve('better-sqlite3/build/Release/better_sqlite3.node');
      } catch {
        addon = undefined;
      }
      const installed = () => (JSON.parse(readFileSync(require.resolve('better-sqlite3/package.json'), 'utf8')) as { version?: unknown }).version;
      driver = pickDriver(bundledDriver, addon, installed) ?? (require('better-sqlite3') as Driver);
    } catch {
      driver = null;
    }
  }
  return driver;
}

/**
 * The bundled driver where it can drive the installed addon: one was bundled, the addon is
 * found, and the installed better-sqlite3 is the version it was bundled from (its JavaScript
 * and its addon change together); otherwise null, and the installed package is loaded.
 */
export function pickDriver(bundled: { Database: Driver; version: string } | null, addonPath: string | undefined, installedVersion: () => unknown): Driver | null {
  return bundled && addonPath && installedVersion() === bundled.version ? bundled.Database : null;
}

/** SQLite's word for a disk with no room left (SQLITE_FULL and its extended codes). */
function diskFull(e: unknown): boolean {
  return /^SQLITE_FULL/.test(String((e as { code?: unknown })?.code ?? ''));
}

/** A store's key differs from the sources': the sources changed since it was built. */
export class StaleStoreError extends BadStoreError {
  override readonly stale = true;
}

// Papers whose blocks a build holds before it stores them (a multiple of PAPER_BLOCK).
const BATCH = 20_000;
// Deflate streams at once while building, and papers indexed between looks at them (see fill).
const DEFLATE_STREAMS = 32;
const INDEX_SLICE = 250;

// A database the pointer does not name, and older than this, is a build that lost a race or
// was killed: removed by the next build. Younger ones may be another build still writing.
const ORPHAN_MS = 10 * 60_000;

const DB_NAME = /^library-[0-9a-f]+-[0-9a-z]+\.sqlite$/;

// Source sets whose stores are kept, newest first.
const KEEP_SETS = 8;

// Entries per row of the sources table.
// (5,000, not 20,000: more parts deflate on more threads at once, and level 1 looks back only 32 KB.)
const SOURCE_PART = 5_000;

// How long an update waits for another process's update of the same store to finish.
const WRITER_WAIT_MS = 5 * 60_000;

/** Opens a database file of this engine. */
function openDb(file: string, opts: BetterSqlite3.Options = {}): BetterSqlite3.Database {
  const Database = loadDriver();
  if (!Database) throw new BadStoreError('better-sqlite3 is not installed');
  const db = guard(() => new Database(file, addon ? { nativeBinding: addon, ...opts } : opts));
  // Another process may be updating the store: wait for it rather than fail.
  db.pragma('busy_timeout = 10000');
  return db;
}

export const engine: Engine = {
  name: 'sqlite',
  formatVersion: `sqlite ${SQLITE_FORMAT}`,
  locate: (cacheDir, setId) => path.join(cacheDir, `library-${setId.slice(0, 20)}.sqlite-current`),
  open(pointer, key) {
    const name = readFileSync(pointer, 'utf8').trim();
    if (!DB_NAME.test(name)) throw new BadStoreError('the index pointer names no database');
    const db = openDb(path.join(path.dirname(pointer), name), { fileMustExist: true });
    try {
      const store = new SqliteStore(db);
      if (Number(store.metaValue('format')) !== SQLITE_FORMAT) throw new BadStoreError('the index database is of another version');
      if (store.metaValue('key') !== key) throw new StaleStoreError('the sources changed');
      return store;
    } catch (e) {
      db.close();
      throw e;
    }
  },
  prior(pointer) {
    let db: BetterSqlite3.Database | undefined;
    let file: string;
    try {
      const name = readFileSync(pointer, 'utf8').trim();
      if (!DB_NAME.test(name)) return null;
      file = path.join(path.dirname(pointer), name);
      db = openDb(file, { fileMustExist: true });
      if (Number(new SqliteStore(db).metaValue('format')) !== SQLITE_FORMAT) throw new BadStoreError('another version');
    } catch {
      db?.close();
      return null;
    }
    const it = db;
    // What prefetch() read, null included (a file not stored): reuse() reads nothing twice.
    const ahead = new Map<string, ParsedFile | null>();
    const named = (f: { display: string; hash: string }) => `${f.display}\0${f.hash}`;
    return {
      reuse: (f) => (ahead.has(named(f)) ? ahead.get(named(f))! : guard(() => storedSource(it, f.display, f.hash))),
      async prefetch(files) {
        for (const f of files) ahead.set(named(f), await prefetchSource(it, f.display, f.hash));
      },
      async update({ lib, litVersion, key, onProgress }) {
        const { librarySummary } = await import('../library.js');
        const info = librarySummary(lib, litVersion, key);
        // One writer at a time; readers go on reading the last commit (WAL). A second lit that
        // found the store stale waits here, then finds the first one's update and keeps it.
        it.pragma(`busy_timeout = ${WRITER_WAIT_MS}`);
        let rewritten = 0;
        guard(() => {
          try {
            it.exec('BEGIN IMMEDIATE');
          } catch (e) {
            if ((e as { code?: string }).code === 'SQLITE_BUSY') throw new LitError('cache-busy', `${file}: another lit has been updating the index for ${WRITER_WAIT_MS / 60_000} minutes; try again when it is done`, EXIT.io);
            throw e;
          }
          try {
            // A second lit that waited finds the store already updated: it rewrote nothing.
            if (it.prepare("SELECT value FROM meta WHERE name = 'key'").pluck().get() !== key) rewritten = update(it, lib, info, onProgress);
            it.exec('COMMIT');
          } catch (e) {
            it.exec('ROLLBACK');
            // The store is as it was; a full disk is no damage, but this store cannot take the update.
            if (diskFull(e)) throw new BadStoreError('the disk is full');
            throw e;
          }
        });
        it.close();
        return { store: new SqliteStore(openDb(file, { fileMustExist: true })), warnings: [], rewritten };
      },
      close: () => it.close(),
    };
  },
  begin: (pointer, sourceBytes) => beginBuild(pointer, sourceBytes),
  async build(input, pointer) {
    const begun = await beginBuild(pointer, input.sourceBytes ?? 0);
    for (const f of input.lib.parsed) begun.store({ display: f.report.file, hash: input.lib.hashes.get(f.report.file) ?? '' }, f);
    return begun.finish(input);
  },
};

/**
 * A build from its start: a new database, and what each file gave stored in it as the file is
 * read (by the writer thread, for a large library). Once the library is read and merged, the
 * entries are let go, for the papers are all the rest of a build needs: at a million papers,
 * with the entries held until after the merge, storing them took 113 s with the heap at its
 * limit.
 */
async function beginBuild(pointer: string, sourceBytes: number): Promise<BegunBuild> {
  const warnings: Warning[] = [];
  const dir = path.dirname(pointer);
  const base = path.basename(pointer, '.sqlite-current');
  const name = `${base}-${Date.now().toString(36)}${process.pid.toString(36)}${Math.random().toString(36).slice(2, 6)}.sqlite`;
  const file = path.join(dir, name);
  let db: BetterSqlite3.Database;
  try {
    await makeFolder(dir);
    db = openDb(file);
  } catch (err) {
    warnings.push({ code: 'cache-unwritable', file: dir, message: `cannot write the cache (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); answering from memory` });
    db = openDb(':memory:');
  }
  const { writerFor } = await import('./sqlite-writer.js');
  const newWriter = (bytes: number) => writerFor(db, bytes, { path: driverPath, addon }, SOURCE_DEFLATE);
  let write: RowWriter | null = null;
  /** Gives up the database file after a failure; a full disk is no failure but a store in memory. */
  const fallBack = (e: unknown) => {
    // A writer thread ends first: it writes the file removed below, and a live one keeps lit running.
    write?.abort();
    const memory = db.memory;
    db.close();
    rmSync(file, { force: true });
    // A full disk is a cache that cannot be written, as an unwritable folder is: this run
    // answers from memory (found building a million papers on a disk that filled up).
    if (memory || !diskFull(e)) throw e;
    warnings.push({ code: 'cache-unwritable', file: dir, message: 'cannot write the cache (the disk is full); answering from memory' });
    db = openDb(':memory:');
    db.exec(SCHEMA);
    write = newWriter(0);
  };
  // A store in memory is never updated, so it keeps nothing of the files.
  let storing = !db.memory;
  try {
    db.pragma('journal_mode = OFF');
    db.exec(SCHEMA);
    write = newWriter(sourceBytes);
    if (storing) write.send({ op: 'exec', sql: 'BEGIN' });
  } catch (e) {
    fallBack(e);
  }
  const stored = new Set<string>();
  const endSources = () => {
    if (!storing || db.memory) return;
    storing = false;
    try {
      write!.send({ op: 'exec', sql: 'COMMIT' });
    } catch (e) {
      fallBack(e);
    }
  };
  // What finishing needs of the entries, once they are let go: how many each file gave.
  let counts: number[] | null = null;
  let open = true;
  return {
    store(f, parsed) {
      if (!storing || db.memory || stored.has(`${f.display}\0${f.hash}`)) return;
      stored.add(`${f.display}\0${f.hash}`);
      try {
        for (const r of fileRows(f.display, f.hash, parsed, parsed.keys ?? { titleKeys: [], ids: [] }, 0)) write!.send({ op: 'rows', sql: INSERT_SOURCE, width: 4, values: [r.name, r.hash, r.part, r.text], deflate: 3 });
      } catch (e) {
        fallBack(e);
      }
    },
    read(lib) {
      endSources();
      counts = lib.parsed.map((f) => f.entries.length);
      for (const f of lib.parsed) {
        f.entries = [];
        delete f.keys;
      }
      lib.entries.length = 0;
      lib.keys = { titleKeys: [], ids: [] };
    },
    async finish({ lib, litVersion, key, onProgress }) {
      endSources();
      open = false;
      const { librarySummary } = await import('../library.js');
      const sizes = counts ?? lib.parsed.map((f) => f.entries.length);
      const info = librarySummary(lib, litVersion, key, sizes.reduce((a, b) => a + b, 0));
      const signed = signatures(lib, sizes);
      const held = new HeldPapers(lib.papers);
      try {
        await fill(db, write!, held, info, signed, onProgress);
      } catch (e) {
        fallBack(e);
        held.restore();
        await fill(db, write!, held, info, signed, onProgress);
      }
      if (db.memory) return { store: new SqliteStore(db), warnings };
      db.close();
      try {
        await writeFileAtomic(pointer, `${name}\n`, { durable: true });
      } catch (err) {
        warnings.push({ code: 'cache-unwritable', file: pointer, message: `cannot write the cache (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); answering from this run's index` });
      }
      removeOrphans(dir, base, name);
      return { store: new SqliteStore(openDb(file, { fileMustExist: true })), warnings };
    },
    abandon() {
      if (!open) return;
      open = false;
      write?.abort();
      db.close();
      if (!db.memory) rmSync(file, { force: true });
    },
  };
}

/**
 * Each paper's signature: a hash of what made it (its id, key and aliases, and for each of its
 * entries the name and content hash of the file it came from and its place there). The merge and the
 * key register make the same paper from the same inputs, so an update rewrites only papers
 * whose signature moved. Hashing every paper's JSON instead took 2 s of an update at 100,000.
 */
export function signatures(lib: Library, counts = lib.parsed.map((f) => f.entries.length)): Uint32Array {
  const total = counts.reduce((a, b) => a + b, 0);
  const fileOf = new Int32Array(total);
  const place = new Int32Array(total);
  const fileHashes: string[] = [];
  let at = 0;
  lib.parsed.forEach((f, i) => {
    // The name too: a file renamed gives the same entries, but its papers name it anew.
    fileHashes.push(`${f.report.file}\0${lib.hashes.get(f.report.file) ?? ''}`);
    for (let n = 0; n < counts[i]!; n++, at++) {
      fileOf[at] = fileHashes.length - 1;
      place[at] = n;
    }
  });
  const out = new Uint32Array(lib.papers.length);
  lib.papers.forEach((p, i) => {
    let text = `${p.id}\0${p.key}\0${p.aliases.join(' ')}`;
    for (let m = lib.memberStart[i]!; m < lib.memberStart[i + 1]!; m++) {
      const e = lib.members[m]!;
      if (e >= at) throw new Error(`paper ${i} was made from entry ${e}, of ${at}`);
      text += `\0${fileHashes[fileOf[e]!]}:${place[e]}`;
    }
    out[i] = hash32(Buffer.from(text));
  });
  return out;
}

const INSERT_FTS = `INSERT INTO fts(rowid, ${FIELDS.join(', ')}) VALUES (?${', ?'.repeat(FIELDS.length)})`;
const INSERT_BLOCK = 'INSERT INTO papers(block, data) VALUES (?, ?)';

/**
 * A build's papers, let go a batch at a time once their blocks are made: at a million papers
 * the heap was 3.4 GB when indexing began, nearly all of it papers, and stayed there to the
 * end; with them let go, it is 1.1 GB by the 800,000th paper. Their deflated blocks are kept
 * until the store is written, so that a build that must start again in memory (a full disk)
 * has them all.
 */
export class HeldPapers {
  readonly ids: string[];
  readonly dictionary: Buffer;
  private blocks: [number, Buffer][] = [];
  constructor(readonly papers: Paper[]) {
    this.ids = papers.map((p) => p.id);
    this.dictionary = paperDictionary(papers);
  }
  /** Lets go of the papers from `from` to `to`, whose blocks these are. */
  release(from: number, to: number, blocks: [number, Buffer][]): void {
    for (const b of blocks) this.blocks.push(b);
    // One shared empty object rather than undefined: the array keeps holding objects only.
    this.papers.fill(RELEASED, from, to);
  }
  /** Every paper again, from the blocks of those let go. */
  restore(): void {
    for (const [b, data] of this.blocks) decodeBlock(data, this.dictionary).forEach((line, i) => (this.papers[b * PAPER_BLOCK + i] = parsePaper(line)));
    this.blocks = [];
  }
}

// What a released paper's place holds (see HeldPapers).
const RELEASED = {} as Paper;

/** Writes every table of a new store. */
async function fill(db: BetterSqlite3.Database, write: RowWriter, held: HeldPapers, info: LibraryInfo, hashes: Uint32Array, onProgress?: Progress): Promise<void> {
  const papers = held.papers;
  // A store in memory keeps its papers in its own blocks: nothing to start again from.
  const release = !db.memory;
  // Nothing reads the new file until the pointer names it, so nothing needs a journal yet.
  db.pragma('synchronous = OFF');
  // A large cache for the connection that writes the index: this one's, or the writer thread's
  // (this one then writes only the small tables, in key order, and at a million papers its
  // cache was the last 0.25 GB of the build's peak).
  write.send({ op: 'exec', sql: 'PRAGMA cache_size = -262144' });
  // No merging of the index's segments while loading; the one merge at the end does it all
  // (measured: 100,000 papers loaded in 2.9 s instead of 4.4 s). Set through the writer, as is
  // every write until it is closed, so that the two connections never wait on each other.
  write.send({ op: 'exec', sql: "INSERT INTO fts(fts, rank) VALUES ('automerge', 0); INSERT INTO fts(fts, rank) VALUES ('crisismerge', 2000);" });
  // The names and titles are stored after the papers, in key order: inserted as the papers came,
  // at random places in their b-trees, they took 1.75 s of a 100,000-paper build.
  const names: string[] = [];
  const nameSids: number[] = [];
  const titles = new Float64Array(papers.length);
  const words = new Analyser();
  // Field lengths as MiniSearch counts them (unique words), with its running average, so that
  // the floats BM25 divides by agree to the bit.
  const lengths = FIELDS.map(() => new Uint16Array(papers.length));
  const avg = FIELDS.map(() => 0);
  const years = new Int32Array(papers.length);
  const dictionary = held.dictionary;
  // Each slice's index rows as one text (a text-rows job): the row id, then the fields' terms.
  const index = (from: number, to: number): string => {
    let rows = '';
    for (let sid = from; sid < to; sid++) {
      const p = papers[sid]!;
      rows += `${sid}\x1f`;
      for (const [f, field] of FIELDS.entries()) {
        rows += `${words.terms(tokenize(fieldText(p, field)), sid * FIELDS.length + f, SURFACE_FIELDS.has(field))}\x1f`;
        const unique = words.unique;
        lengths[f]![sid] = Math.min(0xffff, unique);
        avg[f] = (avg[f]! * sid + unique) / (sid + 1);
      }
      years[sid] = p.year ?? NO_YEAR;
      for (const n of namesOf(p)) {
        names.push(n);
        nameSids.push(sid);
      }
      titles[sid] = titleHash(p.title) ?? NO_TITLE;
    }
    return rows;
  };
  const blockLines = (b: number, to: number) => papers.slice(b, Math.min(to, b + PAPER_BLOCK)).map((p) => JSON.stringify(p));
  for (let from = 0; from < papers.length; from += BATCH) {
    onProgress?.('indexing papers', from, papers.length);
    const to = Math.min(papers.length, from + BATCH);
    // The papers of the batch are deflated on libuv's threads while this one indexes them, a
    // few streams at a time: zlib holds some 300 KB a stream, and all 2,500 blocks of a batch
    // at once took 440 MB more at 100,000 papers. Indexing yields every slice of papers, so
    // finished streams make way for the next.
    const blocks: [number, Buffer][] = [];
    let next = from;
    const deflated = Promise.all(
      Array.from({ length: DEFLATE_STREAMS }, async () => {
        while (next < to) {
          const b = next;
          next += PAPER_BLOCK;
          blocks.push([b / PAPER_BLOCK, await deflate(blockLines(b, to).join('\n'), blockDeflate(dictionary))]);
        }
      }),
    );
    // Handled here, awaited below: a failure while indexing is not an unhandled rejection.
    deflated.catch(() => undefined);
    // One transaction a batch, kept open across the yields: FTS5 writes a segment at each
    // commit and holds at most 2,000 of them, and a commit every 250 papers ran out at a
    // million papers ("database or disk is full").
    write.send({ op: 'exec', sql: 'BEGIN' });
    for (let s = from; s < to; s += INDEX_SLICE) {
      write.send({ op: 'text-rows', sql: INSERT_FTS, width: FIELDS.length + 1, text: index(s, Math.min(to, s + INDEX_SLICE)) });
      await new Promise(setImmediate);
    }
    await deflated;
    write.send({ op: 'rows', sql: INSERT_BLOCK, width: 2, values: blocks.flat() });
    write.send({ op: 'exec', sql: 'COMMIT' });
    if (release) held.release(from, to, blocks);
  }
  onProgress?.('writing the index');
  // One b-tree per term instead of one per batch: smaller, and a query reads one list. Then
  // FTS5's defaults again, for the updates that later builds make in place.
  write.send({ op: 'exec', sql: "INSERT INTO fts(fts) VALUES ('optimize'); INSERT INTO fts(fts, rank) VALUES ('automerge', 4); INSERT INTO fts(fts, rank) VALUES ('crisismerge', 16);" });
  // Sorted while a writer thread optimises the index (at 100,000 papers, a second of each).
  const nameRows = namesInOrder(names, nameSids);
  const titleRows = titlesInOrder(titles);
  write.close();
  const { df, surfaces, counts } = words.result();
  db.transaction(() => {
    const insertName = db.prepare('INSERT INTO names(name, rid) VALUES (?, ?)');
    for (let i = 0; i < nameRows.length; i += 2) insertName.run(nameRows[i], nameRows[i + 1]);
    const insertTitle = db.prepare('INSERT INTO titles(hash, rid) VALUES (?, ?)');
    for (let i = 0; i < titleRows.length; i += 2) insertTitle.run(titleRows[i], titleRows[i + 1]);
  })();
  const insertTerm = db.prepare('INSERT INTO vocab(term, df, surface) VALUES (?, ?, ?)');
  const insertSurface = db.prepare('INSERT INTO surfaces(term, word, n) VALUES (?, ?, ?)');
  db.transaction(() => {
    for (const [t, n] of df) insertTerm.run(t, n, surfaces[t] ?? null);
    for (const [t, m] of counts) for (const [w, n] of m) insertSurface.run(t, w, n);
    const meta = db.prepare('INSERT INTO meta(name, value) VALUES (?, ?)');
    meta.run('format', SQLITE_FORMAT);
    meta.run('size', papers.length);
    meta.run('rids', papers.length);
    meta.run('ids', JSON.stringify(held.ids));
    meta.run('hashes', Buffer.from(hashes.buffer));
    for (const [f, field] of FIELDS.entries()) meta.run(`lengths.${field}`, Buffer.from(lengths[f]!.buffer));
    meta.run('years', Buffer.from(years.buffer));
    meta.run('dictionary', dictionary);
    writeSummary(db, info, avg, papers.length);
  })();
  db.exec(LATE_INDEXES);
  if (!db.memory) db.pragma('journal_mode = WAL');
}

interface TermEntry {
  term: string;
  df: number;
  /** The last paper counted in df. */
  last: number;
}

interface TokenEntry {
  t: TermEntry | null;
  lower: string;
  /** How often it occurred in titles and abstracts. */
  surface: number;
  /** The last field it was counted in, for field lengths. */
  field: number;
}

/**
 * processTerm over every word of a build, with what the vocabulary table needs (papers per
 * term, the commonest word each term came from) counted on the memo entries themselves: one
 * map lookup a word. A Set per paper and a tally per word made this loop half of a
 * 100,000-paper build.
 */
class Analyser {
  private tokens = new Map<string, TokenEntry>();
  private byTerm = new Map<string, TermEntry>();

  /** Distinct words in the field last passed to terms(): MiniSearch's field length. */
  unique = 0;

  /**
   * A field's words as index terms joined by spaces, counting each term once a paper. `field`
   * numbers this field of this paper (paper × fields + field), and only grows.
   */
  terms(tokens: string[], field: number, surface: boolean): string {
    let out = '';
    let unique = 0;
    const sid = Math.floor(field / FIELDS.length);
    for (const token of tokens) {
      let e = this.tokens.get(token);
      if (!e) {
        const term = processTerm(token);
        let t: TermEntry | null = null;
        if (term) {
          t = this.byTerm.get(term) ?? null;
          if (!t) this.byTerm.set(term, (t = { term, df: 0, last: -1 }));
        }
        this.tokens.set(token, (e = { t, lower: token.toLowerCase(), surface: 0, field: -1 }));
      }
      if (e.field !== field) {
        e.field = field;
        unique++;
      }
      const t = e.t;
      if (!t) continue;
      if (t.last !== sid) {
        t.last = sid;
        t.df++;
      }
      if (surface && e.lower !== t.term) e.surface++;
      out = out ? `${out} ${t.term}` : t.term;
    }
    this.unique = unique;
    return out;
  }

  /** Papers per term; each term's commonest differing word (the first in the alphabet among equals); and every count. */
  result(): { df: Map<string, number>; surfaces: Surface; counts: Map<string, Map<string, number>> } {
    const df = new Map<string, number>();
    for (const [term, t] of this.byTerm) df.set(term, t.df);
    const counts = new Map<string, Map<string, number>>();
    for (const e of this.tokens.values()) {
      if (!e.t || !e.surface) continue;
      let m = counts.get(e.t.term);
      if (!m) counts.set(e.t.term, (m = new Map()));
      m.set(e.lower, (m.get(e.lower) ?? 0) + e.surface);
    }
    const surfaces: Surface = {};
    for (const [t, m] of counts) surfaces[t] = commonest(m);
    return { df, surfaces, counts };
  }
}


// A paper whose title has no key (punctuation alone) has no row in the titles table.
const NO_TITLE = -1;

/**
 * A build's names table as rows (name, row id, flattened), in the names' order. The first holder
 * of a name keeps it, in MiniSearch's lookup order (id, key, aliases; earlier papers first):
 * names[i] belongs to sids[i], in that order.
 */
function namesInOrder(names: string[], sids: number[]): (string | number)[] {
  const order = Array.from(names.keys()).sort((a, b) => (names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : a - b));
  const rows: (string | number)[] = [];
  let last: string | undefined;
  for (const i of order) {
    if (names[i] === last) continue;
    last = names[i]!;
    rows.push(last, sids[i]!);
  }
  return rows;
}

/** A build's titles table as rows (title hash, row id, flattened), in key order; papers with NO_TITLE have none. */
function titlesInOrder(titles: Float64Array): number[] {
  const order = Array.from(titles.keys()).sort((a, b) => titles[a]! - titles[b]! || a - b);
  const rows: number[] = [];
  for (const sid of order) if (titles[sid] !== NO_TITLE) rows.push(titles[sid]!, sid);
  return rows;
}

/** The names a paper is found by, in the order a lookup prefers them: id, key, aliases. */
const namesOf = (p: Paper): string[] => [p.id, p.key, ...p.aliases];

/**
 * What each source file gave, so that an update reads again only the files that changed. Rows
 * of a file whose name and hash are stored already are kept: an update rewrites only what
 * changed (with every row rewritten, adding 1,000 papers to 100,000 took 17.9 s in the
 * benchmark; with this and the 32 MB crossover, 9.9 s).
 */
function* sourceRows(db: BetterSqlite3.Database, lib: Library): Generator<SourceRow> {
  const stored = new Set((db.prepare('SELECT DISTINCT name, hash FROM sources').raw().all() as [string, string][]).map(([n, h]) => `${n}\0${h}`));
  const wanted = new Set(lib.parsed.map((f) => `${f.report.file}\0${lib.hashes.get(f.report.file) ?? ''}`));
  const drop = db.prepare('DELETE FROM sources WHERE name = ? AND hash = ?');
  for (const k of stored) if (!wanted.has(k)) drop.run(...(k.split('\0') as [string, string]));
  // Rows are found by name and hash, never by a file's place among the sources: a file added in
  // front of the others moves no row. (Rows were keyed by place, and SQLite rewrites a whole row,
  // blob and all, to change its key: adding 1,000 papers in front of 100,000 rewrote 62 MB.)
  let offset = 0;
  for (const f of lib.parsed) {
    const name = f.report.file;
    const hash = lib.hashes.get(name) ?? '';
    const first = offset;
    offset += f.entries.length;
    if (stored.has(`${name}\0${hash}`)) continue;
    stored.add(`${name}\0${hash}`);
    yield* fileRows(name, hash, f, lib.keys, first);
  }
}

/**
 * The rows of one file: a head (its report, warnings and number of parts), then its entries in
 * parts, with what the merge derives from each (`keys`, from entry `first` on).
 */
function* fileRows(name: string, hash: string, f: ParsedFile, keys: EntryKeys, first: number): Generator<SourceRow> {
  // In parts: a file of 250,000 entries is more JSON than one string may hold.
  const parts = Math.ceil(f.entries.length / SOURCE_PART);
  yield { name, hash, part: 0, text: JSON.stringify({ report: f.report, warnings: f.warnings, parts }) };
  for (let i = 0; i < parts; i++) {
    const from = i * SOURCE_PART;
    const to = Math.min(f.entries.length, from + SOURCE_PART);
    yield { name, hash, part: i + 1, text: encodePart(f.entries, keys, from, to, first) };
  }
}

interface SourceRow {
  name: string;
  hash: string;
  part: number;
  text: string;
}

const INSERT_SOURCE = 'INSERT INTO sources(name, hash, part, data) VALUES (?, ?, ?, ?)';
// Level 1: the rows are read back only by updates, and deflated once per build (the writer
// thread deflates a build's at the same level).
const SOURCE_DEFLATE = { level: 1 };

/** Stores what each file gave (see sourceRows), deflating on this thread: for an update's few rows. */
function writeSources(db: BetterSqlite3.Database, lib: Library): void {
  const insert = db.prepare(INSERT_SOURCE);
  for (const r of sourceRows(db, lib)) insert.run(r.name, r.hash, r.part, deflateSync(r.text, SOURCE_DEFLATE));
}

/**
 * A part of a file's entries as stored, with what the merge derived from each (its title's key
 * and own id), which an update hands back to the merge: at 100,000 entries, 0.8 s of 2.1.
 * (Entries as arrays of values under a shape, a fifth less JSON, parsed no faster: the objects
 * made from the arrays cost what the shorter text saved.)
 */
interface StoredPart {
  entries: RawEntry[];
  titleKeys: (string | null)[];
  ids: (string | null)[];
}

function encodePart(entries: RawEntry[], keys: EntryKeys, from: number, to: number, first: number): string {
  const part: StoredPart = { entries: entries.slice(from, to), titleKeys: [], ids: [] };
  for (let i = from; i < to; i++) {
    part.titleKeys.push(keys.titleKeys[first + i] ?? null);
    part.ids.push(keys.ids[first + i] ?? null);
  }
  return JSON.stringify(part);
}

function decodePart(text: string, into: ParsedFile): void {
  const part = JSON.parse(text) as StoredPart;
  const n = part.entries.length;
  if (part.titleKeys.length !== n || part.ids.length !== n) throw new Error('a stored part is damaged');
  const keys = into.keys!;
  for (let i = 0; i < n; i++) {
    into.entries.push(part.entries[i]!);
    // Null where the merge derived nothing (no title; neither title nor abstract): nothing to derive again.
    keys.titleKeys.push(part.titleKeys[i] ?? undefined);
    keys.ids.push(part.ids[i] ?? undefined);
  }
}

/** The meta rows every build and update rewrites: the key, the summary, MiniSearch's average field lengths. */
function writeSummary(db: BetterSqlite3.Database, info: LibraryInfo, avg: number[], size: number): void {
  const meta = db.prepare('INSERT OR REPLACE INTO meta(name, value) VALUES (?, ?)');
  meta.run('key', info.key);
  meta.run('info', JSON.stringify(info));
  meta.run('averageFieldLength', JSON.stringify(size ? avg : []));
}

/** One paper as the index holds it: its fields' terms, their lengths, its distinct terms, its title and abstract words. */
function analysePaper(p: Paper): { texts: string[]; lengths: number[]; terms: Set<string>; surface: Map<string, number> } {
  const texts: string[] = [];
  const lengths: number[] = [];
  const terms = new Set<string>();
  const surface = new Map<string, number>();
  for (const field of FIELDS) {
    const tokens = tokenize(fieldText(p, field));
    lengths.push(Math.min(0xffff, new Set(tokens).size));
    const out: string[] = [];
    for (const token of tokens) {
      const term = processTerm(token);
      if (!term) continue;
      out.push(term);
      terms.add(term);
      const lower = token.toLowerCase();
      if (SURFACE_FIELDS.has(field) && lower !== term) surface.set(`${term}\0${lower}`, (surface.get(`${term}\0${lower}`) ?? 0) + 1);
    }
    texts.push(out.join(' '));
  }
  return { texts, lengths, terms, surface };
}

/** Reads a typed array from a meta blob. */
function metaArray<T>(db: BetterSqlite3.Database, name: string, make: (b: ArrayBuffer) => T): T | null {
  const v = db.prepare('SELECT value FROM meta WHERE name = ?').pluck().get(name);
  if (v === undefined || v === null) return null;
  if (!Buffer.isBuffer(v)) throw new BadStoreError(`the index database's ${name} is damaged`);
  return make(v.buffer.slice(v.byteOffset, v.byteOffset + v.length) as ArrayBuffer);
}

/**
 * Brings a store up to date with a library read again: papers whose signature is unchanged
 * (see `signatures`) keep their rows; changed ones are re-indexed under their row id; new ones get new row
 * ids; gone ones are deleted. Then the vocabulary of the terms they touched, the per-paper
 * arrays, the names and the summary. Everything a query reads ends as a fresh build would
 * leave it, bar the row ids, which the short ids are mapped through. Returns how many papers'
 * rows were written or removed.
 */
function update(db: BetterSqlite3.Database, lib: Library, info: LibraryInfo, onProgress?: Progress): number {
  const papers = lib.papers;
  const store = new SqliteStore(db);
  const oldRids = store.rids;
  const ids = JSON.parse(String(store.metaValue('ids'))) as string[];
  const hashes = metaArray(db, 'hashes', (b) => new Uint32Array(b))!;
  const lengths = FIELDS.map((f) => metaArray(db, `lengths.${f}`, (b) => new Uint16Array(b))!);
  const years = metaArray(db, 'years', (b) => new Int32Array(b))!;
  if ([hashes.length, years.length, ...lengths.map((l) => l.length), ids.length].some((n) => n !== oldRids)) throw new BadStoreError('the index database is damaged (arrays of unequal length)');
  const ridOfId = new Map<string, number>();
  ids.forEach((id, rid) => {
    if (id && store.sid(rid) >= 0) ridOfId.set(id, rid);
  });
  onProgress?.('updating the index');
  // Which row each paper of the new library has, and which rows change.
  let next = oldRids;
  const ridOf = new Int32Array(papers.length);
  const changed: number[] = []; // sids whose row is (re)written
  const kept = new Set<number>();
  const hashOf = signatures(lib);
  papers.forEach((p, sid) => {
    const h = hashOf[sid]!;
    const old = ridOfId.get(p.id);
    if (old !== undefined && !kept.has(old)) {
      kept.add(old);
      ridOf[sid] = old;
      if (hashes[old] !== h) changed.push(sid);
    } else {
      ridOf[sid] = next++;
      changed.push(sid);
    }
  });
  const gone: number[] = [];
  for (const [, rid] of ridOfId) if (!kept.has(rid)) gone.push(rid);
  const grow = <T extends Uint32Array | Uint16Array | Int32Array>(a: T, make: (n: number) => T): T => {
    if (a.length >= next) return a;
    const b = make(next);
    b.set(a);
    return b;
  };
  const newHashes = grow(hashes, (n) => new Uint32Array(n));
  const newYears = grow(years, (n) => new Int32Array(n));
  const newLengths = lengths.map((l) => grow(l, (n) => new Uint16Array(n)));
  while (ids.length < next) ids.push('');

  // Old versions of what changes go out of the index, the vocabulary and the names.
  const dfDelta = new Map<string, number>();
  const surfaceDelta = new Map<string, number>();
  const bump = (m: Map<string, number>, k: string, n: number) => m.set(k, (m.get(k) ?? 0) + n);
  const deleteRow = db.prepare('DELETE FROM fts WHERE rowid = ?');
  const deleteName = db.prepare('DELETE FROM names WHERE name = ? AND rid = ?');
  const insertName = db.prepare('INSERT OR IGNORE INTO names(name, rid) VALUES (?, ?)');
  const deleteTitle = db.prepare('DELETE FROM titles WHERE hash = ? AND rid = ?');
  const insertTitle = db.prepare('INSERT OR IGNORE INTO titles(hash, rid) VALUES (?, ?)');
  const insertFts = db.prepare(`INSERT INTO fts(rowid, ${FIELDS.join(', ')}) VALUES (?${', ?'.repeat(FIELDS.length)})`);
  const outgoing = [...gone, ...changed.map((sid) => ridOf[sid]!).filter((rid) => rid < oldRids)];
  const blocks = new Map<number, string[]>();
  const blockOf = (rid: number): string[] => {
    const b = Math.floor(rid / PAPER_BLOCK);
    let lines = blocks.get(b);
    if (!lines) {
      const data = db.prepare('SELECT data FROM papers WHERE block = ?').pluck().get(b) as Buffer | undefined;
      lines = data ? decodeBlock(data, store.dictionary) : [];
      blocks.set(b, lines);
    }
    return lines;
  };
  let namesClash = false;
  for (const rid of outgoing) {
    const old = store.byRid(rid);
    const a = analysePaper(old);
    for (const t of a.terms) bump(dfDelta, t, -1);
    for (const [k, n] of a.surface) bump(surfaceDelta, k, -n);
    deleteRow.run(rid);
    const oldTitle = titleHash(old.title);
    if (oldTitle !== null) deleteTitle.run(oldTitle, rid);
    for (const n of namesOf(old)) {
      // A name this paper did not hold (another had it first) may pass to it now: rebuild them all.
      if (deleteName.run(n, rid).changes === 0) namesClash = true;
    }
    blockOf(rid)[rid % PAPER_BLOCK] = '';
    ids[rid] = '';
  }
  // New versions go in.
  for (const sid of changed) {
    const p = papers[sid]!;
    const rid = ridOf[sid]!;
    const a = analysePaper(p);
    for (const t of a.terms) bump(dfDelta, t, 1);
    for (const [k, n] of a.surface) bump(surfaceDelta, k, n);
    insertFts.run(rid, ...a.texts);
    for (const n of namesOf(p)) if (insertName.run(n, rid).changes === 0) namesClash = true;
    const title = titleHash(p.title);
    if (title !== null) insertTitle.run(title, rid);
    const lines = blockOf(rid);
    while (lines.length <= rid % PAPER_BLOCK) lines.push('');
    lines[rid % PAPER_BLOCK] = JSON.stringify(p);
    ids[rid] = p.id;
    newHashes[rid] = hashOf[sid]!;
    newYears[rid] = p.year ?? NO_YEAR;
    a.lengths.forEach((n, f) => (newLengths[f]![rid] = n));
  }
  if (gone.length) namesClash = true; // a gone paper's names may have hidden another's
  if (namesClash) {
    // Names go to the first paper in library order that has them, as a build gives them.
    db.prepare('DELETE FROM names').run();
    papers.forEach((p, sid) => {
      for (const n of namesOf(p)) insertName.run(n, ridOf[sid]!);
    });
  }
  const putBlock = db.prepare('INSERT OR REPLACE INTO papers(block, data) VALUES (?, ?)');
  for (const [b, lines] of blocks) putBlock.run(b, encodeBlock(lines, store.dictionary));

  // The vocabulary of every term touched.
  const getDf = db.prepare('SELECT df FROM vocab WHERE term = ?').pluck();
  const setTerm = db.prepare('INSERT OR REPLACE INTO vocab(term, df, surface) VALUES (?, ?, ?)');
  const dropTerm = db.prepare('DELETE FROM vocab WHERE term = ?');
  const getCount = db.prepare('SELECT n FROM surfaces WHERE term = ? AND word = ?').pluck();
  const setCount = db.prepare('INSERT OR REPLACE INTO surfaces(term, word, n) VALUES (?, ?, ?)');
  const dropCount = db.prepare('DELETE FROM surfaces WHERE term = ? AND word = ?');
  const countsOf = db.prepare('SELECT word, n FROM surfaces WHERE term = ?').raw();
  // A term's surface word is chosen again only where its words' counts moved; elsewhere only
  // its paper count changes, without reading its words' counts back.
  const surfaced = new Set<string>();
  for (const [k, d] of surfaceDelta) {
    if (!d) continue;
    const [term, word] = k.split('\0') as [string, string];
    const n = ((getCount.get(term, word) as number | undefined) ?? 0) + d;
    if (n > 0) setCount.run(term, word, n);
    else dropCount.run(term, word);
    surfaced.add(term);
  }
  const setDf = db.prepare('UPDATE vocab SET df = ? WHERE term = ?');
  for (const t of new Set([...dfDelta.keys(), ...surfaced])) {
    const delta = dfDelta.get(t) ?? 0;
    if (!delta && !surfaced.has(t)) continue;
    const before = getDf.get(t) as number | undefined;
    const df = (before ?? 0) + delta;
    if (df <= 0) {
      dropTerm.run(t);
      continue;
    }
    if (before !== undefined && !surfaced.has(t)) {
      setDf.run(df, t);
      continue;
    }
    const m = new Map(countsOf.all(t) as [string, number][]);
    setTerm.run(t, df, m.size ? commonest(m) : null);
  }

  // The per-paper arrays, and the average field lengths over the library in its order.
  const sidOf = new Int32Array(next).fill(-1);
  ridOf.forEach((rid, sid) => (sidOf[rid] = sid));
  const avg = FIELDS.map(() => 0);
  for (let sid = 0; sid < papers.length; sid++) for (let f = 0; f < FIELDS.length; f++) avg[f] = (avg[f]! * sid + newLengths[f]![ridOf[sid]!]!) / (sid + 1);
  const identity = next === papers.length && ridOf.every((rid, sid) => rid === sid);
  const meta = db.prepare('INSERT OR REPLACE INTO meta(name, value) VALUES (?, ?)');
  meta.run('size', papers.length);
  meta.run('rids', next);
  meta.run('ids', JSON.stringify(ids));
  meta.run('hashes', Buffer.from(newHashes.buffer));
  meta.run('years', Buffer.from(newYears.buffer));
  for (const [f, field] of FIELDS.entries()) meta.run(`lengths.${field}`, Buffer.from(newLengths[f]!.buffer));
  if (identity) db.prepare("DELETE FROM meta WHERE name IN ('ridOf', 'sidOf')").run();
  else {
    meta.run('ridOf', Buffer.from(ridOf.buffer));
    meta.run('sidOf', Buffer.from(sidOf.buffer));
  }
  writeSources(db, lib);
  writeSummary(db, info, avg, papers.length);
  return changed.length + gone.length;
}

// How many parts of a stored file are inflated at once while the ones before them are parsed.
const PREFETCH_PARTS = 4;

/**
 * storedSource(), with the parts inflated on libuv's threads while this one parses the parts
 * before them.
 */
async function prefetchSource(db: BetterSqlite3.Database, name: string, hash: string): Promise<ParsedFile | null> {
  const rows = guard(() => readRows(db, name, hash));
  try {
    const stored = storedRows(rows);
    if (!stored) return null;
    const { file, parts } = stored;
    const inflating: Promise<Buffer>[] = [];
    const more = () => {
      const next = parts[inflating.length];
      if (!next) return;
      const done = inflate(next);
      // Awaited in turn below; one that fails while an earlier one is awaited is no unhandled rejection.
      done.catch(() => undefined);
      inflating.push(done);
    };
    for (let i = 0; i < PREFETCH_PARTS; i++) more();
    for (let i = 0; i < parts.length; i++) {
      const text = (await inflating[i]!).toString('utf8');
      more();
      decodePart(text, file);
    }
    return file;
  } catch {
    return null;
  }
}

/**
 * What an unchanged file gave, from its stored rows; null when they are missing or do not
 * decode (the file is then read again). A database that cannot be read throws.
 */
function storedSource(db: BetterSqlite3.Database, name: string, hash: string): ParsedFile | null {
  const rows = readRows(db, name, hash);
  try {
    const stored = storedRows(rows);
    if (!stored) return null;
    for (const data of stored.parts) decodePart(inflateSync(data).toString('utf8'), stored.file);
    return stored.file;
  } catch {
    return null;
  }
}

function readRows(db: BetterSqlite3.Database, name: string, hash: string): [number, Buffer][] {
  return db.prepare('SELECT part, data FROM sources WHERE name = ? AND hash = ? ORDER BY part').raw().all(name, hash) as [number, Buffer][];
}

/** A stored file's head row read, its parts still deflated; null when it is not stored whole. Throws on a head that does not decode. */
function storedRows(rows: [number, Buffer][]): { file: ParsedFile; parts: Buffer[] } | null {
  if (!rows.length) return null;
  const head = JSON.parse(inflateSync(rows[0]![1]).toString('utf8')) as { report: ParsedFile['report']; warnings: ParsedFile['warnings']; parts: number };
  if (rows.length !== head.parts + 1) return null;
  return { file: { report: head.report, warnings: head.warnings, entries: [], keys: { titleKeys: [], ids: [] } }, parts: rows.slice(1).map(([, data]) => data) };
}

/**
 * Removes this source set's databases that no pointer names and no build is still writing, and
 * the stores of all but the newest source sets (as the MiniSearch engine keeps its newest
 * eight files): a new lit version, or sources named another way, starts a new set.
 */
function removeOrphans(dir: string, base: string, keep: string): void {
  const now = Date.now();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  const remove = (n: string) => {
    for (const suffix of ['', '-wal', '-shm']) rmSync(path.join(dir, n + suffix), { force: true });
  };
  const age = (n: string) => now - statSync(path.join(dir, n)).mtimeMs;
  try {
    const sets = names
      .filter((n) => n.endsWith('.sqlite-current'))
      .map((n) => ({ n, age: age(n) }))
      .sort((a, b) => a.age - b.age)
      .slice(KEEP_SETS);
    for (const { n } of sets) {
      const set = n.slice(0, -'.sqlite-current'.length);
      if (set === base) continue;
      rmSync(path.join(dir, n), { force: true });
      for (const db of names) if (db.startsWith(`${set}-`) && DB_NAME.test(db)) remove(db);
    }
  } catch {
    // A pointer that went away meanwhile: the next build tries again.
  }
  for (const n of names) {
    if (!n.startsWith(`${base}-`) || !DB_NAME.test(n) || n === keep) continue;
    try {
      if (age(n) >= ORPHAN_MS) remove(n);
    } catch {
      // Gone already, or not ours to remove: the next build tries again.
    }
  }
}

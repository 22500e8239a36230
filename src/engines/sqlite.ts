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
import { deflate as deflateZlib } from 'node:zlib';
import { makeFolder, writeFileAtomic } from '../atomic.js';
import type { Engine } from '../library-store.js';
import type { Paper, Progress, Warning } from '../model.js';
import { FIELDS, processTerm, tokenize } from '../search/analyze.js';
import { fieldText, SURFACE_FIELDS } from '../search/indexer.js';
import { BadStoreError, NO_YEAR, type LibraryInfo, type Surface } from '../search/store.js';
import { guard, LATE_INDEXES, PAPER_BLOCK, SCHEMA, SQLITE_FORMAT, SqliteStore } from './sqlite-store.js';

type Driver = typeof BetterSqlite3;

const deflate = promisify(deflateZlib);

let driver: Driver | null | undefined;

/** better-sqlite3, or null where it is not installed (or could not be built). */
export function loadDriver(): Driver | null {
  if (driver === undefined) {
    try {
      driver = createRequire(import.meta.url)('better-sqlite3') as Driver;
    } catch {
      driver = null;
    }
  }
  return driver;
}

/** A store's key differs from the sources': the sources changed since it was built. */
export class StaleStoreError extends BadStoreError {
  override readonly stale = true;
}

// Papers per transaction while building (a multiple of PAPER_BLOCK): large enough that commits cost nothing, small enough
// that the journal-less build never holds more than this in SQLite's page cache.
const BATCH = 20_000;

// A database the pointer does not name, and older than this, is a build that lost a race or
// was killed: removed by the next build. Younger ones may be another build still writing.
const ORPHAN_MS = 10 * 60_000;

const DB_NAME = /^library-[0-9a-f]+-[0-9a-z]+\.sqlite$/;

/** Opens a database file of this engine. */
function openDb(file: string, opts: BetterSqlite3.Options = {}): BetterSqlite3.Database {
  const Database = loadDriver();
  if (!Database) throw new BadStoreError('better-sqlite3 is not installed');
  const db = guard(() => new Database(file, opts));
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
  async build({ lib, litVersion, key, onProgress }, pointer) {
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
    const info: LibraryInfo = {
      litVersion,
      key,
      files: lib.files,
      warnings: lib.warnings,
      entries: lib.entries.length,
      papers: lib.papers.length,
      merged: lib.papers.filter((p) => p.sources.length > 1).length,
      untitled: lib.papers.filter((p) => p.title === null).length,
      reasons: [...lib.reasons.entries()],
    };
    try {
      await fill(db, lib.papers, info, onProgress);
    } catch (e) {
      db.close();
      rmSync(file, { force: true });
      throw e;
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
};

/** Writes every table of a new store. */
async function fill(db: BetterSqlite3.Database, papers: Paper[], info: LibraryInfo, onProgress?: Progress): Promise<void> {
  // Nothing reads the new file until the pointer names it, so nothing needs a journal yet.
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  db.exec(SCHEMA);
  // No merging of the index's segments while loading; the one merge at the end does it all
  // (measured: 100,000 papers loaded in 2.9 s instead of 4.4 s).
  db.exec("INSERT INTO fts(fts, rank) VALUES ('automerge', 0); INSERT INTO fts(fts, rank) VALUES ('crisismerge', 2000);");
  const insertFts = db.prepare(`INSERT INTO fts(rowid, ${FIELDS.join(', ')}) VALUES (?${', ?'.repeat(FIELDS.length)})`);
  const insertBlock = db.prepare('INSERT INTO papers(block, data) VALUES (?, ?)');
  const insertName = db.prepare('INSERT OR IGNORE INTO names(name, sid) VALUES (?, ?)');
  const words = new Analyser();
  // Field lengths as MiniSearch counts them (unique words), with its running average, so that
  // the floats BM25 divides by agree to the bit.
  const lengths = FIELDS.map(() => new Uint16Array(papers.length));
  const avg = FIELDS.map(() => 0);
  const years = new Int32Array(papers.length);
  const texts: string[] = FIELDS.map(() => '');
  const index = db.transaction((from: number, to: number) => {
    for (let sid = from; sid < to; sid++) {
      const p = papers[sid]!;
      for (const [f, field] of FIELDS.entries()) {
        texts[f] = words.terms(tokenize(fieldText(p, field)), sid * FIELDS.length + f, SURFACE_FIELDS.has(field));
        const unique = words.unique;
        lengths[f]![sid] = Math.min(0xffff, unique);
        avg[f] = (avg[f]! * sid + unique) / (sid + 1);
      }
      years[sid] = p.year ?? NO_YEAR;
      insertFts.run(sid, ...texts);
      // In MiniSearch's lookup order: id, key, aliases, earlier papers first; the first holder of a name keeps it.
      insertName.run(p.id, sid);
      insertName.run(p.key, sid);
      for (const a of p.aliases) insertName.run(a, sid);
    }
  });
  const store = db.transaction((blocks: [number, Buffer][]) => {
    for (const [b, data] of blocks) insertBlock.run(b, data);
  });
  for (let from = 0; from < papers.length; from += BATCH) {
    onProgress?.('indexing papers', from, papers.length);
    const to = Math.min(papers.length, from + BATCH);
    // The papers of the batch are deflated on libuv's threads while this one indexes them.
    const blocks: Promise<[number, Buffer]>[] = [];
    for (let b = from; b < to; b += PAPER_BLOCK) {
      const text = papers.slice(b, Math.min(to, b + PAPER_BLOCK)).map((p) => JSON.stringify(p)).join('\n');
      blocks.push(deflate(text, { level: 1 }).then((data) => [b / PAPER_BLOCK, data]));
    }
    index(from, to);
    store(await Promise.all(blocks));
  }
  onProgress?.('writing the index');
  const { df, surfaces } = words.result();
  const order = new Map(Object.keys(surfaces).map((t, i) => [t, i]));
  const insertTerm = db.prepare('INSERT INTO vocab(term, df, surface, ord) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    for (const [t, n] of df) insertTerm.run(t, n, surfaces[t] ?? null, order.get(t) ?? null);
    const meta = db.prepare('INSERT INTO meta(name, value) VALUES (?, ?)');
    meta.run('format', SQLITE_FORMAT);
    meta.run('key', info.key);
    meta.run('size', papers.length);
    meta.run('info', JSON.stringify(info));
    meta.run('averageFieldLength', JSON.stringify(papers.length ? avg : []));
    for (const [f, field] of FIELDS.entries()) meta.run(`lengths.${field}`, Buffer.from(lengths[f]!.buffer));
    meta.run('years', Buffer.from(years.buffer));
  })();
  db.exec(LATE_INDEXES);
  // One b-tree per term instead of one per batch: smaller, and a query reads one list.
  db.prepare("INSERT INTO fts(fts) VALUES ('optimize')").run();
  // FTS5's defaults again, for the updates that later builds make in place.
  db.exec("INSERT INTO fts(fts, rank) VALUES ('automerge', 4); INSERT INTO fts(fts, rank) VALUES ('crisismerge', 16);");
  if (!db.memory) db.pragma('journal_mode = WAL');
}

interface TermEntry {
  term: string;
  df: number;
  /** The last paper counted in df. */
  last: number;
  /** When the term was first met as a differing title or abstract word, for SurfaceTally's order. */
  firstSurface: number;
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
  private met = 0;

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
          if (!t) this.byTerm.set(term, (t = { term, df: 0, last: -1, firstSurface: -1 }));
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
      if (surface && e.lower !== t.term) {
        e.surface++;
        if (t.firstSurface < 0) t.firstSurface = this.met++;
      }
      out = out ? `${out} ${t.term}` : t.term;
    }
    this.unique = unique;
    return out;
  }

  /** Papers per term, and each term's commonest differing word, in SurfaceTally's order and with its ties. */
  result(): { df: Map<string, number>; surfaces: Surface } {
    const df = new Map<string, number>();
    for (const [term, t] of this.byTerm) df.set(term, t.df);
    const counts = new Map<TermEntry, Map<string, number>>();
    for (const e of this.tokens.values()) {
      if (!e.t || !e.surface) continue;
      let m = counts.get(e.t);
      if (!m) counts.set(e.t, (m = new Map()));
      m.set(e.lower, (m.get(e.lower) ?? 0) + e.surface);
    }
    const surfaces: Surface = {};
    for (const [t, m] of [...counts].sort((a, b) => a[0].firstSurface - b[0].firstSurface)) {
      let best = '';
      let n = 0;
      for (const [w, c] of m) if (c > n || (c === n && w < best)) [best, n] = [w, c];
      surfaces[t.term] = best;
    }
    return { df, surfaces };
  }
}

/** Removes this source set's databases that no pointer names and no build is still writing. */
function removeOrphans(dir: string, base: string, keep: string): void {
  const now = Date.now();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    if (!n.startsWith(`${base}-`) || !DB_NAME.test(n) || n === keep) continue;
    try {
      if (now - statSync(path.join(dir, n)).mtimeMs < ORPHAN_MS) continue;
      for (const suffix of ['', '-wal', '-shm']) rmSync(path.join(dir, n + suffix), { force: true });
    } catch {
      // Gone already, or not ours to remove: the next build tries again.
    }
  }
}

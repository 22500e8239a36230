// The SQLite engine's store: an FTS5 index of lit's own analysed terms, the papers as deflated
// JSON, and a vocabulary table for prefixes, typos and "did you mean". A query reads only the
// pages it needs, so a search costs about the same at a million papers as at ten thousand.
import type BetterSqlite3 from 'better-sqlite3';
import { deflateSync, inflateSync } from 'node:zlib';
import { hash32 } from '../hash.js';
import type { Paper } from '../model.js';
import { BOOST, FIELDS } from '../search/analyze.js';
import { boundedLevenshtein, FUZZY, FUZZY_MIN, noMatches, PAPER_ID, PREFIX_MIN, Ranker, termsOf, type Matcher, type Matches, type MatchOptions, type Near, type WordSums } from '../search/ranker.js';
import { BadStoreError, NO_YEAR, type LibraryInfo } from '../search/store.js';
import { titleKey } from '../text.js';

type Db = BetterSqlite3.Database;

/** Bump when a table, a column or what the FTS index holds changes. */
export const SQLITE_FORMAT = 9;

// FTS5 splits lit's analysed terms on spaces only: every letter, digit and mark is a term
// character (marks too, or `हिन्दी` would split where tokenize() does not), and nothing is
// folded again, so the index holds exactly the terms MiniSearch's index holds.
export const FTS_TOKENIZER = `unicode61 remove_diacritics 0 categories 'L* N* Co M*'`;

/**
 * The tables of a store. Each paper has a row id (`rid`) that never changes while the store is
 * updated in place: the FTS5 rowid, its place in the paper blocks, the names. Its short id
 * (`sid`) is its place in the library, which an update may shift; meta's `ridOf` and `sidOf`
 * map one to the other (absent while they are equal, as after a build).
 */
// meta is a rowid table, not WITHOUT ROWID as the small tables are: its blobs run to 1.5 MB at
// 100,000 papers, and reading the eleven rows a search needs took 7.5-9 ms from a WITHOUT ROWID
// table (2.3 ms for the three bytes of `format`), 1 ms from a rowid table of the same rows.
export const SCHEMA = `
CREATE TABLE meta(name TEXT PRIMARY KEY, value);
CREATE TABLE papers(block INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE names(name TEXT PRIMARY KEY, rid INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE titles(hash INTEGER NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY(hash, rid)) WITHOUT ROWID;
CREATE TABLE vocab(term TEXT PRIMARY KEY, df INTEGER NOT NULL, surface TEXT) WITHOUT ROWID;
CREATE TABLE surfaces(term TEXT NOT NULL, word TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY(term, word)) WITHOUT ROWID;
CREATE TABLE sources(name TEXT NOT NULL, hash TEXT NOT NULL, part INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY(name, hash, part));
CREATE VIRTUAL TABLE fts USING fts5(${FIELDS.join(', ')}, content='', contentless_delete=1, tokenize="${FTS_TOKENIZER}");
CREATE VIRTUAL TABLE postings USING fts5vocab(fts, 'instance');
`;

/**
 * The index rows made after the data: building an index over sorted rows is faster than keeping
 * it as they arrive. vocab_length serves --fuzzy: the terms of a length near the word's, each
 * with its df, without reading the whole vocabulary. At a million generated papers (988,005
 * terms) scanning it took 27 ms a fuzzy word, the index 1.3 ms, for 12 MB.
 */
export const LATE_INDEXES = `CREATE INDEX vocab_surface ON vocab(surface) WHERE surface IS NOT NULL;
CREATE INDEX vocab_length ON vocab(length(term), df);`;

/** The terms of lengths from ? to ?, with their df: through vocab_length. */
export const NEAR = 'SELECT term, df FROM vocab WHERE length(term) BETWEEN ? AND ?';
/**
 * The same, of the terms from ? up to ?: words that share a first letter are a range of the
 * table, far fewer than those of a length (+length keeps SQLite from choosing vocab_length).
 */
export const NEAR_SAME_FIRST = 'SELECT term, df FROM vocab WHERE term >= ? AND term < ? AND +length(term) BETWEEN ? AND ?';

/** SQLite's own words for a damaged or foreign file. */
const DAMAGE = /^SQLITE_(CORRUPT|NOTADB|IOERR|CANTOPEN|FORMAT|SCHEMA|ERROR)/;

/**
 * Papers are stored this many to a row, as JSON lines deflated against a dictionary of papers
 * sampled from the library (zlib's format, whose checksum finds a damaged block where SQLite,
 * which keeps none, would hand it over). Measured on the 100,000-paper library: blocks of 32
 * without a dictionary took 71 MB and 0.33 ms each to inflate, 3.3 ms for ten hits; blocks of 8
 * at level 3 against the dictionary take 63 MB and 0.12 to 0.25 ms in a fresh process.
 */
export const PAPER_BLOCK = 8;
/** zlib's level for paper blocks: 1 made them 66 MB, 6 made 59 MB at 1.6 times level 3's time. */
const PAPER_LEVEL = 3;
// zlib looks back at most 32 KB, so a larger dictionary is never read.
const DICTIONARY_BYTES = 32_768;
const DICTIONARY_SAMPLES = 200;

/** The deflate dictionary of a library: JSON of papers spread through it, its last 32 KB. */
export function paperDictionary(papers: readonly Paper[]): Buffer {
  const step = Math.max(1, Math.floor(papers.length / DICTIONARY_SAMPLES));
  const lines: string[] = [];
  for (let i = 0; i < papers.length; i += step) lines.push(JSON.stringify(papers[i]));
  const all = Buffer.from(lines.join('\n'));
  return Buffer.from(all.subarray(Math.max(0, all.length - DICTIONARY_BYTES)));
}

/** How a paper block is deflated: the one place builds (on libuv's threads) and updates agree on. */
export const blockDeflate = (dictionary: Buffer) => ({ level: PAPER_LEVEL, dictionary });

/** A block of the papers table from its JSON lines. */
export function encodeBlock(lines: string[], dictionary: Buffer): Buffer {
  return deflateSync(lines.join('\n'), blockDeflate(dictionary));
}

/**
 * A title's row in the titles table: a hash of its title key, so that a whole title names its
 * paper in one look-up (the papers found are checked against the title itself). Scoring every
 * title that shares a word with it took `show` 43 ms at 100,000 papers, most of it walking the
 * abstracts' instances of `for` and `of`: postings are kept per word, not per field.
 */
export const titleHash = (title: string | null): number | null => keyHash(titleKey(title ?? ''));

/** The titles table's hash of a title key; null for an empty key (a title of punctuation alone). */
const keyHash = (key: string): number | null => (key ? hash32(Buffer.from(key)) : null);

/** Runs a query, turning a damaged database into BadStoreError (the store is rebuilt from the sources). */
export function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && DAMAGE.test(code)) throw new BadStoreError(`the index database is damaged (${(e as Error).message})`);
    throw e;
  }
}

// A term as an FTS5 string: lit's terms hold no quote, but one never breaks the query.
const quote = (t: string) => `"${t.replace(/"/g, '""')}"`;

/** A library held in one SQLite database. */
export class SqliteStore extends Ranker {
  private papersBySid = new Map<number, Paper>();
  private _info?: LibraryInfo;
  private _dictionary?: Buffer;
  private _years?: Int32Array;
  private dfMemo = new Map<string, number>();
  private postingsMemo = new Map<string, Posting[]>();
  private nearMemo = new Map<string, Near[]>();
  private _avg?: number[];
  private _lengths: (Uint16Array | undefined)[] = [];
  readonly size: number;
  /** Row ids ever given: the length of every array indexed by rid. */
  readonly rids: number;
  private readonly stmts = new Map<string, BetterSqlite3.Statement>();
  private _ridOf?: Int32Array | null;
  private _sidOf?: Int32Array | null;
  private word?: WordScratch;

  constructor(readonly db: Db) {
    super();
    this.size = Number(this.metaValue('size'));
    this.rids = Number(this.metaValue('rids'));
  }

  private int32(name: string): Int32Array | null {
    const v = this.metaOrNull(name);
    if (v === null) return null;
    if (!Buffer.isBuffer(v)) throw new BadStoreError(`the index database's ${name} is damaged`);
    return new Int32Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.length));
  }

  /** The row id of a short id. */
  rid(sid: number): number {
    if (this._ridOf === undefined) this._ridOf = this.int32('ridOf');
    const r = this._ridOf ? this._ridOf[sid] : sid;
    if (r === undefined || r < 0) throw new BadStoreError('the index database refers to a paper it does not hold');
    return r;
  }

  /** The short id of a row id; -1 for a paper no longer in the library. */
  sid(rid: number): number {
    const sidOf = this.sidMap();
    return sidOf ? (sidOf[rid] ?? -1) : rid < this.size ? rid : -1;
  }

  /** Short ids by row id, or null where they are the same (a store no update has shifted). */
  private sidMap(): Int32Array | null {
    if (this._sidOf === undefined) this._sidOf = this.int32('sidOf');
    return this._sidOf;
  }

  private stmt(sql: string): BetterSqlite3.Statement {
    let s = this.stmts.get(sql);
    if (!s) this.stmts.set(sql, (s = guard(() => this.db.prepare(sql))));
    return s;
  }

  /** One value of the meta table. */
  metaValue(name: string): unknown {
    const v = this.metaOrNull(name);
    if (v === null) throw new BadStoreError(`the index database has no ${name}`);
    return v;
  }

  // better-sqlite3's pluck() and raw() change the statement for good: each SQL text here is
  // prepared once and always read in one mode.
  private metaOrNull(name: string): unknown {
    return (guard(() => this.stmt('SELECT value FROM meta WHERE name = ?').pluck().get(name)) as unknown) ?? null;
  }

  private blob<T>(name: string, make: (b: Buffer) => T): T {
    const v = this.metaValue(name);
    if (!Buffer.isBuffer(v)) throw new BadStoreError(`the index database's ${name} is damaged`);
    return make(v);
  }

  /** The dictionary the paper blocks are deflated against. */
  get dictionary(): Buffer {
    return (this._dictionary ??= this.blob('dictionary', (b) => b));
  }

  get info(): LibraryInfo {
    return (this._info ??= JSON.parse(String(this.metaValue('info'))) as LibraryInfo);
  }

  paper(sid: number): Paper {
    const hit = this.papersBySid.get(sid);
    if (hit) return hit;
    if (!(sid >= 0 && sid < this.size)) throw new BadStoreError('the index database refers to a paper it does not hold');
    const p = this.byRid(this.rid(sid));
    this.papersBySid.set(sid, p);
    return p;
  }

  /** A paper by row id, from its block. */
  byRid(rid: number): Paper {
    const block = Math.floor(rid / PAPER_BLOCK);
    const data = guard(() => this.stmt('SELECT data FROM papers WHERE block = ?').pluck().get(block)) as Buffer | undefined;
    const line = data ? decodeBlock(data, this.dictionary)[rid - block * PAPER_BLOCK] : undefined;
    if (!line) throw new BadStoreError('the index database refers to a paper it does not hold');
    return parsePaper(line);
  }

  allPapers(): Paper[] {
    const blocks = guard(() => this.stmt('SELECT block, data FROM papers ORDER BY block').raw().all()) as [number, Buffer][];
    const out: Paper[] = new Array(this.size);
    let found = 0;
    for (const [b, data] of blocks)
      decodeBlock(data, this.dictionary).forEach((line, i) => {
        if (!line) return;
        const sid = this.sid(b * PAPER_BLOCK + i);
        if (sid < 0 || sid >= this.size || out[sid]) throw new BadStoreError('the index database holds a paper twice');
        out[sid] = parsePaper(line);
        found++;
      });
    if (found !== this.size) throw new BadStoreError('the index database has lost papers');
    return out;
  }

  lookup(idOrKey: string): number | undefined {
    const rid = guard(() => this.stmt('SELECT rid FROM names WHERE name = ?').pluck().get(idOrKey)) as number | undefined;
    if (rid === undefined) return undefined;
    const sid = this.sid(rid);
    return sid < 0 ? undefined : sid;
  }

  override wholeTitle(text: string): number[] {
    const want = titleKey(text);
    const hash = keyHash(want);
    if (hash === null) return [];
    const rids = guard(() => this.stmt('SELECT rid FROM titles WHERE hash = ?').pluck().all(hash)) as number[];
    return rids
      .map((rid) => this.sid(rid))
      .filter((sid) => sid >= 0 && sid < this.size && this.hasWholeTitle(sid, want))
      .sort((a, b) => a - b);
  }

  idsWithPrefix(prefix: string): number[] {
    const rows = guard(() => this.stmt('SELECT name, rid FROM names WHERE name >= ? AND name < ?').raw().all(prefix, `${prefix}\uffff`)) as [string, number][];
    return [...new Set(rows.filter(([n]) => PAPER_ID.test(n)).map(([, r]) => this.sid(r)))].filter((s) => s >= 0);
  }

  protected year(sid: number): number | null {
    const y = (this._years ??= this.blob('years', (b) => new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length))))[this.rid(sid)];
    return y === undefined || y === NO_YEAR ? null : y;
  }

  protected titleLength(sid: number): number {
    return this.lengths(TITLE)[this.rid(sid)] ?? 0;
  }

  protected df(term: string): number {
    let n = this.dfMemo.get(term);
    if (n === undefined) this.dfMemo.set(term, (n = (guard(() => this.stmt('SELECT df FROM vocab WHERE term = ?').pluck().get(term)) as number | undefined) ?? 0));
    return n;
  }

  protected withPrefix(term: string): string[] {
    return guard(() => this.stmt('SELECT term FROM vocab WHERE term >= ? AND term < ?').pluck().all(term, `${term}\uffff`)) as string[];
  }

  protected near(term: string, max: number, sameFirst = false): Near[] {
    // Asked twice a fuzzy word: by the ranker for the terms it may need, then by match.
    const memo = `${term}\0${max}\0${sameFirst}`;
    const hit = this.nearMemo.get(memo);
    if (hit) return hit;
    const lo = term.length - max;
    const hi = term.length + max;
    const rows = guard(() =>
      sameFirst
        ? this.stmt(NEAR_SAME_FIRST).raw().all(term[0]!, String.fromCharCode(term.charCodeAt(0) + 1), lo, hi)
        : this.stmt(NEAR).raw().all(lo, hi),
    ) as [string, number][];
    const out: Near[] = [];
    for (const [t, df] of rows) if (boundedLevenshtein(term, t, max) <= max) out.push({ term: t, df });
    this.nearMemo.set(memo, out);
    return out;
  }

  protected surfaceOf(term: string): string | undefined {
    return (guard(() => this.stmt('SELECT surface FROM vocab WHERE term = ?').pluck().get(term)) as string | null | undefined) ?? undefined;
  }

  protected commonestStarting(typed: string): string | null {
    // The commonest, and among equals the first in the alphabet, as the MiniSearch engine's scan finds it.
    const row = guard(() => this.stmt('SELECT surface FROM vocab WHERE surface >= ? AND surface < ? ORDER BY df DESC, surface LIMIT 1').pluck().get(typed, `${typed}\uffff`)) as string | undefined;
    return row ?? null;
  }

  protected papersWith(term: string, limit: number): number[] {
    // Field by field, title first, each in library order, as the MiniSearch engine's postings list them.
    const out = new Set<number>();
    for (const f of FIELDS) {
      if (out.size >= limit) break;
      const rows = guard(() => this.stmt('SELECT rowid FROM fts WHERE fts MATCH ?').pluck().all(`{${f}} : ${quote(term)}`)) as number[];
      for (const sid of rows.map((r) => this.sid(r)).sort((a, b) => a - b)) if (sid >= 0) out.add(sid);
    }
    return [...out].slice(0, limit);
  }

  protected matcher(): Matcher {
    return { match: (text, o) => this.match(text, o), addWord: (text, o, sums) => this.addWord(text, o, sums) };
  }

  private get avgLengths(): number[] {
    return (this._avg ??= JSON.parse(String(this.metaValue('averageFieldLength'))) as number[]);
  }

  /** Unique words of one field of each paper (clamped to 65,535), as MiniSearch counts field length. */
  private lengths(field: number): Uint16Array {
    let l = this._lengths[field];
    if (!l) this._lengths[field] = l = this.blob(`lengths.${FIELDS[field]}`, (b) => new Uint16Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length)));
    return l;
  }

  /**
   * A term's postings from FTS5: per field, the papers holding it and how often. FTS5 lists a
   * term's instances by paper, then column, then offset, so each run of equal (paper, column)
   * is one frequency. They come as one string of numbers (paper × 8 + column): a row per
   * instance cost 45 ms for a word in 40% of 100,000 papers, the string 10.
   */
  private postingsOf(term: string, fields: readonly number[]): Posting[] {
    // Only the fields asked for (show matches titles alone): the other fields' instances are
    // still walked, but not joined into the string nor parsed.
    const some = fields.length < FIELDS.length ? fields.map((f) => `'${FIELDS[f]}'`).join(', ') : null;
    const memo = some ? `${term}\0${some}` : term;
    const hit = this.postingsMemo.get(memo);
    if (hit) return hit;
    // As bytes, not a string: read a byte at a time, the digits parse faster than by charCodeAt.
    const sql = `SELECT CAST(group_concat(doc * 8 + ${COLUMN_NUMBER}) AS BLOB) FROM postings WHERE term = ?${some ? ` AND col IN (${some})` : ''}`;
    const perField = parsePostings((guard(() => this.stmt(sql).pluck().get(term)) as Buffer | null) ?? Buffer.alloc(0));
    this.postingsMemo.set(memo, perField);
    return perField;
  }

  /** The papers holding these words side by side in one field, from FTS5's positions. */
  private adjacent(terms: string[]): Set<number> {
    return new Set(guard(() => this.stmt('SELECT rowid FROM fts WHERE fts MATCH ?').pluck().all(quote(terms.join(' ')))) as number[]);
  }

  /**
   * BM25+ with lit's field weights, computed as the MiniSearch engine computes it (its k, b and
   * delta, prefix and typo weights, per-field lengths and the count of query words matched), so
   * the two engines rank alike. FTS5's own bm25() was measured and not used: it normalises by
   * the whole row's length, floors the weight of words in half the papers at zero and has no
   * delta, and the first hit differed from MiniSearch's for 21 of 39 title-word queries.
   */
  private match(text: string, o: MatchOptions): Matches {
    const terms = o.analysed ? text.split(' ').filter(Boolean) : termsOf(text);
    if (!terms.length) return noMatches();
    const fields = (o.fields ?? FIELDS).map((f) => FIELD_INDEX.get(f)!);
    const n = this.size;
    const rids = this.rids;
    // Summed in arrays over the library: per paper its score, how many query words it has, and
    // (in `seen`) the last word that counted it.
    const acc: Sums = { score: new Float64Array(rids), words: new Uint16Array(rids), seen: new Int32Array(rids), title: new Uint8Array(rids), touched: new Int32Array(rids) };
    let reached = 0;
    const every = !o.any;
    for (const [w, t] of terms.entries())
      this.eachPosting(t, o, fields, (docs, tfs, f, factor, ratio, per) => {
        // In the order the sum had them, so the floats agree to the bit.
        reached = addField(acc, reached, docs, tfs, this.lengths(f), w, every, factor, ratio, per, f === TITLE);
      });
    let side: Set<number> | null = null;
    if (o.adjacent && terms.length > 1) side = this.adjacent(terms);
    // MiniSearch weighs a paper by how many distinct query words it has (a word typed twice
    // counts twice in the score, once here).
    const distinct = new Set(terms).size;
    return gather(acc, reached, o.any ? 0 : terms.length, side, this.sidMap(), n, distinct);
  }

  /**
   * Each field's postings of a query term and of the terms it reaches (prefixes, with fuzzy its
   * near words), with the BM25 factors they are scored by: the one walk match and addWord share.
   */
  private eachPosting(t: string, o: MatchOptions, fields: readonly number[], add: (docs: Int32Array, tfs: Int32Array, field: number, factor: number, ratio: number, per: number) => void): void {
    const n = this.size;
    const avg = this.avgLengths;
    const derived: [string, number][] = [[t, 1]];
    const prefixed = new Set<string>();
    if (o.prefix && t.length >= PREFIX_MIN)
      for (const x of this.withPrefix(t)) {
        if (x === t) continue;
        prefixed.add(x);
        derived.push([x, (PREFIX_WEIGHT * x.length) / (x.length + 0.3 * (x.length - t.length))]);
      }
    if (o.fuzzy && t.length >= FUZZY_MIN) {
      const max = Math.min(MAX_FUZZY, Math.round(t.length * FUZZY));
      if (max) for (const near of this.near(t, max)) if (near.term !== t && !prefixed.has(near.term)) derived.push([near.term, (FUZZY_WEIGHT * near.term.length) / (near.term.length + boundedLevenshtein(t, near.term, max))]);
    }
    for (const [term, weight] of derived) {
      const postings = this.postingsOf(term, fields);
      for (const f of fields) {
        const { docs, tfs } = postings[f]!;
        if (!docs.length) continue;
        const boost = o.boost ? BOOST[FIELDS[f]!] : 1;
        const idf = Math.log(1 + (n - docs.length + 0.5) / (docs.length + 0.5));
        add(docs, tfs, f, weight * boost * idf, K * (1 - B), (K * B) / avg[f]!);
      }
    }
  }

  /**
   * Matcher.addWord for the commonest query: a plain word of one term, in every field. Its
   * sums are kept by short id, in the ranker's own arrays for the query's first word (they
   * hold nothing yet) and otherwise in a scratch array added to them after, so each paper's
   * score is summed in the order match and addWord sum it.
   */
  private addWord(text: string, o: MatchOptions, sums: WordSums): boolean {
    if (o.any || o.adjacent || o.analysed || o.fields) return false;
    const terms = termsOf(text);
    if (terms.length !== 1) return false;
    const n = this.size;
    let w = this.word;
    if (!w || w.seen.length !== n || w.stamp >= MAX_STAMP) w = this.word = { seen: new Int32Array(n), list: new Int32Array(n), count: 0, stamp: 0, score: new Float64Array(0) };
    const first = sums.reached === 0;
    if (!first && w.score.length !== n) w.score = new Float64Array(n);
    const into = first ? sums.score : w.score;
    w.stamp++;
    w.count = 0;
    const sidOf = this.sidMap();
    this.eachPosting(terms[0]!, o, FIELD_NUMBERS, (docs, tfs, f, factor, ratio, per) => addFieldBySid(w, into, docs, tfs, this.lengths(f), sidOf, n, factor, ratio, per, f === TITLE));
    sums.reached = foldWord(w, sums, first ? null : into);
    return true;
  }
}

/**
 * A word's papers by short id while addWord sums it: `seen` holds, per paper, the stamp of the
 * last word that reached it (× 2, plus 1 once that word was in its title), `list` the papers
 * this word reached, and `score` the scratch sums of a word after the query's first.
 */
interface WordScratch {
  seen: Int32Array;
  list: Int32Array;
  count: number;
  stamp: number;
  score: Float64Array;
}
const MAX_STAMP = 2 ** 29;
const FIELD_NUMBERS: readonly number[] = FIELDS.map((_, i) => i);

/**
 * addField, summing by short id into one word's scratch: a function of its own for the reason
 * addField is. The BM25+ share is written out in both: through one helper function, a search
 * for a word in 40% of 100,000 papers took 0.9-2.0 ms longer (three runs of 21 pairs), since these
 * loops run before V8 would inline it.
 */
function addFieldBySid(w: WordScratch, score: Float64Array, docs: Int32Array, tfs: Int32Array, lengths: Uint16Array, sidOf: Int32Array | null, n: number, factor: number, ratio: number, per: number, inTitleField: boolean): void {
  const { seen, list } = w;
  const mark = w.stamp << 1;
  const k1 = K + 1;
  let count = w.count;
  for (let i = 0; i < docs.length; i++) {
    const rid = docs[i]!;
    const sid = sidOf ? (sidOf[rid] ?? -1) : rid;
    if (sid < 0 || sid >= n) continue; // a paper no longer in the library
    if ((seen[sid]! | 1) !== (mark | 1)) {
      seen[sid] = inTitleField ? mark | 1 : mark;
      list[count++] = sid;
    } else if (inTitleField) seen[sid] = mark | 1;
    const tf = tfs[i]!;
    score[sid] = score[sid]! + factor * (D + (tf * k1) / (tf + ratio + per * lengths[rid]!));
  }
  w.count = count;
}

/** The papers one word reached, counted into the ranker's sums (and its scratch scores added, then cleared); returns how many papers are reached now. */
function foldWord(w: WordScratch, sums: WordSums, scratch: Float64Array | null): number {
  const { seen, list, count } = w;
  const { score, matched, titled, touched } = sums;
  let reached = sums.reached;
  for (let i = 0; i < count; i++) {
    const sid = list[i]!;
    if (matched[sid] === 0) touched[reached++] = sid;
    matched[sid] = matched[sid]! + 1;
    if (seen[sid]! & 1) titled[sid] = titled[sid]! + 1;
    if (scratch) {
      score[sid] = score[sid]! + scratch[sid]!;
      scratch[sid] = 0;
    }
  }
  return reached;
}

interface Posting {
  docs: Int32Array;
  tfs: Int32Array;
}

/**
 * Per field, the papers and frequencies of a term's instances, given as the ASCII digits of
 * paper × 8 + column, comma-separated, in FTS5's order (paper, then column, then offset): each
 * run of one value is one posting, its length the frequency. Parsed into typed arrays, not
 * arrays grown a push at a time: a word in 40% of 100,000 papers is some 50,000 values.
 */
function parsePostings(text: Uint8Array): Posting[] {
  if (!text.length) return FIELDS.map(() => ({ docs: new Int32Array(0), tfs: new Int32Array(0) }));
  const values = new Int32Array((text.length >> 1) + 1);
  // Postings per column, counted as the digits are read.
  const sizes = new Int32Array(8);
  let count = 0;
  let v = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text[i]! : 44;
    if (c !== 44) v = v * 10 + (c - 48);
    else {
      if (count === 0 || v !== values[count - 1]) sizes[v & 7]!++;
      values[count++] = v;
      v = 0;
    }
  }
  if (sizes[7]) throw new BadStoreError('the index database has a column lit does not know');
  const perField: Posting[] = FIELDS.map((_, f) => ({ docs: new Int32Array(sizes[f]!), tfs: new Int32Array(sizes[f]!) }));
  const at = new Int32Array(8);
  for (let i = 0; i < count; i++) {
    const x = values[i]!;
    const list = perField[x & 7]!;
    if (i > 0 && x === values[i - 1]) list.tfs[at[x & 7]! - 1]!++;
    else {
      const j = at[x & 7]!++;
      list.docs[j] = x >> 3;
      list.tfs[j] = 1;
    }
  }
  return perField;
}

/** A query's sums over the library, by row id: see match. */
interface Sums {
  score: Float64Array;
  words: Uint16Array;
  seen: Int32Array;
  title: Uint8Array;
  touched: Int32Array;
}

/**
 * The papers reached with enough of the query's words (`need`; 0 for any), in short ids, with
 * their scores. A function of its own for the reason addField is.
 */
function gather(acc: Sums, reached: number, need: number, side: Set<number> | null, sidOf: Int32Array | null, n: number, distinct: number): Matches {
  const { score, words, title, touched } = acc;
  const sids = new Int32Array(reached);
  const scores = new Float64Array(reached);
  const inTitle = new Uint8Array(reached);
  const counts = new Uint16Array(reached);
  const any = need === 0;
  let k = 0;
  for (let i = 0; i < reached; i++) {
    const rid = touched[i]!;
    if (words[rid]! < need || (side && !side.has(rid))) continue;
    const sid = sidOf ? (sidOf[rid] ?? -1) : rid;
    if (sid < 0 || sid >= n) continue; // a paper no longer in the library
    const quality = any ? words[rid]! : distinct;
    sids[k] = sid;
    scores[k] = score[rid]! * quality;
    inTitle[k] = title[rid]!;
    counts[k++] = quality;
  }
  return { sids: sids.subarray(0, k), scores: scores.subarray(0, k), inTitle: inTitle.subarray(0, k), terms: counts.subarray(0, k) };
}

/**
 * One field's postings of one term added to the sums; returns how many papers are reached now.
 * A function of its own, not a loop inside match: V8 compiles a loop that runs once per process
 * while it runs, and it compiled match whole in 85 ms, after the search had ended; this takes it
 * a few.
 */
function addField(acc: Sums, reached: number, docs: Int32Array, tfs: Int32Array, lengths: Uint16Array, w: number, every: boolean, factor: number, ratio: number, per: number, inTitleField: boolean): number {
  const { score, words, seen, title, touched } = acc;
  const k1 = K + 1;
  const next = w + 1;
  for (let i = 0; i < docs.length; i++) {
    const rid = docs[i]!;
    const had = words[rid]!;
    // AND keeps only papers every earlier word reached.
    if (every && had < w) continue;
    if (seen[rid] !== next) {
      seen[rid] = next;
      if (had === 0) touched[reached++] = rid;
      words[rid] = had + 1;
    }
    const tf = tfs[i]!;
    score[rid] = score[rid]! + factor * (D + (tf * k1) / (tf + ratio + per * lengths[rid]!));
    if (inTitleField) title[rid] = 1;
  }
  return reached;
}

// MiniSearch's BM25+ parameters and its weights for prefix and typo matches (minisearch 7.2).
const K = 1.2;
const B = 0.7;
const D = 0.5;
const PREFIX_WEIGHT = 0.375;
const FUZZY_WEIGHT = 0.45;
const MAX_FUZZY = 6;

const FIELD_INDEX = new Map<string, number>(FIELDS.map((f, i) => [f, i]));
// fts5vocab names the column; SQL turns it into its number, asking for the wordiest columns
// first: for the 500,000 instances of `prune` in a million papers, the columns in FIELDS order
// took 61 ms, the abstract first 51.
const WORDIEST: readonly string[] = ['abstract', 'title'];
const byWordiness = [...WORDIEST, ...FIELDS.filter((f) => !WORDIEST.includes(f))];
const COLUMN_NUMBER = `CASE col ${byWordiness.map((f) => `WHEN '${f}' THEN ${FIELD_INDEX.get(f)}`).join(' ')} ELSE 7 END`;
const TITLE = FIELD_INDEX.get('title')!;

/** A block of the papers table: JSON lines, deflated against the library's dictionary. */
export function decodeBlock(data: Buffer, dictionary: Buffer): string[] {
  try {
    return inflateSync(data, { dictionary }).toString('utf8').split('\n');
  } catch {
    throw new BadStoreError('the index database holds damaged papers');
  }
}

export function parsePaper(line: string): Paper {
  try {
    return JSON.parse(line) as Paper;
  } catch {
    throw new BadStoreError('the index database holds a damaged paper');
  }
}

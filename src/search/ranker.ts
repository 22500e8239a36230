// lit's own ranking rules, written once above the engines: all words first, title coverage,
// fields, phrases, exclusions, filters, joined words, typo respelling, "did you mean". An engine
// supplies what only it can (its vocabulary, its papers, and BM25 over the terms of one query,
// through a Matcher), and inherits the rest; see docs/architecture.md.
import { pushAll } from '../arrays.js';
import type { Hit, LibraryStore, Ranked, SearchOptions } from '../library-store.js';
import type { Paper } from '../model.js';
import { foldAscii, titleKey } from '../text.js';
import { FIELDS, processTerm, tokenize, type Field } from './analyze.js';
import { fieldText } from './indexer.js';
import type { FilterTerm, Query } from './query.js';
import type { LibraryInfo } from './store.js';

// Prefix matching from three letters on: `prun` finds `pruning`, but `a` does not find everything.
export const PREFIX_MIN = 3;
// Typo tolerance with --fuzzy: one edit in five letters, as MiniSearch counts it.
export const FUZZY = 0.2;
export const FUZZY_MIN = 4;

// Paper ids as merge.ts makes them: 12 hex digits, with `-2`… on a hash collision.
export const PAPER_ID = /^[0-9a-f]{12}(-\d+)?$/;

// Names and category codes match whole: `author:liu` must not find Liuzzi, nor `category:CV` CVPR.
const wholeWordField = (field: Field): boolean => field === 'authors' || field === 'categories';

// How many papers the rarest word of a split may be in for lit to look for the split at all.
const PHRASE_PROBE = 200;

// A joined word in fewer papers than this is also looked for hyphenated.
const RARE_JOINED = 5;

/** How a Matcher matches a query's terms. */
export interface MatchOptions {
  /** Only these fields; all by default. */
  fields?: Field[];
  /** Each term of three letters or more also matches as a prefix. */
  prefix: boolean;
  /** Each term of four letters or more also matches within one edit in five letters. */
  fuzzy: boolean;
  /** Any term may match (OR), not every term (AND). */
  any?: boolean;
  /** The terms side by side, in order (a prefilter: the ranker checks the paper's text). */
  adjacent?: boolean;
  /** Field boosts apply (BOOST); off, every field counts alike. */
  boost?: boolean;
  /** The text is index terms already, separated by spaces: not analysed again (stemming a stem can change it). */
  analysed?: boolean;
}

/**
 * What a Matcher found, a column each (a row per paper, in no order): its BM25 score, whether
 * a term matched in its title (1 or 0), and how many of the terms it has. Columns, not an
 * object per paper: a word in 40% of 100,000 papers made 40,000 objects for the collector.
 * Typed columns, filled in place: pushing to four arrays took the SQLite engine 10 ms there.
 */
export interface Matches {
  sids: ArrayLike<number>;
  scores: ArrayLike<number>;
  inTitle: ArrayLike<number>;
  terms: ArrayLike<number>;
}

/** The rows of `a`, then the rows of `b` at these indexes. */
function appendRows(a: Matches, b: Matches, rows: number[]): Matches {
  const col = (x: ArrayLike<number>, y: ArrayLike<number>) => [...Array.from(x), ...rows.map((i) => y[i]!)];
  return { sids: col(a.sids, b.sids), scores: col(a.scores, b.scores), inTitle: col(a.inTitle, b.inTitle), terms: col(a.terms, b.terms) };
}

/**
 * One plain word's matches added to the query's sums, by short id. Its own function, as the
 * engines' scoring loops are: V8 compiles a loop that runs once while it runs, and took 26 ms
 * to compile search whole, longer than the loop ran.
 */
function addWord(m: Matches, score: Float64Array, matched: Uint16Array, titled: Uint16Array, touched: Int32Array, reached: number): number {
  const { sids, scores, inTitle } = m;
  for (let i = 0; i < sids.length; i++) {
    const sid = sids[i]!;
    if (matched[sid] === 0) touched[reached++] = sid;
    matched[sid] = matched[sid]! + 1;
    score[sid] = score[sid]! + scores[i]!;
    if (inTitle[i]) titled[sid] = titled[sid]! + 1;
  }
  return reached;
}

/** The items that pass, as an array: for a typed array or an array alike. */
function keep(items: ArrayLike<number>, pass: (x: number) => boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < items.length; i++) if (pass(items[i]!)) out.push(items[i]!);
  return out;
}

/**
 * The ranker's sums for the plain words of a query, by short id: see Ranker.search. A Matcher
 * that can adds a word's matches to them itself, as addWord would add what match returned.
 */
export interface WordSums {
  score: Float64Array;
  /** How many of the words each paper has. */
  matched: Uint16Array;
  /** How many of the words each paper has in its title. */
  titled: Uint16Array;
  /** The papers reached, in the order first reached; `reached` of them so far. */
  touched: Int32Array;
  reached: number;
}

/** BM25 over one query's terms, as an engine computes it. */
export interface Matcher {
  match(text: string, opts: MatchOptions): Matches;
  /**
   * One plain word's matches added straight to the sums, with the scores, counts and floats
   * match and addWord would give; false, having added nothing, for a word this matcher leaves
   * to them. Building the rows of Matches only to add them up again cost a search for a word
   * in 40% of 100,000 papers 5.8 ms of its 101.
   */
  addWord?(text: string, opts: MatchOptions, sums: WordSums): boolean;
}

/** Matches with no rows. */
export const noMatches = (): Matches => ({ sids: [], scores: [], inTitle: [], terms: [] });

/**
 * The best `k` items in order. A word in 40% of 100,000 papers matched 39,000 of them, and
 * sorting them all to show ten cost more than scoring them: a heap of the best k keeps it to
 * one pass.
 */
export function best(items: ArrayLike<number>, k: number, order: (a: number, b: number) => number): number[] {
  if (k >= items.length) return Array.from(Int32Array.from(items).sort(order));
  const heap: number[] = [];
  // heap[0] is the worst kept: an item that ranks before it takes its place.
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let worst = i;
      if (l < heap.length && order(heap[l]!, heap[worst]!) > 0) worst = l;
      if (r < heap.length && order(heap[r]!, heap[worst]!) > 0) worst = r;
      if (worst === i) return;
      [heap[i], heap[worst]] = [heap[worst]!, heap[i]!];
      i = worst;
    }
  };
  for (let n = 0; n < items.length; n++) {
    const x = items[n]!;
    if (heap.length < k) {
      heap.push(x);
      for (let i = heap.length - 1; i > 0; ) {
        const up = (i - 1) >> 1;
        if (order(heap[i]!, heap[up]!) <= 0) break;
        [heap[i], heap[up]] = [heap[up]!, heap[i]!];
        i = up;
      }
    } else if (k > 0 && order(x, heap[0]!) < 0) {
      heap[0] = x;
      down(0);
    }
  }
  return heap.sort(order);
}

/** The rows of some matches as hits, best first. */
function ranked(m: Matches, score: (i: number) => number = (i) => m.scores[i]!): Hit[] {
  return Array.from({ length: m.sids.length }, (_, i) => ({ sid: m.sids[i]!, score: score(i), matched: m.terms[i]! })).sort((a, b) => b.score - a.score || a.sid - b.sid);
}

/** The index terms of some text, as the index holds them. */
export const termsOf = (text: string): string[] => tokenize(text).map(processTerm).filter((t): t is string => t !== null);

/**
 * `type:` is the paper's type exactly; `doi:` a prefix of its DOI (`doi:10.48550` is arXiv's);
 * `venue:` every word of the value among the venue's words, as typed or as a prefix. Each
 * condition must hold, and a negated one must not.
 */
export function passesFilters(p: Paper, filters: FilterTerm[]): boolean {
  return filters.every((f) => {
    let ok: boolean;
    if (f.field === 'type') ok = (p.type ?? 'misc') === f.value;
    else if (f.field === 'doi') ok = !!p.doi && p.doi.toLowerCase().startsWith(f.value.replace(/^https?:\/\/(dx\.)?doi\.org\//, ''));
    else {
      const words = tokenize(foldAscii(p.venue ?? '').toLowerCase());
      ok = !!p.venue && tokenize(foldAscii(f.value)).every((w) => words.some((v) => v.startsWith(w)));
    }
    return ok !== f.negate;
  });
}

/** Edit distance of a and b, or Infinity once it must exceed max. */
export function boundedLevenshtein(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return Infinity;
  const codes = new Uint16Array(b.length);
  for (let j = 0; j < b.length; j++) codes[j] = b.charCodeAt(j);
  return distanceWithin(a, codes, 0, b.length, max);
}

/**
 * Edit distance of `a` and the `len` code units of `b` from `start`, or Infinity once it must
 * exceed max. The vocabulary scan passes the stored UTF-8 bytes as they are (terms are folded to
 * ASCII), so no term is decoded to be compared.
 */
export function distanceWithin(a: string, b: ArrayLike<number>, start: number, len: number, max: number): number {
  if (Math.abs(a.length - len) > max) return Infinity;
  // Two rows reused across calls: a fuzzy query compares against every word of the vocabulary,
  // and fresh arrays for each made the garbage collector a fifth of a 10,000-paper search.
  if (rowA.length <= len) [rowA, rowB] = [new Int32Array(len * 2 + 2), new Int32Array(len * 2 + 2)];
  let prev = rowA;
  let cur = rowB;
  for (let j = 0; j <= len; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    // Comparisons written out, not Math.min: this loop runs once per term of the vocabulary in a
    // process too short-lived for the optimising compiler to reach it.
    let left = i;
    for (let j = 1; j <= len; j++) {
      const up = prev[j]! + 1;
      const diag = prev[j - 1]! + (ca === b[start + j - 1] ? 0 : 1);
      let v = left + 1;
      if (up < v) v = up;
      if (diag < v) v = diag;
      cur[j] = v;
      left = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return Infinity;
    [prev, cur] = [cur, prev];
  }
  return prev[len]! <= max ? prev[len]! : Infinity;
}
let rowA = new Int32Array(64);
let rowB = new Int32Array(64);

/** A vocabulary term near a word, with the number of papers holding it. */
export interface Near {
  term: string;
  df: number;
}

/** The ranking every engine shares; an engine subclasses it and supplies the abstract parts. */
export abstract class Ranker implements LibraryStore {
  abstract readonly info: LibraryInfo;
  abstract readonly size: number;
  abstract paper(sid: number): Paper;
  abstract allPapers(): Paper[];
  abstract lookup(idOrKey: string): number | undefined;
  abstract idsWithPrefix(prefix: string): number[];
  /** The paper's year, or null. */
  protected abstract year(sid: number): number | null;
  /** Unique words in the paper's title, as MiniSearch counts a field's length. */
  protected abstract titleLength(sid: number): number;
  /** How many papers hold the term; 0 when none does. */
  protected abstract df(term: string): number;
  /** The vocabulary terms that begin with `term` (itself included, if it is one). */
  protected abstract withPrefix(term: string): string[];
  /** The vocabulary terms within `max` edits of `term`; with `sameFirst`, only those that begin with its first letter. */
  protected abstract near(term: string, max: number, sameFirst?: boolean): Near[];
  /** The commonest word a stemmed term came from (`prune` ← pruning), where it differs. */
  protected abstract surfaceOf(term: string): string | undefined;
  /** The commonest title or abstract word (as written, lowercased) that begins with `typed`. */
  protected abstract commonestStarting(typed: string): string | null;
  /** Some of the papers that hold the term, at most `limit`. */
  protected abstract papersWith(term: string, limit: number): number[];
  /** A Matcher for a query that will use only these terms (and, given `fields`, only those fields). */
  protected abstract matcher(terms: string[], fields?: Field[]): Matcher;

  /** Vocabulary terms a processed query term can reach: itself, its prefix range, its fuzzy neighbours. */
  expand(term: string, prefix: boolean, fuzzy: boolean): string[] {
    const out = new Set<string>([term]);
    if (prefix && term.length >= PREFIX_MIN) for (const t of this.withPrefix(term)) out.add(t);
    if (fuzzy && term.length >= FUZZY_MIN) for (const n of this.near(term, Math.round(term.length * FUZZY))) out.add(n.term);
    return [...out];
  }

  /** Ranked hits: papers with all words first, then by score. */
  search(q: Query, opts: SearchOptions = {}): Ranked {
    const fuzzy = Boolean(opts.fuzzy);
    const needed: string[] = [];
    for (const w of q.words) for (const t of termsOf(w)) pushAll(needed, this.expand(t, true, fuzzy));
    // A rare joined spelling (`finetuning`) also finds the papers that hyphenate it (fine-tuning).
    const joined = new Map<string, string>();
    for (const w of q.words) {
      const t = termsOf(w);
      if (t.length !== 1 || this.df(t[0]!) >= RARE_JOINED) continue;
      const split = this.splitJoined(w);
      if (split) {
        joined.set(w, split);
        pushAll(needed, termsOf(split));
      }
    }
    for (const f of q.fields) for (const t of termsOf(f.value)) pushAll(needed, this.expand(t, !wholeWordField(f.field), fuzzy));
    for (const p of [...q.phrases, ...q.exclude]) for (const t of termsOf(p)) needed.push(t);
    for (const f of q.excludeFields) for (const t of termsOf(f.value)) pushAll(needed, this.expand(t, !wholeWordField(f.field), false));
    // A query of field terms alone (`author:liu`) reads only those fields' postings.
    const fieldsOnly = !q.words.length && !q.phrases.length && !q.exclude.length && q.fields.length ? [...new Set([...q.fields, ...q.excludeFields].map((f) => f.field))] : undefined;
    const m = this.matcher(needed, fieldsOnly);
    const base: MatchOptions = { prefix: true, fuzzy, boost: true };
    const run = (text: string, extra: Partial<MatchOptions> = {}) => {
      const found = m.match(text, { ...base, ...extra });
      const map = new Map<number, number>();
      for (let i = 0; i < found.sids.length; i++) map.set(found.sids[i]!, found.scores[i]!);
      return map;
    };
    const inField = (f: { field: Field; value: string }) => run(f.value, { fields: [f.field], ...(wholeWordField(f.field) ? { prefix: false } : {}) });
    const inTitle = new Map<number, number>();

    // Required parts: field terms and phrases must all match.
    let required: Map<number, number> | null = null;
    const intersect = (found: Map<number, number>) => {
      if (!required) required = found;
      else {
        const next = new Map<number, number>();
        for (const [sid, s] of found) {
          const prev = required.get(sid);
          if (prev !== undefined) next.set(sid, prev + s);
        }
        required = next;
      }
    };
    for (const f of q.fields) intersect(inField(f));
    for (const phrase of q.phrases) {
      const hits = run(phrase, { prefix: false, fuzzy: false, adjacent: true });
      const want = titleKey(phrase);
      for (const sid of [...hits.keys()]) if (!this.containsPhrase(sid, want)) hits.delete(sid);
      intersect(hits);
    }

    // Plain words: a paper needs at least one; the more it has, the higher it ranks. Scores
    // are summed in arrays over the whole library, not maps: a word in 40% of 100,000 papers
    // spent 60 ms in map entries alone.
    const n = this.size;
    // The papers reached, in the order first reached: typed, not grown a push at a time (a word
    // in 40% of a million papers reaches 400,000).
    const sums: WordSums = { score: new Float64Array(n), matched: new Uint16Array(n), titled: new Uint16Array(n), touched: new Int32Array(n), reached: 0 };
    const { score, matched, titled, touched } = sums;
    for (const w of q.words) {
      if (!termsOf(w).length) continue;
      const split = joined.get(w);
      if (!split && m.addWord?.(w, base, sums)) continue;
      let results = m.match(w, base);
      if (split) {
        const want = titleKey(split);
        const have = new Set(Array.from(results.sids));
        const more = m.match(split, { ...base, prefix: false, fuzzy: false, adjacent: true });
        const rows: number[] = [];
        for (let i = 0; i < more.sids.length; i++) if (!have.has(more.sids[i]!) && this.containsPhrase(more.sids[i]!, want)) rows.push(i);
        results = appendRows(results, more, rows);
      }
      sums.reached = addWord(results, score, matched, titled, touched, sums.reached);
    }
    const reachedSids = touched.subarray(0, sums.reached);
    this.cover(reachedSids, titled, score);
    const hasWords = q.words.some((w) => termsOf(w).length > 0);
    const named = this.named(q);
    const req = required as Map<number, number> | null;
    let sids: ArrayLike<number>;
    if (hasWords) {
      sids = req ? keep(reachedSids, (sid) => req.has(sid)) : reachedSids;
      if (req) for (let i = 0; i < sids.length; i++) score[sids[i]!] = score[sids[i]!]! + req.get(sids[i]!)!;
    } else if (req) {
      sids = [...req.keys()];
      for (const [sid, v] of req) score[sid] = v;
    } else if (named.include) {
      sids = named.include;
    } else {
      sids = Array.from({ length: n }, (_, sid) => sid);
    }
    if (named.include) {
      const kept = new Set(named.include);
      sids = keep(sids, (sid) => kept.has(sid));
    }
    if (named.exclude.size) sids = keep(sids, (sid) => !named.exclude.has(sid));

    if (q.year) {
      const { from, to } = q.year;
      sids = keep(sids, (sid) => {
        const y = this.year(sid);
        return y !== null && y >= from && y <= to;
      });
    }
    if (q.filters.length) sids = keep(sids, (sid) => passesFilters(this.paper(sid), q.filters));
    for (const f of q.excludeFields) {
      const out = inField(f);
      sids = keep(sids, (sid) => !out.has(sid));
    }
    for (const ex of q.exclude) {
      const want = titleKey(ex);
      const multi = want.includes(' ');
      const out = run(ex, { prefix: false, fuzzy: false, adjacent: multi });
      sids = keep(sids, (sid) => !out.has(sid) || (multi && !this.containsPhrase(sid, want)));
    }
    const hit = (sid: number): Hit => ({ sid, score: hasWords || req ? score[sid]! : 0, matched: hasWords ? matched[sid]! : 0 });
    const limit = opts.limit ?? Infinity;
    const total = sids.length;
    // Papers named by key or id alone come in the order they were named.
    if (!hasWords && !req && named.include) return { hits: Array.from(sids).slice(0, limit).map(hit), total };
    const year = (sid: number) => this.year(sid) ?? 0;
    // No words to rank by: newest first.
    const order = hasWords || req ? (a: number, b: number) => matched[b]! - matched[a]! || score[b]! - score[a]! || a - b : (a: number, b: number) => year(b) - year(a) || a - b;
    return { hits: best(sids, limit, order).map(hit), total };
  }

  /**
   * A query that covers more of a title names that paper: `curse of depth` should put "The
   * Curse of Depth in Large Language Models" above a longer title that merely contains it. A
   * method of its own for the reason addWord is a function.
   */
  private cover(sids: Int32Array, titled: Uint16Array, score: Float64Array): void {
    for (let i = 0; i < sids.length; i++) {
      const sid = sids[i]!;
      const t = titled[sid]!;
      if (t === 0) continue;
      const len = this.titleLength(sid);
      if (len > 0) score[sid] = score[sid]! * (1 + Math.min(1, t / len));
    }
  }

  /** The papers `key:` and `id:` terms select and leave out; `include` is null when none selects. */
  private named(q: Query): { include: number[] | null; exclude: Set<number> } {
    const include = new Set<number>();
    const exclude = new Set<number>();
    let selects = false;
    for (const n of q.names) {
      const sids = n.field === 'key' ? [this.lookup(n.value)].filter((x): x is number => x !== undefined) : this.idsWithPrefix(n.value);
      if (n.negate) for (const s of sids) exclude.add(s);
      else {
        selects = true;
        for (const s of sids) include.add(s);
      }
    }
    return { include: selects ? [...include] : null, exclude };
  }

  private containsPhrase(sid: number, want: string): boolean {
    const p = this.paper(sid);
    return FIELDS.some((f) => ` ${titleKey(fieldText(p, f))} `.includes(` ${want} `));
  }

  /** The vocabulary word closest to a term (one edit in four letters, two in more), commonest first. */
  private closest(t: string): string | null {
    const max = t.length <= 4 ? 1 : 2;
    // A typo rarely hits the first letter: the words that share it are tried first, and the
    // whole vocabulary only when none is within reach.
    let near = this.near(t, max, true);
    if (!near.length) near = this.near(t, max);
    let best: { t: string; d: number; df: number } | null = null;
    for (const n of near) {
      const d = boundedLevenshtein(t, n.term, max);
      if (d === Infinity) continue;
      if (!best || d < best.d || (d === best.d && n.df > best.df)) best = { t: n.term, d, df: n.df };
    }
    return best ? (this.surfaceOf(best.t) ?? best.t) : null;
  }

  /** True when every term of a word is in the index, as itself or (from three letters) as a prefix. */
  private known(word: string): boolean {
    return tokenize(word)
      .map(processTerm)
      .every((t) => t === null || this.df(t) > 0 || (t.length >= PREFIX_MIN && this.withPrefix(t).length > 0));
  }

  /**
   * What a word that matches nothing was meant to be: a word it begins as typed (`learni` →
   * learning, which stems to `learn`), else the closest word by edit distance (`scalin` →
   * scaling); null when there is none.
   */
  respell(word: string): string | null {
    const typed = this.typedPrefix(word);
    if (typed) return typed;
    const t = processTerm(word);
    return t ? this.closest(t) : null;
  }

  /** The most common title or abstract word that begins as `word` was typed (`learni` → learning). */
  private typedPrefix(word: string): string | null {
    const typed = foldAscii(word).toLowerCase();
    return typed.length < PREFIX_MIN ? null : this.commonestStarting(typed);
  }

  /**
   * The query with each plain word that matches nothing in the index replaced by what it was
   * meant to be (D14 "matching that forgives typing"), and notes saying what became what.
   */
  forgive(q: Query): { query: Query; notes: string[] } {
    const notes: string[] = [];
    const phrases = [...q.phrases];
    const words = q.words.flatMap((w) => {
      if (this.known(w)) return [w];
      // A word typed joined that the papers hyphenate (`kmedoids`, `finetuning`, `qgalore`) is
      // the two words side by side; a word begun as typed (`learni`) comes before a respelling.
      const typed = this.typedPrefix(w);
      const split = typed ? null : this.splitJoined(w);
      if (split) {
        phrases.push(split);
        notes.push(`${w} → "${split}"`);
        return [];
      }
      const r = typed ?? this.respell(w);
      notes.push(r ? `${w} → ${r}` : `${w} matches nothing`);
      return [r ?? w];
    });
    return { query: { ...q, words, phrases }, notes };
  }

  /**
   * A joined word as two indexed words that some paper has side by side (`kmedoids` →
   * `k medoids`, from k-Medoids), preferring the split whose rarer half is most common; null
   * when there is none. Joined forms are found here, not stored in the index: indexing them
   * changed every field length BM25 ranks by, and their prefixes (`learningbased`) hid the
   * words a prefix was typed for.
   */
  private splitJoined(word: string): string | null {
    const w = foldAscii(word).toLowerCase();
    // A joined word is a few words long; longer input is no such word (and would cost a split per letter).
    if (!/^[a-z0-9]{4,40}$/.test(w)) return null;
    const df = (t: string | null) => (t ? this.df(t) : 0);
    const candidates: { phrase: string; score: number }[] = [];
    // The rarer word's paper count; a stop word (`of` in chain-of-experts) is no word to count.
    const score = (parts: string[]) => {
      const counted = parts.map(processTerm).filter((t) => t !== null);
      return counted.length ? Math.min(...counted.map(df)) : 0;
    };
    for (let i = 1; i < w.length; i++) {
      const two = [w.slice(0, i), w.slice(i)];
      if (score(two) > 0) candidates.push({ phrase: two.join(' '), score: score(two) });
    }
    // Three words where two will not do, as `chainofexperts`.
    if (!candidates.length && w.length <= 24)
      for (let i = 1; i < w.length - 1; i++)
        for (let j = i + 1; j < w.length; j++) {
          const three = [w.slice(0, i), w.slice(i, j), w.slice(j)];
          if (score(three) > 0 && three.filter((x) => processTerm(x) !== null).length >= 2) candidates.push({ phrase: three.join(' '), score: score(three) });
        }
    candidates.sort((x, y) => y.score - x.score);
    // Only a split some paper really has: two common words may never meet.
    for (const c of candidates.slice(0, 5)) if (this.somePaperHas(c.phrase)) return c.phrase;
    return null;
  }

  /**
   * Whether a paper has these words side by side, looking only among the papers of the rarest
   * word (the postings of a common one are the cost of a whole search). Words in more than
   * PHRASE_PROBE papers each are not looked for: a joined word is made of at least one rare one.
   */
  private somePaperHas(phrase: string): boolean {
    const terms = termsOf(phrase);
    if (!terms.length) return false;
    const rarest = terms.reduce((a, b) => (this.df(a) <= this.df(b) ? a : b));
    if (this.df(rarest) > PHRASE_PROBE) return false;
    const want = titleKey(phrase);
    // A split that is real shows up soon; reading every paper of a word costs more than it finds.
    return this.papersWith(rarest, PHRASE_PROBE / 10).some((sid) => this.containsPhrase(sid, want));
  }

  /** Closest vocabulary words to the query's words that matched nothing, for "did you mean". */
  suggest(q: Query): string | null {
    let changed = false;
    const fix = (word: string): string => {
      const t = processTerm(word);
      if (!t || this.df(t) > 0) return word;
      const best = this.closest(t);
      if (!best) return word;
      changed = true;
      return best;
    };
    const parts = [
      ...q.words.map((w) => w.split(/\s+/).map(fix).join(' ')),
      ...q.phrases.map((p) => `"${p.split(/\s+/).map(fix).join(' ')}"`),
      ...q.fields.map((f) => `${f.field === 'authors' ? 'author' : f.field === 'categories' ? 'category' : f.field === 'organisation' ? 'org' : f.field}:${fix(f.value)}`),
    ];
    return changed ? parts.join(' ') : null;
  }

  /** Papers most like some: their most distinctive title and abstract terms, searched together. */
  similar(sids: number[]): Hit[] {
    const tf = new Map<string, number>();
    for (const sid of sids) {
      const p = this.paper(sid);
      for (const [field, weight] of [['title', 3], ['abstract', 1]] as const) {
        for (const w of tokenize(fieldText(p, field))) {
          const t = processTerm(w);
          if (t && t.length > 2 && !/^\d+$/.test(t)) tf.set(t, (tf.get(t) ?? 0) + weight);
        }
      }
    }
    const given = new Set(sids);
    const n = this.size;
    const top = [...tf]
      .map(([t, f]) => ({ t, w: f * Math.log(1 + n / Math.max(1, this.df(t))) }))
      .sort((a, b) => b.w - a.w || (a.t < b.t ? -1 : 1))
      .slice(0, 25);
    const fields: Field[] = ['title', 'abstract'];
    const found = this.matcher(
      top.map((r) => r.t),
      fields,
    ).match(top.map((r) => r.t).join(' '), { fields, prefix: false, fuzzy: false, any: true, boost: true, analysed: true });
    return ranked(found).filter((h) => !given.has(h.sid));
  }

  wholeTitle(_text: string): number[] | null {
    return null;
  }

  /** Whether a paper's whole title has this title key: the one rule of titleMatches' bonus and of wholeTitle. */
  protected hasWholeTitle(sid: number, key: string): boolean {
    return titleKey(this.paper(sid).title ?? '') === key;
  }

  /** Papers whose titles best match some words, best first, for `lit show <title words>`. */
  titleMatches(text: string): Hit[] {
    const words = termsOf(text);
    if (!words.length) return [];
    const m = this.matcher(
      words.flatMap((t) => this.expand(t, true, false)),
      ['title'],
    );
    const exact = titleKey(text);
    const found = m.match(text, { fields: ['title'], prefix: true, fuzzy: false });
    return ranked(found, (i) => {
      const sid = found.sids[i]!;
      // A title typed out in full wins outright; otherwise the words that cover more of a
      // title name it better (`curse of depth` is most of one title, a third of another).
      const bonus = this.hasWholeTitle(sid, exact) ? 1e6 : 0;
      const coverage = Math.min(1, found.terms[i]! / Math.max(1, this.titleLength(sid)));
      return found.scores[i]! * coverage + bonus;
    });
  }
}

// Answering queries from a store: load only the postings a query needs, then let MiniSearch rank.
import { pushAll } from '../arrays.js';
import MiniSearch, { type SearchOptions } from 'minisearch';
import type { Hit, LibraryStore } from '../library-store.js';
import type { Paper } from '../model.js';
import { foldAscii, titleKey } from '../text.js';
import { BOOST, FIELDS, processTerm, tokenize, type Field } from './analyze.js';
import { fieldText, miniSearchOptions } from './indexer.js';
import type { FilterTerm, Query } from './query.js';
import { BadStoreError, NO_YEAR, parsePaperLine, type LibraryInfo, type Lookup, type Meta, type StoreReader, type Surface } from './store.js';

/** One ranked result: the paper's short id, its score and how many of the query's words it matched. */
export type { Hit } from '../library-store.js';

// Paper ids as merge.ts makes them: 12 hex digits, with `-2`… on a hash collision.
const PAPER_ID = /^[0-9a-f]{12}(-\d+)?$/;

// Prefix matching from three letters on: `prun` finds `pruning`, but `a` does not find everything.
const PREFIX_MIN = 3;
// Typo tolerance with --fuzzy: one edit in five letters, as MiniSearch counts it.
const FUZZY = 0.2;
const FUZZY_MIN = 4;

// Names and category codes match whole: `author:liu` must not find Liuzzi, nor `category:CV` CVPR.
const wholeWordField = (field: Field): boolean => field === 'authors' || field === 'categories';

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

// How many papers the rarest word of a split may be in for lit to look for the split at all.
const PHRASE_PROBE = 200;

// A joined word in fewer papers than this is also looked for hyphenated.
const RARE_JOINED = 5;

/** MiniSearch's prefix option as lit uses it. */
export const prefixOption = (term: string): boolean => term.length >= PREFIX_MIN;

/** MiniSearch's fuzzy option as lit uses it: no typo tolerance below four letters. */
export const fuzzyOption = (term: string): number | false => (term.length >= FUZZY_MIN ? FUZZY : false);

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
function distanceWithin(a: string, b: ArrayLike<number>, start: number, len: number, max: number): number {
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
export class Searcher implements LibraryStore {
  private _vocab?: VocabView;
  private _meta?: Meta;
  private _lengths?: Uint32Array;
  private _years?: Int32Array;
  private _starts?: Float64Array;
  private _info?: LibraryInfo;
  private _lookup?: Lookup;
  private _surface?: Surface;
  private papersBySid = new Map<number, Paper>();

  constructor(readonly store: StoreReader) {}

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

  /** Vocabulary terms a processed query term can reach: itself, its prefix range, its fuzzy neighbours. */
  expand(term: string, prefix: boolean, fuzzy: boolean): string[] {
    const terms = this.vocab.terms;
    const out = new Set<string>([term]);
    if (prefix && term.length >= PREFIX_MIN) {
      for (let i = lowerBound(terms, term); i < terms.length && terms.at(i)!.startsWith(term); i++) out.add(terms.at(i)!);
    }
    if (fuzzy && term.length >= FUZZY_MIN) {
      const max = Math.round(term.length * FUZZY);
      for (const i of terms.near(term, max)) {
        const t = terms.at(i)!;
        if (boundedLevenshtein(term, t, max) <= max) out.add(t);
      }
    }
    return [...out];
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

  private year(sid: number): number | null {
    const y = (this._years ??= this.store.typed('years', Int32Array, 4))[sid];
    return y === undefined || y === NO_YEAR ? null : y;
  }

  /** Ranked hits: papers with all words first, then by score. */
  search(q: Query, opts: { fuzzy?: boolean } = {}): Hit[] {
    const fuzzy = Boolean(opts.fuzzy);
    const terms = (text: string) => tokenize(text).map(processTerm).filter((t): t is string => t !== null);
    const needed: string[] = [];
    for (const w of q.words) for (const t of terms(w)) pushAll(needed, this.expand(t, true, fuzzy));
    // A rare joined spelling (`finetuning`) also finds the papers that hyphenate it (fine-tuning).
    const joined = new Map<string, string>();
    for (const w of q.words) {
      const t = terms(w);
      if (t.length !== 1 || this.df(t[0]!) >= RARE_JOINED) continue;
      const split = this.splitJoined(w);
      if (split) {
        joined.set(w, split);
        pushAll(needed, terms(split));
      }
    }
    for (const f of q.fields) for (const t of terms(f.value)) pushAll(needed, this.expand(t, !wholeWordField(f.field), fuzzy));
    for (const p of [...q.phrases, ...q.exclude]) for (const t of terms(p)) needed.push(t);
    for (const f of q.excludeFields) for (const t of terms(f.value)) pushAll(needed, this.expand(t, !wholeWordField(f.field), false));
    // A query of field terms alone (`author:liu`) reads only those fields' postings.
    const fieldsOnly = !q.words.length && !q.phrases.length && !q.exclude.length && q.fields.length ? [...new Set([...q.fields, ...q.excludeFields].map((f) => f.field))] : undefined;
    const ms = this.partialIndex(needed, fieldsOnly);
    const base: SearchOptions = {
      boost: BOOST,
      prefix: prefixOption,
      fuzzy: fuzzy ? fuzzyOption : false,
      combineWith: 'AND',
    };
    const run = (text: string, extra: SearchOptions = {}) => new Map(ms.search(text, { ...base, ...extra }).map((r) => [r.id as number, r.score]));
    const inTitle = new Map<number, number>();

    // Required parts: field terms and phrases must all match.
    let required: Map<number, number> | null = null;
    const intersect = (m: Map<number, number>) => {
      if (!required) required = m;
      else {
        const next = new Map<number, number>();
        for (const [sid, s] of m) {
          const prev = required.get(sid);
          if (prev !== undefined) next.set(sid, prev + s);
        }
        required = next;
      }
    };
    for (const f of q.fields) {
      intersect(run(f.value, { fields: [f.field], ...(wholeWordField(f.field) ? { prefix: false } : {}) }));
    }
    for (const phrase of q.phrases) {
      const hits = run(phrase, { prefix: false, fuzzy: false });
      const want = titleKey(phrase);
      for (const sid of [...hits.keys()]) if (!this.containsPhrase(sid, want)) hits.delete(sid);
      intersect(hits);
    }

    // Plain words: a paper needs at least one; the more it has, the higher it ranks.
    const scores = new Map<number, { score: number; matched: number }>();
    for (const w of q.words) {
      if (!terms(w).length) continue;
      const results = ms.search(w, base);
      const split = joined.get(w);
      if (split) {
        const want = titleKey(split);
        const have = new Set(results.map((r) => r.id as number));
        for (const r of ms.search(split, { ...base, prefix: false, fuzzy: false })) if (!have.has(r.id as number) && this.containsPhrase(r.id as number, want)) results.push(r);
      }
      for (const r of results) {
        const sid = r.id as number;
        const cur = scores.get(sid) ?? { score: 0, matched: 0 };
        cur.score += r.score;
        cur.matched += 1;
        scores.set(sid, cur);
        if (Object.values(r.match).some((fields) => fields.includes('title'))) inTitle.set(sid, (inTitle.get(sid) ?? 0) + 1);
      }
    }
    // A query that covers more of a title names that paper: `curse of depth` should put
    // "The Curse of Depth in Large Language Models" above a longer title that merely contains it.
    for (const [sid, v] of scores) {
      const len = this.fieldLength(sid, 'title');
      const n = inTitle.get(sid) ?? 0;
      if (len > 0 && n > 0) v.score *= 1 + Math.min(1, n / len);
    }
    const hasWords = q.words.some((w) => terms(w).length > 0);
    const named = this.named(q);
    let hits: Hit[];
    const req = required as Map<number, number> | null;
    if (hasWords) {
      hits = [...scores].filter(([sid]) => !req || req.has(sid)).map(([sid, v]) => ({ sid, score: v.score + (req?.get(sid) ?? 0), matched: v.matched }));
    } else if (req) {
      hits = [...req].map(([sid, score]) => ({ sid, score, matched: 0 }));
    } else if (named.include) {
      hits = named.include.map((sid) => ({ sid, score: 0, matched: 0 }));
    } else {
      hits = Array.from({ length: this.size }, (_, sid) => ({ sid, score: 0, matched: 0 }));
    }
    if (named.include) {
      const keep = new Set(named.include);
      hits = hits.filter((h) => keep.has(h.sid));
    }
    if (named.exclude.size) hits = hits.filter((h) => !named.exclude.has(h.sid));

    if (q.year) {
      const { from, to } = q.year;
      hits = hits.filter((h) => {
        const y = this.year(h.sid);
        return y !== null && y >= from && y <= to;
      });
    }
    if (q.filters.length) hits = hits.filter((h) => passesFilters(this.paper(h.sid), q.filters));
    for (const f of q.excludeFields) {
      const m = run(f.value, { fields: [f.field], ...(wholeWordField(f.field) ? { prefix: false } : {}) });
      hits = hits.filter((h) => !m.has(h.sid));
    }
    for (const ex of q.exclude) {
      const m = run(ex, { prefix: false, fuzzy: false });
      const want = titleKey(ex);
      const multi = want.includes(' ');
      hits = hits.filter((h) => !m.has(h.sid) || (multi && !this.containsPhrase(h.sid, want)));
    }
    // Papers named by key or id alone come in the order they were named.
    if (!hasWords && !req && named.include) return hits;
    const dated = !hasWords && !req;
    return hits.sort((a, b) => b.matched - a.matched || b.score - a.score || (dated ? (this.year(b.sid) ?? 0) - (this.year(a.sid) ?? 0) : 0) || a.sid - b.sid);
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
    const terms = this.vocab.terms;
    let best: { t: string; d: number; df: number } | null = null;
    const max = t.length <= 4 ? 1 : 2;
    // A typo rarely hits the first letter: the words that share it (a range of the sorted
    // vocabulary) are tried first, and the whole vocabulary only when none is within reach.
    const from = lowerBound(terms, t[0]!);
    const to = lowerBound(terms, String.fromCharCode(t.charCodeAt(0) + 1));
    const near = terms.near(t, max, from, to);
    for (const i of near.length ? near : terms.near(t, max)) {
      const term = terms.at(i)!;
      const d = boundedLevenshtein(t, term, max);
      if (d === Infinity) continue;
      const df = this.vocab.df[i] ?? 0;
      if (!best || d < best.d || (d === best.d && df > best.df)) best = { t: term, d, df };
    }
    return best ? (this.surface[best.t] ?? best.t) : null;
  }

  private get surface(): Surface {
    return (this._surface ??= this.store.json<Surface>('surface'));
  }

  /** True when every term of a word is in the index, as itself or (from three letters) as a prefix. */
  private known(word: string): boolean {
    return tokenize(word)
      .map(processTerm)
      .every((t) => t === null || this.expand(t, true, false).some((x) => this.vocab.terms.at(lowerBound(this.vocab.terms, x)) === x));
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
    if (typed.length < PREFIX_MIN) return null;
    let best: { w: string; df: number } | null = null;
    const surface = this.surface;
    // `for … in`, not Object.entries: tens of thousands of pairs made for one look is garbage.
    for (const stem in surface) {
      const w = surface[stem]!;
      if (!w.startsWith(typed)) continue;
      const i = lowerBound(this.vocab.terms, stem);
      const df = this.vocab.terms.at(i) === stem ? this.vocab.df[i]! : 0;
      if (!best || df > best.df) best = { w, df };
    }
    return best?.w ?? null;
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
  private df(term: string): number {
    const i = lowerBound(this.vocab.terms, term);
    return this.vocab.terms.at(i) === term ? (this.vocab.df[i] ?? 0) : 0;
  }

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
    const terms = tokenize(phrase).map(processTerm).filter((t): t is string => t !== null);
    if (!terms.length) return false;
    const rarest = terms.reduce((a, b) => (this.df(a) <= this.df(b) ? a : b));
    if (this.df(rarest) > PHRASE_PROBE) return false;
    const want = titleKey(phrase);
    const docs = new Set<number>();
    for (const freqs of Object.values(this.postings(rarest) ?? {})) for (const d of Object.keys(freqs)) docs.add(Number(d));
    let looked = 0;
    for (const sid of docs) {
      if (this.containsPhrase(sid, want)) return true;
      // A split that is real shows up soon; reading every paper of a word costs more than it finds.
      if (++looked >= PHRASE_PROBE / 10) break;
    }
    return false;
  }

  /** Closest vocabulary words to the query's words that matched nothing, for "did you mean". */
  suggest(q: Query): string | null {
    let changed = false;
    const fix = (word: string): string => {
      const t = processTerm(word);
      if (!t || this.postings(t)) return word;
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
    const v = this.vocab;
    const ranked = [...tf]
      .map(([t, f]) => {
        const i = lowerBound(v.terms, t);
        const df = v.terms.at(i) === t ? v.df[i]! : 1;
        return { t, w: f * Math.log(1 + n / df) };
      })
      .sort((a, b) => b.w - a.w || (a.t < b.t ? -1 : 1))
      .slice(0, 25);
    const ms = this.partialIndex(ranked.map((r) => r.t));
    const fields: Field[] = ['title', 'abstract'];
    return ms
      .search(ranked.map((r) => r.t).join(' '), { boost: BOOST, fields, combineWith: 'OR' })
      .filter((r) => !given.has(r.id as number))
      .map((r) => ({ sid: r.id as number, score: r.score, matched: r.queryTerms.length }));
  }

  /** Papers whose titles best match some words, best first, for `lit show <title words>`. */
  titleMatches(text: string): Hit[] {
    const words = tokenize(text).map(processTerm).filter((t): t is string => t !== null);
    if (!words.length) return [];
    const ms = this.partialIndex(words.flatMap((t) => this.expand(t, true, false)), ['title']);
    const exact = titleKey(text);
    return ms
      .search(text, { fields: ['title'], combineWith: 'AND', prefix: prefixOption })
      .map((r) => {
        const sid = r.id as number;
        // A title typed out in full wins outright; otherwise the words that cover more of a
        // title name it better (`curse of depth` is most of one title, a third of another).
        const bonus = titleKey(this.paper(sid).title ?? '') === exact ? 1e6 : 0;
        const len = this.fieldLength(sid, 'title');
        const coverage = Math.min(1, r.queryTerms.length / Math.max(1, len));
        return { sid, score: r.score * coverage + bonus, matched: r.queryTerms.length };
      })
      .sort((a, b) => b.score - a.score || a.sid - b.sid);
  }
}

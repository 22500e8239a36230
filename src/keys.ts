// Citation keys in the scheme Better BibTeX users know: family name, year, first meaningful title word.
import type { CiteKey } from './merge.js';
import type { Paper, Warning } from './model.js';
import { foldAscii } from './text.js';

// Words that never make a key's title part (`The Curse of Depth…` → `curse`).
const STOP = new Set(
  'a an the on of in for to and or with without via from by at as is are be do does how what why when where which who can could should we you your our not all into towards toward its it this that these those than vs using over under between through about after before beyond more less new'.split(' '),
);

function asciiWord(w: string): string {
  return foldAscii(w).toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** The first `n` meaningful words of a text, folded to lowercase ASCII. */
function meaningful(text: string | null, n: number): string[] {
  if (!text) return [];
  const out: string[] = [];
  for (const raw of text.split(/\s+/)) {
    const w = asciiWord(raw);
    if (w && !STOP.has(w)) out.push(w);
    if (out.length === n) break;
  }
  return out;
}

/** The default key scheme: first author's family name, year, first meaningful title word. */
export const DEFAULT_KEY_SCHEME = '{auth}{year}{title}';

/**
 * The key before clash suffixes, from a scheme of {auth}, {year}, {title}, {title2}, {title3}.
 * With the default scheme: `liu2025curse`. Without authors (only a count) the title's first
 * meaningful word stands in for the name and the next one for the title (`grokking2025edge`);
 * without a year the year is left out; without a title the abstract's words stand in.
 */
export function baseKey(p: Pick<Paper, 'authorList' | 'year' | 'title' | 'abstract'>, scheme = DEFAULT_KEY_SCHEME): string {
  const family = p.authorList[0]?.family ?? '';
  // `van Beethoven` keys as `beethoven`: particles are left out, as Better BibTeX does.
  const name = asciiWord(family.split(/\s+/).filter((w) => w[0] === w[0]?.toUpperCase()).join('') || family);
  const words = meaningful(p.title ?? p.abstract, 4);
  const auth = name || words.shift() || 'anon';
  const titleWords = words.length ? words : p.title ? [] : ['untitled'];
  const key = scheme.replace(/\{(auth|year|title|title2|title3)\}/g, (_, t: string) => {
    if (t === 'auth') return auth;
    if (t === 'year') return p.year === null ? '' : String(p.year);
    return titleWords.slice(0, t === 'title' ? 1 : Number(t.slice(5))).join('');
  });
  return key.replace(/[^A-Za-z0-9_:-]/g, '') || 'anon';
}

/** One line of the key register: a key handed out, and what recognises its paper next time. */
export interface KeyLine {
  key: string;
  /** The build that handed it out: of two registered papers that turn out to be one, the earlier keeps its key. */
  gen: number;
  /** Set when this key now names another key's paper (the papers merged, or the key was changed). */
  aliasOf: string | null;
  /** Set by hand (`lit keys set`): `lit keys --rekey` leaves it alone. */
  pinned: boolean;
  /** Fingerprints of the paper's entries (see MergeResult.fingerprints). */
  ids: string[];
  /** For people reading the file; lit never matches on it. */
  title: string;
}

/** What key assignment decided: every line the register should now hold, and the lines' owners. */
export interface KeyAssignment {
  lines: KeyLine[];
  /** Index of the paper that holds each key this run (aliases included). */
  owner: Map<string, number>;
  /** Keys a source gave that could not be kept as they were. */
  warnings: Warning[];
}

const byCode = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Gives every paper a key, keeping every key the register already handed out:
 * - a registered paper keeps its key whatever it gains (authors, a year, a title, sources);
 * - papers that turn out to be one keep the earliest key; the others become its aliases;
 * - a new paper gets the scheme's key, with a suffix `a`, `b`, … when that key is taken, and
 *   new papers that clash with each other all get suffixes in order of date, then id;
 * - lines of papers not in this library stay, so their keys are never handed out again;
 * - a key a source gave (a .bib entry's own key) is a new paper's key, and an alias of a paper
 *   that has one; the same key brought by two papers: the later source's gets a suffix.
 * Pure: the register's lines in, the register's lines out.
 */
export function assignKeys(
  papers: Paper[],
  fingerprints: string[][],
  register: readonly KeyLine[] = [],
  scheme = DEFAULT_KEY_SCHEME,
  citeKeys: CiteKey[][] = [],
): KeyAssignment {
  const warnings: Warning[] = [];
  const lines = register.map((l) => ({ ...l, ids: [...l.ids] }));
  const byKey = new Map(lines.map((l) => [l.key, l]));
  const byFp = new Map<string, KeyLine>();
  // A fingerprint on two lines (a register edited by hand) belongs to the earlier line.
  const earlier = (a: KeyLine, b: KeyLine) => a.gen < b.gen || (a.gen === b.gen && a.key < b.key);
  for (const l of lines) {
    for (const fp of l.ids) {
      const at = byFp.get(fp);
      if (!at || earlier(l, at)) byFp.set(fp, l);
    }
  }
  const gen = lines.reduce((m, l) => Math.max(m, l.gen), 0) + 1;

  // 1. Which registered lines each paper's entries point at. A line two papers point at (a merge
  // undone) stays with the paper that has the line's first fingerprint, else the lowest id, so
  // the outcome does not depend on the order of the papers.
  const claims = new Map<KeyLine, number[]>();
  papers.forEach((_, i) => {
    const fps = fingerprints[i]!;
    const seen: KeyLine[] = [];
    for (const fp of fps) {
      const l = byFp.get(fp);
      if (!l || seen.includes(l)) continue;
      seen.push(l);
      const c = claims.get(l);
      if (c) c.push(i);
      else claims.set(l, [i]);
    }
  });
  const matched = papers.map((): KeyLine[] => []);
  for (const [l, who] of claims) {
    const first = l.ids[0];
    const winner = who.find((i) => first !== undefined && fingerprints[i]!.includes(first)) ?? who.reduce((a, b) => (byCode(papers[a]!.id, papers[b]!.id) <= 0 ? a : b));
    matched[winner]!.push(l);
  }

  // 2. A registered paper keeps the earliest of its lines; the rest become its aliases.
  const owner = new Map<string, number>();
  const fresh: number[] = [];
  for (let i = 0; i < papers.length; i++) {
    const mine = matched[i]!.sort((a, b) => a.gen - b.gen || Number(a.aliasOf !== null) - Number(b.aliasOf !== null) || byCode(a.key, b.key));
    const [keep, ...merged] = mine;
    if (!keep) {
      fresh.push(i);
      continue;
    }
    keep.aliasOf = null;
    for (const l of merged) l.aliasOf = keep.key;
    papers[i]!.key = keep.key;
    owner.set(keep.key, i);
    claimFingerprints(keep, mine, fingerprints[i]!, byFp);
    keep.title = lineTitle(papers[i]!);
  }

  // 3. New papers. One a source gave a key to (a .bib entry) takes that key, in source order;
  // the rest get the scheme's key, suffixed when any line (alias or not) already has it.
  const claimedAt = new Map<string, CiteKey>();
  const warned = new Set<string>();
  const handOut = (i: number, key: string) => {
    const line: KeyLine = { key, gen, aliasOf: null, pinned: false, ids: [], title: lineTitle(papers[i]!) };
    lines.push(line);
    byKey.set(key, line);
    claimFingerprints(line, [line], fingerprints[i]!, byFp);
    papers[i]!.key = key;
    owner.set(key, i);
  };
  const imported = fresh.filter((i) => citeKeys[i]?.length).sort((a, b) => citeKeys[a]![0]!.order - citeKeys[b]![0]!.order);
  for (const i of imported) {
    const [first] = citeKeys[i]!;
    let key = first!.key;
    if (byKey.has(key) || !isValidKey(key)) {
      const base = isValidKey(key) ? key : key.replace(/[^A-Za-z0-9_:.+/-]/g, '') || 'anon';
      let n = 0;
      while (byKey.has((key = base + suffix(n++))));
      const other = claimedAt.get(first!.key);
      warnings.push({
        code: 'key-clash',
        file: first!.file,
        line: first!.line,
        message: isValidKey(first!.key)
          ? `key ${first!.key} already names ${other ? `the paper at ${other.file}:${other.line}` : JSON.stringify(byKey.get(first!.key)!.title)}; this paper is ${key}`
          : `${JSON.stringify(first!.key)} is not a key every reader accepts; this paper is ${key}`,
      });
    }
    handOut(i, key);
    if (!claimedAt.has(first!.key)) claimedAt.set(first!.key, first!);
    warned.add(`${i}\0${first!.key}`);
  }
  const rest = fresh.filter((i) => !citeKeys[i]?.length);
  const keys = freshKeys(rest.map((i) => papers[i]!), (k) => byKey.has(k), scheme);
  rest.forEach((i, n) => handOut(i, keys[n]!));

  // A source's other keys for a paper (a second .bib, lit's own aliases) name it too.
  papers.forEach((p, i) => {
    for (const c of citeKeys[i] ?? []) {
      if (c.key === p.key || !isValidKey(c.key)) continue;
      const at = byKey.get(c.key);
      if (!at) {
        const line: KeyLine = { key: c.key, gen, aliasOf: p.key, pinned: false, ids: [], title: lineTitle(p) };
        lines.push(line);
        byKey.set(c.key, line);
        owner.set(c.key, i);
      } else if (primaryOf(at, byKey)?.key !== p.key && !warned.has(`${i}\0${c.key}`)) {
        warned.add(`${i}\0${c.key}`);
        warnings.push({ code: 'key-clash', file: c.file, line: c.line, message: `key ${c.key} already names ${JSON.stringify(at.title)}; not made an alias of ${p.key}` });
      }
    }
  });

  // 4. Aliases: every line whose chain of aliasOf ends at a key a paper holds now.
  for (const l of lines) {
    if (l.aliasOf === null) continue;
    const target = primaryOf(l, byKey);
    const i = target ? owner.get(target.key) : undefined;
    if (i === undefined) continue;
    papers[i]!.aliases.push(l.key);
    owner.set(l.key, i);
  }
  for (const p of papers) p.aliases.sort(byCode);
  return { lines, owner, warnings };
}

/** The line an alias leads to, following aliasOf; undefined for a chain that loops or ends nowhere. */
export function primaryOf(l: KeyLine, byKey: Map<string, KeyLine>): KeyLine | undefined {
  const seen = new Set<KeyLine>();
  let at: KeyLine | undefined = l;
  while (at?.aliasOf != null && !seen.has(at)) {
    seen.add(at);
    at = byKey.get(at.aliasOf);
  }
  return at && at.aliasOf === null ? at : undefined;
}

/**
 * Keys for papers that have none, in their order: the scheme's key where it is free and
 * nobody else here wants it, else that key with the first free suffix `a`, `b`, …, handed out
 * in order of date, then id, so the result does not depend on the order sources were read in.
 */
export function freshKeys(papers: readonly Paper[], taken: (key: string) => boolean, scheme = DEFAULT_KEY_SCHEME): string[] {
  const out: string[] = new Array(papers.length);
  const groups = new Map<string, number[]>();
  papers.forEach((p, i) => {
    const k = baseKey(p, scheme);
    const g = groups.get(k);
    if (g) g.push(i);
    else groups.set(k, [i]);
  });
  const given = new Set<string>();
  const used = (k: string) => taken(k) || given.has(k);
  for (const [base, g] of [...groups].sort((a, b) => byCode(a[0], b[0]))) {
    g.sort((x, y) => (papers[x]!.date ?? '').localeCompare(papers[y]!.date ?? '') || byCode(papers[x]!.id, papers[y]!.id));
    let n = 0;
    for (const i of g) {
      let key = base;
      if (g.length > 1 || used(base)) while (used((key = base + suffix(n++))));
      given.add(key);
      out[i] = key;
    }
  }
  return out;
}

/**
 * Points a paper's fingerprints at the line that keeps its key. Fingerprints of lines merged
 * into it stay where they are, so that if the merge is undone each paper gets its own key back.
 */
function claimFingerprints(keep: KeyLine, mine: KeyLine[], fps: string[], byFp: Map<string, KeyLine>): void {
  for (const fp of fps) {
    const at = byFp.get(fp);
    if (at && mine.includes(at)) continue;
    if (at) at.ids = at.ids.filter((x) => x !== fp);
    keep.ids.push(fp);
    byFp.set(fp, keep);
  }
}

/** The title as the register shows it: one line, no control characters. */
export function lineTitle(p: Paper): string {
  const t = p.title ?? `(untitled) ${(p.abstract ?? '').split(/\s+/, 8).join(' ')}`;
  // Most titles hold nothing to clean; the test is cheaper than the replacement.
  return UNSAFE.test(t) ? t.replace(UNSAFE_ALL, ' ').replace(/ {2,}/g, ' ').trim() : t;
}
const UNSAFE = /[\p{Cc}\p{Zl}\p{Zp}\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'gu');

/** True for a key every reader accepts: BibTeX, biber and pandoc's `@key`. */
export function isValidKey(key: string): boolean {
  return key.length <= 100 && /^[A-Za-z0-9_](?:[A-Za-z0-9_:.+/-]*[A-Za-z0-9_])?$/.test(key);
}

/** a … z, then aa, ab, …: enough for any clash. */
function suffix(i: number): string {
  let s = '';
  let n = i;
  do {
    s = String.fromCharCode(97 + (n % 26)) + s;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return s;
}

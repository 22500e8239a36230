// Text folding shared by merging, indexing and citation keys, so all three agree on "the same word".
import { decodeLatex } from './sources/latex.js';

const COMBINING = /[\u0300-\u036f]/g;

/** Special letters NFKD does not decompose, spelled the way BibTeX keys and searches expect. */
const LETTERS: Record<string, string> = {
  ß: 'ss', æ: 'ae', Æ: 'AE', ø: 'o', Ø: 'O', œ: 'oe', Œ: 'OE', ł: 'l', Ł: 'L', đ: 'd', Đ: 'D', þ: 'th', Þ: 'Th', ı: 'i',
};
const LETTER_RE = new RegExp(`[${Object.keys(LETTERS).join('')}]`, 'g');

/** Strips accents and spells special letters in ASCII: `Müller` → `Muller`, `Łukasz` → `Lukasz`. */
export function foldAscii(s: string): string {
  return s.normalize('NFKD').replace(COMBINING, '').replace(LETTER_RE, (c) => LETTERS[c] ?? c);
}

/**
 * The comparison key of a title: LaTeX markup read as what it shows (`Nystr{\"o}m`, `$\Phi$`),
 * folded, lowercased, punctuation and white space collapsed.
 */
export function titleKey(title: string): string {
  const folded = foldAscii(/[\\{}$]/.test(title) ? decodeLatex(title, 'unicode') : title);
  // Text of ASCII alone, as nearly every title and abstract is once folded, has no invisible
  // characters and no letters or digits but [A-Za-z0-9]: the Unicode classes took the first
  // titleKey of a process 0.6 ms to compile, and run slower on a whole abstract.
  if (ASCII.test(folded)) return folded.replace(ASCII_SYMBOL, symbolWord).toLowerCase().replace(ASCII_GAP, ' ').trim();
  return folded
    // Invisible characters (a zero-width space, a soft hyphen) never keep two copies of a title apart.
    .replace(/[\u00ad\u200b-\u200d\u2060\ufeff]/g, '')
    .replace(/([\p{L}\p{N}])(\+\+|\+|#)/gu, symbolWord)
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
/** Text of ASCII characters alone. */
export const ASCII = /^[\x00-\x7f]*$/;
const ASCII_SYMBOL = /([A-Za-z0-9])(\+\+|\+|#)/g;
const ASCII_GAP = /[^A-Za-z0-9]+/g;
// `C++`, `C#` and `C` name different languages: their symbols are words here.
const symbolWord = (_: string, a: string, op: string) => `${a} ${op === '#' ? 'sharp' : op === '++' ? 'plusplus' : 'plus'}`;

/** Lowercased folded words of a text, for similarity and blocking. */
export function words(text: string): string[] {
  return titleKey(text).split(' ').filter(Boolean);
}

/** Collapses runs of white space (including non-breaking spaces) to one space and trims. */
export function squash(s: string): string {
  // Most lines need nothing: testing first spares rebuilding every line of a 100,000-paper
  // listing space by space (2.3 s of its build, 0.6 s with the test).
  return NEEDS_SQUASH.test(s) ? s.replace(/\s+/g, ' ').trim() : s;
}
// White space other than one plain space between words (`\s` holds U+00A0 and the other spaces).
const NEEDS_SQUASH = /[^\S ]|  |^ | $/;

/**
 * One copy of a string that recurs: the same author's name in a thousand papers is one string,
 * not a thousand (at a million papers, several hundred megabytes of names).
 */
export function intern(s: string): string {
  return pool.get(s) ?? pool.keep(s, s);
}

/** One shared value per key, for values that recur (see intern); past its bound, values are kept as made. */
export class Pool<T> {
  private readonly values = new Map<string, T>();
  get(key: string): T | undefined {
    return this.values.get(key);
  }
  /** Keeps `value` for `key` while there is room, and returns it. */
  keep(key: string, value: T): T {
    if (this.values.size < POOL_MAX) this.values.set(key, value);
    return value;
  }
}
// Distinct values a pool keeps; past this, values are kept as read (a library of that many
// authors gains little from sharing).
const POOL_MAX = 1_000_000;
const pool = new Pool<string>();

// Citation keys in the scheme Better BibTeX users know: family name, year, first meaningful title word.
import type { Paper } from './model.js';
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

/**
 * Gives every paper a unique key. Papers that share a base key all get a suffix `a`, `b`, …
 * in order of (date, id). The order depends only on the clashing papers themselves, so a new
 * source never changes a key unless its papers clash with that key.
 */
export function assignKeys(papers: Paper[], scheme = DEFAULT_KEY_SCHEME): void {
  const groups = new Map<string, Paper[]>();
  for (const p of papers) {
    const k = baseKey(p, scheme);
    const g = groups.get(k);
    if (g) g.push(p);
    else groups.set(k, [p]);
  }
  for (const [k, g] of groups) {
    if (g.length === 1) {
      g[0]!.key = k;
      continue;
    }
    g.sort((x, y) => (x.date ?? '').localeCompare(y.date ?? '') || x.id.localeCompare(y.id));
    g.forEach((p, i) => (p.key = k + suffix(i)));
  }
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

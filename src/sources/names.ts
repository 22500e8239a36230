import type { Author } from '../model.js';
import { intern, Pool } from '../text.js';

// Name particles that belong to the family name: `Ludwig van Beethoven` → family `van Beethoven`.
const PARTICLES = new Set(['van', 'von', 'der', 'den', 'de', 'da', 'di', 'du', 'del', 'della', 'la', 'le', 'dos', 'das', 'bin', 'ibn', 'al', 'ter', 'zu', 'ten']);
const PARTICLE_RE = [...PARTICLES].join('|');

// One word of a personal name: `Zhenyu`, `O'Brien`, `Catalan-Tatjer`, `McDonald`, an initial `W.`.
// A word with a capital inside it (`NetworkTianjin`) is not a name word: that is how a title glued
// to its first author (`…Recurrent HyperNetworkTianjin Huang`) is told apart.
const WORD = String.raw`(?:(?:Mc|Mac|O['’]|D['’])?\p{Lu}[\p{Ll}\p{M}]+(?:[-'’]\p{Lu}?[\p{Ll}\p{M}]+)*|\p{Lu}\.)`;
const NAME = String.raw`${WORD}(?: (?:(?:${PARTICLE_RE}) )*${WORD})+`;
const NAME_LIST_RE = new RegExp(String.raw`^${NAME}(?:, ${NAME})*(?: et al\.?)?$`, 'u');

/** Splits a display name `Given Middle Family` into its parts, keeping particles with the family. */
export function splitDisplayName(name: string): Author {
  const parts = name.trim().split(/\s+/);
  if (parts.length <= 1) return { given: '', family: parts[0] ?? '' };
  let i = parts.length - 1;
  while (i > 1 && PARTICLES.has((parts[i - 1] ?? '').toLowerCase())) i--;
  return { given: parts.slice(0, i).join(' '), family: parts.slice(i).join(' ') };
}

/** Reads `A, B et al.` into authors and whether the list was cut short. */
export function parseNameList(list: string): { authors: Author[]; truncated: boolean } {
  const truncated = /\bet al\.?$/.test(list);
  const body = list.replace(/,?\s*et al\.?$/, '');
  const authors = body
    .split(/\s*,\s*/)
    .filter(Boolean)
    .map(splitDisplayName);
  return { authors, truncated };
}

/**
 * Splits `TitleFirst Author, Second Author et al.` where the listing glued the title to the authors.
 * Tries every place where a capital follows a non-space (the glue leaves no space) and takes the
 * leftmost from which the rest reads as a list of names. Returns null when no place does.
 */
export function splitGluedTitle(line: string): { title: string; authors: string } | null {
  // A name list holds only letters, marks, spaces and `.,'’-`: one pass from the end finds
  // where such a tail starts, so the regex runs only where a list could begin. Without this a
  // long line of name-like words cost a regex run per capital (quadratic: 2 MB took 23 s).
  let tail = line.length;
  while (tail > 0 && NAME_CHAR.test(line[tail - 1]!)) tail--;
  let tries = 0;
  for (let i = Math.max(1, tail); i < line.length && tries < MAX_SPLIT_TRIES; i++) {
    const c = line[i] as string;
    const prev = line[i - 1] as string;
    if (!/\p{Lu}/u.test(c) || /[\s-]/.test(prev)) continue;
    tries++;
    const rest = line.slice(i);
    if (NAME_LIST_RE.test(rest)) {
      const title = line.slice(0, i).trim();
      if (title) return { title, authors: rest };
    }
  }
  return null;
}
const NAME_CHAR = /[\p{L}\p{M}\s.,'’-]/u;
// Glue points are few in a real line (one, and a capital inside a name such as McDonald).
const MAX_SPLIT_TRIES = 64;

// One name in a `Family, Given` export: words, initials, particles and hyphens; no digits or colons.
const PROFILE_PART = /^[\p{L}\p{M}][\p{L}\p{M}.'’ -]*$/u;

/**
 * Reads an author-profile list `Family, Given, Family, Given, …` (`Mahoney, Michael W.`).
 * Returns null when the line is not such a list (an odd count or a part that is not a name).
 */
export function parseFamilyGivenList(line: string): Author[] | null {
  // Every line of a profile export is asked, abstracts too: a stretch of over 40 characters
  // with no comma is a part too long for a name, found without splitting the line.
  if (LONG_PART.test(line)) return null;
  const parts = line.split(/\s*,\s*/).map((p) => p.trim());
  if (parts.length < 2) return null;
  if (!parts.every((p) => p.length > 0 && p.length <= 40 && PROFILE_PART.test(p))) return null;
  const out: Author[] = [];
  for (let i = 0; i < parts.length; ) {
    const family = parts[i] as string;
    // `King, Jr., Martin`: a suffix between family and given name, as BibTeX writes it.
    const suffix = SUFFIX.test(parts[i + 1] ?? '') ? parts[i + 1] : undefined;
    const given = parts[i + (suffix ? 2 : 1)];
    if (given === undefined || SUFFIX.test(family) || SUFFIX.test(given)) return null;
    out.push(sharedName(family, given, suffix));
    i += suffix ? 3 : 2;
  }
  // A list grown a push at a time keeps room to grow; a copy holds only its names (the list is
  // kept to the end of a build: at 10,000 generated papers, 150 bytes a paper became 51).
  return out.slice();
}
const SUFFIX = /^(?:Jr|Sr)\.?$|^(?:II|III|IV)$/;

/**
 * One frozen object per distinct name, as `intern` keeps one string: a profile names the same
 * authors paper after paper (at 10,000 generated papers, a paper's author list took 328 bytes of
 * heap with an object per name, 150 with them shared). Nothing changes an author once read;
 * frozen, a change would fail rather than reach every paper with that author.
 */
function sharedName(family: string, given: string, suffix: string | undefined): Author {
  const k = suffix ? `${family}\0${given}\0${suffix}` : `${family}\0${given}`;
  return shared.get(k) ?? shared.keep(k, Object.freeze(suffix ? { family: intern(family), given: intern(given), suffix } : { family: intern(family), given: intern(given) }));
}
const shared = new Pool<Author>();
// A part whose trimmed text runs over 40 characters: first and last character not space or comma.
const LONG_PART = /[^,\s][^,]{39,}[^,\s]/;

/**
 * A name list whose last name is `others` was cut short: that is how BibTeX says "et al.", and
 * how lit's CSL-JSON (`{"literal": "others"}`, which citeproc prints as "et al.") and RIS
 * (`AU  - others`) exports say it.
 */
export function withoutOthers(authors: Author[]): { authors: Author[]; truncated: boolean } {
  const last = authors[authors.length - 1];
  const truncated = !!last && !last.given && last.family.toLowerCase() === 'others';
  return { authors: truncated ? authors.slice(0, -1) : authors, truncated };
}

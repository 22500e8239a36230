// Finding the papers a user means: exact keys, aliases and ids, else the best title match.
import { EXIT, LitError } from '../../errors.js';
import type { LibraryStore } from '../../library-store.js';
import { err } from '../output.js';
import { firstAuthor } from '../render.js';
import { termsOf } from '../../search/ranker.js';

// A title must score this much above the next for the words to name it: listing beats guessing.
const CLEAR_LEAD = 1.3;
// Shorter hex runs are words as often as ids (`cafe`, `2024`); six digits name one paper in millions.
const ID_PREFIX_MIN = 6;

function candidates(store: LibraryStore, sids: number[]): string {
  return sids
    .slice(0, 10)
    .map((sid) => {
      const p = store.paper(sid);
      return `  ${p.key}\t${p.year ?? ''}\t${p.title ?? '(untitled)'}\t${firstAuthor(p)}`;
    })
    .join('\n');
}

/** The one paper a name (key, alias, id, or id prefix of six or more hex digits) names, if any. */
export function lookupName(store: LibraryStore, name: string): number | undefined {
  const exact = store.lookup(name);
  if (exact !== undefined || name.length < ID_PREFIX_MIN || !/^[0-9a-f]+$/.test(name)) return exact;
  const sids = store.idsWithPrefix(name);
  if (sids.length > 1) throw new LitError('ambiguous', `id ${name} is the start of ${sids.length} papers' ids; give more of it:\n${candidates(store, sids)}`, EXIT.ambiguous);
  return sids[0];
}

/** Says once on stderr that a name was an alias, and which key the paper has now. */
export function noteAlias(store: LibraryStore, name: string, sid: number, where = ''): void {
  const p = store.paper(sid);
  if (name !== p.key && p.aliases.includes(name)) err(`lit: note: ${where}${name} is an alias; the paper's key is now ${p.key}`);
}

/**
 * The papers the arguments name when every word of them is an exact key, alias or id (or an
 * unambiguous id prefix): `lit show k1 k2`. Null when any word is not, so the words are a query.
 */
export function resolveNames(store: LibraryStore, args: string[]): number[] | null {
  const names = args.map((a) => a.trim());
  // Ids and keys never hold white space, so title words skip the id table (4 MB at 100,000 papers).
  if (!names.length || names.some((n) => !n || /\s/.test(n))) return null;
  const found = names.map((n) => lookupName(store, n));
  const unknown = names.filter((_, i) => found[i] === undefined);
  if (unknown.length === names.length) return null;
  // Some words are keys and some are not: a mistyped key, not a search for the rest.
  if (unknown.length) {
    const list = unknown.map((u) => JSON.stringify(u)).join(', ');
    throw new LitError('no-match', `${list} ${unknown.length === 1 ? 'is' : 'are'} no paper's key, alias or id (the other words are); check the spelling with lit keys`, EXIT.noMatch);
  }
  const sids = found as number[];
  names.forEach((n, i) => noteAlias(store, n, sids[i]!));
  return [...new Set(sids)];
}

/** The short id of the paper the words name; throws a no-match or an ambiguity error otherwise. */
export function resolvePaper(store: LibraryStore, words: string[]): number {
  return resolvePapers(store, words)[0]!;
}

/** The papers named exactly, else the one paper whose title the words match best. */
export function resolvePapers(store: LibraryStore, words: string[]): number[] {
  const named = resolveNames(store, words);
  if (named) return named;
  const text = words.join(' ').trim();
  // A title typed out in full that one paper has names it (titleMatches ranks it first by a
  // margin no other title reaches): an engine with a table of titles finds it without scoring
  // every title that shares a word with it. Words that hold no index term name nothing, as
  // titleMatches finds nothing for them.
  const whole = termsOf(text).length ? store.wholeTitle(text) : null;
  if (whole?.length === 1) return whole;
  const hits = store.titleMatches(text);
  const [top, second] = hits;
  if (!top) throw new LitError('no-match', `no paper has the id, key or title words ${JSON.stringify(text)}`, EXIT.noMatch);
  // Words name one paper only when they name it clearly (D9): one word that several titles hold
  // (`sparsity`) never does, and a phrase must put one title well ahead of the next.
  const oneWord = !/\s/.test(text);
  if (second && (oneWord || second.score * CLEAR_LEAD > top.score)) {
    const shown = hits.length > 10 ? ', the best 10' : '';
    throw new LitError('ambiguous', `${JSON.stringify(text)} matches ${hits.length} papers${shown}; name one by its key:\n${candidates(store, hits.map((h) => h.sid))}`, EXIT.ambiguous);
  }
  return [top.sid];
}

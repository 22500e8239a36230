// Finding the one paper a user means: an exact id or key, else the best title match.
import { EXIT, LitError } from '../../errors.js';
import type { Searcher } from '../../search/searcher.js';
import { firstAuthor } from '../render.js';

// Two titles scoring within this ratio match "about equally": listing beats guessing.
const AMBIGUOUS = 0.9;

/** The short id of the paper the words name; throws a no-match or an ambiguity error otherwise. */
export function resolvePaper(searcher: Searcher, words: string[]): number {
  const text = words.join(' ').trim();
  // Ids and keys never hold white space, so title words skip the id table (4 MB at 100,000 papers).
  const exact = /\s/.test(text) ? undefined : searcher.lookup(text);
  if (exact !== undefined) return exact;
  const hits = searcher.titleMatches(text);
  const [top, second] = hits;
  if (!top) throw new LitError('no-match', `no paper has the id, key or title words ${JSON.stringify(text)}`, EXIT.noMatch);
  if (second && second.score >= top.score * AMBIGUOUS) {
    const close = hits.filter((h) => h.score >= top.score * AMBIGUOUS).slice(0, 10);
    const list = close.map((h) => {
      const p = searcher.paper(h.sid);
      return `  ${p.key}\t${p.year ?? ''}\t${p.title ?? '(untitled)'}\t${firstAuthor(p)}`;
    });
    throw new LitError('ambiguous', `${JSON.stringify(text)} matches ${close.length} papers about equally; name one by its key:\n${list.join('\n')}`, EXIT.ambiguous);
  }
  return top.sid;
}

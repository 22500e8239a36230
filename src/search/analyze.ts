// How text becomes index terms. Shared by indexing and querying so both agree on every word.
import { stemmer } from 'stemmer';
import { ASCII, foldAscii } from '../text.js';

// Words too common to rank by; `curse of depth` should not favour every paper with "of".
const STOP = new Set(
  'a an and are as at be but by for from has have in into is it its of on or that the their then there these this to was were which with via we our'.split(' '),
);

/** Splits text into words; hyphens split too, so `Pre-LN` indexes `pre` and `ln`. */
export function tokenize(text: string): string[] {
  return text.split(ASCII.test(text) ? ASCII_GAP : GAP).filter(Boolean);
}
// The same split for text of ASCII alone, where letters, digits and marks are [A-Za-z0-9]: the
// Unicode classes cost every search 2.9 ms to compile, on the bundled seeds 4% of its time.
const ASCII_GAP = /[^A-Za-z0-9]+/;
const GAP = /[^\p{L}\p{N}\p{M}]+/u;

/** A word's index term: folded to ASCII, lowercased, stemmed (`Pruning` → `prune`, `LLMs` → `llm`); null for stop words. */
export function processTerm(word: string): string | null {
  const hit = memo.get(word);
  if (hit !== undefined) return hit;
  const w = foldAscii(word).toLowerCase();
  // Stemming a number or a code like `o1` only mangles it.
  const term = !w || STOP.has(w) ? null : /^[a-z]+$/.test(w) && w.length > 2 ? stemmer(w) : w;
  // Indexing sees the same few thousand words millions of times; folding and stemming each once.
  if (memo.size < 500_000) memo.set(word, term);
  return term;
}
const memo = new Map<string, string | null>();

export const FIELDS = ['title', 'authors', 'abstract', 'categories', 'organisation'] as const;
export type Field = (typeof FIELDS)[number];

/** Field boosts: a hit in the title counts three times one in the abstract. */
export const BOOST: Record<Field, number> = { title: 3, authors: 2, abstract: 1, categories: 1.5, organisation: 1 };

/** Everything that changes the index's contents; part of the cache key. */
export const INDEX_SIGNATURE = JSON.stringify({ v: 1, FIELDS, stop: [...STOP].length, stem: 'porter' });

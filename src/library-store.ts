// The seam between the commands and the engines that hold a library. Commands, formatters and
// the query language see a LibraryStore and nothing else; an engine (src/engines/) builds one
// from the merged library, saves it in the cache folder and opens it again. See docs/architecture.md.
import type { Library } from './library.js';
import type { Paper, Progress, Warning } from './model.js';
import type { Query } from './search/query.js';
import type { LibraryInfo } from './search/store.js';

/** One search result: the paper's short id (its place in the library), its score, and how many query words it matched. */
export interface Hit {
  sid: number;
  score: number;
  matched: number;
}

/** A library as the commands see it, whatever engine holds it. */
export interface LibraryStore {
  /** The summary stored at build time: files, counts, warnings, merge reasons, keys. */
  readonly info: LibraryInfo;
  /** How many papers it holds; short ids run from 0 to size - 1, in library order. */
  readonly size: number;
  /** One paper by short id. */
  paper(sid: number): Paper;
  /** Every paper, in library order. */
  allPapers(): Paper[];
  /** The short id of a paper id, citation key or alias. */
  lookup(idOrKey: string): number | undefined;
  /** The short ids of the papers whose id starts with these hex digits. */
  idsWithPrefix(prefix: string): number[];
  /** Ranked search with lit's rules: all words first, title coverage, fields, phrases, exclusions. */
  search(q: Query, opts?: { fuzzy?: boolean }): Hit[];
  /** The query with each word that matches nothing replaced by what it was meant to be, and notes saying so. */
  forgive(q: Query): { query: Query; notes: string[] };
  /** A respelled query for "did you mean", or null. */
  suggest(q: Query): string | null;
  /** Papers most like these. */
  similar(sids: number[]): Hit[];
  /** Papers whose titles hold these words, best first: what `show` chooses among. */
  titleMatches(text: string): Hit[];
}

/** What an engine is told to build from. */
export interface BuildInput {
  lib: Library;
  litVersion: string;
  /** The cache key the store is saved under, checked again when it is opened. */
  key: string;
  onProgress?: Progress;
}

/** An engine: builds, saves and opens stores of one kind. */
export interface Engine {
  readonly name: string;
  /** What the store's format depends on (the engine library's version): part of the cache key. */
  readonly formatVersion: string;
  /** The file (or folder) a store for this cache key lives in. */
  file(cacheDir: string, key: string): string;
  /** Opens a saved store; throws BadStoreError when it is damaged or not this key's. */
  open(file: string, key: string): LibraryStore;
  /** Builds the store for a library and saves it; a store that cannot be saved is still returned, with a warning. */
  build(input: BuildInput, file: string): Promise<{ store: LibraryStore; warnings: Warning[] }>;
}

// The engines lit knows, loaded only when chosen.
const ENGINES: Record<string, () => Promise<Engine>> = {
  minisearch: async () => (await import('./engines/minisearch.js')).engine,
};

/** The engine names, for help and errors. */
export const ENGINE_NAMES = Object.keys(ENGINES);

/**
 * The engine for a library: the one place the choice is made. MiniSearch, which needs no
 * native code, is the only engine so far.
 */
export async function chooseEngine(name = 'minisearch'): Promise<Engine> {
  const load = ENGINES[name];
  if (!load) throw new Error(`no engine ${name}`);
  return load();
}

// The seam between the commands and the engines that hold a library. Commands, formatters and
// the query language see a LibraryStore and nothing else; an engine (src/engines/) builds one
// from the merged library, saves it in the cache folder and opens it again. See docs/architecture.md.
import type { SourceFile } from './sources/read.js';
import type { Library, ParsedFile, Reuse } from './library.js';
import type { Paper, Progress, Warning } from './model.js';
import type { Query } from './search/query.js';
import type { LibraryInfo } from './search/store.js';
import { EXIT, LitError } from './errors.js';

/** One search result: the paper's short id (its place in the library), its score, and how many query words it matched. */
export interface Hit {
  sid: number;
  score: number;
  matched: number;
}

/** Ranked hits: the best ones asked for, in order, and how many papers matched in all. */
export interface Ranked {
  hits: Hit[];
  total: number;
}

/** How to search: with typo tolerance; only the best `limit` hits ranked and returned (the rest only counted). */
export interface SearchOptions {
  fuzzy?: boolean;
  limit?: number;
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
  search(q: Query, opts?: SearchOptions): Ranked;
  /** The query with each word that matches nothing replaced by what it was meant to be, and notes saying so. */
  forgive(q: Query): { query: Query; notes: string[] };
  /** A respelled query for "did you mean", or null. */
  suggest(q: Query): string | null;
  /** Papers most like these. */
  similar(sids: number[]): Hit[];
  /** Papers whose titles hold these words, best first: what `show` chooses among. */
  titleMatches(text: string): Hit[];
  /**
   * The papers whose whole title the text is (compared by title key), in library order; null
   * where the engine keeps no table of titles and only titleMatches can tell.
   */
  wholeTitle(text: string): number[] | null;
}

/** What an engine is told to build from. */
export interface BuildInput {
  lib: Library;
  litVersion: string;
  /** The cache key the store is saved under, checked again when it is opened. */
  key: string;
  onProgress?: Progress;
  /** How many bytes the sources hold, where known: an engine may build a large library differently. */
  sourceBytes?: number;
}

/** An engine: builds, saves and opens stores of one kind. */
export interface Engine {
  readonly name: string;
  /** What the store's format depends on (the engine library's version): part of the cache key. */
  readonly formatVersion: string;
  /**
   * Where the store lives: a file per cache key (MiniSearch), or one place per source set
   * (`setId`: the sources as named, not their contents) that later builds update (SQLite).
   */
  locate(cacheDir: string, setId: string, key: string): string;
  /** Opens a saved store; throws BadStoreError when it is damaged or not this key's. */
  open(location: string, key: string): LibraryStore;
  /** Builds the store for a library and saves it; a store that cannot be saved is still returned, with a warning. */
  build(input: BuildInput, location: string): Promise<{ store: LibraryStore; warnings: Warning[] }>;
  /**
   * Begins a build before the sources are read, for an engine that keeps what each file gave:
   * it stores each file as it is read, and lets the library's entries go once it is merged (so
   * a large library is not held twice while it is keyed). `finish` with the keyed library ends
   * it. Only for an engine whose location does not depend on the key.
   */
  begin?(location: string, sourceBytes: number): Promise<BegunBuild>;
  /** A sound store built from other contents of the sources, to bring up to date in place; null when there is none. */
  prior?(location: string): PriorStore | null;
}

/** A build Engine.begin started: told of each file read and of the library merged, then finished once, or abandoned (its half-written store removed). */
export interface BegunBuild {
  /** Keeps what one file gave, as soon as it is read (an OnParsed). */
  store(file: Pick<SourceFile, 'display' | 'hash'>, parsed: ParsedFile): void;
  /** The library is read and merged: what the build needs of its entries is kept, and they are let go. */
  read(lib: Library): void;
  finish(input: BuildInput): Promise<{ store: LibraryStore; warnings: Warning[] }>;
  /** Removes what was begun; nothing once finished. */
  abandon(): void;
}

/** A store an engine updates in place rather than building anew: only changed files are read again. */
export interface PriorStore {
  /** What an unchanged source file gave when the store was last built or updated. */
  reuse: Reuse;
  /** Reads ahead, off the main thread where it can, what `reuse` will be asked for these files. */
  prefetch?(files: SourceFile[]): Promise<void>;
  /** Brings the store up to the library read with `reuse`; `rewritten` counts the papers whose rows it wrote or removed. */
  update(input: BuildInput): Promise<{ store: LibraryStore; warnings: Warning[]; rewritten: number }>;
  /** Lets go of the store without updating it. */
  close(): void;
}

/** How the engine is chosen: by the library's size, or by name (--engine, `engine:` in the config). */
export type EngineChoice = 'auto' | 'minisearch' | 'sqlite';

// The engines lit knows, loaded only when chosen.
const ENGINES: Record<Exclude<EngineChoice, 'auto'>, () => Promise<Engine>> = {
  minisearch: async () => (await import('./engines/minisearch.js')).engine,
  sqlite: async () => (await import('./engines/sqlite.js')).engine,
};

/** The engine names, for help, completion and errors. */
export const ENGINE_NAMES: EngineChoice[] = ['auto', 'minisearch', 'sqlite'];

/**
 * Sources above this many bytes go to SQLite when it is installed. Measured (docs/benchmarks.md):
 * at 10,000 papers (14 MB of listings) the two engines answer within 10% of each other, MiniSearch
 * the quicker; at 100,000 SQLite is the quicker and builds faster. Between them, 32 MB keeps
 * every library MiniSearch served well where it was.
 */
export const CROSSOVER_BYTES = 32 * 2 ** 20;

/** What the choice came to: the engine, and a note for the user when a better one is missing. */
export interface Chosen {
  engine: Engine;
  /** Said when the index is built: how to enable the engine a library this size should have. */
  hint?: string;
}

/** The engine for a library: the one place the choice is made. */
export async function chooseEngine(choice: EngineChoice, sourceBytes: number): Promise<Chosen> {
  if (choice === 'minisearch') return { engine: await ENGINES.minisearch() };
  if (choice === 'sqlite' || sourceBytes >= CROSSOVER_BYTES) {
    const { loadDriver } = await import('./engines/sqlite.js');
    if (loadDriver()) return { engine: await ENGINES.sqlite() };
    if (choice === 'sqlite') throw new LitError('engine-unavailable', `the sqlite engine needs better-sqlite3, which is not installed or could not be built; run \`npm install better-sqlite3\` (it needs python3, make and a C++ compiler), or use --engine minisearch`, EXIT.usage);
    return { engine: await ENGINES.minisearch(), hint: `this library (${Math.round(sourceBytes / 2 ** 20)} MB of sources) would search several times faster with the sqlite engine, but better-sqlite3 is not installed; \`npm install better-sqlite3\` adds it where python3, make and a C++ compiler are present` };
  }
  return { engine: await ENGINES.minisearch() };
}

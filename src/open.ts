// Opening the library: find the sources, use the cache when it matches, else build and save it.
import { pushAll } from './arrays.js';
import { existsSync } from 'node:fs';
import { cacheKey, openHashMemo } from './cache.js';
import { fastHash } from './hash.js';
import { chooseEngine, type Engine, type EngineChoice, type LibraryStore, type PriorStore } from './library-store.js';
import { registerStamp, type RegisterUpdate } from './register.js';
import type { Library } from './library.js';
import type { Progress, Warning } from './model.js';
import { INDEX_SIGNATURE } from './search/analyze.js';
import { BadStoreError } from './search/store.js';
import { findSources } from './sources/read.js';
import { VERSION } from './version.js';

export interface OpenOptions {
  sources: string[];
  cacheDir: string;
  cwd: string;
  rebuild?: boolean;
  keyScheme?: string;
  /** The key register (src/register.ts): read and written only when the index is built. */
  registerFile: string;
  /** The config file in use, if any. */
  configFile?: string | null;
  /** Told as slow work advances, so the CLI can show progress. */
  onProgress?: Progress;
  /** The engine, or `auto` (by the sources' size, src/library-store.ts). */
  engine?: EngineChoice;
}

export interface OpenLibrary {
  /** The library, through whichever engine holds it. */
  store: LibraryStore;
  /** Problems with the sources (read now or remembered from the build) and with the cache. */
  warnings: Warning[];
  fromCache: boolean;
  /** How many of the warnings, at the end, were remembered from the build rather than found now. */
  remembered: number;
  cachePath: string;
  /** The engine holding it: minisearch or sqlite. */
  engine: string;
  /** True when a stale store was brought up to date in place (only changed files read again). */
  updated: boolean;
  /** For an update, how many papers it rewrote (added, changed or removed). */
  rewritten?: number;
}

/** Opens the library named by the sources, from the cache when nothing changed. */
export async function openLibrary(opts: OpenOptions): Promise<OpenLibrary> {
  // --rebuild means "trust nothing": every source is read and hashed again.
  const memo = opts.rebuild ? undefined : openHashMemo(opts.cacheDir);
  // What lit keeps itself is never a source, even in a folder that is one.
  const own = [opts.cacheDir, opts.registerFile, `${opts.registerFile}.lock`, ...(opts.configFile ? [opts.configFile] : [])];
  const found = await findSources(opts.sources, opts.cwd, memo, own);
  // Remembering hashes only saves time; a cache folder that cannot be written costs nothing here.
  await memo?.save().catch(() => undefined);
  // The register's stamp is in the key: `lit keys set`, or a register brought in by git, keys
  // the library anew, and one stat is all it costs a cached search.
  const sourceBytes = found.files.reduce((n, f) => n + (f.size ?? 0), 0);
  const { engine, hint } = await chooseEngine(opts.engine ?? 'auto', sourceBytes);
  // Everything that changes what the index holds, but the sources' contents: the engine, the
  // analysis, the key scheme, the register (and its stamp: `lit keys set`, or a register
  // brought in by git, keys the library anew, for one stat on a cached search).
  const settings = `${engine.formatVersion}\n${INDEX_SIGNATURE}\n${opts.keyScheme ?? ''}\n${opts.registerFile}`;
  const keyFor = () => cacheKey(found.files, VERSION, `${settings}\n${registerStamp(opts.registerFile)}`);
  // The source set as named, for an engine that keeps one store per set and updates it.
  const setId = fastHash(JSON.stringify([VERSION, settings, opts.cwd, opts.sources]));
  const key = keyFor();
  const file = engine.locate(opts.cacheDir, setId, key);
  const cacheWarnings: Warning[] = [];

  let prior: PriorStore | null = null;
  if (!opts.rebuild && existsSync(file)) {
    try {
      const store = engine.open(file, key);
      return { store, warnings: [...found.warnings, ...store.info.warnings], fromCache: true, remembered: store.info.warnings.length, cachePath: file, engine: engine.name, updated: false };
    } catch (err) {
      if (!(err instanceof BadStoreError) && !isFsError(err)) throw err;
      // Changed sources are no damage: the store is brought up to date, or built again, without a word.
      if (err instanceof BadStoreError && err.stale) prior = engine.prior?.(file) ?? null;
      else cacheWarnings.push({ code: 'cache-rebuilt', file, message: `cache was unusable (${(err as Error).message}); rebuilt it` });
    }
  }
  if (hint) cacheWarnings.push({ code: 'cache-no-sqlite', message: hint });

  // Heavy modules load only here, when the cache cannot answer.
  const [{ readLibrary }, { assignKeys }, { updateRegister }] = await Promise.all([import('./library.js'), import('./keys.js'), import('./register.js')]);
  // An engine that updates in place hands back what unchanged files gave last time.
  await prior?.prefetch?.(found.files);
  // An engine that keeps what each file gave stores each as it is read, and lets the entries go
  // once they are merged, so that a large library is not held twice while it is keyed.
  const begun = prior || !engine.begin ? null : await engine.begin(file, sourceBytes);
  let lib: Library;
  try {
    lib = readLibrary(found.files, [], opts.onProgress, prior?.reuse, begun ? (f, parsed) => begun.store(f, parsed) : undefined);
    begun?.read(lib);
  } catch (e) {
    begun?.abandon();
    throw e;
  }
  opts.onProgress?.('assigning citation keys');
  let keyed: RegisterUpdate<Warning[]>;
  try {
    keyed = await updateRegister(opts.registerFile, (current) => {
      const done = assignKeys(lib.papers, lib.fingerprints, current.lines, opts.keyScheme, lib.citeKeys);
      return { lines: done.lines, result: done.warnings };
    });
  } catch (e) {
    begun?.abandon();
    throw e;
  }
  pushAll(pushAll(lib.warnings, keyed.result), keyed.warnings);
  // Keying may have written the register, and so changed its stamp: store under the new key.
  const builtKey = keyFor();
  const builtFile = engine.locate(opts.cacheDir, setId, builtKey);
  const input = { lib, litVersion: VERSION, key: builtKey, onProgress: opts.onProgress, sourceBytes };
  let built: Awaited<ReturnType<Engine['build']>> | null = null;
  let rewritten: number | undefined;
  if (prior) {
    try {
      const done = await prior.update(input);
      built = done;
      rewritten = done.rewritten;
    } catch (err) {
      prior.close();
      if (!(err instanceof BadStoreError)) throw err;
      cacheWarnings.push({ code: 'cache-rebuilt', file, message: `cache could not be updated (${err.message}); rebuilt it` });
    }
  }
  const updated = built !== null;
  built ??= begun ? await begun.finish(input) : await engine.build(input, builtFile);
  pushAll(cacheWarnings, built.warnings);
  return { store: built.store, warnings: [...found.warnings, ...lib.warnings, ...cacheWarnings], fromCache: false, remembered: 0, cachePath: builtFile, engine: engine.name, updated, ...(rewritten === undefined ? {} : { rewritten }) };
}

function isFsError(err: unknown): boolean {
  return typeof (err as NodeJS.ErrnoException)?.code === 'string';
}

// The embedded engine: MiniSearch's index in lit's own store file (src/search/store.ts), read a
// section at a time. Needs no native code; the default.
import { cacheFile, writeCache } from '../cache.js';
import type { Engine } from '../library-store.js';
import { Searcher } from '../search/searcher.js';
import { BadStoreError, StoreReader } from '../search/store.js';

/**
 * The MiniSearch release the store format follows (its serialized index, its BM25). Pinned in
 * package.json; a test checks the two agree, and it is part of the cache key, so a new
 * MiniSearch rebuilds every cache instead of misreading it.
 */
export const MINISEARCH_VERSION = '7.2.0';

export const engine: Engine = {
  name: 'minisearch',
  formatVersion: `minisearch ${MINISEARCH_VERSION}`,
  locate: (cacheDir, _setId, key) => cacheFile(cacheDir, key),
  open(file, key) {
    const searcher = new Searcher(StoreReader.openFile(file));
    // The key is in the file name and in the file: a renamed or foreign file is not trusted.
    if (searcher.info.key !== key) throw new BadStoreError('cache belongs to other sources');
    return searcher;
  },
  async build({ lib, litVersion, key, onProgress }, file) {
    // Loaded here: the builder brings every source layout (library.ts), and with them their
    // patterns, 1.7 ms of each cached search's start when it was imported above.
    const { buildStore } = await import('../search/build.js');
    const data = buildStore(lib, { litVersion, key }, onProgress);
    onProgress?.('writing the cache');
    const warnings = [];
    try {
      await writeCache(file, data);
    } catch (err) {
      warnings.push({ code: 'cache-unwritable', file, message: `cannot write the cache (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); answering from memory` });
    }
    return { store: new Searcher(StoreReader.fromBuffer(data)), warnings };
  },
};

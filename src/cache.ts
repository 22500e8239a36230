// Where the cache lives, what it is keyed on, and writing it atomically.
import os from 'node:os';

// fs.promises is loaded on first use (about 5 ms): a search answered from the cache writes nothing.
const fsp = () => nodeFs.promises;
import path from 'node:path';
import * as nodeFs from 'node:fs';
import { makeFolder, writeFileAtomic } from './atomic.js';
import { EXIT, LitError } from './errors.js';
import { fastHash } from './hash.js';
import type { FileStamp, HashMemo, SourceFile } from './sources/read.js';

/** The cache folder: --cache-dir, else $LIT_CACHE_DIR, else $XDG_CACHE_HOME/lit, else ~/.cache/lit. */
export function cacheDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return path.resolve(flag);
  if (env.LIT_CACHE_DIR) return path.resolve(env.LIT_CACHE_DIR);
  if (env.XDG_CACHE_HOME) return path.join(path.resolve(env.XDG_CACHE_HOME), 'lit');
  return path.join(os.homedir(), '.cache', 'lit');
}

/** The cache key: every source's name and content hash, lit's version and the index options. */
export function cacheKey(files: SourceFile[], litVersion: string, signature: string): string {
  // The parts are sha1 content hashes; fastHash only has to keep distinct lists distinct.
  const parts = [`lit ${litVersion}`, signature, ...[...files].sort((a, b) => (a.display < b.display ? -1 : 1)).map((f) => `${f.display}\0${f.hash}`)];
  const text = parts.join('\n');
  return fastHash(text) + fastHash(`${text}\n`);
}

/** File name of the cache for a key. */
export function cacheFile(dir: string, key: string): string {
  return path.join(dir, `library-${key.slice(0, 20)}.litc`);
}

// Cache files for other source sets are kept, newest first, up to this many.
const KEEP = 8;

// Every file lit writes in its cache folder: indexes (MiniSearch's .litc, SQLite's databases and
// the pointer naming the current one), remembered source hashes, the start-up
// code cache (src/cli/boot.ts), parsed configs (src/config.ts), and the temporaries they are written through.
const OURS = /^(library-[0-9a-f]+(\.litc|\.sqlite-current|-[0-9a-z]+\.sqlite(-wal|-shm|-journal)?)|source-hashes\.json|config-[0-9a-f]+\.json|code-[\w.-]+\.v8)(\.\d+(\.[a-z0-9]+)?\.tmp)?$/;

/** Writes a cache file atomically, then drops old indexes and stray temporaries. */
export async function writeCache(file: string, data: Buffer): Promise<void> {
  const dir = path.dirname(file);
  await makeFolder(dir);
  await writeFileAtomic(file, data, { durable: true });
  await prune(dir);
}

/** Removes all but the newest indexes, and temporaries left by killed writers. */
async function prune(dir: string): Promise<void> {
  const names = (await fsp().readdir(dir)).filter((n) => OURS.test(n));
  const withTimes = await Promise.all(
    names.map(async (n) => {
      try {
        return { n, t: (await fsp().stat(path.join(dir, n))).mtimeMs };
      } catch {
        return null;
      }
    }),
  );
  const now = Date.now();
  const items = withTimes.filter((x): x is { n: string; t: number } => x !== null);
  const stale = [
    ...items.filter((x) => x.n.startsWith('library-') && x.n.endsWith('.litc')).sort((a, b) => b.t - a.t).slice(KEEP),
    ...items.filter((x) => x.n.startsWith('config-') && x.n.endsWith('.json')).sort((a, b) => b.t - a.t).slice(KEEP),
    ...items.filter((x) => x.n.endsWith('.tmp') && now - x.t > 60_000),
  ];
  await Promise.all(stale.map((x) => fsp().unlink(path.join(dir, x.n)).catch(() => undefined)));
}

/** Removes every file lit wrote in the cache folder, and nothing else there; returns how many. */
export async function clearCache(dir: string): Promise<number> {
  let names: string[];
  try {
    names = await fsp().readdir(dir);
  } catch {
    return 0;
  }
  const ours = names.filter((n) => OURS.test(n));
  try {
    await Promise.all(ours.map((n) => fsp().rm(path.join(dir, n), { force: true })));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new LitError('cache-unwritable', `${dir}: cannot remove the cache files (${code === 'EROFS' ? 'the folder is read-only' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code}); nothing was removed that could not be`, EXIT.usage);
  }
  return ours.length;
}

// A file changed within this long after it was hashed may carry the same stamp as before on a
// file system with a coarse clock (FAT keeps 2 s), so its stamp is not trusted next time.
const RACY_MS = 2000;
const MEMO_VERSION = 1;
const MEMO_MAX = 5000;

interface MemoEntry extends FileStamp {
  hash: string;
  readAt: number;
}

/**
 * Remembers source hashes by file stamp (size, mtime, ctime, inode) in the cache folder, so an
 * unchanged source is not read and hashed again. The cache key is still the content hash: a
 * file whose stamp changed, or that was modified close to when it was hashed, is read again.
 */
export function openHashMemo(dir: string): HashMemo & { save(): Promise<void> } {
  const file = path.join(dir, 'source-hashes.json');
  let entries: Record<string, MemoEntry> = {};
  try {
    const data = JSON.parse(nodeFs.readFileSync(file, 'utf8')) as { version: number; entries: Record<string, MemoEntry> };
    if (data.version === MEMO_VERSION && data.entries && typeof data.entries === 'object') entries = data.entries;
  } catch {
    // Missing or damaged: every source is hashed from its content, as on a first run.
  }
  let changed = false;
  return {
    known(p, st) {
      const e = entries[p];
      if (!e || typeof e.hash !== 'string') return undefined;
      const same = e.size === st.size && e.mtimeMs === st.mtimeMs && e.ctimeMs === st.ctimeMs && e.ino === st.ino;
      return same && st.mtimeMs < e.readAt - RACY_MS ? e.hash : undefined;
    },
    record(p, st, hash, readAt) {
      entries[p] = { ...st, hash, readAt };
      changed = true;
    },
    async save() {
      if (!changed) return;
      const kept = Object.entries(entries)
        .sort((a, b) => b[1].readAt - a[1].readAt)
        .slice(0, MEMO_MAX);
      await makeFolder(dir);
      await writeFileAtomic(file, JSON.stringify({ version: MEMO_VERSION, entries: Object.fromEntries(kept) }));
    },
  };
}

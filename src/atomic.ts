// Writing a file so that a reader sees the old content or the new, never half of one.
import * as fs from 'node:fs';
import path from 'node:path';

/**
 * Writes to a temporary file in the same folder, then renames it over the target, both awaited.
 * Two writers race harmlessly: the last rename wins and each wrote a whole file. With `durable`,
 * the data and the rename are flushed to disk before it returns (the key register is the
 * user's data; a cache can always be rebuilt and is not worth the fsync).
 */
export async function writeFileAtomic(file: string, data: string | Buffer, opts: { durable?: boolean } = {}): Promise<void> {
  // fs.promises is reached at call time: it costs about 5 ms to load and most runs write nothing.
  const fsp = fs.promises;
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`;
  try {
    const fh = await fsp.open(tmp, 'wx', 0o644);
    try {
      await fh.writeFile(data);
      if (opts.durable) await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.rename(tmp, file);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
  if (opts.durable) await syncFolder(file);
}

/** Flushes a folder's entries, so a rename in it survives a crash. Not every file system allows it. */
async function syncFolder(file: string): Promise<void> {
  let fh: fs.promises.FileHandle | undefined;
  try {
    fh = await fs.promises.open(path.dirname(file), 'r');
    await fh.sync();
  } catch {
    // Folders cannot be opened or synced on some systems (Windows, some network mounts).
  } finally {
    await fh?.close();
  }
}

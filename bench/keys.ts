// What citation keys cost a build: bundled and run by bench/run.mjs with a generated library.
// Prints JSON: median milliseconds of each way of keying the same papers.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assignKeys, freshKeys } from '../src/keys.js';
import { readLibrary } from '../src/library.js';
import { updateRegister } from '../src/register.js';
import { findSources } from '../src/sources/read.js';

const source = process.argv[2];
if (!source) throw new Error('usage: keys.mjs <source file>');
const { files } = await findSources([source], process.cwd());
const lib = readLibrary(files);
const fresh = () => lib.papers.map((p) => ({ ...p, aliases: [] }));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed(runs: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await fn();
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(out);
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'lit-bench-keys-'));
const file = path.join(dir, 'lit.keys');
const key = (papers: ReturnType<typeof fresh>) => updateRegister(file, (cur) => ({ lines: assignKeys(papers, lib.fingerprints, cur.lines).lines, result: null }));
const result = {
  papers: lib.papers.length,
  // What a build spent on keys before the register: the scheme's keys and clash suffixes.
  schemeOnly: await timed(5, () => freshKeys(fresh(), () => false)),
  // A first build: every paper new, the whole register written (and fsynced).
  firstBuild: await timed(5, async () => {
    rmSync(file, { force: true });
    await key(fresh());
  }),
  // A later build: the register read and matched, nothing new, nothing written.
  laterBuild: await timed(5, () => key(fresh())),
};
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify(result)}\n`);

// What an export costs: bundled and run by bench/run.mjs with a generated library. Prints JSON:
// median milliseconds of formatting every paper in each format (reading and merging not counted).
import { formatPapers } from '../src/format/index.js';
import { readLibrary } from '../src/library.js';
import { findSources } from '../src/sources/read.js';

const source = process.argv[2];
if (!source) throw new Error('usage: export.mjs <source file>');
const { files } = await findSources([source], process.cwd());
const lib = readLibrary(files);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const result: Record<string, number> = { papers: lib.papers.length };
for (const format of ['bibtex', 'biblatex', 'csl-json', 'ris', 'yaml']) {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = process.hrtime.bigint();
    await formatPapers(format, lib.papers);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  result[format] = median(times);
}
process.stdout.write(JSON.stringify(result));

// What reading a large source costs: bundled and run by bench/run.mjs with a generated .bib.
// Prints JSON: entries read, milliseconds to read and parse them, and the peak memory.
import { readFileSync } from 'node:fs';
import { parseFiles } from '../src/library.js';

const file = process.argv[2];
if (!file) throw new Error('usage: read.mjs <source file>');
const t = process.hrtime.bigint();
const bytes = readFileSync(file);
const { entries, warnings } = parseFiles([{ path: file, display: file, bytes, hash: '' }]);
const ms = Number(process.hrtime.bigint() - t) / 1e6;
process.stdout.write(`${JSON.stringify({ entries: entries.length, warnings: warnings.length, ms, peakMB: process.resourceUsage().maxRSS / 1024, fileMB: bytes.length / 2 ** 20 })}\n`);

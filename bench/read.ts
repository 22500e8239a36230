// What reading a large source costs: bundled and run by bench/run.mjs with a generated file (or
// a device such as /dev/zero). Prints JSON: entries read, milliseconds to find, read and parse
// them, and the peak memory of the process.
import { parseFiles } from '../src/library.js';
import { findSources } from '../src/sources/read.js';

const file = process.argv[2];
if (!file) throw new Error('usage: read.mjs <source>');
const t = process.hrtime.bigint();
const found = await findSources([file], process.cwd());
// Counted before parsing: the parser lets go of the bytes, and asking again would read them anew.
const bytes = found.files.reduce((n, f) => n + f.bytes.length, 0);
const { entries, warnings } = parseFiles(found.files);
const ms = Number(process.hrtime.bigint() - t) / 1e6;
process.stdout.write(`${JSON.stringify({ entries: entries.length, warnings: warnings.length + found.warnings.length, ms, peakMB: process.resourceUsage().maxRSS / 1024, fileMB: bytes / 2 ** 20 })}\n`);

// npm run bench: times whole lit processes against `node -e ''` and writes docs/benchmarks.md.
// Libraries of 10,000 and 100,000 papers are generated here (bigram text drawn from the seeds),
// written under bench/out/ (not committed).
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generator, writeProfile } from './generate.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'bench', 'out');
const BIN = path.join(ROOT, 'bin', 'lit.js');
const quick = process.argv.includes('--quick');
mkdirSync(OUT, { recursive: true });

// Seeded generators (bench/generate.mjs), so every run benchmarks the same libraries.
const g = generator(path.join(ROOT, 'seeds'));
const { rand, pickOne, sentence, givens } = g;

function library(n) {
  const file = path.join(OUT, `profile-${n}.txt`);
  return existsSync(file) ? file : writeProfile(file, path.join(ROOT, 'seeds'), n);
}

function once(args, env) {
  const t = process.hrtime.bigint();
  const r = spawnSync(args[0], args.slice(1), { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  // Status 1 (nothing matched) is an answer for search; anything else means the figure is wrong.
  if (r.status !== 0 && !(r.status === 1 && args.includes('search'))) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const FLOOR = [process.execPath, '-e', ''];

/**
 * Times a command `runs` times, each run right after a run of the floor, so that drift in the
 * machine's load (this is a shared two-core machine) hits both alike; the ratio reported is the
 * median of the per-pair ratios.
 */
function time(args, env, runs) {
  const times = [];
  const ratios = [];
  for (let i = 0; i < runs; i++) {
    const floor = once(FLOOR, {});
    const ms = once(args, env);
    times.push(ms);
    ratios.push(ms / floor);
  }
  return { ms: median(times), ratio: median(ratios) };
}

const runs = quick ? 5 : 31;
const rows = [];
const floorMs = median(Array.from({ length: runs }, () => once(FLOOR, {})));
rows.push(['`node -e \'\'` (the floor)', runs, floorMs, 1]);

// A million papers: four files of 250,000 (one would be past the 512 MB a source may be).
function millionLibrary() {
  const dir = path.join(OUT, 'million');
  mkdirSync(dir, { recursive: true });
  for (let k = 0; k < 4; k++) {
    const file = path.join(dir, `profile-${k}.txt`);
    if (!existsSync(file)) writeProfile(file, path.join(ROOT, 'seeds'), 250_000, { seed: 100 + k, from: k * 250_000 });
  }
  return dir;
}
const million = !quick && !process.argv.includes('--no-million');

/** Bytes of the files a cache folder holds for its index. */
const storeBytes = (dir) => readdirSync(dir).filter((f) => /\.(litc|sqlite)$/.test(f)).reduce((n, f) => n + statSync(path.join(dir, f)).size, 0);
const sourceBytes = (src) => src.filter((x, i) => src[i - 1] === '-s').reduce((n, s) => n + (statSync(s).isDirectory() ? readdirSync(s).reduce((m, f) => m + statSync(path.join(s, f)).size, 0) : statSync(s).size), 0);

/** One build, timed, with its peak memory where GNU time can tell it. */
function build(args, env) {
  if (!existsSync('/usr/bin/time')) return { ms: once(args, env), peakMB: null };
  const t = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return { ms, peakMB: Number(r.stderr.trim().split('\n').pop()) / 1024 };
}

const cases = [
  ['bundled seeds (195 papers)', [], ['minisearch', 'sqlite']],
  ['10,000 papers', ['-s', library(10_000)], ['minisearch', 'sqlite']],
  ...(quick ? [] : [['100,000 papers', ['-s', library(100_000)], ['minisearch', 'sqlite']]]),
  // MiniSearch is not run at a million: at 265,000 papers its build took 4.1 GB and in one file crashed.
  ...(million ? [['1,000,000 papers', ['-s', millionLibrary()], ['sqlite']]] : []),
];
const builds = [];
const updates = [];
for (const [name, src, engines] of cases) {
  for (const engine of engines) {
    const cacheDir = path.join(os.tmpdir(), `lit-bench-${process.pid}-${rows.length}`);
    rmSync(cacheDir, { recursive: true, force: true });
    // The key register too gets a folder of its own, never the user's ~/.local/share/lit.
    const env = { LIT_CACHE_DIR: cacheDir, XDG_DATA_HOME: `${cacheDir}-data`, LIT_ENGINE: engine };
    const big = /^1(00,000|,000,000)/.test(name);
    let b;
    try {
      b = build([process.execPath, BIN, ...src, 'index', '--rebuild'], env);
    } catch (e) {
      // A library too large for the engine is a finding, not the end of the benchmark.
      builds.push({ name, engine, failed: String(e.message).includes('heap out of memory') ? 'ran out of memory' : 'failed' });
      rmSync(cacheDir, { recursive: true, force: true });
      continue;
    }
    builds.push({ name, engine, ms: b.ms, peakMB: b.peakMB, store: storeBytes(cacheDir), source: src.length ? sourceBytes(src) : null });
    // `show` by the whole title and by the key of the library's first paper, so every library is timed on a hit.
    const listed = spawnSync(process.execPath, [BIN, ...src, 'list', '-n', '1'], { env: { ...process.env, ...env }, encoding: 'utf8' });
    const [key, , title] = listed.stdout.split('\n')[0].split('\t');
    const few = quick ? 3 : big ? 7 : 11;
    for (const [label, args, n] of [
      ['`lit search pruning`', ['search', 'pruning'], quick ? runs : big ? 11 : runs],
      ['`lit search "curse of depth"`', ['search', 'curse of depth'], quick ? runs : big ? 11 : runs],
      ['`lit search --fuzzy sparsty`', ['search', '--fuzzy', 'sparsty'], few],
      // A word that matches nothing: respelled by edit distance, after the joined-word split fails.
      ['`lit search sparsty` (respelled)', ['search', 'sparsty'], few],
      ['`lit show` by the title of its first paper', ['show', title], few],
      ['`lit show` by the key of its first paper', ['show', key], few],
    ]) {
      // Each command keeps a start-up code cache of its own: one untimed run writes it (the
      // first also remembers the source hashes).
      once([process.execPath, BIN, ...src, ...args], env);
      const t = time([process.execPath, BIN, ...src, ...args], env, n);
      rows.push([`${label}: ${name}, ${engine}`, n, t.ms, t.ratio]);
    }
    // Adding a file of 1,000 papers to a folder of sources: how long until a search answers again.
    if (engine === 'sqlite' && name.startsWith('100,000')) {
      const folder = path.join(OUT, 'growing');
      rmSync(folder, { recursive: true, force: true });
      mkdirSync(folder);
      linkSync(src[1], path.join(folder, 'profile.txt'));
      const extra = path.join(OUT, 'added-1000.txt');
      if (!existsSync(extra)) writeProfile(extra, path.join(ROOT, 'seeds'), 1000, { seed: 9, from: 5_000_000 });
      once([process.execPath, BIN, '-s', folder, 'index'], env);
      copyFileSync(extra, path.join(folder, 'added.txt'));
      const t = process.hrtime.bigint();
      once([process.execPath, BIN, '-s', folder, 'search', 'pruning'], env);
      updates.push({ name, ms: Number(process.hrtime.bigint() - t) / 1e6 });
      rmSync(folder, { recursive: true, force: true });
    }
    rmSync(cacheDir, { recursive: true, force: true });
    rmSync(`${cacheDir}-data`, { recursive: true, force: true });
  }
}

// In-process figures: scripts in bench/ bundled with esbuild (the sources are TypeScript).
function bundle(name) {
  const out = path.join(OUT, `${name}.mjs`);
  execFileSync(path.join(ROOT, 'node_modules', '.bin', 'esbuild'), [`bench/${name}.ts`, '--bundle', '--platform=node', '--format=esm', '--target=node20', `--outfile=${out}`, '--log-level=warning', "--banner:js=import { createRequire as litCreateRequire } from 'node:module'; const require = litCreateRequire(import.meta.url);"], { cwd: ROOT });
  return out;
}
const run = (script, ...args) => JSON.parse(execFileSync(process.execPath, [script, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 }));

// Citation keys, on the largest library: what the key register adds to a build.
const largest = library(quick ? 10_000 : 100_000);
const keys = run(bundle('keys'), largest);

// Exports of the 10,000-paper library, in process.
const exportsBench = run(bundle('export'), library(10_000));

// A .bib of the same size, with what real ones hold: @string macros, accents, math, braces.
function bibLibrary(n) {
  const file = path.join(OUT, `refs-${n}.bib`);
  if (existsSync(file)) return file;
  const fam = ['M{\\"u}ller', "Garc{\\'i}a", 'Smith', 'van der Berg', 'Nguy{\\~{\\^e}}n', 'Liu', '{\\AA}berg', "O'Brien", 'Zhang'];
  const out = ['@string{NIPS = "Advances in Neural Information Processing Systems"}', ''];
  for (let i = 0; i < n; i++) {
    const authors = Array.from({ length: 1 + Math.floor(rand() * 5) }, () => `${pickOne(fam)}, ${pickOne(givens)}`).join(' and ');
    out.push(`@inproceedings{key${i},\n  author = {${authors}},\n  title = {${sentence(6 + Math.floor(rand() * 6)).replace(/[.,]$/, '')} with {$\\ell_1$} and {LLMs} ${i}},\n  booktitle = NIPS # " ${2000 + (i % 25)}",\n  year = ${2000 + (i % 25)},\n  month = jan,\n  pages = {${i}--${i + 10}},\n  doi = {10.1000/x.${i}},\n  abstract = {${sentence(120)} \\& 50\\% more},\n}\n`);
  }
  writeFileSync(file, out.join('\n'));
  return file;
}
const bibN = quick ? 10_000 : 100_000;
const reader = bundle('read');
const read = run(reader, bibLibrary(bibN));

// One listing of a million short entries, and an endless device: what reading them costs.
function tinyListing(n) {
  const file = path.join(OUT, `abstracts-${n}.txt`);
  if (existsSync(file)) return file;
  const lines = [];
  for (let i = 0; i < n; i++) lines.push(`Abstract: ${sentence(6)} ${i}`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
const tinyN = quick ? 100_000 : 1_000_000;
const tiny = run(reader, tinyListing(tinyN));
const zero = run(reader, '/dev/zero');

const keyRows = [
  ['the scheme\'s keys alone (what a build spent on keys before the register)', keys.schemeOnly],
  ['first build: every paper new, register written and flushed to disk', keys.firstBuild],
  ['later build: register read and matched, nothing to write', keys.laterBuild],
];

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const keyTable = keyRows.map(([what, ms]) => `| ${what} | ${ms.toFixed(0)} ms | ${(ms - keys.schemeOnly).toFixed(0)} ms |`).join('\n');
const table = rows.map(([what, n, ms, ratio]) => `| ${what} | ${n} | ${ms.toFixed(0)} ms | ${ratio.toFixed(2)}× |`).join('\n');
const doc = `# Benchmarks

Produced by \`npm run bench\` (\`node bench/run.mjs\`${quick ? ' --quick' : ''}) on ${new Date().toISOString().slice(0, 10)}:
Node ${process.version}, ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB.
Each figure is the median wall time of whole \`lit\` processes, stdout to /dev/null. Every run is
paired with a run of \`node -e ''\` (the floor any Node program pays to start) just before it, and
the ratio is the median of the per-pair ratios, so drift in the machine's load cancels out.

The 10,000-, 100,000- and 1,000,000-paper libraries are generated by the script
(\`bench/generate.mjs\`: author-profile layout, bigram titles and abstracts of 120-240 words drawn
from the seeds; the million in four files of 250,000), not committed. Each library is timed on
both engines (\`LIT_ENGINE\`); with no engine named, lit puts sources above 32 MB on SQLite.
The generated text draws on the seeds' words, so \`pruning\` is in about 40% of its papers:
the worst case for a search, which scores every paper that has the word.

| command | runs | median | × floor |
| --- | --- | --- | --- |
${table}

Targets: a cached search on the seeds within 1.5× the floor; at 10,000 papers within 300 ms and
2×; at 100,000 on SQLite \`search\` and \`show\` within 2×; at 1,000,000 on SQLite \`search\`
within 4×.

## Building the index

\`lit index --rebuild\`, one run each; peak memory as GNU time reports it (maximum resident set).

| library | engine | build | peak memory | store | store ÷ sources |
| --- | --- | --- | --- | --- | --- |
${builds.map((b) => b.failed ? `| ${b.name} | ${b.engine} | ${b.failed} | | | |` : `| ${b.name} | ${b.engine} | ${(b.ms / 1000).toFixed(1)} s | ${b.peakMB === null ? '–' : `${b.peakMB.toFixed(0)} MB`} | ${(b.store / 2 ** 20).toFixed(0)} MB | ${b.source ? (b.store / b.source).toFixed(2) : '–'} |`).join('\n')}

Targets: 10,000 papers under 5 s; 100,000 on SQLite within 30 s; 1,000,000 on SQLite within
5 minutes and 4 GB, its store within 1.5× the sources.

${updates.map((u) => `Adding a file of 1,000 papers to the ${u.name} library on SQLite: **${(u.ms / 1000).toFixed(1)} s** until \`lit search\` answers (the store is updated in place; only the new file is read). Target: 5 s.`).join('\n')}

## Reading a ${bibN.toLocaleString('en')}-entry .bib

In-process (\`bench/read.ts\`): the generated file (${read.fileMB.toFixed(0)} MB; @string macros, accents,
math, braces) read, decoded and parsed into ${read.entries.toLocaleString('en')} entries in
**${(read.ms / 1000).toFixed(1)} s**, with a peak of **${read.peakMB.toFixed(0)} MB** of memory. Target: at most 10 s and 1.5 GB.

## Reading one listing of ${tinyN.toLocaleString('en')} entries, and /dev/zero

In-process (\`bench/read.ts\`, finding, reading and parsing, not indexing): a generated
abstracts listing of ${tiny.fileMB.toFixed(0)} MB gives ${tiny.entries.toLocaleString('en')} entries in **${(tiny.ms / 1000).toFixed(1)} s** with a peak of
**${tiny.peakMB.toFixed(0)} MB**, nearly all of it the entries themselves. \`-s /dev/zero\` stops at its
64 MiB bound in ${(zero.ms / 1000).toFixed(1)} s with a peak of ${zero.peakMB.toFixed(0)} MB (it never ends, and used to take all memory).

## Exporting ${exportsBench.papers.toLocaleString('en')} papers

In-process, median of 5 (\`bench/export.ts\`): formatting every paper of the generated library,
reading and merging not counted. Target: BibTeX under 1.5 s.

| format | median |
| --- | --- |
${['bibtex', 'biblatex', 'csl-json', 'ris', 'yaml'].map((f) => `| ${f} | ${exportsBench[f].toFixed(0)} ms |`).join('\n')}

## Citation keys at ${keys.papers.toLocaleString('en')} papers

In-process, median of 5 (\`bench/keys.ts\`): keying the generated library against the key
register, next to what keying cost before there was a register. Target: at most 1 s more.

| keying | median | more than before |
| --- | --- | --- |
${keyTable}
`;
writeFileSync(path.join(ROOT, 'docs', 'benchmarks.md'), doc);
process.stdout.write(doc);

// Hostile and odd input through the built binary: the cases of the reliability findings, with
// payloads of our own. Nothing may crash, hang, print a raw escape or lose data without a word.
import { spawnSync } from 'node:child_process';
import { constants as bufferConstants } from 'node:buffer';
import { chmodSync, closeSync, copyFileSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BIN, indexFiles, lit, litEnv, ROOT, tempDir, uncreatableDir } from './helpers.js';
import { hasTool, itWithTool } from './tools.js';
import { program } from '../src/cli/main.js';

const SEEDS = path.join(ROOT, 'seeds');
const PROFILE = path.join(SEEDS, '000_d8cb28e390c8b537.txt');
const json = (s: string) => JSON.parse(s) as Record<string, unknown>;
const ESC = '\x1b';
// What a terminal would act on: C0 and C1 controls but tab and newline, DEL, bidi overrides.
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;
// What a file format must not hold raw: C0 and C1 controls.
const FILE_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

/** A profile listing whose title and abstract carry terminal escapes. */
function hostileProfile(dir: string): string {
  const f = path.join(dir, 'ansi.txt');
  writeFileSync(
    f,
    `Doe, Jane\nPwned ${ESC}]0;pwned\x07 Title ${ESC}[2J${ESC}[31mRED${ESC}[0m Pruning\nDoe, Jane, Roe, Rick\n` +
      `Abstract with a link ${ESC}]8;;https://x.example${ESC}\\\\here${ESC}]8;;${ESC}\\\\, clipboard ${ESC}]52;c;cHduZWQ=\x07, C1 \u009b2J, RLO \u202eevil, up ${ESC}[1A${ESC}[2K and a bell \x07.\n`,
  );
  return f;
}

describe('terminal safety (O1, P3)', () => {
  const dir = tempDir();
  const src = hostileProfile(dir);
  it.each([
    ['list', ['list']],
    ['search', ['search', 'pruning']],
    ['show', ['show', 'pwned']],
    ['similar', ['similar', 'sos1']],
    ['keys', ['keys']],
    ['export markdown', ['export', '-f', 'markdown']],
    ['export bibtex', ['export', '-f', 'bibtex']],
    ['export ris', ['export', '-f', 'ris']],
    ['export csv', ['export', '-f', 'csv']],
    ['export yaml', ['export', '-f', 'yaml']],
    ['json', ['list', '--json']],
    ['csl-json', ['export', '-f', 'csl-json']],
  ])('%s never writes a raw control character from a source', (name, args) => {
    const r = lit(['-s', src, '-s', PROFILE, ...args]);
    expect(r.stdout.length).toBeGreaterThan(0);
    // RIS ends its lines with CR LF: that CR is the format's own. Files keep right-to-left
    // marks, which are text; terminals get them as escapes.
    const raw = name.startsWith('export') && name !== 'export markdown' ? FILE_CONTROL : RAW_CONTROL;
    expect(r.stdout.replace(/\r\n/g, '\n')).not.toMatch(raw);
    expect(r.stderr).not.toMatch(RAW_CONTROL);
  });
  it('shows the escapes as visible text, and JSON keeps the exact text', () => {
    expect(lit(['-s', src, 'list']).stdout).toContain('Pwned \\e]0;pwned\\x07 Title \\e[2J\\e[31mRED\\e[0m Pruning');
    const p = JSON.parse(lit(['-s', src, 'show', 'pwned', '--json']).stdout);
    expect(p.title).toBe(`Pwned ${ESC}]0;pwned\x07 Title ${ESC}[2J${ESC}[31mRED${ESC}[0m Pruning`);
    expect(p.abstract).toContain('\u202eevil');
  });
  it('escapes a file name that holds escapes in warnings and in the index summary', () => {
    const d = tempDir();
    const name = path.join(d, `evil${ESC}]0;TITLE\x07${ESC}[2J.txt`);
    writeFileSync(name, 'just some prose that is in no layout at all\n');
    const r = lit(['-s', d, 'index']);
    expect(r.stderr).toContain('evil\\e]0;TITLE\\x07\\e[2J.txt');
    expect(r.stderr + r.stdout).not.toMatch(RAW_CONTROL);
  });
  itWithTool('script', 'on a terminal, with colour, only lit puts escapes there, and only colours', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(ESC, '\x07', '\u009b', '\u202e', '[', ']', '2', 'J', ';', 'a', ' '), minLength: 1, maxLength: 30 }), (junk) => {
        const d = tempDir();
        writeFileSync(path.join(d, 'p.txt'), `Doe, Jane\nPruning ${junk} Title\nDoe, Jane, Roe, Rick\nAn abstract about pruning ${junk} and more words.\n`);
        const env = litEnv({ cacheDir: tempDir() });
        for (const cmd of ['list', 'search pruning', 'show pruning']) {
          const r = spawnSync('script', ['-qec', `stty cols 120; FORCE_COLOR=1 "${process.execPath}" "${BIN}" -s "${d}" ${cmd}`, '/dev/null'], { encoding: 'utf8', env: { ...env, NO_COLOR: undefined } });
          // Strip lit's own colours (SGR: ESC [ digits ; m); nothing else may remain.
          const bare = r.stdout.replace(/\x1b\[[0-9;]*m/g, '').replace(/\r\n/g, '\n').replace(/\x1b\[K/g, '');
          expect(bare).not.toMatch(RAW_CONTROL);
        }
      }),
      { numRuns: 8 },
    );
  });
});

describe('encodings (E1-E9)', () => {
  const d = tempDir();
  const latin1 = Buffer.from('M\xfcller, J\xfcrgen\nA Title About Pruning\nM\xfcller, J\xfcrgen, Liu, Shiwei\nAn abstract with caf\xe9 and na\xefve readers.\n', 'latin1');
  it('reads Latin-1 as Windows-1252, with a warning, so Müller stays Müller (E1, E2)', () => {
    writeFileSync(path.join(d, 'latin1.txt'), latin1);
    const r = lit(['-s', path.join(d, 'latin1.txt'), 'list', '--json']);
    const [p] = JSON.parse(r.stdout) as { authors: string[]; abstract: string }[];
    expect(p!.authors).toEqual(['Jürgen Müller', 'Shiwei Liu']);
    expect(p!.abstract).toContain('café and naïve');
    expect(r.stderr).toMatch(/latin1\.txt:1: file is not valid UTF-8 .*Windows-1252 \[encoding\]/);
  });
  it('reads Windows-1252 quotes, euro and ellipsis (E3)', () => {
    writeFileSync(path.join(d, 'cp1252.txt'), Buffer.concat([Buffer.from('Abstract:'), Buffer.from([0x93]), Buffer.from('Quoted'), Buffer.from([0x94, 0x20, 0x80, 0x20, 0x85]), Buffer.from(' in an abstract that is long enough to read.\n')]));
    const [p] = JSON.parse(lit(['-s', path.join(d, 'cp1252.txt'), 'list', '--json']).stdout) as { abstract: string }[];
    expect(p!.abstract).toBe('“Quoted” € … in an abstract that is long enough to read.');
  });
  it.each([
    ['UTF-16 LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(readFileSync(PROFILE, 'utf8'), 'utf16le')])],
    ['UTF-16 BE with BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(readFileSync(PROFILE, 'utf8'), 'utf16le').swap16()])],
    ['UTF-16 LE without BOM', Buffer.from(readFileSync(PROFILE, 'utf8'), 'utf16le')],
  ])('transcodes %s (E4)', (_, bytes) => {
    const f = path.join(tempDir(), 'u16.txt');
    writeFileSync(f, bytes);
    const r = lit(['-s', f, 'index', '--json']);
    expect(json(r.stdout).papers).toBe(10);
    expect(r.stderr).toMatch(/UTF-16.*\[encoding\]/);
  });
  it('reports a NUL once and reads the rest of the file (E7, E8)', () => {
    const text = readFileSync(PROFILE, 'utf8').split('\n');
    text[1] = `Mix\u0000\u0000${text[1]}`;
    const f = path.join(tempDir(), 'nul.txt');
    writeFileSync(f, text.join('\n'));
    const r = lit(['-s', f, 'list', '--json']);
    const papers = JSON.parse(r.stdout) as { title: string }[];
    expect(papers).toHaveLength(10);
    expect(papers.map((p) => p.title).join('')).not.toContain('\u0000');
    expect(r.stderr).toMatch(/nul\.txt:2: file holds 2 NUL bytes; removed, the rest read \[nul-bytes\]/);
  });
  it('still skips a real binary file', () => {
    const f = path.join(tempDir(), 'image.png');
    writeFileSync(f, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.alloc(4000)]));
    expect(lit(['-s', f, 'index']).stderr).toMatch(/image\.png: file is binary, not a text listing; skipped \[binary-file\]/);
  });
});

describe('sizes (S1-S7)', () => {
  it('reads one file with 200,000 entries and 200,000 warnings (S3, S4)', () => {
    const f = path.join(tempDir(), 'warn.txt');
    writeFileSync(f, `${Array.from({ length: 200_000 }, (_, i) => (i % 1000 === 0 ? `Abstract: An abstract about topic number ${i}, long enough to count as one.` : 'Abstract:')).join('\n')}\n`);
    const r = lit(['-s', f, '-q', 'index', '--json']);
    expect(r.status).toBe(0);
    expect(json(r.stdout).entries).toBe(200);
    expect(json(r.stdout).warnings).toHaveLength(199_800);
  });
  it('splits a 2 MB file of glued name-like title lines in linear time (S7)', () => {
    const lines: string[] = [];
    for (let k = 0; k < 20; k++) lines.push('LGJun 3, 2025', `${Array.from({ length: 7000 }, () => 'McAbc McAbc').join(', ')} ${k}`, `An abstract long enough to be one, number ${k}, about things.`);
    const f = path.join(tempDir(), 'mc.txt');
    writeFileSync(f, `${lines.join('\n')}\n`);
    const started = Date.now();
    const r = spawnSync(process.execPath, [BIN, '-s', f, '-q', 'index'], { env: litEnv({ cacheDir: tempDir() }), timeout: 20_000 });
    expect(r.status).toBe(0);
    // Generous: quadratic splitting took 23 s on this file.
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

describe('markup nested 20,000 deep in a .bib', () => {
  it.each([
    ['braces', (n: number) => `${'{'.repeat(n)}x${'}'.repeat(n)}`],
    ['\\emph groups', (n: number) => `${'\\emph{'.repeat(n)}x${'}'.repeat(n)}`],
    ['accents', (n: number) => `${"\\'{".repeat(n)}x${'}'.repeat(n)}`],
  ])('%s: read, shown and exported, the other entries with them (it overflowed the stack)', (_, nest) => {
    const dir = tempDir();
    const f = path.join(dir, 'deep.bib');
    writeFileSync(f, `@misc{deep, title = {${nest(20_000)}}}\n@misc{fine, title = {A Fine Title}}\n`);
    const cacheDir = tempDir();
    const listed = lit(['-s', f, 'list', '--format', 'ids'], { cacheDir });
    expect(listed.stderr).not.toMatch(/internal error/);
    expect(listed.status).toBe(0);
    expect(listed.stdout.trim().split('\n').sort()).toEqual(['deep', 'fine']);
    expect(lit(['-s', f, 'export', '--format', 'bibtex'], { cacheDir }).status).toBe(0);
    expect(lit(['-s', f, 'show', 'deep'], { cacheDir }).status).toBe(0);
  });
});

describe('a query word of 40,000 letters', () => {
  it('is answered in linear time, not tried at every split point', () => {
    // Looking for the hyphenated words it might join took 17 s: a split per letter, each stemmed.
    const r = spawnSync(process.execPath, [BIN, 'search', 'ab'.repeat(20_000)], { env: litEnv({ cacheDir: tempDir() }), encoding: 'utf8', timeout: 10_000 });
    expect(r.signal).toBeNull();
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^lit: no match for/m);
  });
});

/** Writes `head`, then `block` over and over until the file is past V8's longest string (512 MiB). */
function pastOneString(file: string, head: string, block: string): void {
  const bytes = Buffer.from(block);
  const fd = openSync(file, 'w');
  try {
    let written = writeSync(fd, head);
    while (written <= bufferConstants.MAX_STRING_LENGTH) written += writeSync(fd, bytes);
  } finally {
    closeSync(fd);
  }
}

describe('a source larger than one string can hold', () => {
  it('is read line by line when it is a listing, in less memory than its text', () => {
    // A listing was decoded as one text: past 512 MiB that threw "Invalid string length", and
    // four listings of 350 MB held 3.5 GB before they were merged. Read a line at a time, 512 MiB
    // goes through a 160 MB heap. Its lines of spaces are blank, one line of a megabyte of
    // letters is reported as too long, and the ten papers of the listing are read.
    const f = path.join(tempDir(), 'huge.txt');
    const profile = readFileSync(PROFILE, 'utf8');
    pastOneString(f, `${profile}\n${'x'.repeat(2 ** 20)}\n`, `${' '.repeat(16_384)}\n`);
    try {
      const r = spawnSync(process.execPath, ['--max-old-space-size=160', BIN, '-s', f, 'index', '--json'], { env: litEnv({ cacheDir: tempDir() }), encoding: 'utf8', timeout: 120_000 });
      expect(r.status, r.stderr).toBe(0);
      expect(json(r.stdout).papers).toBe(10);
      expect(r.stderr).toMatch(new RegExp(`huge\\.txt:${profile.split('\n').length + 1}: line is 1048576 characters long, too long for any listing; skipped \\[line-too-long\\]`));
      expect(r.stderr).not.toMatch(/file-too-large|internal error/);
    } finally {
      rmSync(f, { force: true });
    }
  });
  it('is skipped with a warning naming it and its size when it must be read as one text (BibTeX), and the rest is read', () => {
    const f = path.join(tempDir(), 'huge.bib');
    pastOneString(f, '', '@article{k, title = {Sparse pruning of large language models with structured masks}, year = 2024}\n');
    try {
      const r = lit(['-s', f, '-s', PROFILE, 'index', '--json'], { cacheDir: tempDir() });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/huge\.bib: file is 5\d\d MB, more than the 512 MB lit can read as one text; split it into smaller files.*\[file-too-large\]/);
      expect(r.stderr).not.toMatch(/internal error/);
      expect(json(r.stdout).papers).toBe(10);
    } finally {
      rmSync(f, { force: true });
    }
  });
});

describe('files and folders (S10-S18, P1-P10)', () => {
  it('reports a symlink loop once and reads each file once (S11, S12)', () => {
    const d = tempDir();
    copyFileSync(PROFILE, path.join(d, 'profile.txt'));
    symlinkSync('.', path.join(d, 'l1'));
    symlinkSync('.', path.join(d, 'l2'));
    const r = spawnSync(process.execPath, [BIN, '-s', d, 'index', '--json'], { env: litEnv({ cacheDir: tempDir() }), encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(0);
    expect(json(r.stdout).papers).toBe(10);
    expect(r.stderr.match(/\[folder-loop\]/g)).toHaveLength(2);
  });
  it('reads a named /dev/zero within its bounds and a FIFO with no writer without waiting (S13, S15)', () => {
    const zero = spawnSync(process.execPath, [BIN, '-s', '/dev/zero', 'index'], { env: litEnv({ cacheDir: tempDir() }), encoding: 'utf8', timeout: 30_000 });
    expect(zero.status).toBe(0);
    expect(zero.stderr).toMatch(/\/dev\/zero: does not end .*\[read-stopped\]/);
    const fifo = path.join(tempDir(), 'fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const r = spawnSync(process.execPath, [BIN, '-s', fifo, 'index'], { env: litEnv({ cacheDir: tempDir() }), encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/fifo: file is empty; skipped \[empty-file\]/);
  });
  it('skips a FIFO inside a folder with a warning', () => {
    const d = tempDir();
    copyFileSync(PROFILE, path.join(d, 'profile.txt'));
    spawnSync('mkfifo', [path.join(d, 'pipe')]);
    const r = lit(['-s', d, 'index', '--json']);
    expect(json(r.stdout).papers).toBe(10);
    expect(r.stderr).toMatch(/pipe: is a FIFO, not a file; skipped \[not-a-file\]/);
  });
  it('reads a file whose name is not UTF-8, and shows the bad bytes (P4)', () => {
    const d = tempDir();
    const raw = Buffer.concat([Buffer.from(`${d}/bad`), Buffer.from([0xff, 0xfe]), Buffer.from('utf8.txt')]);
    writeFileSync(raw, readFileSync(PROFILE));
    const r = lit(['-s', d, 'index']);
    expect(r.stdout).toMatch(/bad\\xff\\xfeutf8\.txt\s+profile\s+10 entries/);
  });
  it('reads a file whose path is longer than PATH_MAX (S10)', () => {
    const d = tempDir();
    const parts = Array.from({ length: 260 }, () => 'd'.repeat(20));
    // Made a step at a time: the whole path is too long for one call.
    const home = process.cwd();
    try {
      process.chdir(d);
      for (const p of parts) {
        mkdirSync(p);
        process.chdir(p);
      }
      copyFileSync(path.join(SEEDS, '001_c6522c3393cc43e8.txt'), 'x.txt');
    } finally {
      process.chdir(home);
    }
    const r = lit(['-s', d, 'index', '--json']);
    expect(r.status).toBe(0);
    expect(json(r.stdout).entries).toBe(10);
  });
  it('reports an unreadable subfolder and reads the rest (P10)', () => {
    if (process.getuid?.() !== 0 || !hasTool('setpriv')) {
      // As a normal user the folder is simply unreadable to us.
      const d = tempDir();
      for (const f of readdirSync(SEEDS)) copyFileSync(path.join(SEEDS, f), path.join(d, f));
      mkdirSync(path.join(d, 'locked'));
      chmodSync(path.join(d, 'locked'), 0);
      const r = lit(['-s', d, 'index', '--json']);
      expect(json(r.stdout).papers).toBe(195);
      return;
    }
    const d = tempDir();
    chmodSync(d, 0o755);
    for (const f of readdirSync(SEEDS)) copyFileSync(path.join(SEEDS, f), path.join(d, f));
    mkdirSync(path.join(d, 'locked'));
    chmodSync(path.join(d, 'locked'), 0);
    const cache = tempDir();
    chmodSync(cache, 0o777);
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, '-s', d, 'index', '--json'], {
      encoding: 'utf8',
      env: { ...litEnv({ cacheDir: cache }), HOME: cache, XDG_DATA_HOME: path.join(cache, 'data') },
    });
    expect(json(r.stdout).papers).toBe(195);
    expect(r.stderr).toMatch(/locked: cannot list folder \(permission denied\); skipped, the rest is read \[unreadable-folder\]/);
  });
  it('never reads the cache folder that lies inside a source folder (S18)', () => {
    const d = tempDir();
    copyFileSync(PROFILE, path.join(d, 'profile.txt'));
    const cacheDir = path.join(d, 'cache');
    for (let i = 0; i < 3; i++) {
      const r = lit(['-s', d, 'search', 'pruning'], { cacheDir });
      expect(r.stderr).toBe('');
    }
    expect(indexFiles(cacheDir)).toHaveLength(1);
  });
  it('never waits on a cache folder under /proc (D18)', () => {
    const r = spawnSync(process.execPath, [BIN, '--cache-dir', '/proc/nope', 'search', 'pruning'], { env: litEnv({ cacheDir: tempDir() }), encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/cannot write the cache/);
  });
});

describe('the caches (C3, C9, C14-C18)', () => {
  it('gives the same output whatever bit of any cache file is flipped', () => {
    const cacheDir = tempDir();
    const run = (args: string[]) => lit(args, { cacheDir });
    const cmds = [['search', 'pruning', '--format', 'ids'], ['show', 'curse of depth', '--json'], ['list', '--jsonl']];
    const reference = cmds.map((c) => run(c).stdout);
    // Warm: every cache file exists now (index, source hashes, start-up code cache).
    const files = readdirSync(cacheDir).filter((f) => /\.(litc|v8|json)$/.test(f));
    expect(files.some((f) => f.endsWith('.v8'))).toBe(true);
    const pristine = new Map(files.map((f) => [f, readFileSync(path.join(cacheDir, f))]));
    fc.assert(
      fc.property(fc.constantFrom(...files), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 7 }), (file, where, bit) => {
        for (const [f, b] of pristine) writeFileSync(path.join(cacheDir, f), b);
        const bytes = Buffer.from(pristine.get(file)!);
        const at = Math.min(bytes.length - 1, Math.floor(where * bytes.length));
        bytes[at] = bytes[at]! ^ (1 << bit);
        writeFileSync(path.join(cacheDir, file), bytes);
        cmds.forEach((c, i) => {
          const r = run(c);
          expect(r.status).toBe(0);
          expect(r.stdout).toBe(reference[i]);
        });
      }),
      { numRuns: 25 },
    );
  });
  it('keeps a start-up code cache for each command, named by the first word that is no option or option value', () => {
    const cacheDir = tempDir();
    const codes = () => readdirSync(cacheDir).filter((f) => f.endsWith('.v8')).sort();
    const tag = `code-${process.version}-${process.arch}`;
    expect(lit(['index'], { cacheDir }).status).toBe(0);
    expect(codes()).toEqual([`${tag}-index.v8`]);
    // A search after an index runs from a file a search wrote, not from the one the build left;
    // the first of these builds an index of its own (the sources and engine named anew), so the
    // second writes the file.
    for (let i = 0; i < 2; i++) expect(lit(['-s', path.join(ROOT, 'seeds'), '--engine', 'minisearch', 'search', 'pruning'], { cacheDir }).status).toBe(0);
    expect(lit(['--color', 'never', 'list', '-n', '1'], { cacheDir }).status).toBe(0);
    expect(lit(['--version'], { cacheDir }).status).toBe(0);
    expect(codes()).toEqual([`${tag}-index.v8`, `${tag}-list.v8`, `${tag}-none.v8`, `${tag}-search.v8`]);
  });
  it('writes a search\'s code cache from a search the index answered, not from the one that built the index', () => {
    const cacheDir = tempDir();
    const codes = () => readdirSync(cacheDir).filter((f) => f.endsWith('.v8'));
    expect(lit(['search', 'pruning'], { cacheDir }).status).toBe(0);
    expect(codes()).toEqual([]);
    expect(lit(['search', 'pruning'], { cacheDir }).status).toBe(0);
    expect(codes()).toEqual([`code-${process.version}-${process.arch}-search.v8`]);
  });
  it('names the code cache past every global option that takes a value, as the CLI defines them', () => {
    // The boot runs before the CLI is loaded, so it keeps its own list: it must not drift.
    const boot = readFileSync(path.join(ROOT, 'src', 'cli', 'boot.ts'), 'utf8');
    const listed = JSON.parse(`[${/const VALUED = new Set\(\[([^\]]*)\]\)/.exec(boot)![1]!.replace(/'/g, '"')}]`) as string[];
    const valued = program()
      .options.filter((o) => o.required || o.optional)
      .flatMap((o) => [o.short, o.long].filter((f): f is string => Boolean(f)));
    expect([...listed].sort()).toEqual(valued.sort());
  });
  it('keeps the code cache in the --cache-dir folder, written so no planted link is followed (C17, C18)', () => {
    const cacheDir = tempDir();
    const flagged = tempDir();
    const victim = path.join(tempDir(), 'victim.txt');
    writeFileSync(victim, 'keep me');
    const name = `code-${process.version}-${process.arch}-search.v8`;
    symlinkSync(victim, path.join(flagged, name));
    // The first search builds the index; the second, answered from it, writes the code cache.
    for (let i = 0; i < 2; i++) expect(lit(['--cache-dir', flagged, 'search', 'pruning'], { cacheDir }).status).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('keep me');
    expect(lstatSync(path.join(flagged, name)).isFile()).toBe(true);
    expect(existsSync(path.join(cacheDir, name))).toBe(false);
  });
  it('says why cache clear cannot clear a read-only folder (C9)', () => {
    if (process.getuid?.() === 0) {
      // root writes anywhere; a folder on a path through a file can never be written instead.
      const r = lit(['cache', 'clear'], { cacheDir: uncreatableDir() });
      expect(r.status).toBe(0);
      expect(r.stderr).toMatch(/removed 0 cache files/);
      return;
    }
    const cacheDir = tempDir();
    lit(['index'], { cacheDir });
    chmodSync(cacheDir, 0o500);
    const r = lit(['cache', 'clear'], { cacheDir });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cannot remove the cache files \(permission denied\)/);
    chmodSync(cacheDir, 0o700);
  });
});

describe('outputs (W1-W3, X1-X10)', () => {
  it('reports a full output with exit 5 and no stack trace (W1, W2)', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" export --format ris > /dev/full`], { env: litEnv({ cacheDir: tempDir() }), encoding: 'utf8' });
    expect(r.status).toBe(5);
    expect(r.stderr).toBe('lit: cannot write output: no space left on device\n');
  });
  it('never crashes on a stderr that is closed (W3)', () => {
    const f = path.join(tempDir(), 'warn.txt');
    writeFileSync(f, `Abstract: An abstract long enough to count as one, about pruning.\n${'Abstract:\n'.repeat(90_000)}`);
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" -s "${f}" index 2>&1 >/dev/null | head -1; echo "status \${PIPESTATUS[0]}"`], { env: litEnv({ cacheDir: tempDir() }), encoding: 'utf8' });
    expect(r.stdout).toMatch(/status 0$/m);
    expect(r.stdout).not.toMatch(/EPIPE|Unhandled/);
  });
  it('writes through a symlink, keeping its target and mode (X1, X2)', () => {
    const d = tempDir();
    writeFileSync(path.join(d, 'target.bib'), 'old');
    chmodSync(path.join(d, 'target.bib'), 0o640);
    symlinkSync('target.bib', path.join(d, 'link.bib'));
    expect(lit(['export', '-f', 'bibtex', '-o', path.join(d, 'link.bib')]).status).toBe(0);
    expect(readlinkSync(path.join(d, 'link.bib'))).toBe('target.bib');
    expect(readFileSync(path.join(d, 'target.bib'), 'utf8')).toMatch(/^@misc\{/);
    expect(statSync(path.join(d, 'target.bib')).mode & 0o777).toBe(0o640);
  });
  it.each(['/dev/stdout', '/dev/full', '/dev/null'])('refuses to replace %s with a file (X6, X7)', (dev) => {
    const before = lstatSync(dev);
    const r = lit(['export', '-f', 'ris', '-o', dev]);
    expect(r.status).toBe(5);
    expect(r.stderr).toMatch(/is not a regular file .*redirect with >/);
    expect(lstatSync(dev).mode).toBe(before.mode);
  });
  it('refuses a read-only file as > would (X4)', () => {
    if (process.getuid?.() === 0 && !hasTool('setpriv')) return;
    const d = tempDir();
    chmodSync(d, 0o777);
    const ro = path.join(d, 'ro.bib');
    writeFileSync(ro, 'keep');
    chmodSync(ro, 0o444);
    const args = [BIN, 'export', '-f', 'bibtex', '-o', ro];
    const cache = tempDir();
    chmodSync(cache, 0o777);
    const env = { ...litEnv({ cacheDir: cache }), HOME: cache, XDG_DATA_HOME: path.join(cache, 'data') };
    const r = process.getuid?.() === 0 ? spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, ...args], { encoding: 'utf8', env }) : spawnSync(process.execPath, args, { encoding: 'utf8', env });
    expect(r.status).toBe(5);
    expect(r.stderr).toMatch(/ro\.bib: cannot write \(permission denied\)/);
    expect(readFileSync(ro, 'utf8')).toBe('keep');
  });
  it('leaves no temporary behind when interrupted during -o (X10)', async () => {
    const d = tempDir();
    const big = path.join(d, 'big.txt');
    writeFileSync(big, `Liu, Shiwei\n${Array.from({ length: 30_000 }, (_, i) => `A Title Number ${i}\nDoe, Jane, Roe, Rick\nAn abstract about paper ${i}, long enough to be an abstract of a paper in a listing.`).join('\n')}\n`);
    const { spawn } = await import('node:child_process');
    const out = path.join(d, 'out.json');
    const p = spawn(process.execPath, [BIN, '-s', big, 'export', '-f', 'json', '-o', out], { env: litEnv({ cacheDir: tempDir() }) });
    for (let i = 0; i < 600 && !readdirSync(d).some((f) => f.endsWith('.tmp')); i++) await new Promise((r) => setTimeout(r, 5));
    p.kill('SIGINT');
    await new Promise((r) => p.on('close', r));
    expect(readdirSync(d).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('other exits (C9, G1, G6)', () => {
  it('a YAML alias bomb in the config is a usage error naming the file', () => {
    const d = tempDir();
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) lines.push(`${'b'.repeat(i)}: &${'b'.repeat(i)} [${Array(9).fill(i === 1 ? '*a' : `*${'b'.repeat(i - 1)}`).join(',')}]`);
    lines.push(`sources: *${'b'.repeat(8)}`);
    writeFileSync(path.join(d, 'bomb.yaml'), `${lines.join('\n')}\n`);
    const r = lit(['--config', path.join(d, 'bomb.yaml'), 'index']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bomb\.yaml:1: .*alias/i);
  });
  it('--config naming a folder is a usage error', () => {
    const d = tempDir();
    const r = lit(['--config', d, 'index']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`lit: ${d}: is a folder; --config names a file (lit.config.yaml)\n`);
  });
});

describe('layouts and merging (D4, D13, D16, M1, M2, E12)', () => {
  const one = (text: string, args: string[] = ['list', '--json']) => {
    const f = path.join(tempDir(), 'src.txt');
    writeFileSync(f, text);
    return lit(['-s', f, ...args]);
  };
  it.each(['van der Maaten, Laurens', 'de la Cruz, María José', "d'Alembert, Jean"])('reads a profile whose owner is %s (D4)', (owner) => {
    const r = one(`${owner}\nVisualizing Data using t-SNE\n${owner}, Hinton, Geoffrey\nWe present a new technique called t-SNE that visualizes high-dimensional data.\n`);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toHaveLength(1);
  });
  it('keeps an entry whole when an author is Jr. (D16)', () => {
    const r = one('Hinton, Geoffrey\nA Dream Deferred in Machine Learning\nKing, Jr., Martin, van der Maaten, Laurens\nWe revisit a classic question about fairness in learned models.\n');
    const papers = JSON.parse(r.stdout) as { title: string; authors: string[] }[];
    expect(papers.map((p) => p.title)).toEqual(['A Dream Deferred in Machine Learning']);
    expect(papers[0]!.authors).toEqual(['Martin King, Jr.', 'Laurens van der Maaten']);
  });
  it('makes no papers of the chrome of pasted Hugging Face pages (M1)', () => {
    const pages = readFileSync(path.join(SEEDS, '003_c3294795eb6434d4.txt'), 'utf8') + readFileSync(path.join(SEEDS, '004_8952fd423edcbd4b.txt'), 'utf8');
    const titles = (JSON.parse(one(pages).stdout) as { title: string }[]).map((p) => p.title);
    for (const chrome of ['Subscribe', 'Daily Papers', 'Get trending papers in your email inbox!', 'new']) expect(titles).not.toContain(chrome);
  });
  it('keeps C++, C# and C apart, and merges titles that differ only in invisible characters (M2, E12)', () => {
    const entry = (title: string, who: string) => `${title}\n${who}, Ann, Roe, Rick\nAn abstract about ${who} and programs, long enough to be an abstract.\n`;
    const r = one(`Doe, Jane\n${entry('C++ Program Synthesis', 'Doe')}${entry('C# Program Synthesis', 'Poe')}${entry('C Program Synthesis', 'Moe')}${entry('Zero\u200bWidth Spaces', 'Coe')}${entry('ZeroWidth Spaces', 'Koe')}`);
    expect((JSON.parse(r.stdout) as unknown[]).length).toBe(4);
  });
  it('takes the year of a listing that prints none from the file\'s modification time (D13)', () => {
    const f = path.join(tempDir(), 'recent.txt');
    writeFileSync(f, 'LGMar 3Code\nA Recent PaperJane Doe, Rick Roe\nAn abstract about something recent, long enough to be one.\n');
    const saved = new Date(2024, 5, 1);
    spawnSync('touch', ['-d', saved.toISOString(), f]);
    const r = lit(['-s', f, 'list', '--json']);
    const [p] = JSON.parse(r.stdout) as { date: string; dateInferred: boolean }[];
    expect(p).toMatchObject({ date: '2024-03-03', dateInferred: true });
    expect(r.stderr).not.toMatch(/year-unknown/);
  });
});

// lit in shells: pipes, terminals, colour, help, completion, config.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, lit, ROOT, tempDir } from './helpers.js';
import { itWithTool } from './tools.js';
import { displayWidth } from '../src/cli/width.js';

const ESC = '\u001b[';

/** Runs a shell command line with lit on PATH, in a fresh cache. */
function sh(line: string, env: NodeJS.ProcessEnv = {}) {
  const bin = tempDir('lit-bin-');
  writeFileSync(path.join(bin, 'lit'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, { mode: 0o755 });
  const r = spawnSync('bash', ['-o', 'pipefail', '-c', line], {
    cwd: tempDir('lit-cwd-'),
    encoding: 'utf8',
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, LIT_CACHE_DIR: tempDir(), XDG_DATA_HOME: tempDir('lit-data-'), NO_COLOR: '', FORCE_COLOR: '', ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs lit on a pseudo-terminal (util-linux script), 120 columns wide. */
function onTerminal(args: string, env: Record<string, string> = {}) {
  const vars = Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ');
  return spawnSync('script', ['-qec', `stty cols 120; ${vars} "${process.execPath}" "${BIN}" ${args}`, '/dev/null'], {
    encoding: 'utf8',
    env: { ...process.env, LIT_CACHE_DIR: tempDir(), XDG_DATA_HOME: tempDir('lit-data-'), NO_COLOR: '', FORCE_COLOR: '' },
  }).stdout;
}

describe('pipelines', () => {
  it('`lit list | head -1` ends quietly with status 0', () => {
    const r = sh('lit list --jsonl | head -1 >/dev/null; echo "status=${PIPESTATUS[0]}"');
    expect(r.stdout.trim()).toBe('status=0');
    expect(r.stderr).toBe('');
  });
  it('`lit search x --jsonl | head` ends quietly with status 0', () => {
    const r = sh('lit search model --all --jsonl | head -2 | wc -l');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('2');
    expect(r.stderr).toBe('');
  });
  it('piped output is plain tab-separated lines without colour', () => {
    const r = sh('lit list | cut -f3 | head -3');
    expect(r.stdout.trim().split('\n')).toEqual(['SoS1: O1 and R1-Like Reasoning LLMs are Sum-of-Square Solvers', 'Stable-SPAM: How to Train in 4-Bit More Stably than 16-Bit Adam', 'Mask-Enhanced Autoregressive Prediction: Pay Less Attention to Learn More']);
    expect(r.stdout).not.toContain(ESC);
  });
  it('FORCE_COLOR colours matches even in a pipe; NO_COLOR and --no-color win over it', () => {
    expect(sh('lit search pruning', { FORCE_COLOR: '1' }).stdout).toContain(ESC);
    expect(sh('lit search pruning', { FORCE_COLOR: '1', NO_COLOR: '1' }).stdout).not.toContain(ESC);
    expect(sh('lit --no-color search pruning', { FORCE_COLOR: '1' }).stdout).not.toContain(ESC);
  });
  it('messages go to stderr, data to stdout', () => {
    const r = sh('lit search zzzqqqxx 2>/dev/null; echo "status=$?"');
    expect(r.stdout.trim()).toBe('status=1');
  });
});

describe('on a terminal', () => {
  itWithTool('script', 'lit show wraps long fields at word boundaries on a terminal, and not in a pipe (D15)', () => {
    const screen = spawnSync('script', ['-qec', `stty cols 60; "${process.execPath}" "${BIN}" show huang2025stablespam`, '/dev/null'], {
      encoding: 'utf8',
      env: { ...process.env, LIT_CACHE_DIR: tempDir(), XDG_DATA_HOME: tempDir('lit-data-'), NO_COLOR: '1', FORCE_COLOR: '' },
    }).stdout;
    const lines = screen.split(/\r?\n/);
    const at = lines.findIndex((l) => l.startsWith('authors:      '));
    expect(lines[at + 1]).toMatch(/^ {14}\S/);
    for (const l of lines.filter((x) => !/https?:/.test(x))) expect(l.length).toBeLessThanOrEqual(60);
    const piped = lit(['show', 'huang2025stablespam']).stdout.split('\n');
    expect(piped.find((l) => l.startsWith('authors'))).toMatch(/Shiwei Liu$/);
    expect(lit(['show', 'sun2025curse', '--format', 'tsv']).status).toBe(2);
  });
  itWithTool('script', 'fits the table to the terminal and never cuts a key (D1)', () => {
    const keys = lit(['list', '--format', 'ids']).stdout.trim().split('\n');
    for (const cols of [80, 100]) {
      const screen = spawnSync('script', ['-qec', `stty cols ${cols}; "${process.execPath}" "${BIN}" list`, '/dev/null'], {
        encoding: 'utf8',
        env: { ...process.env, LIT_CACHE_DIR: tempDir(), XDG_DATA_HOME: tempDir('lit-data-'), NO_COLOR: '1', FORCE_COLOR: '' },
      }).stdout;
      const lines = screen.split(/\r?\n/).filter(Boolean);
      expect(lines.length).toBeGreaterThan(195);
      for (const l of lines) expect([...l].length).toBeLessThanOrEqual(cols);
      const cells = new Set(lines.map((l) => l.split('│').at(-2)?.trim()));
      for (const k of keys) expect(cells.has(k)).toBe(true);
    }
  });
  itWithTool('script', 'fits the table in display columns at 40, 60, 80, 120 and 250 columns: wide, emoji and combining characters (D1)', () => {
    const WIDE = path.join(ROOT, 'test', 'fixtures', 'export', 'wide, emoji and combining characters in titles.txt');
    const keys = lit(['-s', WIDE, 'list', '--format', 'ids']).stdout.trim().split('\n');
    const titles = (JSON.parse(lit(['-s', WIDE, 'list', '--json']).stdout) as { title: string }[]).map((p) => p.title);
    for (const cols of [40, 60, 80, 120, 250]) {
      const screen = spawnSync('script', ['-qec', `stty cols ${cols}; "${process.execPath}" "${BIN}" -s "${WIDE}" list`, '/dev/null'], {
        encoding: 'utf8',
        env: { ...process.env, LIT_CACHE_DIR: tempDir(), XDG_DATA_HOME: tempDir('lit-data-'), NO_COLOR: '1', FORCE_COLOR: '' },
      }).stdout;
      const lines = screen.split(/\r?\n/).filter(Boolean);
      expect(lines.length, `${cols} columns`).toBe(keys.length + 4);
      // Every row is as wide as the border: no row wraps, none is padded past the width.
      const border = displayWidth(lines[0]!);
      expect(border, `${cols} columns`).toBeLessThanOrEqual(cols);
      for (const l of lines) expect(displayWidth(l), `${cols} columns: ${l}`).toBe(border);
      // No grapheme is cut in half: every cell is a prefix of its title (graphemes whole) or the title.
      const cells = lines.slice(3, -1).map((l) => l.split('│')[2]!.trim());
      for (const c of cells) {
        const t = titles.find((x) => x.startsWith(c.replace(/…$/, '')));
        expect(t, `${cols} columns: ${c}`).toBeDefined();
        expect(c).not.toMatch(/[\ud800-\udbff]…$|\u200d…$/);
      }
      const keyCells = new Set(lines.map((l) => l.split('│').at(-2)?.trim()));
      for (const k of keys) expect(keyCells.has(k), `${cols} columns: ${k}`).toBe(true);
      // At 250 columns nothing needs cutting.
      if (cols === 250) expect(cells.filter((c) => c.endsWith('…'))).toEqual([]);
    }
  });
  itWithTool('script', 'search prints a table with the query highlighted', () => {
    const out = onTerminal('search pruning');
    expect(out).toMatch(/┌─+┬/);
    expect(out).toContain(`${ESC}1m${ESC}33mPruning`);
  });
  itWithTool('script', 'NO_COLOR keeps the table and drops the colour', () => {
    const out = onTerminal('search pruning', { NO_COLOR: '1' });
    expect(out).toMatch(/┌─+┬/);
    expect(out).not.toContain(ESC);
  });
  itWithTool('script', '--no-color drops the colour', () => {
    expect(onTerminal('--no-color list')).not.toContain(ESC);
  });
  itWithTool('script', 'no progress line for a fast build', () => {
    expect(onTerminal('index')).not.toMatch(/lit: (reading|indexing)/);
  });
  itWithTool('script', 'a progress line on stderr for a slow build, none in a pipe', () => {
    // 10,000 generated papers take a few seconds to index: long enough to show progress.
    const words = 'sparse pruning model layer training depth network language attention expert'.split(' ');
    const lines = ['Doe, Jane'];
    for (let i = 0; i < 10_000; i++) {
      const w = (k: number) => words[(i * 7 + k * 3) % words.length];
      lines.push(`Paper ${i} on ${w(1)} ${w(2)}`, 'Doe, Jane, Roe, John', Array.from({ length: 150 }, (_, k) => `${w(k)}${k % 13}`).join(' '));
    }
    const file = path.join(tempDir(), 'big.txt');
    writeFileSync(file, `${lines.join('\n')}\n`);
    // The read of a file this large (13 MB) is announced before it starts; the stages after it,
    // when they take over a second.
    expect(onTerminal(`-s ${file} index`)).toMatch(/\rlit: (reading|merging|indexing papers|writing)[^\r]*…/);
    const piped = lit(['-s', file, 'index']);
    expect(piped.status).toBe(0);
    expect(piped.stderr).toBe('');
  });
});

describe('help and version', () => {
  it('lit --help shows examples and every exit status', () => {
    const r = lit(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Examples:/);
    for (const n of [0, 1, 2, 3, 4, 5]) expect(r.stdout).toMatch(new RegExp(`^  ${n}  `, 'm'));
  });
  it.each(['index', 'list', 'dupes', 'search', 'show', 'similar', 'export', 'completion'])('lit %s --help shows examples', (cmd) => {
    const r = lit([cmd, '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Examples:\n {2}\S/);
  });
  it('lit --version prints the version', () => {
    const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(lit(['--version']).stdout.trim()).toBe(version);
  });
  it('an unknown command or option is a usage error, said as lit says things', () => {
    expect(lit(['frobnicate']).status).toBe(2);
    const r = lit(['list', '--frobnicate']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^lit: unknown option '--frobnicate'/);
  });
  it('no command prints the usage on stderr and exits 2', () => {
    const r = lit([]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Usage: lit /);
  });
});

describe('completion', () => {
  it('bash: the script loads and completes commands, options and formats', () => {
    const script = lit(['completion', 'bash']).stdout;
    const f = path.join(tempDir(), 'lit.bash');
    writeFileSync(f, script);
    const complete = (words: string) =>
      spawnSync('bash', ['-c', `source ${f}; COMP_WORDS=(${words}); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); _lit; echo "\${COMPREPLY[*]}"`], { encoding: 'utf8' }).stdout.trim();
    expect(complete('lit se')).toBe('search');
    expect(complete('lit export --format bib').split(' ')).toEqual(['bibtex', 'biblatex']);
    expect(complete('lit search --li')).toBe('--limit');
    expect(complete('lit cache ""').split(' ')).toEqual(expect.arrayContaining(['path', 'clear']));
  });
  it('bash: offers only what a command accepts, shells after completion, nothing after --limit (D14)', () => {
    const f = path.join(tempDir(), 'lit.bash');
    writeFileSync(f, lit(['completion', 'bash']).stdout);
    const complete = (words: string) =>
      spawnSync('bash', ['-c', `cd "${ROOT}"; source ${f}; COMP_WORDS=(${words}); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); _lit; echo "\${COMPREPLY[*]}"`], { encoding: 'utf8' }).stdout.trim();
    const exportFormats = complete('lit export --format ""').split(' ');
    expect(exportFormats).toContain('bibtex');
    expect(exportFormats).not.toContain('table');
    expect(complete('lit search --format ""').split(' ')).toContain('table');
    expect(complete('lit completion ""').split(' ')).toEqual(expect.arrayContaining(['bash', 'zsh', 'fish']));
    expect(complete('lit search --limit ""')).toBe('');
    expect(complete('lit export -o READ')).toBe('README.md');
  });
  itWithTool('fish', 'fish: completes shells after completion and no file names after --limit (D14)', () => {
    const f = path.join(tempDir(), 'lit.fish');
    writeFileSync(f, lit(['completion', 'fish']).stdout);
    const complete = (line: string) => spawnSync('fish', ['-c', `cd "${ROOT}"; source ${f}; complete -C '${line}'`], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean);
    expect(complete('lit search --limit ')).toEqual([]);
    expect(complete('lit completion ').map((l) => l.split('\t')[0])).toEqual(expect.arrayContaining(['bash', 'zsh', 'fish']));
    expect(complete('lit export -f ').map((l) => l.split('\t')[0])).not.toContain('table');
  });
  itWithTool('zsh', 'zsh: completes what each command accepts, in a real zsh with compinit (D14)', () => {
    // zsh completes only inside its line editor: drive an interactive zsh on a pseudo-terminal
    // (zsh/zpty), type the line and a tab, and read what it lists or fills in.
    const dir = tempDir();
    writeFileSync(path.join(dir, '_lit'), lit(['completion', 'zsh']).stdout);
    const driver = path.join(dir, 'complete.zsh');
    // One session for every line: type it and a tab, read what zsh shows, then clear the line.
    writeFileSync(
      driver,
      [
        'zmodload zsh/zpty',
        'zpty z zsh -f -i',
        `zpty -w z 'PS1="> "; cd "${ROOT}"; fpath=("${dir}" $fpath); autoload -Uz compinit; compinit -u -D; zstyle ":completion:*" menu no'`,
        'sleep 1; while zpty -r -t z junk; do :; done',
        'for line in "$@"; do',
        "  zpty -w -n z $line$'\t'",
        "  sleep 1; out=''; while zpty -r -t z chunk; do out+=$chunk; done",
        '  print -r -- "$out"; print -r -- "<<end>>"',
        "  zpty -w -n z $'\x15'; sleep 0.2; while zpty -r -t z junk; do :; done",
        'done',
        'zpty -d z',
      ].join('\n'),
    );
    const lines = ['lit export --format ', 'lit search --format ', 'lit completion ', 'lit se', 'lit export -o READ', 'lit search --limit '];
    const r = spawnSync('zsh', ['-f', driver, ...lines], { encoding: 'utf8', env: { ...process.env, TERM: 'dumb' } });
    // What zsh printed after each typed line, without its terminal escapes.
    const shown = r.stdout.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/[\x07\b\r]/g, ' ').split('<<end>>');
    const complete = (line: string) => shown[lines.indexOf(line)]!;
    const words = (out: string) => new Set(out.split(/\s+/).filter(Boolean));
    const formats = words(complete('lit export --format '));
    for (const f of ['bibtex', 'biblatex', 'csl-json', 'ris', 'yaml']) expect(formats.has(f), f).toBe(true);
    expect(formats.has('table')).toBe(false);
    expect(words(complete('lit search --format '))).toContain('table');
    const shells = words(complete('lit completion '));
    for (const sh of ['bash', 'zsh', 'fish']) expect(shells.has(sh), sh).toBe(true);
    expect(complete('lit se')).toMatch(/lit search/);
    expect(complete('lit export -o READ')).toMatch(/README\.md/);
    // After --limit there is nothing to offer: no file names.
    expect(complete('lit search --limit ')).not.toMatch(/README|package\.json/);
    expect(complete('lit export --format ')).not.toMatch(/invalid option definition/);
  });
  itWithTool('zsh', 'zsh: the script parses', () => {
    const f = path.join(tempDir(), '_lit');
    writeFileSync(f, lit(['completion', 'zsh']).stdout);
    expect(spawnSync('zsh', ['-n', f]).status).toBe(0);
  });
  itWithTool('fish', 'fish: the script parses', () => {
    const f = path.join(tempDir(), 'lit.fish');
    writeFileSync(f, lit(['completion', 'fish']).stdout);
    const r = spawnSync('fish', ['--no-execute', f], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
  it('an unknown shell is a usage error', () => expect(lit(['completion', 'tcsh']).status).toBe(2));
});

describe('configuration', () => {
  function project(config: string) {
    const dir = tempDir('lit-project-');
    mkdirSync(path.join(dir, 'listings'));
    writeFileSync(path.join(dir, 'listings', 'mine.txt'), readFileSync(path.join(ROOT, 'seeds', '002_005814e4d3d9eaf5.txt')));
    writeFileSync(path.join(dir, 'lit.config.yaml'), config);
    mkdirSync(path.join(dir, 'deep', 'down'), { recursive: true });
    return dir;
  }
  it('sets sources (relative to the file), found from a subfolder', () => {
    const dir = project('sources: [listings/]\n');
    const r = lit(['index', '--json'], { cwd: path.join(dir, 'deep', 'down') });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).papers).toBe(50);
  });
  it('sets the limit and format; flags win over it', () => {
    const dir = project('sources: listings\nlimit: 2\nformat: jsonl\n');
    const lines = lit(['search', 'sparse'], { cwd: dir }).stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0]!)).toHaveProperty('key');
    expect(lit(['search', 'sparse', '--limit', '3', '--format', 'ids'], { cwd: dir }).stdout.trim().split('\n')).toHaveLength(3);
    expect(JSON.parse(lit(['-s', path.join(ROOT, 'seeds'), 'index', '--json'], { cwd: dir }).stdout).papers).toBe(195);
  });
  it('sets the cache folder', () => {
    const dir = project('sources: listings\ncache-dir: .cache\n');
    expect(lit(['cache', 'path'], { cwd: dir }).stdout.trim()).toBe(path.join(dir, '.cache'));
  });
  it('sets the key scheme', () => {
    const dir = project('sources: listings\nkey-scheme: "{auth}_{title2}_{year}"\n');
    const keys = lit(['list', '--format', 'ids'], { cwd: dir }).stdout;
    expect(keys).toMatch(/^sun_cursedepth_2025$/m);
  });
  it('is read from $XDG_CONFIG_HOME/lit/config.yaml when no project file exists', () => {
    const xdg = tempDir();
    mkdirSync(path.join(xdg, 'lit'));
    writeFileSync(path.join(xdg, 'lit', 'config.yaml'), 'limit: 1\n');
    expect(lit(['search', 'pruning'], { cwd: tempDir(), env: { XDG_CONFIG_HOME: xdg } }).stdout.trim().split('\n')).toHaveLength(1);
  });
  it.each([
    ['limit: many\n', /lit\.config\.yaml:1: "limit" must be a whole number/],
    ['colour: blue\n', /lit\.config\.yaml:1: unknown setting "colour"/],
    ['sources: listings\nformat: docx\n', /lit\.config\.yaml:2: "format" must be one of/],
    ['sources: listings\nkey-scheme: "{auth}{year}:"\n', /lit\.config\.yaml:2: "key-scheme" must start and end with a letter, a digit, _ or a placeholder/],
    ['sources: listings\nkey-scheme: "{author}{year}"\n', /lit\.config\.yaml:2: "key-scheme": unknown placeholder \{author\} \(known: \{auth\}, \{year\}, \{title\}, \{title2\}, \{title3\}\)/],
  ])('a bad value (%j) names the file and line and exits 2', (config, message) => {
    const r = lit(['list'], { cwd: project(config) });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

describe('the README', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const block = /## Use in pipelines[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)![1]!;
  const examples = block.trim().split('\n');
  it('has three pipeline examples', () => expect(examples).toHaveLength(3));
  itWithTool('jq', 'pipeline examples run as written', () => {
    for (const line of examples) {
      const r = sh(`${line}; [ -s liu.bib ] && grep -c '^@misc' liu.bib || true`);
      expect(r.status, `${line}\n${r.stderr}`).toBe(0);
      expect(r.stderr, line).toBe('');
      expect(r.stdout.trim(), line).not.toBe('');
    }
  });
});

// The built binary: stdout, stderr and exit status.
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { currentIndex, ENGINE, indexFiles, lit, ROOT, tempDir, uncreatableDir } from './helpers.js';

const json = (s: string) => JSON.parse(s) as Record<string, unknown>[];

describe('lit index', () => {
  it('summarises the bundled seeds', () => {
    const r = lit(['index', '--json']);
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ entries: 214, papers: 195, merged: 13, untitled: 2 });
    expect(s.files.map((f: { layout: string }) => f.layout)).toEqual(['profile', 'abstracts', 'alphaxiv', 'hfdaily', 'hfdaily']);
    expect(r.stderr).toBe('');
  });
});

describe('lit list', () => {
  it('prints tab-separated lines in a pipe', () => {
    const r = lit(['list']);
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(195);
    expect(lines.every((l) => l.split('\t').length === 4)).toBe(true);
  });
  it('prints one JSON array or one object per line', () => {
    expect(json(lit(['list', '--json']).stdout)).toHaveLength(195);
    const lines = lit(['list', '--jsonl']).stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(195);
    const p = JSON.parse(lines[0]!);
    for (const k of ['id', 'key', 'title', 'authors', 'year', 'date', 'abstract', 'sources']) expect(p).toHaveProperty(k);
  });
  it('takes --limit, --sort and --reverse, and says when it cut the list', () => {
    const r = lit(['list', '-n', '3', '--sort', 'year']);
    expect(r.stdout.trim().split('\n')).toHaveLength(3);
    expect(r.stderr).toBe('lit: showing 3 of 195; leave out --limit for every paper\n');
    const years = json(lit(['list', '--json', '--sort', 'year', '--reverse']).stdout).map((p) => p.date as string | null).filter(Boolean);
    expect(years).toEqual([...years].sort());
  });
  it('sorts search hits by year with --sort, keeping every hit before the limit', () => {
    const r = json(lit(['search', 'pruning', '--sort', 'year', '--all', '--json']).stdout);
    const dates = r.map((p) => (p.date as string | null) ?? '');
    expect(dates).toEqual([...dates].sort().reverse());
    expect(r).toHaveLength(json(lit(['search', 'pruning', '--all', '--json']).stdout).length);
  });
  it('sorts by year, newest first', () => {
    const years = json(lit(['list', '--json', '--sort', 'year']).stdout).map((p) => p.year as number | null).filter((y) => y !== null);
    expect(years).toEqual([...years].sort((a, b) => (b as number) - (a as number)));
  });
});

describe('the bundled seeds', () => {
  it('are named by a path that opens from the current folder (D19)', () => {
    const elsewhere = lit(['show', 'sun2025curse'], { cwd: tempDir() }).stdout;
    expect(elsewhere).toContain(`${path.join(ROOT, 'seeds')}/002_005814e4d3d9eaf5.txt:`);
    expect(lit(['show', 'sun2025curse']).stdout).toMatch(/^ {2}seeds\/002_005814e4d3d9eaf5\.txt:/m);
  });
});

describe('--color', () => {
  it('always colours even in a pipe, never does not, and a bad value is a usage error (D19)', () => {
    expect(lit(['--color=always', 'search', 'pruning', '-n', '1']).stdout).toContain('\x1b[');
    expect(lit(['--color', 'never', 'search', 'pruning', '-n', '1'], { env: { FORCE_COLOR: '1' } }).stdout).not.toContain('\x1b[');
    const bad = lit(['--color', 'sometimes', 'list']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/Allowed choices are auto, always, never/);
  });
});

describe('output flags', () => {
  it.each([
    [['list', '--json', '--jsonl'], '--json and --jsonl'],
    [['search', 'pruning', '--json', '--format', 'csv'], '--json and --format csv'],
  ])('%j is an error, not a silent choice', (args, which) => {
    const r = lit(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`lit: ${which} ask for two outputs; give one\n`);
  });
});

describe('lit dupes', () => {
  it('lists each merged paper with its entries and reasons', () => {
    const groups = json(lit(['dupes', '--json']).stdout) as { entries: unknown[]; reasons: { kind: string }[] }[];
    expect(groups).toHaveLength(13);
    for (const g of groups) {
      expect(g.entries.length).toBeGreaterThan(1);
      expect(g.reasons).toHaveLength(g.entries.length - 1);
    }
  });
});

describe('lit search', () => {
  it('says on stderr when the limit leaves hits out, and not in --all or -q (D6)', () => {
    const r = lit(['search', 'pruning']);
    expect(r.stdout.trim().split('\n')).toHaveLength(10);
    const all = lit(['search', 'pruning', '--all']);
    const n = all.stdout.trim().split('\n').length;
    expect(n).toBeGreaterThan(10);
    expect(r.stderr).toBe(`lit: showing 10 of ${n}; --all for every result\n`);
    expect(all.stderr).toBe('');
    expect(lit(['-q', 'search', 'pruning']).stderr).toBe('');
  });
  it('takes a leading -word as an exclusion, not an unknown option (D11)', () => {
    const r = lit(['search', '-vision', '--all', '--json']);
    expect(r.status).toBe(0);
    const titles = json(r.stdout).map((p) => String(p.title));
    expect(titles.length).toBeGreaterThan(100);
    expect(titles.some((t) => /vision/i.test(t))).toBe(false);
    // lit's own short flags are still flags.
    expect(lit(['search', '-a', 'pruning']).stdout.trim().split('\n').length).toBeGreaterThan(10);
  });
  it('keeps the listing\'s score and gives its own ranking as relevance (D8)', () => {
    const listed = json(lit(['list', '--json']).stdout).find((p) => p.key === 'yang2026alphaq')!;
    const hit = json(lit(['search', 'AlphaQ', '--json']).stdout)[0]!;
    expect(hit.key).toBe('yang2026alphaq');
    expect(hit.score).toBe(listed.score);
    expect(hit.score).toBe(94.5);
    expect(typeof hit.relevance).toBe('number');
    expect(hit.relevance).not.toBe(94.5);
  });
  it('ranks The Curse of Depth first for "curse of depth"', () => {
    const r = lit(['search', 'curse of depth', '--json']);
    expect(r.status).toBe(0);
    expect(json(r.stdout)[0]!.title).toBe('The Curse of Depth in Large Language Models');
  });
  it('finds word forms: prune finds pruning and pruned', () => {
    const titles = json(lit(['search', 'prune', '--all', '--json']).stdout).map((p) => String(p.title));
    expect(titles.some((t) => /Pruning/.test(t))).toBe(true);
  });
  it('finds LLMs for LLM', () => {
    const titles = json(lit(['search', 'title:LLM', '--all', '--json']).stdout).map((p) => String(p.title));
    expect(titles.some((t) => /\bLLMs\b/.test(t))).toBe(true);
  });
  it('ignores accents: muller finds Müller, in authors and titles', () => {
    const fixture = 'test/fixtures/export/special characters in titles and names.txt';
    const ps = json(lit(['-s', fixture, 'search', 'author:muller', '--json']).stdout);
    expect(ps).toHaveLength(1);
    expect(ps[0]!.authors).toContain('Jürgen Müller');
    expect(json(lit(['-s', fixture, 'search', 'angstrom', '--json']).stdout)).toHaveLength(1);
  });
  it('author:liu returns only papers with an author named Liu', () => {
    const ps = json(lit(['search', 'author:liu', '--all', '--json']).stdout);
    expect(ps.length).toBeGreaterThan(10);
    for (const p of ps) expect((p.authors as string[]).some((a) => /\bLiu$/.test(a))).toBe(true);
  });
  it('year ranges and exclusions filter', () => {
    const ps = json(lit(['search', 'pruning year:2024..2025 -vision', '--all', '--json']).stdout);
    expect(ps.length).toBeGreaterThan(0);
    for (const p of ps) {
      expect(p.year).toBeGreaterThanOrEqual(2024);
      expect(p.year).toBeLessThanOrEqual(2025);
      expect(`${p.title} ${p.abstract}`).not.toMatch(/\bvision\b/i);
    }
  });
  it('phrases must appear as written', () => {
    const ps = json(lit(['search', '"numerical stability"', '--all', '--json']).stdout);
    expect(ps.length).toBeGreaterThan(0);
    for (const p of ps) expect(`${p.title} ${p.abstract}`.toLowerCase()).toContain('numerical stability');
  });
  it('papers with all words rank above papers with some', () => {
    const ps = json(lit(['search', 'grokking stability', '--all', '--json']).stdout);
    expect(String(ps[0]!.title)).toMatch(/Grokking at the Edge of Numerical Stability/);
  });
  it('category: matches the category code', () => {
    const ps = json(lit(['search', 'category:CV', '--all', '--json']).stdout);
    expect(ps.length).toBeGreaterThan(0);
    for (const p of ps) expect(p.categories).toContain('CV');
  });
  it('exits 1 with a suggestion when nothing matches', () => {
    // Field values are taken as typed; plain words are respelled (below).
    const r = lit(['search', 'title:sparsty']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/did you mean: title:sparsity/);
  });
  it.each([
    ['learni', 'learning'],
    ['scalin', 'scaling'],
    ['optimizat', 'optimization'],
    ['sparsty', 'sparsity'],
  ])('takes %j, which matches nothing, for %j and says so', (typed, meant) => {
    const r = lit(['search', typed, '--json']);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^lit: note: ${typed} → ${meant}$`, 'm'));
    expect(json(r.stdout).length).toBeGreaterThan(0);
  });
  it('names a word that matches nothing at all and ranks the rest', () => {
    const r = lit(['search', 'pruning zzzqqq', '--all', '--format', 'ids']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('lit: note: zzzqqq matches nothing\n');
    expect(r.stdout).toBe(lit(['search', 'pruning', '--all', '--format', 'ids']).stdout);
  });
  it('--fuzzy tolerates typos', () => {
    const r = lit(['search', 'sparsty', '--fuzzy', '--json']);
    expect(r.status).toBe(0);
    expect(json(r.stdout).length).toBeGreaterThan(0);
  });
  it('exits 2 for a usage error', () => {
    const r = lit(['search', 'year:banana']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/year:banana/);
    expect(lit(['search', 'x', '--limit', 'zero']).status).toBe(2);
    expect(lit(['search', 'x', '--bogus']).status).toBe(2);
  });
  it('--limit, --all and --format ids', () => {
    expect(lit(['search', 'model', '--limit', '3']).stdout.trimEnd().split('\n')).toHaveLength(3);
    const all = lit(['search', 'model', '--all', '--format', 'ids']).stdout.trimEnd().split('\n');
    expect(all.length).toBeGreaterThan(10);
    expect(all.every((k) => /^[a-z0-9]+$/.test(k))).toBe(true);
  });
});

describe('lit show', () => {
  it('shows one paper in full with its sources', () => {
    const r = lit(['show', 'curse of depth']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^The Curse of Depth in Large Language Models/);
    expect(r.stdout).toMatch(/seeds\/000_d8cb28e390c8b537\.txt:11/);
    expect(r.stdout).toMatch(/seeds\/001_c6522c3393cc43e8\.txt:2/);
  });
  it('an exact key wins', () => {
    const key = String(json(lit(['search', 'curse of depth', '--json']).stdout)[0]!.key);
    const p = JSON.parse(lit(['show', key, '--json']).stdout);
    expect(p.key).toBe(key);
  });
  it('marks an inferred date', () => {
    expect(lit(['show', 'AlphaQ Calibration-Free Bit Allocation']).stdout).toMatch(/2026-06-03 \(year inferred/);
  });
  it('lists the candidates and exits 3 when titles match about equally', () => {
    const r = lit(['show', 'sparse']);
    expect(r.status).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/"sparse" matches \d+ papers(, the best 10)?; name one by its key:\n {2}\S+\t/);
  });
  it.each(['language models', 'sparsity', 'pruning'])('does not pick one of many titles for %j (D9)', (words) => {
    const r = lit(['show', words]);
    expect(r.status).toBe(3);
    const listed = r.stderr.trim().split('\n').slice(1);
    expect(listed.length).toBeGreaterThan(1);
    expect(listed.length).toBeLessThanOrEqual(10);
  });
  it('still names the paper a phrase clearly means', () => {
    expect(JSON.parse(lit(['show', 'curse of depth', '--json']).stdout).key).toBe('sun2025curse');
  });
  it('exits 1 when nothing matches', () => expect(lit(['show', 'zzzqqq']).status).toBe(1));
});

describe('lit similar', () => {
  it('finds papers like one, not the paper itself', () => {
    const ps = json(lit(['similar', 'SPAM: Spike-Aware Adam with Momentum Reset', '--json']).stdout);
    expect(ps.length).toBeGreaterThan(0);
    expect(ps.map((p) => p.title)).not.toContain('SPAM: Spike-Aware Adam with Momentum Reset for Stable LLM Training');
    expect(ps.slice(0, 3).map((p) => String(p.title)).join(' ')).toMatch(/SPAM/);
  });
});

describe('the cache', () => {
  const seeds = path.join(ROOT, 'seeds');
  const copySeeds = () => {
    const dir = tempDir('lit-src-');
    for (const f of readdirSync(seeds)) copyFileSync(path.join(seeds, f), path.join(dir, f));
    return dir;
  };
  const cacheFiles = indexFiles;

  it('is built once and then used', () => {
    const cacheDir = tempDir();
    expect(lit(['index'], { cacheDir }).stdout).toMatch(/cache +built/);
    expect(lit(['index'], { cacheDir }).stdout).toMatch(/cache +used/);
    expect(cacheFiles(cacheDir)).toHaveLength(1);
  });
  it('gives fresh results when a source is edited, added or removed', () => {
    const cacheDir = tempDir();
    const src = copySeeds();
    expect(JSON.parse(lit(['-s', src, 'index', '--json'], { cacheDir }).stdout).papers).toBe(195);
    writeFileSync(path.join(src, 'extra.txt'), 'Abstract:An entirely new abstract about tensor networks and quantum circuits, unlike any seed.\n');
    expect(JSON.parse(lit(['-s', src, 'index', '--json'], { cacheDir }).stdout).papers).toBe(196);
    writeFileSync(path.join(src, 'extra.txt'), 'Abstract:An edited abstract.\nAbstract:And another different one about protein folding.\n');
    expect(JSON.parse(lit(['-s', src, 'index', '--json'], { cacheDir }).stdout).papers).toBe(197);
    truncateSync(path.join(src, 'extra.txt'), 0);
    const r = lit(['-s', src, 'index', '--json'], { cacheDir });
    expect(JSON.parse(r.stdout).papers).toBe(195);
  });
  it('rebuilds a truncated cache with one warning', () => {
    const cacheDir = tempDir();
    lit(['index'], { cacheDir });
    const f = path.join(cacheDir, cacheFiles(cacheDir)[0]!);
    truncateSync(f, Math.floor(statSync(f).size / 2));
    const r = lit(['search', 'pruning', '--all'], { cacheDir });
    expect(r.status).toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/cache was unusable.*rebuilt/);
    expect(lit(['search', 'pruning', '--all'], { cacheDir }).stderr).toBe('');
  });
  it('rebuilds a corrupted or foreign cache', async () => {
    const cacheDir = tempDir();
    lit(['index'], { cacheDir });
    const f = currentIndex(cacheDir);
    if (ENGINE === 'sqlite') {
      // A block of papers overwritten, as a bad sector would leave it: the page is sound, its data not.
      const { default: Database } = await import('better-sqlite3');
      const db = new Database(f);
      db.prepare('UPDATE papers SET data = ? WHERE block = 3').run(Buffer.from('not deflated papers'));
      db.close();
    } else {
      const buf = Buffer.from(readFileSync(f));
      // A byte inside a paper's line, in the section `list` reads.
      const at = buf.indexOf('The Curse of Depth in Large Language Models');
      expect(at).toBeGreaterThan(0);
      buf[at + 4] = (buf[at + 4] ?? 0) ^ 0xff;
      writeFileSync(f, buf);
    }
    const r = lit(['list', '--json'], { cacheDir });
    expect(r.status).toBe(0);
    expect(json(r.stdout)).toHaveLength(195);
    expect(r.stderr).toMatch(/rebuilt/);
    writeFileSync(currentIndex(cacheDir), 'PNG not a cache at all');
    const again = lit(['search', 'pruning'], { cacheDir });
    expect(again.status).toBe(0);
    expect(again.stderr).toMatch(ENGINE === 'sqlite' ? /cache was unusable \(the index database is damaged \(file is not a database\)\); rebuilt it/ : /not a lit cache file/);
  });
  it('still answers from a read-only cache folder, with a warning', () => {
    if (process.getuid?.() === 0) {
      // root ignores folder permissions; a path under a file can never be created instead.
      const r = lit(['search', 'pruning'], { cacheDir: uncreatableDir() });
      expect(r.status).toBe(0);
      expect(r.stdout).not.toBe('');
      expect(r.stderr).toMatch(/cannot write the cache.*answering from memory/);
      return;
    }
    const cacheDir = tempDir();
    chmodSync(cacheDir, 0o500);
    const r = lit(['search', 'pruning'], { cacheDir });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/cannot write the cache/);
  });
  it('answers correctly when two processes build it at once', async () => {
    const cacheDir = tempDir();
    const { spawn } = await import('node:child_process');
    const runOne = () =>
      new Promise<string>((resolve) => {
        const p = spawn(process.execPath, [path.join(ROOT, 'bin/lit.js'), 'list', '--json'], { env: { ...process.env, LIT_CACHE_DIR: cacheDir, XDG_DATA_HOME: `${cacheDir}-data` } });
        let out = '';
        p.stdout.on('data', (d) => (out += d));
        p.on('close', () => resolve(out));
      });
    const [a, b] = await Promise.all([runOne(), runOne()]);
    expect(json(a)).toHaveLength(195);
    expect(b).toBe(a);
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
  it('lit cache path and lit cache clear', () => {
    const cacheDir = tempDir();
    expect(lit(['cache', 'path'], { cacheDir }).stdout.trim()).toBe(cacheDir);
    lit(['index'], { cacheDir });
    writeFileSync(path.join(cacheDir, 'notes.txt'), 'not lit\'s');
    // The index, the remembered source hashes and the start-up code caches of the two commands run.
    const index = ENGINE === 'sqlite' ? [expect.stringMatching(/^library-[0-9a-f]+-[0-9a-z]+\.sqlite$/), expect.stringMatching(/^library-[0-9a-f]+\.sqlite-current$/)] : [expect.stringMatching(/^library-.*\.litc$/)];
    expect(readdirSync(cacheDir).sort()).toEqual([expect.stringMatching(/^code-.*-cache\.v8$/), expect.stringMatching(/^code-.*-index\.v8$/), ...index, 'notes.txt', 'source-hashes.json']);
    const r = lit(['cache', 'clear'], { cacheDir });
    expect(r.stderr).toMatch(new RegExp(`removed ${3 + index.length} cache files`));
    expect(cacheFiles(cacheDir)).toEqual([]);
    // clear runs before it exits, so only the code cache it writes on the way out is lit's.
    expect(readdirSync(cacheDir).filter((f) => !/^code-.*\.v8$/.test(f))).toEqual(['notes.txt']);
  });
  it('index --rebuild ignores the cache', () => {
    const cacheDir = tempDir();
    lit(['index'], { cacheDir });
    expect(lit(['index', '--rebuild'], { cacheDir }).stdout).toMatch(/cache +built/);
  });
});

describe('sources', () => {
  it('a path that does not exist is a usage error naming it', () => {
    const r = lit(['-s', 'no/such/file.txt', 'list']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('lit: no/such/file.txt: no such file or folder\n');
  });
  it('globs expand', () => {
    const r = lit(['-s', 'seeds/00[0-1]_*.txt', 'index', '--json']);
    expect(JSON.parse(r.stdout).entries).toBe(20);
  });
  it('a file in no known layout is reported, and the rest still works', () => {
    const dir = tempDir('lit-src-');
    mkdirSync(path.join(dir, 'sub'));
    writeFileSync(path.join(dir, 'sub', 'notes.txt'), 'just some notes\nthat are not a listing\n');
    const r = lit(['-s', dir, '-s', 'seeds/000_d8cb28e390c8b537.txt', 'index', '--json']);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/notes\.txt:1: file is in none of the known layouts \(.*\): .*; skipped \[unknown-layout\]/);
    expect(JSON.parse(r.stdout).papers).toBe(10);
  });
});

describe('remembered source hashes', () => {
  it('see an edit that keeps the size and the modification time', async () => {
    const { utimesSync, statSync: st } = await import('node:fs');
    const cacheDir = tempDir();
    const dir = tempDir('lit-src-');
    const f = path.join(dir, 'a.txt');
    writeFileSync(f, 'Abstract:Tensor networks for quantum circuits, a first abstract.\n');
    const old = st(f);
    // Backdate it so the hash is trusted on the next run.
    utimesSync(f, old.atime, new Date(old.mtimeMs - 10_000));
    expect(JSON.parse(lit(['-s', f, 'list', '--json'], { cacheDir }).stdout)[0].abstract).toMatch(/first/);
    const before = st(f);
    writeFileSync(f, 'Abstract:Tensor networks for quantum circuits, a later abstract.\n');
    utimesSync(f, before.atime, before.mtime);
    expect(st(f).size).toBe(before.size);
    expect(JSON.parse(lit(['-s', f, 'list', '--json'], { cacheDir }).stdout)[0].abstract).toMatch(/later/);
  });
});

describe('lit show labels (D15)', () => {
  it('end in a colon, with every value lined up after the longest', () => {
    const lines = lit(['show', 'eco2026quantized']).stdout.split('\n');
    expect(lines).toContain('organisation: Google');
    expect(lines.find((l) => l.startsWith('key:'))).toBe('key:          eco2026quantized');
  });
});

// Choosing the engine from the shell: by size, by --engine, by `engine:` and $LIT_ENGINE; what
// lit says where SQLite is missing; and two builds at once.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module shared with the benchmarks.
import { writeProfile } from '../bench/generate.mjs';
import { loadDriver } from '../src/engines/sqlite.js';
import { CROSSOVER_BYTES } from '../src/library-store.js';
import { BIN, FIXTURES, lit, litEnv, ROOT, tempDir } from './helpers.js';

const WITHOUT_SQLITE = path.join(FIXTURES, 'engines', 'without better-sqlite3.cjs');
const FULL_DISK = path.join(FIXTURES, 'engines', 'on a full disk.cjs');
const FILLS_WHILE_INDEXING = path.join(FIXTURES, 'engines', 'on a disk that fills while indexing.cjs');
const SAYS_WORKERS = path.join(FIXTURES, 'engines', 'says whether node worker_threads was loaded.cjs');
const hasSqlite = loadDriver() !== null;
if (!hasSqlite && process.env.CI) throw new Error('better-sqlite3 does not load: the engine tests cannot run');

/** `lit` with no engine named anywhere, so the choice is lit's own; `preload` runs first (node -r). */
function auto(args: string[], cacheDir: string, preload?: string) {
  const env = litEnv({ cacheDir });
  delete env.LIT_ENGINE;
  const r = spawnSync(process.execPath, [...(preload ? ['-r', preload] : []), BIN, ...args], { cwd: ROOT, env, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('choosing the engine', () => {
  let large: string;
  beforeAll(() => {
    // Just over the crossover: papers of about 1.4 KB.
    large = path.join(tempDir('lit-large-'), 'profile.txt');
    writeProfile(large, path.join(ROOT, 'seeds'), Math.ceil(CROSSOVER_BYTES / 1400) + 200, { seed: 5 });
  });

  it('keeps a small library on MiniSearch, which needs no native code', () => {
    const r = auto(['index', '--json'], tempDir());
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).cache.engine).toBe('minisearch');
  });
  it.skipIf(!hasSqlite)('puts a library above the crossover on SQLite', () => {
    const cacheDir = tempDir();
    const r = auto(['-s', large, 'index', '--json'], cacheDir);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).cache.engine).toBe('sqlite');
    expect(readdirSync(cacheDir).some((f) => f.endsWith('.sqlite'))).toBe(true);
    const again = auto(['-s', large, 'search', 'pruning', '--format', 'ids', '-n', '3'], cacheDir);
    expect(again.status).toBe(0);
    expect(again.stdout.trim().split('\n')).toHaveLength(3);
  });
  it('says once, when it builds a large library without SQLite, how to enable it', () => {
    const cacheDir = tempDir();
    const built = auto(['-s', large, 'search', 'pruning', '-n', '1'], cacheDir, WITHOUT_SQLITE);
    expect(built.status).toBe(0);
    expect(built.stdout).not.toBe('');
    expect(built.stderr).toMatch(/lit: warning: this library \(\d+ MB of sources\) would search several times faster with the sqlite engine, but better-sqlite3 is not installed; `npm install better-sqlite3` adds it/);
    expect(built.stderr.match(/better-sqlite3/g)).toHaveLength(2);
    // Answered from the cache: nothing more to say.
    const cached = auto(['-s', large, 'search', 'pruning', '-n', '1'], cacheDir, WITHOUT_SQLITE);
    expect(cached.stderr).toBe('lit: showing 1 of ' + cached.stderr.split(' of ')[1]);
    expect(cached.stderr).not.toMatch(/sqlite/);
  });
  it.skipIf(!hasSqlite)('answers from memory, with a warning and no half-written store, when the disk is full', () => {
    const cacheDir = tempDir();
    const r = auto(['--engine', 'sqlite', 'search', 'curse of depth', '--format', 'tsv', '-n', '1'], cacheDir, FULL_DISK);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.stderr).toMatch(/^lit: warning: .*: cannot write the cache \(the disk is full\); answering from memory \[cache-unwritable\]\n/);
    expect(r.stdout).toMatch(/^sun2025curse\t/);
    expect(r.status).toBe(0);
    expect(readdirSync(cacheDir).filter((f) => /\.sqlite/.test(f))).toEqual([]);
  });
  it.skipIf(!hasSqlite)('answers from memory as well when the disk fills while a writer thread indexes a large library', () => {
    const cacheDir = tempDir();
    const file = path.join(tempDir('lit-fills-'), 'profile.txt');
    writeProfile(file, path.join(ROOT, 'seeds'), 10_000, { seed: 9 });
    const r = auto(['-s', file, '--engine', 'sqlite', 'search', 'pruning', '--format', 'tsv', '-n', '1'], cacheDir, FILLS_WHILE_INDEXING);
    expect(r.stderr).not.toMatch(/internal error|Error:/);
    expect(r.stderr).toMatch(/^lit: warning: .*: cannot write the cache \(the disk is full\); answering from memory \[cache-unwritable\]\n/);
    expect(r.stdout.split('\t')[2]).toMatch(/pruning/i);
    expect(r.status).toBe(0);
    expect(readdirSync(cacheDir).filter((f) => /\.sqlite/.test(f))).toEqual([]);
  });
  it.skipIf(!hasSqlite)('loads the writer thread\'s machinery for a build only, not for a search of a built store', () => {
    const cacheDir = tempDir();
    const built = auto(['--engine', 'sqlite', 'index'], cacheDir, SAYS_WORKERS);
    expect(built.status).toBe(0);
    expect(built.stderr).toMatch(/^preload: worker_threads loaded$/m);
    const searched = auto(['--engine', 'sqlite', 'search', 'pruning', '-n', '1'], cacheDir, SAYS_WORKERS);
    expect(searched.status).toBe(0);
    expect(searched.stdout).not.toBe('');
    expect(searched.stderr).toMatch(/^preload: worker_threads not loaded$/m);
  });
  it.skipIf(!hasSqlite)('leaves no half-built store when the key register cannot be read', () => {
    // The register's place is a folder: the build has begun (its database is open, the files
    // are stored) when keying fails, and the database it began goes with it.
    const cacheDir = tempDir();
    const dataDir = tempDir();
    mkdirSync(path.join(dataDir, 'lit', 'lit.keys'), { recursive: true });
    const r = spawnSync(process.execPath, [BIN, '--engine', 'sqlite', 'search', 'pruning'], { cwd: ROOT, env: litEnv({ cacheDir, dataDir }), encoding: 'utf8' });
    expect(r.stderr).toBe(`lit: ${path.join(dataDir, 'lit', 'lit.keys')}: cannot read the key register (EISDIR)\n`);
    expect(r.status).toBe(5);
    expect(r.stdout).toBe('');
    expect(readdirSync(cacheDir).filter((f) => /\.sqlite/.test(f))).toEqual([]);
  });
  it('fails with a way out when --engine sqlite cannot load', () => {
    const r = auto(['--engine', 'sqlite', 'search', 'pruning'], tempDir(), WITHOUT_SQLITE);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^lit: the sqlite engine needs better-sqlite3, which is not installed or could not be built; run `npm install better-sqlite3` .*or use --engine minisearch\n$/);
  });
  it.skipIf(!hasSqlite)('takes --engine over engine: in the config, and the config over the size', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'lit.config.yaml'), 'engine: sqlite\n');
    const cacheDir = tempDir();
    const env = litEnv({ cacheDir });
    delete env.LIT_ENGINE;
    const run = (args: string[]) => JSON.parse(spawnSync(process.execPath, [BIN, ...args, 'index', '--json'], { cwd: dir, env, encoding: 'utf8' }).stdout);
    expect(run([]).cache.engine).toBe('sqlite');
    expect(run(['--engine', 'minisearch']).cache.engine).toBe('minisearch');
    expect(run(['--engine', 'auto']).cache.engine).toBe('minisearch');
  });
  it('names the bad value of engine:, --engine and $LIT_ENGINE', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'lit.config.yaml'), 'sources: []\nengine: lucene\n');
    const r = lit(['search', 'pruning'], { cwd: dir, env: { LIT_ENGINE: '' } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/lit\.config\.yaml:2: "engine" must be one of auto, minisearch, sqlite/);
    const flag = lit(['--engine', 'lucene', 'search', 'pruning']);
    expect(flag.status).toBe(2);
    expect(flag.stderr).toMatch(/--engine.*lucene.*(auto|choices)/);
    const env = lit(['search', 'pruning'], { env: { LIT_ENGINE: 'lucene' } });
    expect(env.status).toBe(2);
    expect(env.stderr).toMatch(/LIT_ENGINE=lucene: no such engine \(known: auto, minisearch, sqlite\)/);
  });
});

describe.skipIf(!hasSqlite)('the SQLite store', () => {
  it('is one good store after two builds at once', async () => {
    const cacheDir = tempDir();
    const env = { ...litEnv({ cacheDir }), LIT_ENGINE: 'sqlite' };
    const build = () =>
      new Promise<number | null>((resolve) => {
        const p = spawn(process.execPath, [BIN, 'index', '--rebuild'], { env, stdio: 'ignore' });
        p.on('close', resolve);
      });
    expect(await Promise.all([build(), build(), build()])).toEqual([0, 0, 0]);
    const pointer = readdirSync(cacheDir).find((f) => f.endsWith('.sqlite-current'))!;
    const db = path.join(cacheDir, readFileSync(path.join(cacheDir, pointer), 'utf8').trim());
    expect(existsSync(db)).toBe(true);
    const { default: Database } = await import('better-sqlite3');
    const d = new Database(db, { readonly: true });
    expect(d.pragma('quick_check', { simple: true })).toBe('ok');
    expect(d.prepare("SELECT value FROM meta WHERE name = 'size'").pluck().get()).toBe(195);
    d.close();
    const r = spawnSync(process.execPath, [BIN, 'search', 'curse of depth', '--format', 'ids', '-n', '1'], { env, encoding: 'utf8' });
    expect(r.stderr).toMatch(/^lit: showing 1 of \d+; --all for every result\n$/);
    expect(r.stdout).toMatch(/curse/);
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
  it('answers a search while another process rebuilds it', async () => {
    const cacheDir = tempDir();
    const env = { ...litEnv({ cacheDir }), LIT_ENGINE: 'sqlite' };
    const first = spawnSync(process.execPath, [BIN, 'search', 'pruning', '--format', 'ids'], { env, encoding: 'utf8' }).stdout;
    const rebuild = new Promise((resolve) => spawn(process.execPath, [BIN, 'index', '--rebuild'], { env, stdio: 'ignore' }).on('close', resolve));
    for (let i = 0; i < 3; i++) {
      const r = spawnSync(process.execPath, [BIN, 'search', 'pruning', '--format', 'ids'], { env, encoding: 'utf8' });
      expect(r.stdout).toBe(first);
    }
    await rebuild;
  });

  it('keeps the stores of the 8 newest source sets, as the MiniSearch engine keeps its files', () => {
    const cacheDir = tempDir();
    const env = { ...litEnv({ cacheDir }), LIT_ENGINE: 'sqlite' };
    const dir = tempDir('lit-sets-');
    for (let i = 0; i < 10; i++) {
      const f = path.join(dir, `listing-${i}.txt`);
      writeFileSync(f, `Abstract:Paper number ${i} on a subject of its own.\n`);
      expect(spawnSync(process.execPath, [BIN, '-s', f, 'index'], { env, encoding: 'utf8' }).status).toBe(0);
      // Each set older than the next, whatever the clock's resolution.
      for (const p of readdirSync(cacheDir).filter((n) => n.endsWith('.sqlite-current'))) {
        const t = statSync(path.join(cacheDir, p)).mtimeMs / 1000 - 60;
        utimesSync(path.join(cacheDir, p), t, t);
      }
    }
    const pointers = readdirSync(cacheDir).filter((n) => n.endsWith('.sqlite-current'));
    expect(pointers).toHaveLength(8);
    // Every database left is named by a pointer left; the newest set still answers from its store.
    const named = new Set(pointers.map((p) => readFileSync(path.join(cacheDir, p), 'utf8').trim()));
    expect(readdirSync(cacheDir).filter((n) => n.endsWith('.sqlite')).every((n) => named.has(n))).toBe(true);
    const last = spawnSync(process.execPath, [BIN, '-s', path.join(dir, 'listing-9.txt'), 'index', '--json'], { env, encoding: 'utf8' });
    expect(JSON.parse(last.stdout).cache.used).toBe(true);
  });

  describe('updated in place when sources change', () => {
    const commands = [
      ['list', '--jsonl'],
      ['search', 'pruning', '--all', '--format', 'tsv'],
      ['search', 'tensor networks', '--all'],
      ['search', 'sparsty'],
      ['show', 'curse of depth', '--json'],
      ['similar', 'curse of depth'],
      ['export', '--format', 'bibtex'],
    ];
    // One key register for the updated store and the fresh one: keys stay as the register says.
    const dataDir = tempDir('lit-data-');
    const run = (src: string, cacheDir: string, args: string[]) => spawnSync(process.execPath, [BIN, '-s', src, ...args], { env: { ...litEnv({ cacheDir, dataDir }), LIT_ENGINE: 'sqlite' }, encoding: 'utf8' });
    /** Every command's output from the updated store, and from a store built afresh from the same sources. */
    const expectAsRebuilt = (src: string, cacheDir: string) => {
      const fresh = tempDir();
      for (const c of commands) {
        const a = run(src, cacheDir, c);
        const b = run(src, fresh, c);
        expect({ c, out: a.stdout, err: a.stderr, status: a.status }).toEqual({ c, out: b.stdout, err: b.stderr, status: b.status });
      }
      const info = (d: string) => {
        const j = JSON.parse(run(src, d, ['index', '--json']).stdout);
        delete j.cache;
        return j;
      };
      expect(info(cacheDir)).toEqual(info(fresh));
      // What no answer shows: the table of whole titles `show` looks in first holds each paper's
      // title once, as built (a row missing or left behind only slows show down).
      const titles = (d: string) => {
        const db = new (loadDriver()!)(path.join(d, readdirSync(d).find((f) => f.endsWith('.sqlite'))!), { readonly: true });
        const rows = db.prepare('SELECT hash FROM titles ORDER BY hash').pluck().all();
        db.close();
        return rows;
      };
      expect(titles(cacheDir)).toEqual(titles(fresh));
    };

    it('answers as a rebuilt store after a file is added, edited or removed', () => {
      const src = tempDir('lit-src-');
      for (const f of readdirSync(path.join(ROOT, 'seeds'))) copyFileSync(path.join(ROOT, 'seeds', f), path.join(src, f));
      const cacheDir = tempDir();
      expect(run(src, cacheDir, ['index']).stdout).toMatch(/cache +built/);
      // First in the order, so every paper after it moves; one entry is a seed paper again (a merge), one is new.
      writeFileSync(
        path.join(src, '000-added.bib'),
        '@article{added1, title = {The Curse of Depth in Large Language Models}, author = {Doe, Jane}, year = 2025, doi = {10.1000/added}}\n@article{added2, title = {Tensor networks for quantum circuits}, author = {Roe, Ann}, year = 2024}\n',
      );
      const added = run(src, cacheDir, ['index']);
      // Only the papers the new file touches are rewritten: the seed paper it merges into, and its new one.
      expect(added.stdout).toMatch(/cache +updated \(2 papers rewritten\)/);
      expectAsRebuilt(src, cacheDir);
      const seed = readdirSync(src).find((f) => /^00\d_/.test(f))!;
      truncateSync(path.join(src, seed), 4000);
      expect(run(src, cacheDir, ['index']).stdout).toMatch(/cache +updated/);
      expectAsRebuilt(src, cacheDir);
      rmSync(path.join(src, '000-added.bib'));
      expect(run(src, cacheDir, ['index']).stdout).toMatch(/cache +updated \(2 papers rewritten\)/);
      expectAsRebuilt(src, cacheDir);
      // In place: one database all along.
      expect(readdirSync(cacheDir).filter((f) => f.endsWith('.sqlite'))).toHaveLength(1);
    });
    it('reads a file again from its source when what the store kept of it does not decode', () => {
      const src = tempDir('lit-src-');
      for (const f of readdirSync(path.join(ROOT, 'seeds'))) copyFileSync(path.join(ROOT, 'seeds', f), path.join(src, f));
      const cacheDir = tempDir();
      expect(run(src, cacheDir, ['index']).stdout).toMatch(/cache +built/);
      // Every unchanged file's entries are read back from the store by an update: spoil one's.
      const db = new (loadDriver()!)(path.join(cacheDir, readdirSync(cacheDir).find((f) => f.endsWith('.sqlite'))!));
      const spoiled = db.prepare("UPDATE sources SET data = x'00' WHERE part = 1 AND name LIKE '%002_%'").run().changes;
      db.close();
      expect(spoiled).toBe(1);
      writeFileSync(path.join(src, '000-added.bib'), '@article{added2, title = {Tensor networks for quantum circuits}, author = {Roe, Ann}, year = 2024}\n');
      const updated = run(src, cacheDir, ['index']);
      expect(updated.status, updated.stderr).toBe(0);
      expect(updated.stdout).toMatch(/cache +updated/);
      expectAsRebuilt(src, cacheDir);
    });
    it('is updated once when two processes find it stale at once', async () => {
      const src = tempDir('lit-src-');
      for (const f of readdirSync(path.join(ROOT, 'seeds'))) copyFileSync(path.join(ROOT, 'seeds', f), path.join(src, f));
      const cacheDir = tempDir();
      run(src, cacheDir, ['index']);
      writeFileSync(path.join(src, 'zzz.txt'), 'Abstract:An abstract about tensor networks and quantum circuits, unlike any seed.\n');
      const env = { ...litEnv({ cacheDir, dataDir }), LIT_ENGINE: 'sqlite' };
      const one = () =>
        new Promise<string>((resolve) => {
          const p = spawn(process.execPath, [BIN, '-s', src, 'list', '--jsonl'], { env });
          let out = '';
          p.stdout.on('data', (d) => (out += d));
          p.on('close', () => resolve(out));
        });
      const [a, b] = await Promise.all([one(), one()]);
      expect(a.trim().split('\n')).toHaveLength(196);
      expect(b).toBe(a);
      expectAsRebuilt(src, cacheDir);
    });
  });
});

// Choosing the engine from the shell: by size, by --engine, by `engine:` and $LIT_ENGINE; what
// lit says where SQLite is missing; and two builds at once.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module shared with the benchmarks.
import { writeProfile } from '../bench/generate.mjs';
import { loadDriver } from '../src/engines/sqlite.js';
import { CROSSOVER_BYTES } from '../src/library-store.js';
import { BIN, FIXTURES, lit, litEnv, ROOT, tempDir } from './helpers.js';

const WITHOUT_SQLITE = path.join(FIXTURES, 'engines', 'without better-sqlite3.cjs');
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
});

import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatDate, type RawEntry } from '../src/model.js';
import type { SourceFile } from '../src/sources/read.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = path.join(ROOT, 'bin', 'lit.js');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');

/** A source file made from text, as findSources would return it. */
export function sourceFile(display: string, content: string | Buffer): SourceFile {
  const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content);
  return { path: display, display, bytes, hash: createHash('sha1').update(bytes).digest('hex') };
}

/** The fields of an entry a fixture's expected JSON pins down. */
export function project(e: RawEntry) {
  return {
    line: e.line,
    title: e.title,
    authors: e.authors.map((a) => `${a.given} | ${a.family}`),
    authorsTruncated: e.authorsTruncated,
    authorCount: e.authorCount,
    abstract: e.abstract === null ? null : e.abstract.slice(0, 60),
    date: formatDate(e.date),
    dateInferred: e.date?.inferred ?? false,
    categories: e.categories,
    organisation: e.organisation,
    upvotes: e.upvotes,
    score: e.score,
    code: e.code,
    // Bibliography fields only where a source gave them, so listing fixtures stay short.
    ...Object.fromEntries(
      (['key', 'aliases', 'type', 'doi', 'arxiv', 'arxivClass', 'url', 'codeUrl', 'venue', 'volume', 'number', 'pages', 'publisher', 'editors', 'keywords', 'note', 'extra'] as const)
        .map((k) => [k, k === 'editors' ? e.editors.map((a) => `${a.given} | ${a.family}`) : e[k]] as const)
        .filter(([, v]) => v !== null && !(Array.isArray(v) && !v.length) && !(typeof v === 'object' && !Array.isArray(v) && !Object.keys(v as object).length)),
    ),
    ...(e.authors.some((a) => a.suffix) ? { suffixes: e.authors.map((a) => a.suffix ?? '') } : {}),
  };
}

/** A new empty folder, inside the run's own temporary folder (test/global-setup.ts), which is removed at the end. */
export function tempDir(prefix = 'lit-test-'): string {
  return mkdtempSync(path.join(process.env.LIT_TEST_TMP ?? os.tmpdir(), prefix));
}

export interface LitRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface LitOptions {
  cacheDir?: string;
  /** The data folder, where the key register lives when there is no lit.config.yaml; default: beside the cache folder. */
  dataDir?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
}

/** The environment lit runs in for a test: its own cache, data and config folders, no colour. */
export function litEnv(opts: LitOptions & { cacheDir: string }): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LIT_CACHE_DIR: opts.cacheDir,
    XDG_DATA_HOME: opts.dataDir ?? `${opts.cacheDir}-data`,
    NO_COLOR: '',
    XDG_CONFIG_HOME: path.join(opts.cacheDir, 'no-config'),
    ...opts.env,
  };
  delete env.FORCE_COLOR;
  if (opts.env?.FORCE_COLOR !== undefined) env.FORCE_COLOR = opts.env.FORCE_COLOR;
  return env;
}

/** Runs the built lit binary with its own cache and data folders, no terminal and no colour. */
export function lit(args: string[], opts: LitOptions = {}): LitRun {
  const cacheDir = opts.cacheDir ?? tempDir('lit-cache-');
  const env = litEnv({ ...opts, cacheDir });
  const o: SpawnSyncOptions = { cwd: opts.cwd ?? ROOT, env, encoding: 'utf8', input: opts.input ?? '', maxBuffer: 64 * 1024 * 1024 };
  const r = spawnSync(process.execPath, [BIN, ...args], o);
  return { status: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/**
 * A cache folder no one can create, root included: a path under a regular file. Root ignores
 * folder permissions, so a read-only folder would not do for tests run as root.
 */
export function uncreatableDir(): string {
  const blocker = path.join(tempDir(), 'file');
  writeFileSync(blocker, '');
  return path.join(blocker, 'cache');
}

/** The engine the CLI tests run against: the vitest project sets LIT_ENGINE (vitest.config.ts). */
export const ENGINE = process.env.LIT_ENGINE === 'sqlite' ? 'sqlite' : 'minisearch';

/** The files in a cache folder that hold an index, for the engine under test: `.litc` stores, or SQLite databases. */
export function indexFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => (ENGINE === 'sqlite' ? /\.sqlite$/.test(f) : f.endsWith('.litc')));
}

/** The index file a cached search in this folder reads now: the one SQLite's pointer names, or the `.litc`. */
export function currentIndex(dir: string): string {
  if (ENGINE === 'sqlite') {
    const pointer = readdirSync(dir).find((f) => f.endsWith('.sqlite-current'));
    if (!pointer) throw new Error(`no index pointer in ${dir}`);
    return path.join(dir, readFileSync(path.join(dir, pointer), 'utf8').trim());
  }
  const [file] = indexFiles(dir);
  if (!file) throw new Error(`no index in ${dir}`);
  return path.join(dir, file);
}

// The key register on disk: where it lives, its plain-text form, and updating it safely while
// other lit runs may be doing the same. It is the user's data, never the cache: `lit cache
// clear`, a damaged cache or a new lit version leave it alone.
import { pushAll } from './arrays.js';
import * as fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeFolder, writeFileAtomic } from './atomic.js';
import { EXIT, LitError } from './errors.js';
import type { KeyLine } from './keys.js';
import type { Warning } from './model.js';

/** The register's file name, beside lit.config.yaml or in the data folder. */
const REGISTER_NAME = 'lit.keys';

const HEADER = [
  '# lit key register: every citation key lit has handed out, one paper a line, sorted by key.',
  '# key <TAB> build <TAB> alias of (- if none) <TAB> auto|set <TAB> fingerprints <TAB> title',
  '# Keep it with your documents; change keys with `lit keys`, not by hand.',
];

/**
 * Where the register lives: beside the project's lit.config.yaml (so it can be committed with
 * the paper it serves), else in $XDG_DATA_HOME/lit, else ~/.local/share/lit.
 */
export function registerPath(projectConfig: string | null, env: NodeJS.ProcessEnv = process.env): string {
  if (projectConfig) return path.join(path.dirname(projectConfig), REGISTER_NAME);
  const data = env.XDG_DATA_HOME ? path.resolve(env.XDG_DATA_HOME) : path.join(os.homedir(), '.local', 'share');
  return path.join(data, 'lit', REGISTER_NAME);
}

/** A register as read: its lines, and lines that could not be read, kept verbatim. */
export interface RegisterText {
  lines: KeyLine[];
  /** Lines that are not register lines (a hand edit gone wrong): warned about and written back as they were. */
  unreadable: string[];
  warnings: Warning[];
}

const clean = (s: string) => (/[\t\r\n]/.test(s) ? s.replace(/[\t\r\n]+/g, ' ') : s);

/** Parses a register file's text; a bad line is a warning naming the file and line, never lost. */
export function parseRegister(text: string, file: string): RegisterText {
  const lines: KeyLine[] = [];
  const unreadable: string[] = [];
  const warnings: Warning[] = [];
  const seen = new Set<string>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (!line.trim() || line.startsWith('#')) return;
    const [key, gen, aliasOf, how, ids, ...title] = line.split('\t');
    const bad = (why: string) => {
      warnings.push({ code: 'bad-key-line', file, line: i + 1, message: `${why}; line kept as it is and not used` });
      unreadable.push(line);
    };
    if (!key || !/^\d+$/.test(gen ?? '') || aliasOf === undefined || (how !== 'auto' && how !== 'set') || ids === undefined) return bad('not a register line (key, build, alias of, auto|set, fingerprints, title)');
    if (seen.has(key)) return bad(`key ${key} is registered twice`);
    seen.add(key);
    lines.push({ key, gen: Number(gen), aliasOf: aliasOf === '-' ? null : aliasOf, pinned: how === 'set', ids: ids.split(',').filter(Boolean), title: title.join(' ') });
  });
  return { lines, unreadable, warnings };
}

/** The register's text: a header, then one line per key in code-unit order, so diffs stay small. */
export function formatRegister(lines: readonly KeyLine[], unreadable: readonly string[] = []): string {
  return [...registerPieces(registerLines(lines), unreadable)].join('');
}

/** The register's lines for these keys, in the order it holds them. */
function registerLines(lines: readonly KeyLine[]): string[] {
  // Keys never hold a tab or anything below it, so sorting whole lines sorts them by key, and
  // the engine's own string sort is several times faster than a comparator.
  return lines.map((l) => `${l.key}\t${l.gen}\t${l.aliasOf ?? '-'}\t${l.pinned ? 'set' : 'auto'}\t${l.ids.join(',')}\t${clean(l.title)}`).sort();
}

// About this many characters a piece of registerPieces.
const PIECE = 2 ** 20;

/**
 * formatRegister's text, from its sorted lines, in pieces of about a megabyte: compared and
 * written piece by piece. At a million papers the register is 108 MB, and its whole text (held
 * as one string, and again as the bytes written) was the peak of a build's memory.
 */
function* registerPieces(body: readonly string[], unreadable: readonly string[]): Generator<string> {
  let piece: string[] = [];
  let size = 0;
  for (const part of [HEADER, body, unreadable]) {
    for (const line of part) {
      piece.push(line, '\n');
      size += line.length + 1;
      if (size >= PIECE) {
        yield piece.join('');
        piece = [];
        size = 0;
      }
    }
  }
  if (piece.length) yield piece.join('');
}

/** True when the pieces, one after another, are the text. */
function samePieces(pieces: Iterable<string>, text: string | null): boolean {
  if (text === null) return false;
  let at = 0;
  for (const p of pieces) {
    if (!text.startsWith(p, at)) return false;
    at += p.length;
  }
  return at === text.length;
}

/** Size, modification time and inode of the register, or `none`: part of the cache key, at the cost of one stat. */
export function registerStamp(file: string): string {
  try {
    const st = fs.statSync(file);
    return `${st.size}:${st.mtimeMs}:${st.ino}`;
  } catch {
    return 'none';
  }
}

/** What an update did. */
export interface RegisterUpdate<T> {
  result: T;
  /** Problems reading or writing the register. */
  warnings: Warning[];
  /** True when the file was written. */
  written: boolean;
}

// A lock held this long belongs to a run that died: lit holds it for the milliseconds it takes
// to key a library and write one file.
const STALE_MS = 30_000;
const WAIT_MS = 20_000;

/**
 * Reads the register, lets `change` compute the new lines, and writes them if the text changed:
 * all under a lock file, so two lit runs at once never lose each other's lines. Where the
 * register's folder cannot be written, `change` still runs on what could be read, and a warning
 * says that new keys were not saved.
 */
export async function updateRegister<T>(file: string, change: (current: RegisterText) => { lines: KeyLine[]; result: T }): Promise<RegisterUpdate<T>> {
  const warnings: Warning[] = [];
  const unwritable = (e: unknown) =>
    warnings.push({ code: 'keys-unwritable', file, message: `cannot write the key register (${errCode(e)}); new keys hold for this run only` });
  let release: (() => Promise<void>) | null = null;
  try {
    await makeFolder(path.dirname(file));
    release = await lock(`${file}.lock`);
  } catch (e) {
    unwritable(e);
  }
  try {
    const current = read(file, warnings);
    const next = change(current);
    const body = registerLines(next.lines);
    const pieces = () => registerPieces(body, current.unreadable);
    let written = false;
    if (release && !samePieces(pieces(), current.text)) {
      try {
        await writeFileAtomic(file, pieces(), { durable: true });
        written = true;
      } catch (e) {
        unwritable(e);
      }
    }
    return { result: next.result, warnings, written };
  } finally {
    await release?.();
  }
}

function read(file: string, warnings: Warning[]): RegisterText & { text: string | null } {
  let text: string | null = null;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    // ENOTDIR: a folder on the way is a file, so there is no register there either.
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && (e as NodeJS.ErrnoException).code !== 'ENOTDIR') {
      // An unreadable register must not be replaced by an empty one: fail loudly instead.
      throw new LitError('keys-unreadable', `${file}: cannot read the key register (${errCode(e)})`, EXIT.io);
    }
  }
  const parsed = text === null ? { lines: [], unreadable: [], warnings: [] } : parseRegister(text, file);
  pushAll(warnings, parsed.warnings);
  return { ...parsed, text };
}

function errCode(e: unknown): string {
  return (e as NodeJS.ErrnoException)?.code ?? (e as Error)?.message ?? String(e);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Takes a lock file (created exclusively), waiting for a live holder and breaking a dead one's. */
async function lock(lockFile: string): Promise<() => Promise<void>> {
  const token = `${process.pid}\n${os.hostname()}\n${Math.random().toString(36).slice(2)}\n`;
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      const fh = await fs.promises.open(lockFile, 'wx');
      await fh.writeFile(token);
      await fh.close();
      return async () => {
        // Only our own lock is removed, never one that replaced it after ours was judged stale.
        const now = await fs.promises.readFile(lockFile, 'utf8').catch(() => null);
        if (now === token) await fs.promises.rm(lockFile, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    if (await isStale(lockFile)) {
      await fs.promises.rm(lockFile, { force: true });
      continue;
    }
    if (Date.now() - started > WAIT_MS) throw Object.assign(new Error(`${lockFile} is held by another lit run`), { code: 'ELOCKED' });
    await sleep(Math.min(100, 5 + attempt * 5) * (0.5 + Math.random()));
  }
}

async function isStale(lockFile: string): Promise<boolean> {
  try {
    const [st, text] = await Promise.all([fs.promises.stat(lockFile), fs.promises.readFile(lockFile, 'utf8')]);
    if (Date.now() - st.mtimeMs > STALE_MS) return true;
    const [pid, host] = text.split('\n');
    // A holder on this machine that has exited left its lock behind.
    if (host === os.hostname() && pid && /^\d+$/.test(pid)) {
      try {
        process.kill(Number(pid), 0);
      } catch (e) {
        return (e as NodeJS.ErrnoException).code === 'ESRCH';
      }
    }
    return false;
  } catch {
    // Gone already, or written but not yet filled in: try again.
    return false;
  }
}

// Finding and decoding source files. Returns data and warnings; never prints.
import { closeSync, constants, openSync, readdirSync, readFileSync, readSync, realpathSync, statSync } from 'node:fs';
import { constants as bufferConstants } from 'node:buffer';
import path from 'node:path';
import { LitError, EXIT } from '../errors.js';
import { sha1, sha1Chunks } from '../hash.js';
import { fastGlob } from '../lazy.js';
import type { Warning } from '../model.js';
import { PACKAGE_ROOT } from '../version.js';

/** The library lit reads when no source is named: the seeds shipped with it. */
export const BUNDLED_SEEDS = path.join(PACKAGE_ROOT, 'seeds');

/** One source file found and hashed, not yet parsed. */
export interface SourceFile {
  /** Absolute path (as text; a name that is not UTF-8 shows its bad bytes as `\xNN`). */
  path: string;
  /** As the user gave it, or the folder they named joined with the path inside it. */
  display: string;
  /** The content; read on first use when the hash came from a stat match. */
  readonly bytes: Buffer;
  /** sha1 of the content: the cache key is built from these. */
  hash: string;
  /** When it was last changed: the year a listing that prints none was captured in. */
  mtimeMs?: number;
  /** Its size in bytes, from the stat that found it: what the engine is chosen by. */
  size?: number;
  /** Drops the bytes once decoded (they are read again if asked for); absent where they cannot be. */
  release?(): void;
  /** The content a chunk at a time, so a large file is never held whole; absent where only `bytes` is. */
  chunks?(): Iterable<Buffer>;
}

/** What identifies a file's content without reading it, as git's index does. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

/** Hashes remembered from earlier runs, and the ones this run had to compute. */
export interface HashMemo {
  /** The content hash of a file whose stamp is unchanged, if it is known and safe to trust. */
  known(path: string, stamp: FileStamp): string | undefined;
  /** Records a hash just computed from content read at `readAt` (ms since the epoch). */
  record(path: string, stamp: FileStamp, hash: string, readAt: number): void;
}

/** A path as the OS has it: text, or raw bytes for a name that is not UTF-8. */
type RawPath = string | Buffer;

/** A source whose hash is known and whose bytes are read only if a rebuild needs them. */
class StampedSource implements SourceFile {
  private _bytes?: Buffer;
  constructor(
    private readonly raw: RawPath,
    readonly path: string,
    readonly display: string,
    readonly hash: string,
    readonly mtimeMs: number,
    readonly size: number,
    bytes?: Buffer,
  ) {
    this._bytes = bytes;
  }
  get bytes(): Buffer {
    return (this._bytes ??= inPath(this.raw, (p) => readFileSync(p)));
  }
  /** Lets go of the bytes once they are decoded: a large file is then held once, as its text. */
  release(): void {
    this._bytes = undefined;
  }
  chunks(): Iterable<Buffer> {
    return this._bytes ? [this._bytes] : fileChunks(this.raw);
  }
}

// Large sources are read in pieces of this size, to be hashed or split into lines.
const CHUNK = 4 * 2 ** 20;

/** A file's content in chunks of CHUNK bytes, read as they are asked for. */
function* fileChunks(raw: RawPath): Generator<Buffer> {
  const fd = inPath(raw, (p) => openSync(p, 'r'));
  try {
    for (;;) {
      const chunk = Buffer.allocUnsafe(CHUNK);
      const n = readSync(fd, chunk, 0, CHUNK, null);
      if (n === 0) return;
      yield n === CHUNK ? chunk : chunk.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}

// Sources up to this size keep the bytes they were hashed from until they are parsed.
const HOLD_BYTES = 32 * 2 ** 20;

const GLOB_CHARS = /[*?[\]{}!]/;
const SEP = Buffer.from(path.sep);

/** A name as text: UTF-8 where it is, `\xNN` for each byte that is not. */
export function nameText(raw: RawPath): string {
  if (typeof raw === 'string') return raw;
  const text = raw.toString('utf8');
  if (!text.includes('\ufffd') || Buffer.from(text).equals(raw)) return text;
  let out = '';
  for (let i = 0; i < raw.length; ) {
    const b = raw[i]!;
    const len = b < 0x80 ? 1 : b >> 5 === 6 ? 2 : b >> 4 === 14 ? 3 : b >> 3 === 30 ? 4 : 0;
    const chunk = len ? raw.subarray(i, i + len) : null;
    const ch = chunk && chunk.length === len ? chunk.toString('utf8') : '\ufffd';
    if (len && ch !== '\ufffd' && Buffer.from(ch).equals(chunk!)) {
      out += ch;
      i += len;
    } else {
      out += `\\x${b.toString(16).padStart(2, '0')}`;
      i += 1;
    }
  }
  return out;
}

// Paths longer than this many bytes are reached in steps: the OS refuses longer ones whole.
const PATH_STEP = 3000;

/**
 * Runs an fs call on a path, however long: a path past what the OS takes in one piece
 * (PATH_MAX, 4096 bytes on Linux) is reached by changing into its folders a step at a time.
 */
function inPath<T>(raw: RawPath, fn: (p: RawPath) => T): T {
  const bytes = typeof raw === 'string' ? Buffer.from(raw) : raw;
  if (bytes.length < PATH_STEP) return fn(raw);
  const parts: Buffer[] = [];
  for (let i = 0, j; i <= bytes.length; i = j + 1) {
    j = bytes.indexOf(SEP, i);
    if (j < 0) j = bytes.length;
    parts.push(bytes.subarray(i, j));
  }
  const home = process.cwd();
  const last = parts.pop()!;
  try {
    process.chdir(path.sep);
    let step: Buffer[] = [];
    let length = 0;
    for (const part of parts.filter((x) => x.length)) {
      if (step.length && length + part.length + 1 > PATH_STEP) {
        process.chdir(Buffer.concat(step.flatMap((x) => [x, SEP])).toString('utf8'));
        step = [];
        length = 0;
      }
      step.push(part);
      length += part.length + 1;
    }
    return fn(Buffer.concat([...step.flatMap((x) => [x, SEP]), last]));
  } finally {
    process.chdir(home);
  }
}

/** A file found in a folder, by its raw path, with the name to show. */
interface Found {
  raw: RawPath;
  abs: string;
  display: string;
}

/**
 * The files below a folder, sorted, hidden ones left out. Unlike a recursive readdir it
 * follows a symlinked folder only once (a loop is reported and skipped), reports a subfolder
 * it cannot list and reads the rest, skips FIFOs, sockets and devices with a warning, keeps
 * names that are not UTF-8, and leaves out the cache folder when it lies inside.
 */
function walkFolder(root: string, shown: string, skip: Set<string>, warnings: Warning[]): Found[] {
  const out: Found[] = [];
  const seen = new Set<string>();
  const visit = (dir: Buffer, disp: string, top: boolean): void => {
    let st;
    try {
      st = inPath(dir, (p) => statSync(p));
    } catch (e) {
      warnings.push(cannotList(disp, e));
      return;
    }
    const id = `${st.dev}:${st.ino}`;
    if (seen.has(id)) {
      warnings.push({ code: 'folder-loop', file: disp, message: 'is a link back to a folder already read (a loop); not followed' });
      return;
    }
    seen.add(id);
    if (!top && skip.has(nameText(dir))) return;
    let entries: import('node:fs').Dirent<Buffer>[];
    try {
      entries = inPath(dir, (p) => readdirSync(p, { withFileTypes: true, encoding: 'buffer' }));
    } catch (e) {
      if (top) throw e;
      warnings.push(cannotList(disp, e));
      return;
    }
    entries.sort((a, b) => Buffer.compare(a.name, b.name));
    for (const entry of entries) {
      if (entry.name[0] === 0x2e) continue; // hidden: `.git`, `.lit-cache`, editors' files
      const raw = Buffer.concat([dir, SEP, entry.name]);
      const display = path.join(disp, nameText(entry.name));
      let kind = entry;
      if (entry.isSymbolicLink()) {
        try {
          const t = inPath(raw, (p) => statSync(p));
          kind = { isDirectory: () => t.isDirectory(), isFile: () => t.isFile(), isFIFO: () => t.isFIFO(), isSocket: () => t.isSocket() } as never;
        } catch (e) {
          warnings.push({ code: 'unreadable-file', file: display, message: `is a link that leads nowhere (${(e as NodeJS.ErrnoException).code}); skipped` });
          continue;
        }
      }
      if (kind.isDirectory()) visit(raw, display, false);
      else if (kind.isFile() && skip.has(nameText(raw))) continue;
      else if (kind.isFile()) out.push({ raw: isUtf8(entry.name) ? raw.toString('utf8') : raw, abs: nameText(raw), display });
      else warnings.push({ code: 'not-a-file', file: display, message: `is ${kind.isFIFO() ? 'a FIFO' : kind.isSocket() ? 'a socket' : 'a device'}, not a file; skipped` });
    }
  };
  visit(Buffer.from(root), shown, true);
  return out;
}

function isUtf8(b: Buffer): boolean {
  return Buffer.from(b.toString('utf8')).equals(b);
}

function cannotList(folder: string, e: unknown): Warning {
  const code = (e as NodeJS.ErrnoException).code;
  return { code: 'unreadable-folder', file: folder, message: `cannot list folder (${code === 'EACCES' ? 'permission denied' : code === 'ENAMETOOLONG' ? 'path too long' : code ?? String(e)}); skipped, the rest is read` };
}

// Reading a FIFO or a device stops here: /dev/zero never ends and a FIFO may never be written.
const SPECIAL_MAX_BYTES = 64 * 1024 * 1024;
const SPECIAL_MAX_MS = 5000;

/** Reads a FIFO or character device named as a source, within a size and a time bound. */
function readSpecial(file: string, display: string, warnings: Warning[]): Buffer {
  // Non-blocking: opening a FIFO no one writes to would otherwise wait forever.
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  const chunks: Buffer[] = [];
  let total = 0;
  const started = Date.now();
  const pause = new Int32Array(new SharedArrayBuffer(4));
  try {
    for (;;) {
      const chunk = Buffer.allocUnsafe(1 << 16);
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
        if (Date.now() - started > SPECIAL_MAX_MS) {
          warnings.push({ code: 'read-stopped', file: display, message: `nothing more came for ${SPECIAL_MAX_MS / 1000} s; read what had come` });
          break;
        }
        Atomics.wait(pause, 0, 0, 10);
        continue;
      }
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total >= SPECIAL_MAX_BYTES || Date.now() - started > SPECIAL_MAX_MS) {
        warnings.push({ code: 'read-stopped', file: display, message: `does not end (${total >= SPECIAL_MAX_BYTES ? `${SPECIAL_MAX_BYTES / 2 ** 20} MiB` : `${SPECIAL_MAX_MS / 1000} s`} read); read that much` });
        break;
      }
    }
  } finally {
    closeSync(fd);
  }
  return Buffer.concat(chunks);
}

/**
 * Expands sources (files, folders, globs) into readable files.
 * A path that does not exist, or a glob that matches nothing, is a usage error naming it.
 * `skip` names what lit keeps itself (the cache folder, the key register, the config file):
 * never read as a source when a folder holds it.
 */
export async function findSources(specs: string[], cwd: string, memo?: HashMemo, skip: string[] = []): Promise<{ files: SourceFile[]; warnings: Warning[] }> {
  const warnings: Warning[] = [];
  const found: (Found & { special?: boolean })[] = [];
  const useDefault = specs.length === 0;
  const list = useDefault ? [BUNDLED_SEEDS] : specs;
  const skipReal = new Set(skip.flatMap((p) => [path.resolve(p), realpathOr(p)]));
  for (const spec of list) {
    const abs = path.resolve(cwd, spec);
    let stat;
    try {
      stat = inPath(abs, (p) => statSync(p));
    } catch {
      stat = null;
    }
    // The bundled seeds are shown by a path that opens from here (D19): `seeds` in the
    // repository, the full path anywhere else.
    const rel = path.relative(cwd, BUNDLED_SEEDS);
    const shown = useDefault ? (rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : BUNDLED_SEEDS) : spec;
    if (stat?.isDirectory()) {
      let files: Found[];
      try {
        files = walkFolder(realpathOr(abs), shown, skipReal, warnings);
      } catch (err) {
        warnings.push(cannotList(shown, err));
        continue;
      }
      if (files.length === 0) warnings.push({ code: 'empty-folder', file: shown, message: 'folder holds no files to read' });
      for (const f of files) found.push(f);
    } else if (stat) {
      found.push({ raw: abs, abs, display: spec, special: !stat.isFile() });
    } else if (GLOB_CHARS.test(spec)) {
      const fg = fastGlob();
      const matches = (await fg(spec, { cwd, onlyFiles: true, dot: false })).sort();
      if (matches.length === 0) throw new LitError('source-not-found', `${spec}: no file matches this pattern`, EXIT.usage);
      for (const m of matches) found.push({ raw: path.resolve(cwd, m), abs: path.resolve(cwd, m), display: m });
    } else {
      throw new LitError('source-not-found', `${spec}: no such file or folder`, EXIT.usage);
    }
  }
  const files: SourceFile[] = [];
  const seen = new Set<string>();
  for (const f of found) {
    if (seen.has(f.abs)) continue;
    seen.add(f.abs);
    try {
      if (f.special) {
        // A FIFO or device: read once, within bounds; its stamp says nothing about its content.
        const bytes = readSpecial(f.abs, f.display, warnings);
        files.push({ path: f.abs, display: f.display, bytes, hash: sha1(bytes), mtimeMs: Date.now(), size: bytes.length });
        continue;
      }
      const st = inPath(f.raw, (p) => statSync(p));
      const stamp: FileStamp = { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino };
      const hash = memo?.known(f.abs, stamp);
      if (hash) {
        files.push(new StampedSource(f.raw, f.abs, f.display, hash, st.mtimeMs, st.size));
        continue;
      }
      const readAt = Date.now();
      // A large file is hashed a chunk at a time and read again when parsed, never held: four
      // sources of 350 MB held at once were 1.4 GB before the first was parsed.
      const bytes = st.size > HOLD_BYTES ? null : inPath(f.raw, (p) => readFileSync(p));
      const sum = bytes ? sha1(bytes) : sha1Chunks(fileChunks(f.raw));
      memo?.record(f.abs, stamp, sum, readAt);
      files.push(new StampedSource(f.raw, f.abs, f.display, sum, st.mtimeMs, st.size, bytes ?? undefined));
    } catch (err) {
      warnings.push(unreadable(f.display, err));
    }
  }
  return { files, warnings };
}

function realpathOr(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** The warning for a source that cannot be read, naming the OS's reason. */
export function unreadable(file: string, err: unknown): Warning {
  const code = (err as NodeJS.ErrnoException).code;
  return { code: 'unreadable-file', file, message: `cannot read file (${code === 'EACCES' ? 'permission denied' : code ?? String(err)}); skipped` };
}

/** The byte order a UTF-16 file is in, from its BOM or from where its zero bytes fall; null when it is not UTF-16. */
export function utf16Order(bytes: Buffer): 'utf-16le' | 'utf-16be' | null {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  // Without a BOM: Latin text in UTF-16 has a zero in every other byte, and only there.
  const n = Math.min(bytes.length, 4096) & ~1;
  if (n < 8) return null;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) even++;
    if (bytes[i + 1] === 0) odd++;
  }
  const half = n / 2;
  if (odd > half * 0.4 && even < half * 0.05) return 'utf-16le';
  if (even > half * 0.4 && odd < half * 0.05) return 'utf-16be';
  return null;
}

// A file with more zero bytes than this share of its start is an image or archive, not text.
const BINARY_NUL_SHARE = 0.01;

/** True when the start of a file (its first 64 KB) holds too many NUL bytes to be text. */
export function looksBinary(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 65536);
  let nuls = 0;
  for (const b of head) if (b === 0) nuls++;
  return nuls > head.length * BINARY_NUL_SHARE;
}

/** What decoding a file, whole or a line at a time, says it refused or repaired. */
export const decodeWarning = {
  empty: (file: string): Warning => ({ code: 'empty-file', file, message: 'file is empty; skipped' }),
  binary: (file: string): Warning => ({ code: 'binary-file', file, message: 'file is binary, not a text listing; skipped' }),
  notUtf8: (file: string, line: number, bad: number): Warning => ({ code: 'encoding', file, line, message: `file is not valid UTF-8 (${bad} line${bad === 1 ? '' : 's'}, the first here); read ${bad === 1 ? 'it' : 'them'} as Windows-1252` }),
  nuls: (file: string, line: number, count: number): Warning => ({ code: 'nul-bytes', file, line, message: `file holds ${count} NUL byte${count === 1 ? '' : 's'}; removed, the rest read` }),
};

/** The line (1-based) an offset of the text falls on. */
const lineOf = (text: string, at: number) => text.slice(0, at).split('\n').length;

/**
 * Decodes a file to text with LF line ends, or says why it cannot be used: UTF-8 (with or
 * without BOM), UTF-16 either way round (with or without BOM), and lines that are not UTF-8
 * read as Windows-1252, the usual encoding of such files (Latin-1 is a subset of it), each with
 * a warning. A stray NUL is reported and dropped; many of them mark a binary file.
 */
export function decode(file: SourceFile): { text: string | null; warnings: Warning[] } {
  const warnings: Warning[] = [];
  let bytes: Buffer;
  try {
    bytes = file.bytes;
  } catch (err) {
    // A source whose hash came from its stamp is read only now, and may have gone since.
    return { text: null, warnings: [unreadable(file.display, err)] };
  }
  if (bytes.length === 0) return { text: null, warnings: [decodeWarning.empty(file.display)] };
  // One JavaScript string holds at most MAX_STRING_LENGTH characters (512 MiB on 64-bit Node):
  // a larger source cannot be read as one text, and decoding it threw "Invalid string length".
  if (bytes.length > bufferConstants.MAX_STRING_LENGTH) {
    const mb = (n: number) => `${Math.round(n / 2 ** 20)} MB`;
    return { text: null, warnings: [{ code: 'file-too-large', file: file.display, message: `file is ${mb(bytes.length)}, more than the ${mb(bufferConstants.MAX_STRING_LENGTH)} lit can read as one text; split it into smaller files, which lit reads and merges as one library; skipped` }] };
  }
  let text: string;
  const wide = utf16Order(bytes);
  if (wide) {
    text = new TextDecoder(wide).decode(bytes);
    warnings.push({ code: 'encoding', file: file.display, message: `file is ${wide === 'utf-16le' ? 'UTF-16 (little-endian)' : 'UTF-16 (big-endian)'}; read as such` });
  } else {
    if (looksBinary(bytes)) {
      return { text: null, warnings: [decodeWarning.binary(file.display)] };
    }
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      text = decodeMixed(bytes, file.display, warnings);
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const nul = text.indexOf('\0');
  if (nul >= 0) {
    const count = text.split('\0').length - 1;
    warnings.push(decodeWarning.nuls(file.display, lineOf(text, nul), count));
    text = text.replaceAll('\0', '');
  }
  text = text.replace(/\r\n?/g, '\n');
  return { text, warnings };
}

// Windows-1252's characters for bytes 0x80-0x9F (Latin-1 has controls there). Node's own
// TextDecoder('windows-1252') reads these bytes as Latin-1 controls, so lit maps them itself.
const CP1252 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
export const cp1252 = { decode: (b: Buffer) => b.toString('latin1').replace(/[\x80-\x9f]/g, (c) => CP1252[c.charCodeAt(0) - 0x80]!) };

/** A file that is not all UTF-8: each line that is, as UTF-8; each that is not, as Windows-1252. */
function decodeMixed(bytes: Buffer, display: string, warnings: Warning[]): string {
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const out: string[] = [];
  let first = 0;
  let bad = 0;
  for (let start = 0, n = 1; start <= bytes.length; n++) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    const line = bytes.subarray(start, end);
    try {
      out.push(utf8.decode(line));
    } catch {
      out.push(cp1252.decode(line));
      bad++;
      first ||= n;
    }
    start = end + 1;
  }
  warnings.push(decodeWarning.notUtf8(display, first, bad));
  return out.join('\n');
}

// Finding and decoding source files. Returns data and warnings; never prints.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { LitError, EXIT } from '../errors.js';
import { sha1 } from '../hash.js';
import type { Warning } from '../model.js';
import { PACKAGE_ROOT } from '../version.js';

/** The library lit reads when no source is named: the seeds shipped with it. */
export const BUNDLED_SEEDS = path.join(PACKAGE_ROOT, 'seeds');

/** One source file found and hashed, not yet parsed. */
export interface SourceFile {
  /** Absolute path. */
  path: string;
  /** As the user gave it, or the folder they named joined with the path inside it. */
  display: string;
  /** The content; read on first use when the hash came from a stat match. */
  readonly bytes: Buffer;
  /** sha1 of the content: the cache key is built from these. */
  hash: string;
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

/** A source whose hash is known and whose bytes are read only if a rebuild needs them. */
class StampedSource implements SourceFile {
  private _bytes?: Buffer;
  constructor(
    readonly path: string,
    readonly display: string,
    readonly hash: string,
  ) {}
  get bytes(): Buffer {
    return (this._bytes ??= readFileSync(this.path));
  }
}

const GLOB_CHARS = /[*?[\]{}!]/;

function isHidden(rel: string): boolean {
  return rel.split(/[\\/]/).some((p) => p.startsWith('.'));
}

/** Files below a folder, sorted, hidden ones left out. */
function listFolder(dir: string): string[] {
  // readdirSync(recursive) rather than a glob: the default library is a folder, and every
  // command starts by listing it, so this path stays free of glob machinery.
  return (readdirSync(dir, { recursive: true, withFileTypes: false }) as string[])
    .filter((rel) => !isHidden(rel))
    .filter((rel) => {
      try {
        return statSync(path.join(dir, rel)).isFile();
      } catch {
        return false;
      }
    })
    .sort();
}

/**
 * Expands sources (files, folders, globs) into readable files.
 * A path that does not exist, or a glob that matches nothing, is a usage error naming it.
 */
export async function findSources(specs: string[], cwd: string, memo?: HashMemo): Promise<{ files: SourceFile[]; warnings: Warning[] }> {
  const warnings: Warning[] = [];
  const found: { abs: string; display: string }[] = [];
  const useDefault = specs.length === 0;
  const list = useDefault ? [BUNDLED_SEEDS] : specs;
  for (const spec of list) {
    const abs = path.resolve(cwd, spec);
    let stat;
    try {
      stat = statSync(abs);
    } catch {
      stat = null;
    }
    const shown = useDefault ? 'seeds' : spec;
    if (stat?.isDirectory()) {
      let rels: string[];
      try {
        rels = listFolder(abs);
      } catch (err) {
        warnings.push({ code: 'unreadable-folder', file: shown, message: `cannot list folder: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
        continue;
      }
      if (rels.length === 0) warnings.push({ code: 'empty-folder', file: shown, message: 'folder holds no files to read' });
      for (const rel of rels) found.push({ abs: path.join(abs, rel), display: path.join(shown, rel) });
    } else if (stat) {
      found.push({ abs, display: spec });
    } else if (GLOB_CHARS.test(spec)) {
      const { default: fg } = await import('fast-glob');
      const matches = (await fg(spec, { cwd, onlyFiles: true, dot: false })).sort();
      if (matches.length === 0) throw new LitError('source-not-found', `${spec}: no file matches this pattern`, EXIT.usage);
      for (const m of matches) found.push({ abs: path.resolve(cwd, m), display: m });
    } else {
      throw new LitError('source-not-found', `${spec}: no such file or folder`, EXIT.usage);
    }
  }
  const files: SourceFile[] = [];
  const seen = new Set<string>();
  for (const f of found) {
    if (seen.has(f.abs)) continue;
    seen.add(f.abs);
    let stamp: FileStamp | undefined;
    try {
      if (memo) {
        const st = statSync(f.abs);
        stamp = { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino };
        const hash = memo.known(f.abs, stamp);
        if (hash) {
          files.push(new StampedSource(f.abs, f.display, hash));
          continue;
        }
      }
      const readAt = Date.now();
      const bytes = readFileSync(f.abs);
      const hash = sha1(bytes);
      if (memo && stamp) memo.record(f.abs, stamp, hash, readAt);
      files.push({ path: f.abs, display: f.display, bytes, hash });
    } catch (err) {
      warnings.push(unreadable(f.display, err));
    }
  }
  return { files, warnings };
}

function unreadable(file: string, err: unknown): Warning {
  const code = (err as NodeJS.ErrnoException).code;
  return { code: 'unreadable-file', file, message: `cannot read file (${code === 'EACCES' ? 'permission denied' : code ?? String(err)}); skipped` };
}

/** Decodes a file to text with LF line ends, or says why it cannot be used. */
export function decode(file: SourceFile): { text: string | null; warnings: Warning[] } {
  const warnings: Warning[] = [];
  let bytes: Buffer;
  try {
    bytes = file.bytes;
  } catch (err) {
    // A source whose hash came from its stamp is read only now, and may have gone since.
    return { text: null, warnings: [unreadable(file.display, err)] };
  }
  if (bytes.length === 0) return { text: null, warnings: [{ code: 'empty-file', file: file.display, message: 'file is empty; skipped' }] };
  // A NUL byte never appears in a text listing; it marks an image, archive or other binary.
  if (bytes.subarray(0, 8192).includes(0)) {
    return { text: null, warnings: [{ code: 'binary-file', file: file.display, message: 'file is binary, not a text listing; skipped' }] };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder('utf-8').decode(bytes);
    const firstBad = text.indexOf('\ufffd');
    const line = firstBad < 0 ? undefined : text.slice(0, firstBad).split('\n').length;
    warnings.push({ code: 'invalid-utf8', file: file.display, line, message: 'file is not valid UTF-8; bad bytes read as U+FFFD' });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  text = text.replace(/\r\n?/g, '\n');
  return { text, warnings };
}

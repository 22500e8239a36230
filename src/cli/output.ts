// The only place lit writes to the terminal. stdout carries data; stderr carries messages.
import { writeSync } from 'node:fs';
import { EXIT, LitError } from '../errors.js';
import type { Warning } from '../model.js';
import { visible } from '../safe.js';

/** How the process talks: whether stdout is a terminal, whether to colour, and how wide it is. */
export interface Terminal {
  tty: boolean;
  color: boolean;
  stderrTty: boolean;
  width: number;
}

/** Decides colour like other well-behaved tools: --color WHEN first, then NO_COLOR off, FORCE_COLOR on, else a terminal. */
export function detectTerminal(when: 'auto' | 'always' | 'never', env: NodeJS.ProcessEnv = process.env): Terminal {
  const tty = Boolean(process.stdout.isTTY);
  let color = tty;
  if (env.FORCE_COLOR !== undefined) color = env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  if (env.NO_COLOR) color = false;
  // The flag wins over the environment, as rg's --color does.
  if (when !== 'auto') color = when === 'always';
  return { tty, color, stderrTty: Boolean(process.stderr.isTTY), width: process.stdout.columns || Number(env.COLUMNS) || 100 };
}

let closed = false;

// Why a write failed, in words, for the errors a full or broken output gives.
const WRITE_ERRORS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EIO: 'input/output error',
  EBADF: 'standard output is closed',
  EACCES: 'permission denied',
};

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes all of `bytes` to a file descriptor, however many calls it takes: a short write (a disk
 * filling up) is retried until the OS says why it cannot go on, and a pipe that is full for now
 * (EAGAIN) is waited on. Node's own stdout drops the rest of a short write and exits 0.
 */
function writeAll(fd: number, bytes: Buffer): void {
  let at = 0;
  while (at < bytes.length) {
    try {
      const n = writeSync(fd, bytes, at, bytes.length - at);
      // No progress is not success: say so as the OS would.
      if (n === 0) throw Object.assign(new Error('no progress'), { code: 'ENOSPC' });
      at += n;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(pause, 0, 0, 2);
    }
  }
}

/** Writes data to stdout; a reader that went away ends the output quietly, any other failure is exit status 5. */
export function out(text: string): void {
  if (closed || !text) return;
  try {
    writeAll(1, Buffer.from(text));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    // `lit list | head -1`: the reader's choice, not an error.
    if (code === 'EPIPE') {
      closed = true;
      return;
    }
    throw new LitError('write-failed', `cannot write output: ${WRITE_ERRORS[code] ?? code ?? (e as Error).message}`, EXIT.io);
  }
}

// A stderr that is closed or full must never crash lit: messages are a courtesy there. Data
// goes through `out`; what Node's own stdout stream writes (commander's help) may meet a reader
// that has gone, which ends it quietly too.
process.stderr.on('error', () => undefined);
process.stdout.on('error', () => {
  closed = true;
});

/** Writes a message line to stderr, with any control character from a source made visible. */
export function err(text: string): void {
  try {
    writeAll(2, Buffer.from(`${visible(text, LAYOUT)}\n`));
  } catch {
    // Nowhere left to say it.
  }
}
// Line breaks and tabs in lit's own messages (a list of candidates) are layout, not data.
const LAYOUT = /[\n\t]/;

/** One warning line: `lit: warning: file:line: message [code]`. */
export function formatWarning(w: Warning): string {
  const where = w.file ? `${w.file}${w.line ? `:${w.line}` : ''}: ` : '';
  return `lit: warning: ${where}${w.message} [${w.code}]`;
}

/** Prints warnings once each, on stderr. */
export function reportWarnings(warnings: Warning[], quiet: boolean): void {
  if (quiet) return;
  const seen = new Set<string>();
  for (const w of warnings) {
    const line = formatWarning(w);
    if (seen.has(line)) continue;
    seen.add(line);
    err(line);
  }
}

/** Resolves once everything written to stdout has been handed to the OS (`out` writes synchronously). */
export function flushStdout(): Promise<void> {
  return new Promise((resolve) => {
    if (closed || process.stdout.writableLength === 0) resolve();
    else process.stdout.write('', () => resolve());
  });
}

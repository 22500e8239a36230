// The only place lit writes to the terminal. stdout carries data; stderr carries messages.
import type { Warning } from '../model.js';

/** How the process talks: whether stdout is a terminal, whether to colour, and how wide it is. */
export interface Terminal {
  tty: boolean;
  color: boolean;
  stderrTty: boolean;
  width: number;
}

/** Decides colour like other well-behaved tools: --no-color and NO_COLOR off, FORCE_COLOR on, else a terminal. */
export function detectTerminal(noColorFlag: boolean, env: NodeJS.ProcessEnv = process.env): Terminal {
  const tty = Boolean(process.stdout.isTTY);
  let color = tty;
  if (env.FORCE_COLOR !== undefined) color = env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  if (env.NO_COLOR) color = false;
  if (noColorFlag) color = false;
  return { tty, color, stderrTty: Boolean(process.stderr.isTTY), width: process.stdout.columns || Number(env.COLUMNS) || 100 };
}

let closed = false;

// `lit list | head -1`: the reader goes away and writes fail with EPIPE. That is the reader's
// choice, not an error: stop writing quietly and let the command finish with its own status.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') closed = true;
  else throw e;
});


/** Writes data to stdout. */
export function out(text: string): void {
  if (!closed) process.stdout.write(text);
}

/** Writes a message line to stderr. */
export function err(text: string): void {
  process.stderr.write(`${text}\n`);
}

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

/** Resolves once everything written to stdout has been handed to the OS. */
export function flushStdout(): Promise<void> {
  return new Promise((resolve) => {
    if (closed || process.stdout.writableLength === 0) resolve();
    else process.stdout.write('', () => resolve());
  });
}

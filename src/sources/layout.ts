import type { ParseResult } from '../model.js';

/** A numbered line of a source file (1-based), as layouts see it. */
export interface Line {
  n: number;
  text: string;
}

/** What a layout parser needs to know about the file it reads. */
export interface ParseContext {
  /** The file as the user gave it, or relative to the folder they named. */
  file: string;
  /** When the file was last changed: the year of dates a listing prints without one, when it prints none. */
  mtimeMs?: number;
}

/** One source layout: how to recognise it and how to read it, side by side. */
export interface Layout {
  name: string;
  description: string;
  /**
   * True for bibliography formats (BibTeX, RIS, CSL-JSON, lit's own exports), whose fields say
   * what they mean; listings are searched for DOIs, arXiv ids and code links in their text.
   */
  structured?: boolean;
  /** Confidence from 0 to 1 that the lines are in this layout; the registry picks the highest. */
  detect(lines: Line[]): number;
  parse(lines: Line[], ctx: ParseContext): ParseResult;
  /**
   * For formats read as a whole (BibTeX, JSON): parse the file's text directly, so a large file
   * is not also held as an array of lines. Lines longer than a listing's are not skipped here.
   */
  parseText?(text: string, ctx: ParseContext): ParseResult;
}

/** A line as layouts see it: trailing white space removed; null for a blank line, which they never see. */
export function keptText(line: string): string | null {
  // Most lines end in a letter: the regex and the trimmed copy are for those that do not.
  const t = /\s$/.test(line) ? line.replace(/\s+$/, '') : line;
  return t === '' ? null : t;
}

/** The non-blank lines of a file (at most `max`), numbered from 1, with trailing white space removed. */
export function numberedLines(text: string, max = Infinity): Line[] {
  const out: Line[] = [];
  let start = 0;
  for (let n = 1; start <= text.length && out.length < max; n++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const t = keptText(text.slice(start, end));
    if (t !== null) out.push({ n, text: t });
    start = end + 1;
  }
  return out;
}

/** The line number of any offset in a text, from an index of where lines start, built once. */
export function lineIndex(text: string): (offset: number) => number {
  let starts: Int32Array | null = null;
  return (offset) => {
    if (!starts) {
      const list = [0];
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) list.push(i + 1);
      starts = Int32Array.from(list);
    }
    return lastAtOrBefore(starts, offset) + 1;
  };
}

/** Index of the last start at or before an offset (starts sorted, the first 0). */
function lastAtOrBefore(starts: ArrayLike<number>, offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Share of lines that satisfy a test, over at most the first `sample` lines. */
export function share(lines: Line[], test: (l: Line) => boolean, sample = 200): number {
  const head = lines.slice(0, sample);
  if (head.length === 0) return 0;
  return head.filter(test).length / head.length;
}

/** The lines joined again, and the line number of any offset in the joined text. */
export function joinLines(lines: Line[]): { text: string; lineAt(offset: number): number } {
  const starts: number[] = [];
  let at = 0;
  for (const l of lines) {
    starts.push(at);
    at += l.text.length + 1;
  }
  const text = lines.map((l) => l.text).join('\n');
  return {
    text,
    lineAt(offset: number): number {
      return lines[lastAtOrBefore(starts, offset)]?.n ?? 1;
    },
  };
}

/**
 * `parse` and `parseText` for a format read as a whole text (BibTeX, JSON, YAML): both hand the
 * text, a line finder and the file name to `read`.
 */
export function readsWholeText(read: (text: string, lineAt: (offset: number) => number, file: string) => ParseResult): Pick<Layout, 'parse' | 'parseText'> {
  return {
    parse(lines, ctx) {
      const { text, lineAt } = joinLines(lines);
      return read(text, lineAt, ctx.file);
    },
    parseText(text, ctx) {
      return read(text, lineIndex(text), ctx.file);
    },
  };
}

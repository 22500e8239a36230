// A source read as a stream of lines: its bytes come a chunk at a time and each line is decoded
// on its own, so a listing is never held as one text. Four listings of 350 MB, decoded whole and
// then copied out of that text, took 3.5 GB before their entries were merged; and a listing
// past 512 MB, the longest string V8 holds, could not be read at all. Returns data; never prints.
import { isUtf8 } from 'node:buffer';
import type { Warning } from '../model.js';
import type { Line } from './layout.js';
import { cp1252, decodeWarning, looksBinary, unreadable, utf16Order, type SourceFile } from './read.js';

/** What a line-by-line read gives: the next line, or why the file is not read this way. */
export type Opened =
  | { kind: 'lines'; lines: SourceLines }
  /** Empty, binary or unreadable: nothing to read, and why. */
  | { kind: 'none'; warnings: Warning[] }
  /** UTF-16: decoded whole (src/sources/read.ts decode), as before; such files are small exports. */
  | { kind: 'whole' };

/** Lines a layout is read from, one at a time, with what was repaired once they are all read. */
export interface LineSource {
  next(): ReadLine | null;
  warnings(): Warning[];
  /** Stops reading before the end: a large file's descriptor is closed now, not at exit. */
  close(): void;
}

/** The lines of a text already decoded whole (UTF-16), as a LineSource. */
export function textLines(text: string): LineSource {
  let at = 0;
  let n = 1;
  return {
    next() {
      if (at > text.length) return null;
      let end = text.indexOf('\n', at);
      if (end < 0) end = text.length;
      const line = { n: n++, text: text.slice(at, end) };
      at = end + 1;
      return line;
    },
    warnings: () => [],
    close: () => undefined,
  };
}

/** A line of the source as read: its number, and its text, or only its length when too long to keep. */
export interface ReadLine {
  n: number;
  text: string;
  /** Set instead of the text (which is then '') for a line far too long to gather (past `maxLine` × 4 bytes): its length. */
  tooLong?: number;
}

// What decode() looks at to tell binary and UTF-16 files from text.
const HEAD_BYTES = 65536;

/** Opens a source for reading line by line, after checking its first bytes as decode() does. */
export function openLines(file: SourceFile, maxLine: number): Opened {
  let chunks: Iterator<Buffer>;
  let first: Buffer;
  try {
    chunks = (file.chunks?.() ?? [file.bytes])[Symbol.iterator]();
    // The checks read the first 64 KB, however the file comes cut.
    const head: Buffer[] = [];
    let size = 0;
    for (let c = nextChunk(chunks); c; c = size < HEAD_BYTES ? nextChunk(chunks) : null) {
      head.push(c);
      size += c.length;
    }
    first = head.length === 1 ? head[0]! : Buffer.concat(head);
  } catch (err) {
    return { kind: 'none', warnings: [unreadable(file.display, err)] };
  }
  if (first.length === 0) return { kind: 'none', warnings: [decodeWarning.empty(file.display)] };
  if (utf16Order(first)) return { kind: 'whole' };
  if (looksBinary(first)) return { kind: 'none', warnings: [decodeWarning.binary(file.display)] };
  return { kind: 'lines', lines: new SourceLines(file.display, first, chunks, maxLine) };
}

function nextChunk(chunks: Iterator<Buffer>): Buffer | null {
  for (;;) {
    const r = chunks.next();
    if (r.done) return null;
    if (r.value.length) return r.value;
  }
}

/**
 * The lines of a source, numbered as decode() and numberedLines() number them: each line UTF-8
 * where it is and Windows-1252 where it is not, a leading BOM and NUL bytes removed, CR LF and a
 * lone CR both ending a line. Warnings for what was repaired are complete once the last line is read.
 */
export class SourceLines implements LineSource {
  /** Lines left over from a physical line that lone CRs split. */
  private queue: string[] = [];
  /** Line number of the next line handed out (after CR splitting), and of the physical line. */
  private n = 1;
  private physical = 0;
  private chunk: Buffer;
  private at = 0;
  private done = false;
  private badLines = 0;
  private firstBad = 0;
  private nuls = 0;
  private firstNul = 0;

  constructor(
    private readonly display: string,
    first: Buffer,
    private readonly chunks: Iterator<Buffer>,
    private readonly maxLine: number,
  ) {
    this.chunk = first;
  }

  /** The next line (blank ones too), or null at the end. */
  next(): ReadLine | null {
    if (this.queue.length) return this.line(this.queue.shift()!);
    if (this.done) return null;
    const raw = this.rawLine();
    if (raw === null) return null;
    if (typeof raw === 'number') return { n: this.n++, text: '', tooLong: raw };
    const text = this.decodeLine(raw);
    const parts = text.includes('\r') ? text.replace(/\r$/, '').split('\r') : [text];
    for (let i = 1; i < parts.length; i++) this.queue.push(parts[i]!);
    return this.line(parts[0]!);
  }

  close(): void {
    this.done = true;
    this.chunks.return?.();
  }

  /** What had to be repaired: the encoding, NUL bytes (as decode() words them). */
  warnings(): Warning[] {
    const out: Warning[] = [];
    if (this.badLines) out.push(decodeWarning.notUtf8(this.display, this.firstBad, this.badLines));
    if (this.nuls) out.push(decodeWarning.nuls(this.display, this.firstNul, this.nuls));
    return out;
  }

  private line(text: string): ReadLine {
    return { n: this.n++, text };
  }

  /**
   * The bytes of the next physical line, or, for one too long to keep, its length in
   * characters (a line of a gigabyte is counted as it passes, never gathered).
   */
  private rawLine(): Buffer | number | null {
    // The pieces of a line that runs on from one chunk into the next.
    let pieces: Buffer[] | null = null;
    let held = 0;
    let skipped: { chars: number; blank: boolean } | null = null;
    for (;;) {
      const end = this.chunk.indexOf(0x0a, this.at);
      const piece = this.chunk.subarray(this.at, end < 0 ? this.chunk.length : end);
      this.at = end < 0 ? this.chunk.length : end + 1;
      // Four bytes at most to a character: past this, the line is too long whatever it holds.
      if (!skipped && held + piece.length > this.maxLine * 4) {
        skipped = { chars: 0, blank: true };
        for (const p of pieces ?? []) countInto(skipped, p);
        pieces = null;
      }
      if (skipped) countInto(skipped, piece);
      else if (end >= 0 && !pieces) return this.physicalLine(piece);
      else {
        (pieces ??= []).push(piece);
        held += piece.length;
      }
      if (end >= 0) break;
      const next = nextChunk(this.chunks);
      if (next === null) {
        // The last line, with no line end after it; nothing at all after the last line end is no line.
        this.done = true;
        if (!skipped && !held) return null;
        break;
      }
      this.chunk = next;
      this.at = 0;
    }
    if (skipped) {
      this.physical++;
      // A run of white space is a blank line, however long.
      return skipped.blank ? Buffer.alloc(0) : skipped.chars;
    }
    return this.physicalLine(Buffer.concat(pieces!));
  }

  /** A physical line's bytes, counted, without NUL bytes. */
  private physicalLine(bytes: Buffer): Buffer {
    this.physical++;
    if (bytes.indexOf(0) < 0) return bytes;
    const kept = Buffer.allocUnsafe(bytes.length);
    let k = 0;
    for (const b of bytes) {
      if (b === 0) this.nuls++;
      else kept[k++] = b;
    }
    this.firstNul ||= this.physical;
    return kept.subarray(0, k);
  }

  private decodeLine(bytes: Buffer): string {
    if (isUtf8(bytes)) {
      const text = bytes.toString('utf8');
      // A BOM opens the text, not its first line.
      return this.physical === 1 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    }
    this.badLines++;
    this.firstBad ||= this.physical;
    return cp1252.decode(bytes);
  }
}

/** Adds a piece of a too-long line to its character count (UTF-8 lead bytes), and notes any non-space byte. */
function countInto(into: { chars: number; blank: boolean }, piece: Buffer): void {
  for (const b of piece) {
    if ((b & 0xc0) !== 0x80) into.chars++;
    if (into.blank && b !== 0x20 && b !== 0x09 && b !== 0x0d && b !== 0x0b && b !== 0x0c) into.blank = false;
  }
}

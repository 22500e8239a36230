// Reading a source line by line (src/sources/stream.ts) against decoding it whole: the same
// lines, numbered alike, with the same repairs reported, however the bytes are cut into chunks.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Warning } from '../src/model.js';
import { keptText, numberedLines, type Line } from '../src/sources/layout.js';
import { parseFiles } from '../src/library.js';
import { decode, type SourceFile } from '../src/sources/read.js';
import { openLines, textLines, type LineSource } from '../src/sources/stream.js';

/** A source held in memory whose chunks are cut at the given sizes (the last runs to the end). */
function source(bytes: Buffer, cuts: number[] = []): SourceFile {
  return {
    path: '/mem/listing.txt',
    display: 'listing.txt',
    bytes,
    hash: '',
    *chunks() {
      let at = 0;
      for (const n of cuts) {
        yield bytes.subarray(at, at + n);
        at += n;
      }
      yield bytes.subarray(at);
    },
  };
}

/** What reading line by line gives: kept lines as numberedLines() keeps them, and the warnings. */
function streamed(f: SourceFile, maxLine = 1e6): { lines: Line[] | null; warnings: Warning[]; tooLong: [number, number][] } {
  const opened = openLines(f, maxLine);
  if (opened.kind === 'none') return { lines: null, warnings: opened.warnings, tooLong: [] };
  const whole = opened.kind === 'whole' ? decode(f) : null;
  const src: LineSource = opened.kind === 'lines' ? opened.lines : textLines(whole!.text!);
  const lines: Line[] = [];
  const tooLong: [number, number][] = [];
  for (let l = src.next(); l; l = src.next()) {
    if (l.tooLong !== undefined) {
      tooLong.push([l.n, l.tooLong]);
      continue;
    }
    const t = keptText(l.text);
    if (t !== null) lines.push({ n: l.n, text: t });
  }
  return { lines, warnings: [...(whole?.warnings ?? []), ...src.warnings()], tooLong };
}

/** What decoding whole gives. */
function decoded(f: SourceFile): { lines: Line[] | null; warnings: Warning[] } {
  const d = decode(f);
  return { lines: d.text === null ? null : numberedLines(d.text), warnings: d.warnings };
}

const b = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

describe('a source read line by line', () => {
  it.each([
    ['LF line ends', b('one\ntwo\n'), [[1, 'one'], [2, 'two']]],
    ['CR LF line ends', b('one\r\ntwo\r\n'), [[1, 'one'], [2, 'two']]],
    ['lone CRs, which end lines too (old Mac files)', b('one\rtwo\r\nthree'), [[1, 'one'], [2, 'two'], [3, 'three']]],
    ['a BOM, which opens the text and not its first line', b([0xef, 0xbb, 0xbf], 'one\n'), [[1, 'one']]],
    ['no line end after the last line', b('one\ntwo'), [[1, 'one'], [2, 'two']]],
    ['blank and white-space lines, left out but counted', b('one\n\n   \n\tfour  \n'), [[1, 'one'], [4, '\tfour']]],
    ['a Windows-1252 line among UTF-8 ones', b('caf', [0xc3, 0xa9], '\nna', [0xef], 've ', [0x93], 'q', [0x94], '\n'), [[1, 'café'], [2, 'naïve “q”']]],
    // Few enough of them that the file is not taken for binary (one byte in a hundred).
    ['NUL bytes, removed', b('o\0ne\ntw\0o\n', ' '.repeat(200)), [[1, 'one'], [2, 'two']]],
  ])('reads %s as decoding the whole file does', (_name, bytes, want) => {
    const got = streamed(source(bytes, [3, 1, 2]));
    expect(got.lines?.map((l) => [l.n, l.text])).toEqual(want);
    expect(got).toEqual({ ...decoded(source(bytes)), tooLong: [] });
  });

  it('says what it repaired as decoding whole does: the encoding and NUL bytes, with the first line of each', () => {
    const got = streamed(source(b('ok\nbad ', [0xe9], '\nn\0ul\nbad ', [0xff], '\n', ' '.repeat(200)), [5]));
    expect(got.warnings).toEqual([
      { code: 'encoding', file: 'listing.txt', line: 2, message: 'file is not valid UTF-8 (2 lines, the first here); read them as Windows-1252' },
      { code: 'nul-bytes', file: 'listing.txt', line: 3, message: 'file holds 1 NUL byte; removed, the rest read' },
    ]);
  });

  it('counts a line far too long as it passes instead of gathering it, and reads on after it', () => {
    const long = 'é'.repeat(500);
    const got = streamed(source(b('one\n', long, '\n', ' '.repeat(900), '\ntwo\n'), [10, 7, 300]), 100);
    expect(got.tooLong).toEqual([[2, 500]]);
    // A run of spaces is a blank line however long, not a line too long.
    expect(got.lines).toEqual([{ n: 1, text: 'one' }, { n: 4, text: 'two' }]);
  });

  it.each([
    ['an empty file', Buffer.alloc(0), 'empty-file'],
    ['a binary file', Buffer.alloc(4096), 'binary-file'],
  ])('reads nothing of %s, and says why as decoding whole does', (_name, bytes, code) => {
    const got = streamed(source(bytes));
    expect(got.lines).toBeNull();
    expect(got.warnings.map((w) => w.code)).toEqual([code]);
    expect(got.warnings).toEqual(decoded(source(bytes)).warnings);
  });

  it('hands UTF-16 to the whole-text decoder', () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('one\r\ntwo\n', 'utf16le')]);
    expect(openLines(source(bytes), 1e6).kind).toBe('whole');
    expect(streamed(source(bytes)).lines).toEqual([{ n: 1, text: 'one' }, { n: 2, text: 'two' }]);
  });

  it('gives the lines and warnings decoding whole gives, for any bytes cut into any chunks', () => {
    // Bytes that make the rules matter: line ends of each kind, spaces, NUL, UTF-8 and broken
    // UTF-8, and a BOM in front or not.
    const atoms = [[0x61], [0x62], [0x20], [0x09], [0x0a], [0x0d], [0x0d, 0x0a], [0x00], [0xc3, 0xa9], [0xe9], [0x93], [0xe2, 0x80, 0x9c], [0xc2, 0xa0]];
    fc.assert(
      fc.property(fc.boolean(), fc.array(fc.constantFrom(...atoms), { maxLength: 120 }), fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 20 }), (bom, picked, cuts) => {
        const bytes = Buffer.from([...(bom ? [0xef, 0xbb, 0xbf] : []), ...picked.flat()]);
        const whole = decoded(source(bytes));
        const got = streamed(source(bytes, cuts));
        expect(got.lines).toEqual(whole.lines);
        expect(got.warnings).toEqual(whole.warnings);
      }),
      { numRuns: 2000 },
    );
  });

  it('lets go of a file it stops reading after the first lines, as it does for BibTeX, which is read whole', () => {
    // Past the 64 KB read before the lines, and long enough that detection stops in its first chunk.
    const bytes = Buffer.from(Array.from({ length: 3000 }, (_, i) => `@misc{k${i}, title = {Paper number ${i}}}\n`).join(''));
    let closed = false;
    const file: SourceFile = {
      ...source(bytes),
      *chunks() {
        try {
          yield bytes.subarray(0, 70_000);
          yield bytes.subarray(70_000);
        } finally {
          closed = true;
        }
      },
    };
    const read = parseFiles([file]);
    expect(read.entries).toHaveLength(3000);
    expect(closed).toBe(true);
  });
});

// Property tests: random and mutated seed text never makes a parser throw, and every entry
// read ends up in exactly one paper.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildLibrary } from '../src/library.js';
import { mergeEntries } from '../src/merge.js';
import { keptText, numberedLines } from '../src/sources/layout.js';
import { LAYOUTS } from '../src/sources/registry.js';
import { squash } from '../src/text.js';
import { ROOT, sourceFile } from './helpers.js';

// A sample of each layout to mutate: a seed for the listings, a fixture for the rest.
const SAMPLE_OF: Record<string, string> = {
  profile: 'seeds/000_d8cb28e390c8b537.txt',
  abstracts: 'seeds/001_c6522c3393cc43e8.txt',
  alphaxiv: 'seeds/002_005814e4d3d9eaf5.txt',
  hfdaily: 'seeds/003_c3294795eb6434d4.txt',
  bibtex: 'test/fixtures/bibtex/accents, commands and math decoded to Unicode.bib',
  ris: 'test/fixtures/ris/common tags, repeated authors and keywords.ris',
  'csl-json': 'test/fixtures/csl-json/an array of items with date parts, particles and literal names.json',
  'lit-json': "test/fixtures/lit-json/lit's own json export read back.json",
  'lit-yaml': "test/fixtures/lit-yaml/lit's own yaml export read back.yaml",
};

// Any one code point, surrogates and controls included.
const anyChar = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 });

/** A mutation of a file's lines: drop, repeat, cut, swap, join, or insert random text. */
const mutation = fc.oneof(
  fc.record({ op: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('repeat' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('cut' as const), at: fc.nat(), keep: fc.nat({ max: 200 }) }),
  fc.record({ op: fc.constant('swap' as const), at: fc.nat(), with: fc.nat() }),
  fc.record({ op: fc.constant('join' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: fc.string({ unit: fc.oneof(fc.constantFrom('·', '•', ',', ' ', '\t', 'A', 'b', ':', '2', '\ufeff', '\r'), anyChar), maxLength: 80 }) }),
);

function mutate(lines: string[], ms: { op: string; at: number; keep?: number; with?: number; text?: string }[]): string {
  const out = [...lines];
  for (const m of ms) {
    if (!out.length) break;
    const i = m.at % out.length;
    if (m.op === 'drop') out.splice(i, 1);
    else if (m.op === 'repeat') out.splice(i, 0, out[i]!);
    else if (m.op === 'cut') out[i] = out[i]!.slice(0, m.keep);
    else if (m.op === 'swap') [out[i], out[m.with! % out.length]] = [out[m.with! % out.length]!, out[i]!];
    else if (m.op === 'join' && i + 1 < out.length) out.splice(i, 2, out[i]! + out[i + 1]!);
    else if (m.op === 'insert') out.splice(i, 0, m.text!);
  }
  return out.join('\n');
}

function everyEntryInOnePaper(entries: { file: string; line: number }[]) {
  const { papers } = mergeEntries(entries as never);
  const refs = papers.flatMap((p) => p.sources.map((s) => `${s.file}:${s.line}`));
  expect(refs.sort()).toEqual(entries.map((e) => `${e.file}:${e.line}`).sort());
}

describe.each(LAYOUTS.map((l) => [l.name, l] as const))('%s parser', (name, layout) => {
  const lines = readFileSync(path.join(ROOT, SAMPLE_OF[name]!), 'utf8').split('\n');

  it('never throws on mutated seed text, and keeps every entry it reads', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 12 }), (ms) => {
        const { entries, warnings } = layout.parse(numberedLines(mutate(lines, ms)), { file: 'f.txt' });
        for (const w of warnings) expect(w.file).toBe('f.txt');
        everyEntryInOnePaper(entries);
      }),
      { numRuns: 150 },
    );
  });

  it('never throws on random text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.oneof(anyChar, fc.constantFrom('\n', '\n', ' ', ',', '·', '•', 'Abstract:', 'LGJun 3', 'Jan 8, 2025', '@article{', '{', '}', '=', '"', '#', '\\\'', 'TY  - ', 'ER  - ', '[{"title":')), maxLength: 400 }), (text) => {
        const { entries } = layout.parse(numberedLines(text), { file: 'f.txt' });
        everyEntryInOnePaper(entries);
      }),
      { numRuns: 200 },
    );
  });
});

describe('the whole pipeline', () => {
  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const lib = buildLibrary([sourceFile('bytes.bin', Buffer.from(bytes))]);
        expect(lib.papers.flatMap((p) => p.sources)).toHaveLength(lib.entries.length);
      }),
      { numRuns: 200 },
    );
  });
});

// The text rules' fast paths skip the regex where a line needs nothing; they must agree with
// the plain rule on every string, white space of every kind included.
describe('fast paths of the text rules', () => {
  const spacey = fc.string({ unit: fc.constantFrom('a', 'B', ',', ' ', '  ', '\t', '\n', '\u00a0', '\u2003', '\u3000', '\ufeff', '\u200b', 'é'), maxLength: 30 });
  it('squash equals collapsing every run of white space and trimming', () => {
    fc.assert(
      fc.property(spacey, (s) => {
        expect(squash(s)).toBe(s.replace(/\s+/g, ' ').trim());
      }),
      { numRuns: 3000 },
    );
  });
  it('keptText equals removing trailing white space, and null for a blank line', () => {
    fc.assert(
      fc.property(spacey, (s) => {
        const t = s.replace(/\s+$/, '');
        expect(keptText(s)).toBe(t.trim() === '' ? null : t);
      }),
      { numRuns: 3000 },
    );
  });
});

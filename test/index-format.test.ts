// The indexer writes MiniSearch's serialized form itself; it must equal MiniSearch's own.
import fc from 'fast-check';
import MiniSearch from 'minisearch';
import { describe, expect, it } from 'vitest';
import { buildLibrary } from '../src/library.js';
import { blankEntry } from '../src/model.js';
import { mergeEntries } from '../src/merge.js';
import { buildIndex, miniSearchOptions } from '../src/search/indexer.js';
import { decodeLatex } from '../src/sources/latex.js';
import { findSources } from '../src/sources/read.js';
import { foldAscii, titleKey } from '../src/text.js';
import type { Paper } from '../src/model.js';
import { ROOT } from './helpers.js';

function viaMiniSearch(papers: Paper[]) {
  const ms = new MiniSearch<{ sid: number; paper: Paper }>(miniSearchOptions());
  ms.addAll(papers.map((paper, sid) => ({ sid, paper })));
  return JSON.parse(JSON.stringify(ms));
}

function viaIndexer(papers: Paper[]) {
  const b = buildIndex(papers);
  const n = Object.keys(b.meta.fieldIds).length;
  return {
    ...b.meta,
    documentIds: Object.fromEntries(papers.map((_, i) => [String(i), i])),
    fieldLength: Object.fromEntries(papers.map((_, i) => [String(i), Array.from(b.lengths.subarray(i * n, i * n + n))])),
    storedFields: {},
    index: b.terms.map((t, i) => [t, JSON.parse(b.postings[i]!)]),
  };
}

const sortIndex = (j: { index: [string, unknown][] }) => ({ ...j, index: [...j.index].sort((a, b) => (a[0] < b[0] ? -1 : 1)) });

describe('the tokenizer', () => {
  // The Unicode split every text once had; ASCII text now takes a cheaper pattern.
  const reference = (text: string) => text.split(/[^\p{L}\p{N}\p{M}]+/u).filter(Boolean);
  it('splits ASCII text where the Unicode classes split it', async () => {
    const { tokenize } = await import('../src/search/analyze.js');
    const every = Array.from({ length: 128 }, (_, c) => `a${String.fromCharCode(c)}b`).join('');
    expect(tokenize(every)).toEqual(reference(every));
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii' }), (text) => {
        expect(tokenize(text)).toEqual(reference(text));
      }),
    );
  });
  it('splits other text by the Unicode classes', async () => {
    const { tokenize } = await import('../src/search/analyze.js');
    expect(tokenize('Müller–García co-author')).toEqual(['Müller', 'García', 'co', 'author']);
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(tokenize(text)).toEqual(reference(text));
      }),
    );
  });
});

describe('the title key', () => {
  // The Unicode pipeline every text once took; text that folds to ASCII now takes cheaper patterns.
  const reference = (title: string) =>
    foldAscii(/[\\{}$]/.test(title) ? decodeLatex(title, 'unicode') : title)
      .replace(/[\u00ad\u200b-\u200d\u2060\ufeff]/g, '')
      .replace(/([\p{L}\p{N}])(\+\+|\+|#)/gu, (_, a: string, op: string) => `${a} ${op === '#' ? 'sharp' : op === '++' ? 'plusplus' : 'plus'}`)
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim();
  it('is the same for ASCII text as the Unicode classes make it', () => {
    const every = Array.from({ length: 128 }, (_, c) => `a${String.fromCharCode(c)}b C++ C# F+ `).join('');
    expect(titleKey(every)).toBe(reference(every));
    expect(titleKey('The Curse of Depth in C++ and C#: A Study')).toBe('the curse of depth in c plusplus and c sharp a study');
    fc.assert(fc.property(fc.string({ unit: 'binary-ascii' }), (text) => {
      expect(titleKey(text)).toBe(reference(text));
    }));
  });
  it('is the same for other text, and for text that folds to ASCII', () => {
    expect(titleKey('Müller–García\u00ad co-author ﬁ')).toBe(reference('Müller–García\u00ad co-author ﬁ'));
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => {
      expect(titleKey(text)).toBe(reference(text));
    }));
    const folding = fc.string({ unit: fc.constantFrom('a', 'é', 'ß', 'Ł', '+', '#', ' ', '\u200b', '{', '\\"o', '$', '-', 'ﬁ', 'Ø') });
    fc.assert(fc.property(folding, (text) => {
      expect(titleKey(text)).toBe(reference(text));
    }));
  });
});

describe('the indexer', () => {
  it('writes what MiniSearch.toJSON() writes, for the seed library', async () => {
    const { files } = await findSources([], ROOT);
    const papers = buildLibrary(files).papers;
    expect(viaIndexer(papers)).toEqual(sortIndex(viaMiniSearch(papers)));
  });

  it('writes what MiniSearch.toJSON() writes, for random papers', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'B', 'é', ' ', '-', 'pruning ', 'LLMs ', 'the ', 'Müller ', '2024 ', ',', 'ﬁ'), maxLength: 60 });
    fc.assert(
      fc.property(fc.array(fc.record({ title: text, abstract: text, author: text, cat: text }), { maxLength: 8 }), (docs) => {
        const entries = docs.map((d, i) => ({
          ...blankEntry({ file: 'f', line: i + 1, layout: 'test' }),
          title: d.title.trim() ? `${d.title} ${i}` : null,
          abstract: d.abstract || null,
          authors: d.author.trim() ? [{ given: 'A', family: d.author.trim() }] : [],
          categories: d.cat.trim() ? [d.cat.trim()] : [],
        }));
        const papers = mergeEntries(entries).papers;
        expect(viaIndexer(papers)).toEqual(sortIndex(viaMiniSearch(papers)));
      }),
      { numRuns: 200 },
    );
  });
});

describe('a partial index', () => {
  it('scores exactly as the full index for the terms it holds', async () => {
    const { buildStore } = await import('../src/search/build.js');
    const { StoreReader } = await import('../src/search/store.js');
    const { Searcher, fuzzyOption, prefixOption } = await import('../src/search/searcher.js');
    const { processTerm } = await import('../src/search/analyze.js');
    const { files } = await findSources([], ROOT);
    const lib = buildLibrary(files);
    const searcher = new Searcher(StoreReader.fromBuffer(buildStore(lib, { litVersion: 'test', key: 'k' })));
    const full = new MiniSearch<{ sid: number; paper: Paper }>(miniSearchOptions());
    full.addAll(lib.papers.map((paper, sid) => ({ sid, paper })));
    const queries = ['pruning', 'curse depth', 'sparse llm training', 'quantization', 'liu', 'grokking stability', 'müller', 'mixture experts'];
    for (const q of queries) {
      for (const opts of [{ prefix: prefixOption }, { prefix: false }, { fuzzy: fuzzyOption }, { prefix: prefixOption, fuzzy: fuzzyOption }, { prefix: prefixOption, combineWith: 'AND' as const }]) {
        const terms = q.split(' ').map((w) => processTerm(w)).filter((t): t is string => t !== null);
        const partial = searcher.partialIndex(terms.flatMap((t) => searcher.expand(t, true, 'fuzzy' in opts)));
        // Same documents, same order; scores equal but for the last bit, as per-term scores
        // are summed in the order each index enumerates its terms.
        const got = partial.search(q, opts);
        const want = full.search(q, opts);
        const what = `${q} ${JSON.stringify(opts)}`;
        expect(got.map((r) => r.id), what).toEqual(want.map((r) => r.id));
        got.forEach((r, i) => expect(Math.abs(r.score - want[i]!.score), what).toBeLessThan(1e-9 * want[i]!.score));
        // Holding only the searched field's postings changes nothing either.
        const titleOnly = { ...opts, fields: ['title'] };
        const gotTitle = searcher.partialIndex(terms.flatMap((t) => searcher.expand(t, true, 'fuzzy' in opts)), ['title']).search(q, titleOnly);
        const wantTitle = full.search(q, titleOnly);
        expect(gotTitle.map((r) => r.id), `${what} title`).toEqual(wantTitle.map((r) => r.id));
        gotTitle.forEach((r, i) => expect(Math.abs(r.score - wantTitle[i]!.score), `${what} title`).toBeLessThan(1e-9 * wantTitle[i]!.score));
      }
    }
  });
});

describe('the MiniSearch version the store format follows', () => {
  it('is the one installed, pinned exactly in package.json', async () => {
    const { MINISEARCH_VERSION } = await import('../src/engines/minisearch.js');
    const { readFileSync } = await import('node:fs');
    const installed = JSON.parse(readFileSync(new URL('../node_modules/minisearch/package.json', import.meta.url), 'utf8')) as { version: string };
    const declared = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> };
    expect(installed.version).toBe(MINISEARCH_VERSION);
    expect(declared.dependencies.minisearch).toBe(MINISEARCH_VERSION);
  });
});

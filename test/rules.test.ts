// Table-driven tests of the fiddly rules: title/author split, names, merging, keys, queries.
import { describe, expect, it } from 'vitest';
import { baseKey } from '../src/keys.js';
import { mergeEntries } from '../src/merge.js';
import { blankEntry, type RawEntry } from '../src/model.js';
import { parseQuery } from '../src/search/query.js';
import { parseFamilyGivenList, splitDisplayName, splitGluedTitle } from '../src/sources/names.js';
import { inferYears } from '../src/dates.js';
import { tempDir } from './helpers.js';

describe('splitting a title glued to its authors', () => {
  const cases: [string, string | null, string | null][] = [
    ['Mix-LN: Unleashing the Power of Deeper LayersPengxiang Li, Lu Yin, Shiwei Liu', 'Mix-LN: Unleashing the Power of Deeper Layers', 'Pengxiang Li, Lu Yin, Shiwei Liu'],
    ['through a Recurrent HyperNetworkTianjin Huang, Fang Meng et al.', 'through a Recurrent HyperNetwork', 'Tianjin Huang, Fang Meng et al.'],
    ['Training-Free Fine-tuning for Sparse LLMsYuxin Zhang, Lirui Zhao et al.', 'Training-Free Fine-tuning for Sparse LLMs', 'Yuxin Zhang, Lirui Zhao et al.'],
    ['Networks Together!Shiwei Liu, Tianlong Chen et al.', 'Networks Together!', 'Shiwei Liu, Tianlong Chen et al.'],
    ['Truly Parallel (Non-Autoregressive) Decoding?Pengxiang Li, Dilxat Muhtar et al.', 'Truly Parallel (Non-Autoregressive) Decoding?', 'Pengxiang Li, Dilxat Muhtar et al.'],
    ['Learning What to "see\'\'Qiao Xiao, Boqian Wu, Yu Zhang et al.', 'Learning What to "see\'\'', 'Qiao Xiao, Boqian Wu, Yu Zhang et al.'],
    ['Composable Interventions for Language ModelsArinbjorn Kolbeinsson, Kyle O\'Brien et al.', 'Composable Interventions for Language Models', "Arinbjorn Kolbeinsson, Kyle O'Brien et al."],
    ['Layer Collapse in Diffusion Language ModelsAlexander Conzelmann, Albert Catalan-Tatjer', 'Layer Collapse in Diffusion Language Models', 'Alexander Conzelmann, Albert Catalan-Tatjer'],
    ['Scaling Laws for EverythingRonald McDonald, Jane Doe', 'Scaling Laws for Everything', 'Ronald McDonald, Jane Doe'],
    ['A Study of Models via BERTAlice Wang et al.', 'A Study of Models via BERT', 'Alice Wang et al.'],
    ['Graphs with Müller NetsJürgen Müller, Zoë Ångström', 'Graphs with Müller Nets', 'Jürgen Müller, Zoë Ångström'],
    ['no authors here at all', null, null],
  ];
  it.each(cases)('%s', (line, title, authors) => {
    const r = splitGluedTitle(line);
    expect(r?.title ?? null).toBe(title);
    expect(r?.authors ?? null).toBe(authors);
  });
});

describe('reading names', () => {
  it.each([
    ['Shiwei Liu', 'Shiwei', 'Liu'],
    ['Ludwig van Beethoven', 'Ludwig', 'van Beethoven'],
    ['Michael W. Mahoney', 'Michael W.', 'Mahoney'],
    ['Plato', '', 'Plato'],
  ])('%s → given %s, family %s', (name, given, family) => expect(splitDisplayName(name)).toEqual({ given, family }));

  it.each([
    ['Li, Kechen, Zhu, Wenqi', [{ family: 'Li', given: 'Kechen' }, { family: 'Zhu', given: 'Wenqi' }]],
    ['Mahoney, Michael W., Yang, Yaoqing', [{ family: 'Mahoney', given: 'Michael W.' }, { family: 'Yang', given: 'Yaoqing' }]],
    ['Li, Kechen, Zhu', null],
    ['Title: With a Colon, And more', null],
    // A name runs to 40 characters, counted without the spaces around its commas.
    [`Li, ${'A'.repeat(40)}`, [{ family: 'Li', given: 'A'.repeat(40) }]],
    [`Li ,   ${'A'.repeat(40)}   `, [{ family: 'Li', given: 'A'.repeat(40) }]],
    [`Li, ${'A'.repeat(41)}`, null],
    [`${'A'.repeat(20)} ${'B'.repeat(20)}, Li`, null],
  ])('%s', (line, expected) => expect(parseFamilyGivenList(line)).toEqual(expected));
  it('gives a name a profile repeats as one frozen object, so that a large library holds each author once', () => {
    const [a, b] = [parseFamilyGivenList('Müller, Lu, Zhang, Sara')!, parseFamilyGivenList('Zhang, Sara, Müller, Lu')!];
    expect(a[0]).toBe(b[1]);
    expect(a[1]).toBe(b[0]);
    expect(Object.isFrozen(a[0])).toBe(true);
    expect(parseFamilyGivenList('King, Jr., Martin')![0]).toEqual({ family: 'King', given: 'Martin', suffix: 'Jr.' });
  });
});

describe('inferring years', () => {
  it('gives year-less dates the year after the latest printed one and marks them', () => {
    const dates = [
      { year: 2023, month: 1, day: 1, inferred: false },
      { year: 2025, month: 10, day: 25, inferred: false },
      { year: null, month: 6, day: 3, inferred: false },
    ];
    expect(inferYears(dates)).toBe(true);
    expect(dates[2]).toEqual({ year: 2026, month: 6, day: 3, inferred: true });
  });
  it('says so when there is no year to infer from', () => {
    expect(inferYears([{ year: null, month: 6, day: 3, inferred: false }])).toBe(false);
  });
});

function entry(over: Partial<RawEntry>, line: number, file = 'f.txt'): RawEntry {
  return { ...blankEntry({ file, line, layout: 'test' }), ...over };
}
const ABSTRACT = 'We propose a method for pruning large language models that removes half of the layers while keeping accuracy on every benchmark we tried, and we explain why it works.';

describe('merging', () => {
  const cases: { name: string; entries: RawEntry[]; papers: number }[] = [
    { name: 'titles equal after case, punctuation and white space merge', entries: [entry({ title: 'The Curse of Depth in LLMs' }, 1), entry({ title: 'the curse of depth  in LLMs.' }, 2)], papers: 1 },
    { name: 'titles equal after Unicode folding merge', entries: [entry({ title: 'Müller’s Theorem' }, 1), entry({ title: "Muller's theorem" }, 2)], papers: 1 },
    { name: 'different titles with one abstract stay apart', entries: [entry({ title: 'Faster k-Medoids Clustering', abstract: ABSTRACT }, 1), entry({ title: 'Fast and Eager k-Medoids Clustering', abstract: ABSTRACT }, 2)], papers: 2 },
    { name: 'an untitled abstract joins the paper it nearly repeats', entries: [entry({ title: 'Layer Pruning', abstract: ABSTRACT }, 1), entry({ abstract: ABSTRACT.replace('tried', 'could find') }, 2)], papers: 1 },
    { name: 'an untitled abstract that only shares its opening stays apart', entries: [entry({ title: 'Layer Pruning', abstract: ABSTRACT }, 1), entry({ abstract: 'We propose a method for pruning graphs by sampling random walks over edges, then we prove bounds on the error of the estimate.' }, 2)], papers: 2 },
    { name: 'an untitled abstract matching two papers equally joins neither', entries: [entry({ title: 'A', abstract: ABSTRACT }, 1), entry({ title: 'B', abstract: ABSTRACT }, 2), entry({ abstract: ABSTRACT }, 3)], papers: 3 },
  ];
  it.each(cases)('$name', ({ entries, papers }) => expect(mergeEntries(entries).papers).toHaveLength(papers));

  it('takes the best of each field and remembers where it came from', () => {
    const { papers } = mergeEntries([
      entry({ title: 'the curse of depth', authors: [{ given: 'Wenfang', family: 'Sun' }], authorsTruncated: true, date: { year: 2026, month: 2, day: 9, inferred: true } }, 1, 'a.txt'),
      entry({ title: 'The Curse of Depth.', authors: [{ given: 'Wenfang', family: 'Sun' }, { given: 'Xinyuan', family: 'Song' }], abstract: 'Short.' }, 2, 'b.txt'),
      entry({ title: 'The Curse of Depth', authorCount: 6, abstract: 'A longer abstract.', date: { year: 2025, month: 2, day: 9, inferred: false } }, 3, 'c.txt'),
    ]);
    const p = papers[0]!;
    expect(p.title).toBe('The Curse of Depth');
    expect(p.authors).toEqual(['Wenfang Sun', 'Xinyuan Song']);
    expect(p.authorCount).toBe(6);
    expect(p.date).toBe('2025-02-09');
    expect(p.dateInferred).toBe(false);
    expect(p.abstract).toBe('A longer abstract.');
    expect(p.provenance.authors?.file).toBe('b.txt');
    expect(p.provenance.date?.file).toBe('c.txt');
    expect(p.sources.map((s) => s.file)).toEqual(['a.txt', 'b.txt', 'c.txt']);
  });

  it('makes the same papers when handed the keys it derived last time', () => {
    for (const { entries } of cases) {
      const first = mergeEntries(entries);
      // What a store keeps: each entry's title key and own id, nulls included.
      const again = mergeEntries(entries, JSON.parse(JSON.stringify(first.keys)) as typeof first.keys);
      expect(again.papers).toEqual(first.papers);
      expect(again.fingerprints).toEqual(first.fingerprints);
      expect(again.keys).toEqual(first.keys);
    }
    // A title whose paper takes it without its full stop: the paper's id still hashes the title key.
    const es = [entry({ title: 'Sparse Things.' }, 1)];
    expect(mergeEntries(es, { titleKeys: ['sparse things'], ids: [mergeEntries(es).keys.ids[0]!] }).papers[0]!.id).toBe(mergeEntries(es).papers[0]!.id);
  });

  it('gives the same ids whatever the order of entries', () => {
    const es = [entry({ title: 'One' }, 1), entry({ title: 'Two' }, 2), entry({ abstract: ABSTRACT }, 3)];
    const ids = (list: RawEntry[]) => mergeEntries(list).papers.map((p) => p.id).sort();
    expect(ids(es)).toEqual(ids([...es].reverse()));
  });
});

describe('citation keys', () => {
  it.each([
    [{ authorList: [{ given: 'Wenfang', family: 'Sun' }], year: 2025, title: 'The Curse of Depth in Large Language Models', abstract: null }, 'sun2025curse'],
    [{ authorList: [{ given: 'Jürgen', family: 'Müller' }], year: 2024, title: 'On Über-Networks', abstract: null }, 'muller2024ubernetworks'],
    [{ authorList: [], year: 2025, title: 'Grokking at the Edge of Numerical Stability', abstract: null }, 'grokking2025edge'],
    [{ authorList: [{ given: 'A', family: 'Doe' }], year: null, title: 'Sparse Things', abstract: null }, 'doesparse'],
    [{ authorList: [{ given: 'Ludwig', family: 'van Beethoven' }], year: 1808, title: 'A Symphony', abstract: null }, 'beethoven1808symphony'],
  ])('%o → %s', (p, key) => expect(baseKey(p)).toBe(key));
});

describe('query syntax', () => {
  it.each([
    ['pruning sparse', { words: ['pruning', 'sparse'] }],
    ['"curse of depth" llm', { phrases: ['curse of depth'], words: ['llm'] }],
    ['author:liu category:LG', { fields: [{ field: 'authors', value: 'liu' }, { field: 'categories', value: 'LG' }] }],
    ['year:2023..2025', { year: { from: 2023, to: 2025 } }],
    ['year:2024', { year: { from: 2024, to: 2024 } }],
    ['pruning -vision -"large models"', { words: ['pruning'], exclude: ['vision', 'large models'] }],
    ['SoS1: solvers', { words: ['SoS1:', 'solvers'] }],
  ])('%s', (text, expected) => expect(parseQuery(text)).toMatchObject(expected));

  it.each(['year:20x', 'year:2025..2023', '-year:2024'])('%s is a usage error', (text) => {
    expect(() => parseQuery(text)).toThrow(expect.objectContaining({ exitStatus: 2 }));
  });
});

describe('remembered source hashes', () => {
  it('are trusted only for an unchanged stamp hashed well after the last change', async () => {
    const { openHashMemo } = await import('../src/cache.js');
    const memo = openHashMemo(tempDir('lit-memo-'));
    const stamp = { size: 10, mtimeMs: 1_000_000, ctimeMs: 1_000_000, ino: 7 };
    memo.record('/old', stamp, 'h1', 1_000_000 + 60_000);
    memo.record('/racy', stamp, 'h2', 1_000_000 + 500);
    expect(memo.known('/old', stamp)).toBe('h1');
    expect(memo.known('/racy', stamp)).toBeUndefined();
    expect(memo.known('/old', { ...stamp, size: 11 })).toBeUndefined();
    expect(memo.known('/old', { ...stamp, ctimeMs: 1_000_001 })).toBeUndefined();
    expect(memo.known('/old', { ...stamp, ino: 8 })).toBeUndefined();
    expect(memo.known('/unknown', stamp)).toBeUndefined();
  });
});

describe('decoding a source', () => {
  it('reports a file that can no longer be read, rather than failing', async () => {
    const { decode } = await import('../src/sources/read.js');
    const gone = {
      path: '/gone.txt',
      display: 'gone.txt',
      hash: 'h',
      get bytes(): Buffer {
        throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      },
    };
    expect(decode(gone)).toEqual({ text: null, warnings: [{ code: 'unreadable-file', file: 'gone.txt', message: 'cannot read file (ENOENT); skipped' }] });
  });
});

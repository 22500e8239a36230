// Citation keys: unique, and never moved once handed out (the key register).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assignKeys, isValidKey, type KeyLine } from '../src/keys.js';
import { buildLibrary, readLibrary } from '../src/library.js';
import { formatRegister, parseRegister, updateRegister } from '../src/register.js';
import { findSources, type SourceFile } from '../src/sources/read.js';
import { ROOT, sourceFile, tempDir } from './helpers.js';

const { files } = await findSources([], ROOT);
const keysOf = (extra: string[]) => {
  const lib = buildLibrary([...files, ...extra.map((t, i) => sourceFile(`extra-${i}.txt`, t))]);
  return new Map(lib.papers.map((p) => [p.id, p.key]));
};
const before = keysOf([]);

/** One build against a register: the library's papers and the register's lines afterwards. */
function keyed(sources: SourceFile[], register: KeyLine[] = [], scheme?: string) {
  const lib = readLibrary(sources);
  const { lines } = assignKeys(lib.papers, lib.fingerprints, register, scheme);
  // Through the file form, as the next run would read it.
  const reread = parseRegister(formatRegister(lines), 'lit.keys');
  expect(reread.warnings).toEqual([]);
  return { papers: lib.papers, lines: reread.lines, byTitle: (t: string) => lib.papers.find((p) => p.title === t) };
}

const text = (name: string, t: string) => sourceFile(name, t);
// D2: a listing that names the authors of a paper the profile gave with none.
const ADVANCING = text(
  'authors.txt',
  'LGOct 8, 2022\nAdvancing Model Pruning via Bi-level OptimizationYihua Zhang, Yuguang Yao, Parikshit Ram et al.\nThe deployment constraints in practical applications necessitate the pruning of large-scale deep learning models.\n',
);
// D3: a new paper whose key would be sun2025curse.
const CLASH = text(
  'clash.txt',
  'LGFeb 20, 2025\nThe Curse of Depth Revisited: Why Deep Layers Still FailWei Sun, Anna Schmidt, Li Wang et al.\nWe revisit the curse of depth in large language models and show that post-layer normalization does not escape it.\n',
);
const ABSTRACT = 'We study tide pools along rocky shores and count the species that live in each of them over ten years.';
const UNTITLED = text('untitled.txt', `Abstract: ${ABSTRACT}\n`);
const TIDE = text('tide.txt', 'Doe, Jane\nA Census of Tide Pools\nDoe, Jane, Roe, John\nA short note on counting things in pools, unrelated to any abstract elsewhere.\n');
const TIDE_WITH_ABSTRACT = text('tide2.txt', `Doe, Jane\nA Census of Tide Pools\nDoe, Jane, Roe, John\n${ABSTRACT}\n`);

describe('citation keys on a first build', () => {
  it('are unique across the seeds', () => expect(new Set(before.values()).size).toBe(before.size));

  it('stay put when a source with unrelated papers is added', () => {
    const after = keysOf(['Doe, Jane\nA Wholly Unrelated Study of Tide Pools\nDoe, Jane, Roe, John\nAn abstract about tide pools, long enough to be an abstract of a paper.\n']);
    for (const [id, key] of before) expect(after.get(id)).toBe(key);
    expect(after.size).toBe(before.size + 1);
  });

  it('give papers that clash with each other suffixes in order of date', () => {
    const after = keysOf(['LGFeb 9, 2025Code\nCurse Words in Large Language ModelsWenfang Sun, Someone Else\nAn abstract about another curse.\n']);
    const clashing = [...after.values()].filter((k) => k.startsWith('sun2025curse'));
    expect(clashing.sort()).toEqual(['sun2025cursea', 'sun2025curseb']);
  });

  it('do not depend on the order sources are read in', () => {
    const lib = buildLibrary([...files].reverse());
    const reversed = new Map(lib.papers.map((p) => [p.id, p.key]));
    expect(reversed).toEqual(before);
  });
});

describe('citation keys kept by the register', () => {
  const seeds = keyed(files);
  const keyOf = (r: ReturnType<typeof keyed>, title: string) => r.byTitle(title)?.key;

  it('keep a paper\'s key when another listing gives it authors (D2)', () => {
    expect(keyOf(seeds, 'Advancing Model Pruning via Bi-level Optimization')).toBe('advancing2022model');
    const later = keyed([...files, ADVANCING], seeds.lines);
    const p = later.byTitle('Advancing Model Pruning via Bi-level Optimization')!;
    expect(p.authors[0]).toBe('Yihua Zhang');
    expect(p.key).toBe('advancing2022model');
    // Without the register the same library keys it by its new first author.
    expect(keyed([...files, ADVANCING]).byTitle(p.title!)!.key).toBe('zhang2022advancing');
  });

  it('keep a paper\'s key when another listing gives it a year', () => {
    const undated = seeds.papers.find((p) => p.year === null && p.title && p.authors.length)!;
    const dated = text('dated.txt', `LGMar 3, 2021\n${undated.title}${undated.authors.join(', ')}\nAn abstract that is long enough to be one, about nothing in particular at all.\n`);
    const later = keyed([...files, dated], seeds.lines);
    const p = later.byTitle(undated.title!)!;
    expect(p.year).toBe(2021);
    expect(p.key).toBe(undated.key);
  });

  it('give a new paper that clashes the suffix and leave the registered key alone (D3)', () => {
    const later = keyed([...files, CLASH], seeds.lines);
    expect(keyOf(later, 'The Curse of Depth in Large Language Models')).toBe('sun2025curse');
    expect(keyOf(later, 'The Curse of Depth Revisited: Why Deep Layers Still Fail')).toBe('sun2025cursea');
    for (const p of seeds.papers) expect(later.papers.find((q) => q.id === p.id)!.key).toBe(p.key);
  });

  it('keep the lines of papers whose source is gone, so their keys are never handed out again', () => {
    const withClash = keyed([...files, CLASH], seeds.lines);
    const without = keyed([CLASH], withClash.lines);
    expect(without.papers).toHaveLength(1);
    expect(without.papers[0]!.key).toBe('sun2025cursea');
    expect(without.lines).toHaveLength(withClash.lines.length);
  });

  it('merge two registered papers into one key and one alias, the earlier key kept', () => {
    const first = keyed([UNTITLED]);
    const untitledKey = first.papers[0]!.key;
    const second = keyed([UNTITLED, TIDE], first.lines);
    expect(second.papers).toHaveLength(2);
    const tideKey = second.byTitle('A Census of Tide Pools')!.key;
    const merged = keyed([UNTITLED, TIDE_WITH_ABSTRACT], second.lines);
    expect(merged.papers).toHaveLength(1);
    expect(merged.papers[0]!.key).toBe(untitledKey);
    expect(merged.papers[0]!.aliases).toEqual([tideKey]);
    expect(merged.lines.find((l) => l.key === tideKey)!.aliasOf).toBe(untitledKey);
    // Undo the merge: each paper has its own key back.
    const apart = keyed([UNTITLED, TIDE], merged.lines);
    expect(apart.byTitle('A Census of Tide Pools')!.key).toBe(tideKey);
    expect(apart.papers.find((p) => p.title === null)!.key).toBe(untitledKey);
    expect(apart.papers.every((p) => p.aliases.length === 0)).toBe(true);
  });

  it('apply a new key scheme only to papers that have no key yet', () => {
    const later = keyed([...files, CLASH], seeds.lines, '{auth}{year}{title2}');
    expect(keyOf(later, 'The Curse of Depth in Large Language Models')).toBe('sun2025curse');
    expect(keyOf(later, 'The Curse of Depth Revisited: Why Deep Layers Still Fail')).toBe('sun2025cursedepth');
  });

  it('do not depend on the order sources are read in', () => {
    const a = keyed([...files, CLASH, ADVANCING], seeds.lines);
    const b = keyed([ADVANCING, CLASH, ...[...files].reverse()], seeds.lines);
    expect(new Map(b.papers.map((p) => [p.id, p.key]))).toEqual(new Map(a.papers.map((p) => [p.id, p.key])));
  });

  it('register every paper once and hand out no key twice', () => {
    const later = keyed([...files, CLASH, ADVANCING, UNTITLED, TIDE], seeds.lines);
    expect(new Set(later.lines.map((l) => l.key)).size).toBe(later.lines.length);
    const fps = later.lines.flatMap((l) => l.ids);
    expect(new Set(fps).size).toBe(fps.length);
    expect(later.lines.filter((l) => l.aliasOf === null)).toHaveLength(later.papers.length);
  });
});

describe('the register file', () => {
  it('keeps a line it cannot read, verbatim, and names its line', () => {
    const good = formatRegister([{ key: 'doe2020tide', gen: 1, aliasOf: null, pinned: false, ids: ['0123456789ab'], title: 'Tide\tPools' }]);
    const r = parseRegister(`${good}this line was typed by hand\n`, 'lit.keys');
    expect(r.lines.map((l) => [l.key, l.title])).toEqual([['doe2020tide', 'Tide Pools']]);
    expect(r.warnings).toEqual([expect.objectContaining({ code: 'bad-key-line', file: 'lit.keys', line: 5 })]);
    expect(formatRegister(r.lines, r.unreadable)).toContain('this line was typed by hand\n');
  });
  it('is sorted by key, one paper a line', () => {
    const lines: KeyLine[] = ['b2020', 'a2020', 'c2020'].map((key, i) => ({ key, gen: i + 1, aliasOf: null, pinned: false, ids: [`${i}`.repeat(12)], title: key }));
    const body = formatRegister(lines).split('\n').filter((l) => l && !l.startsWith('#'));
    expect(body.map((l) => l.split('\t')[0])).toEqual(['a2020', 'b2020', 'c2020']);
  });
});

describe('valid keys', () => {
  it.each([
    ['sun2025curse', true],
    ['Sun_2025:curse-depth', true],
    ['2025curse', true],
    ['sun 2025', false],
    ['sun2025,curse', false],
    ['sun{2025}', false],
    ['sun2025-', false],
    ['', false],
    ['x'.repeat(101), false],
  ])('%s → %s', (key, ok) => expect(isValidKey(key)).toBe(ok));
});

describe('a register of more than a megabyte', () => {
  // Written and compared a megabyte at a time (registerPieces): 20,000 lines of about 125
  // characters make two pieces and a half.
  const lines = (changed?: number): KeyLine[] =>
    Array.from({ length: 20_000 }, (_, i) => ({
      key: `doe${String(i).padStart(5, '0')}tide`,
      gen: 1,
      aliasOf: null,
      pinned: false,
      ids: [i.toString(16).padStart(12, '0')],
      title: `${i === changed ? 'Changed' : 'Tide'} pools of the northern shore, their snails, their crabs and what eats them, number ${i}`,
    }));
  const file = path.join(tempDir('lit-register-'), 'lit.keys');
  const update = (l: KeyLine[]) => updateRegister(file, () => ({ lines: l, result: null }));

  it('is written whole, as one text would be, and not again when nothing changed', async () => {
    expect((await update(lines())).written).toBe(true);
    const text = readFileSync(file, 'utf8');
    expect(text.length).toBeGreaterThan(2 * 2 ** 20);
    expect(text).toBe(formatRegister(lines()));
    expect((await update(lines())).written).toBe(false);
  });
  it.each([
    ['a line in its last piece', lines(19_000)],
    ['a line in its first piece', lines(3)],
    ['one line fewer at its end', lines().slice(0, -1)],
    ['one line more', [...lines(), { ...lines()[0]!, key: 'zed2020last' }]],
  ])('is written again for %s', async (_, l) => {
    await update(lines());
    expect((await update(l)).written).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(formatRegister(l));
  });
});

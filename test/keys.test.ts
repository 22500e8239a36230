// Citation keys: unique, and stable when sources are added.
import { describe, expect, it } from 'vitest';
import { buildLibrary } from '../src/library.js';
import { findSources } from '../src/sources/read.js';
import { ROOT, sourceFile } from './helpers.js';

const { files } = await findSources([], ROOT);
const keysOf = (extra: string[]) => {
  const lib = buildLibrary([...files, ...extra.map((t, i) => sourceFile(`extra-${i}.txt`, t))]);
  return new Map(lib.papers.map((p) => [p.id, p.key]));
};
const before = keysOf([]);

describe('citation keys', () => {
  it('are unique across the seeds', () => expect(new Set(before.values()).size).toBe(before.size));

  it('stay put when a source with unrelated papers is added', () => {
    const after = keysOf(['Doe, Jane\nA Wholly Unrelated Study of Tide Pools\nDoe, Jane, Roe, John\nAn abstract about tide pools, long enough to be an abstract of a paper.\n']);
    for (const [id, key] of before) expect(after.get(id)).toBe(key);
    expect(after.size).toBe(before.size + 1);
  });

  it('change only for the papers a new one collides with, which get suffixes', () => {
    const target = [...before.entries()].find(([, k]) => k === 'sun2025curse');
    expect(target).toBeDefined();
    const clash = 'LGFeb 9, 2025Code\nCurse Words in Large Language ModelsWenfang Sun, Someone Else\nAn abstract about another curse.\n';
    const after = keysOf([clash]);
    for (const [id, key] of before) if (id !== target![0]) expect(after.get(id)).toBe(key);
    const clashing = [...after.values()].filter((k) => k.startsWith('sun2025curse'));
    expect(clashing.sort()).toEqual(['sun2025cursea', 'sun2025curseb']);
  });

  it('do not depend on the order sources are read in', () => {
    const lib = buildLibrary([...files].reverse());
    const reversed = new Map(lib.papers.map((p) => [p.id, p.key]));
    expect(reversed).toEqual(before);
  });
});

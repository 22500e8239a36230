// The bundled seeds as a regression test of the whole pipeline.
import { describe, expect, it } from 'vitest';
import { buildLibrary } from '../src/library.js';
import { findSources } from '../src/sources/read.js';
import { ROOT } from './helpers.js';

const { files, warnings } = await findSources([], ROOT);
const lib = buildLibrary(files, warnings);

describe('the bundled seeds', () => {
  it('read 214 entries into 195 papers, 13 merged and 2 untitled, with no warnings', () => {
    expect(lib.entries).toHaveLength(214);
    expect(lib.papers).toHaveLength(195);
    expect(lib.papers.filter((p) => p.sources.length > 1)).toHaveLength(13);
    expect(lib.papers.filter((p) => p.title === null)).toHaveLength(2);
    expect(lib.warnings).toEqual([]);
  });

  it('detect each layout from content', () => {
    expect(lib.files.map((f) => f.layout)).toEqual(['profile', 'abstracts', 'alphaxiv', 'hfdaily', 'hfdaily']);
  });

  it('keep both k-medoids papers despite their identical abstracts', () => {
    const titles = lib.papers.map((p) => p.title ?? '');
    expect(titles.filter((t) => /k-Medoids Clustering/.test(t))).toHaveLength(2);
  });

  it('split every alphaXiv title from its authors', () => {
    const ax = lib.entries.filter((e) => e.layout === 'alphaxiv');
    expect(ax).toHaveLength(50);
    for (const e of ax) {
      expect(e.authors.length, e.title ?? '').toBeGreaterThan(0);
      expect(e.title, e.title ?? '').not.toMatch(/\p{Ll}\p{Lu}\p{Ll}+ \p{Lu}\p{Ll}+$/u);
    }
  });

  it('put every entry in exactly one paper', () => {
    const refs = lib.papers.flatMap((p) => p.sources.map((s) => `${s.file}:${s.line}`));
    expect(new Set(refs).size).toBe(214);
  });

  it('give every paper a unique id and key', () => {
    expect(new Set(lib.papers.map((p) => p.id)).size).toBe(195);
    expect(new Set(lib.papers.map((p) => p.key)).size).toBe(195);
  });
});

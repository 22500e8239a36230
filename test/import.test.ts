// Bringing a library in: identifiers merge papers, a .bib's own keys are kept, listings gain links.
import { describe, expect, it } from 'vitest';
import { buildLibrary } from '../src/library.js';
import { sourceFile } from './helpers.js';

const bib = (name: string, text: string) => sourceFile(name, text);
const ALPHAXIV_CURSE =
  'LGFeb 9, 2025Code\nThe Curse of Depth in Large Language ModelsWenfang Sun, Xinyu Song, Pengxiang Li et al.\nIn this paper, we introduce the Curse of Depth. Code is available at https://github.com/lmsdss/LayerNorm-Scaling.\n';

describe('merging by identifier', () => {
  it('makes one paper of the same DOI, whatever the titles say', () => {
    const lib = buildLibrary([
      bib('a.bib', '@article{a, title = {The Curse of Depth in LLMs}, doi = {10.1000/curse}, year = 2025}\n'),
      bib('b.bib', '@article{b, title = {The Curse of Depth in Large Language Models}, doi = {https://doi.org/10.1000/CURSE}, year = 2025}\n'),
    ]);
    expect(lib.papers).toHaveLength(1);
    expect(lib.reasons.get(lib.papers[0]!.id)![0]!.kind).toBe('same-doi');
  });
  it('keeps two DOIs apart even under one title', () => {
    const lib = buildLibrary([
      bib('a.bib', '@article{a, title = {Attention Is All You Need}, doi = {10.1000/one}}\n@article{b, title = {Attention is all you need}, doi = {10.1000/two}}\n@misc{c, title = {Attention Is All You Need}}\n'),
    ]);
    expect(lib.papers).toHaveLength(2);
    // The entry without a DOI joins the first paper of its title.
    expect(lib.papers.map((p) => p.sources.length).sort()).toEqual([1, 2]);
  });
  it('makes one paper of the same arXiv id, from an eprint field and a listing URL', () => {
    const lib = buildLibrary([
      bib('a.bib', '@misc{a, title = {One Title}, eprint = {2502.05795}, archivePrefix = {arXiv}}\n'),
      bib('b.bib', '@online{b, title = {Another Title}, url = {https://arxiv.org/abs/2502.05795v2}}\n'),
    ]);
    expect(lib.papers).toHaveLength(1);
    expect(lib.papers[0]!.arxiv).toBe('2502.05795');
  });
  it('makes one paper of a .bib entry and a listing entry, with both sources and the best field of each', () => {
    const lib = buildLibrary([
      bib('refs.bib', '@inproceedings{Sun:2025:Curse, title = {The {Curse} of {Depth} in Large Language Models}, author = {Sun, Wenfang and others}, booktitle = {ICML}, year = 2025}\n'),
      sourceFile('listing.txt', ALPHAXIV_CURSE),
    ]);
    expect(lib.papers).toHaveLength(1);
    const p = lib.papers[0]!;
    expect(p.sources.map((s) => s.layout).sort()).toEqual(['alphaxiv', 'bibtex']);
    expect(p.venue).toBe('ICML');
    expect(p.authors.slice(0, 3)).toEqual(['Wenfang Sun', 'Xinyu Song', 'Pengxiang Li']);
    expect(p.codeUrl).toBe('https://github.com/lmsdss/LayerNorm-Scaling');
    expect(p.key).toBe('Sun:2025:Curse');
  });
  it.each([
    ['Nystr{\\"o}m Approximations', 'Nyström Approximations'],
    ['{$\\Phi$}-Equilibria in Games', 'Φ-equilibria in games'],
    ['$\\Phi$-equilibria in Games', '\\Phi-Equilibria in Games'],
  ])('treats the .bib title %s and the listing title %s as one', (latex, unicode) => {
    const lib = buildLibrary([
      bib('refs.bib', `@article{x, title = {${latex}}}\n`),
      sourceFile('profile.txt', `Doe, Jane\n${unicode}\nDoe, Jane, Roe, Rick\nAn abstract long enough to be one, about equilibria of a kind.\n`),
    ]);
    expect(lib.papers).toHaveLength(1);
  });
});

describe('keys a library brings', () => {
  it('keeps a .bib entry\'s own key', () => {
    const lib = buildLibrary([bib('refs.bib', '@article{Doe:Tides, title = {Tide Pools}, author = {Doe, Jane}, year = 2020}\n')]);
    expect(lib.papers[0]!.key).toBe('Doe:Tides');
  });
  it('keeps the first of two keys two files give one paper; the other becomes an alias', () => {
    const lib = buildLibrary([
      bib('a.bib', '@article{first2020, title = {Tide Pools}, doi = {10.1000/tide}}\n'),
      bib('b.bib', '@article{second2020, title = {Tide pools}, doi = {10.1000/tide}}\n'),
    ]);
    expect(lib.papers).toHaveLength(1);
    expect(lib.papers[0]!.key).toBe('first2020');
    expect(lib.papers[0]!.aliases).toEqual(['second2020']);
  });
  it('gives the later file\'s paper a suffix when two papers bring one key, and names both places', () => {
    const lib = buildLibrary([
      bib('a.bib', '@article{doe2020, title = {Tide Pools}}\n'),
      bib('b.bib', '\n@article{doe2020, title = {Rock Pools}}\n'),
    ]);
    const keys = Object.fromEntries(lib.papers.map((p) => [p.title, p.key]));
    expect(keys).toEqual({ 'Tide Pools': 'doe2020', 'Rock Pools': 'doe2020a' });
    expect(lib.warnings).toEqual([expect.objectContaining({ code: 'key-clash', file: 'b.bib', line: 2, message: expect.stringContaining('a.bib:1') })]);
  });
});

describe('identifiers in a listing\'s text', () => {
  it('become the DOI, the arXiv id and the code link', () => {
    const lib = buildLibrary([
      sourceFile('abstracts.txt', 'Abstract: We show it works (doi:10.1000/xyz.1). See arXiv:2401.01234v2 and https://github.com/org/repo.git for code.\n'),
    ]);
    expect(lib.papers[0]).toMatchObject({ doi: '10.1000/xyz.1', arxiv: '2401.01234', codeUrl: 'https://github.com/org/repo', code: true });
  });
});

// Bringing a library in, through the built binary: D12's round trips, and lit open.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, FIXTURES, lit, tempDir } from './helpers.js';
import { itWithTool } from './tools.js';

const BIB = path.join(FIXTURES, 'bibtex', 'accents, commands and math decoded to Unicode.bib');
const json = (s: string) => JSON.parse(s) as Record<string, unknown>[];
const same = (p: Record<string, unknown>) => ({ key: p.key, title: p.title, authors: p.authors, year: p.year, abstract: p.abstract, doi: p.doi, arxiv: p.arxiv, url: p.url, venue: p.venue });

describe('exports read back as sources (D12)', () => {
  const before = json(lit(['list', '--json']).stdout);
  it.each(['json', 'jsonl', 'yaml', 'csl-json', 'bibtex', 'biblatex', 'ris'])('the seed library exported as %s reads back as the same papers', (format) => {
    const file = path.join(tempDir(), `library.${format}`);
    expect(lit(['export', '--format', format, '-o', file]).status).toBe(0);
    const r = lit(['-s', file, 'list', '--json']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const after = json(r.stdout);
    expect(after.map(same)).toEqual(before.map(same));
  });
});

describe('a .bib as a source', () => {
  it('is read with its own keys, DOIs and venues', () => {
    const r = lit(['-s', BIB, 'list', '--jsonl']);
    expect(r.status).toBe(0);
    const papers = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(papers.map((p) => p.key)).toEqual(['garcia2020', 'arxiv2024', 'fromurl']);
    expect(papers[0]).toMatchObject({ doi: '10.1000/XYZ.123', venue: 'Zeitschrift für Tests', type: 'article' });
  });
  it('names both files and lines when two papers bring one key', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'a.bib'), '@article{doe2020, title = {Tide Pools}}\n');
    writeFileSync(path.join(dir, 'b.bib'), '@article{doe2020, title = {Rock Pools}}\n');
    const r = lit(['-s', path.join(dir, 'a.bib'), '-s', path.join(dir, 'b.bib'), 'list']);
    expect(r.stdout).toBe('doe2020\t\tTide Pools\t\ndoe2020a\t\tRock Pools\t\n');
    expect(r.stderr).toContain(`${path.join(dir, 'b.bib')}:1: key doe2020 already names the paper at ${path.join(dir, 'a.bib')}:1; this paper is doe2020a [key-clash]`);
  });
  it('exports the fields lit does not know back into BibTeX', () => {
    const file = path.join(FIXTURES, 'bibtex', 'strings, concatenation, crossref and month macros.bib');
    const out = lit(['-s', file, 'export', '-f', 'bibtex', 'Sun:2025:Curse']).stdout;
    expect(out).toMatch(/^@inproceedings\{Sun:2025:Curse,/);
    expect(out).toContain('  mycustom     = {kept as {it} is}');
    expect(out).toContain('  booktitle    = {International Conference on Machine Learning 2025}');
    expect(out).toContain('  pages        = {100--120}');
  });
  itWithTool('biber', 'biber validates an export of imported entries', () => {
    const dir = tempDir();
    const bib = path.join(dir, 'refs.bib');
    lit(['-s', path.join(FIXTURES, 'bibtex'), '-q', 'export', '-f', 'biblatex', '-o', bib]);
    const r = spawnSync('biber', ['--tool', '--validate-datamodel', '--output-file', path.join(dir, 'out.bib'), bib], { encoding: 'utf8', cwd: dir });
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(/ERROR/);
  });
});

describe('lit open', () => {
  it('prints the DOI link in a pipe, else the arXiv page, else the URL', () => {
    expect(lit(['-s', BIB, 'open', 'garcia2020']).stdout).toBe('https://doi.org/10.1000/XYZ.123\n');
    expect(lit(['-s', BIB, 'open', 'arxiv2024']).stdout).toBe('https://arxiv.org/abs/2401.01234\n');
  });
  it('exits 1 with a message when the paper has no link', () => {
    const r = lit(['open', 'sun2025curse']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('lit: sun2025curse has no DOI, arXiv id or URL (lit show lists what it has)\n');
  });
  it('opens the code link found in a listing with --code', () => {
    expect(lit(['open', 'curse of depth', '--code', '--print']).stdout).toMatch(/^https:\/\/github\.com\//);
  });
  itWithTool('script', 'hands the link to the opener on a terminal', () => {
    const dir = tempDir();
    const log = path.join(dir, 'opened');
    const opener = path.join(dir, 'opener');
    writeFileSync(opener, `#!/bin/sh\necho "$1" > "${log}"\n`, { mode: 0o755 });
    const cache = tempDir();
    const env = { ...process.env, LIT_OPENER: opener, LIT_CACHE_DIR: cache, XDG_DATA_HOME: `${cache}-data`, NO_COLOR: '1' };
    const r = spawnSync('script', ['-qec', `"${process.execPath}" "${BIN}" -s "${BIB}" open garcia2020`, '/dev/null'], { encoding: 'utf8', env });
    expect(r.status).toBe(0);
    for (let i = 0; i < 50 && !readFileSync(log, { flag: 'a+' }).length; i++) spawnSync('sleep', ['0.1']);
    expect(readFileSync(log, 'utf8')).toBe('https://doi.org/10.1000/XYZ.123\n');
  });
});

// Every export read back by the readers researchers actually use, and compared field by field with
// `lit list --json`: Better BibTeX's parser, citation-js, pandoc, PyYAML and Python's csv. The only
// differences allowed are each reader's own conventions and known limits, listed below by name, so a
// new loss is a failure that names the paper, the field and both values.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parse as parseBib, type Creator } from '@retorquere/bibtex-parser';
import { describe, expect, it } from 'vitest';
import { FIXTURES, lit, tempDir } from './helpers.js';
import { itWithTool } from './tools.js';

const require = createRequire(import.meta.url);
const FIXTURE = path.join(FIXTURES, 'readers', 'papers no reader may change.json');
const cacheDir = tempDir();

function exported(format: string): string {
  const r = lit(['-s', FIXTURE, 'export', '--format', format], { cacheDir });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

interface Name {
  family: string;
  given: string;
  suffix: string;
}
/** What every reader must give back. */
interface Essence {
  key: string;
  title: string | null;
  authors: Name[];
  truncated: boolean;
  year: number | null;
  abstract: string | null;
}

type LitPaper = { key: string; title: string | null; authorList: { given: string; family: string; suffix?: string }[]; authorsTruncated: boolean; year: number | null; abstract: string | null };
const papers = JSON.parse(exported('json')) as LitPaper[];
const expected: Essence[] = papers.map((p) => ({
  key: p.key,
  title: p.title,
  authors: p.authorList.map((a) => ({ family: a.family, given: a.given, suffix: a.suffix ?? '' })),
  truncated: p.authorsTruncated,
  year: p.year,
  abstract: p.abstract,
}));

/** A trailing `others` is how BibTeX, CSL (`{"literal": "others"}`) and RIS say "et al.". */
function others(names: Name[]): { authors: Name[]; truncated: boolean } {
  const last = names[names.length - 1];
  const truncated = !!last && !last.given && last.family === 'others';
  return { authors: truncated ? names.slice(0, -1) : names, truncated };
}

type CslName = { family?: string; given?: string; suffix?: string; literal?: string; 'non-dropping-particle'?: string; 'dropping-particle'?: string };
type CslItem = { id: string; title?: string; author?: CslName[]; issued?: { 'date-parts'?: number[][] }; abstract?: string; note?: string };

function fromCsl(items: CslItem[]): Essence[] {
  return items.map((i) => {
    const names = (i.author ?? []).map((n) => ({
      // A particle is part of the family name here, whichever kind the reader calls it.
      family: n.literal ?? [n['dropping-particle'], n['non-dropping-particle'], n.family].filter(Boolean).join(' '),
      given: n.given ?? '',
      suffix: n.suffix ?? '',
    }));
    const { authors, truncated } = others(names);
    // A RIS record without a year carries its key in a note, not in ID (see src/format/ris.ts).
    const key = /Citation key: (\S+)/.exec(i.note ?? '')?.[1] ?? i.id;
    return { key, title: i.title ?? null, authors, truncated, year: i.issued?.['date-parts']?.[0]?.[0] ?? null, abstract: i.abstract ?? null };
  });
}

function fromBetterBibTeX(text: string): Essence[] {
  // Math is the reader's to render; Better BibTeX stops at a math command it does not know (`\log`) unless told to go on.
  const lib = parseBib(text, { sentenceCase: false, caseProtection: false, unsupported: 'ignore' });
  expect(lib.errors).toEqual([]);
  return lib.entries.map((e) => {
    const f = e.fields as Record<string, unknown>;
    const names = ((f.author ?? []) as Creator[]).map((c) => ({
      family: c.name ?? [c.prefix, c.lastName].filter(Boolean).join(' '),
      given: c.firstName ?? '',
      suffix: c.suffix ?? '',
    }));
    const { authors, truncated } = others(names);
    const year = (f.year ?? f.date) as string | undefined;
    return { key: e.key, title: (f.title as string) ?? null, authors, truncated, year: year ? Number(year.slice(0, 4)) : null, abstract: (f.abstract as string) ?? null };
  });
}

function fromCitationJs(text: string, type: string): Essence[] {
  const { Cite } = require('@citation-js/core');
  require('@citation-js/plugin-bibtex');
  require('@citation-js/plugin-csl');
  require('@citation-js/plugin-ris');
  return fromCsl(new Cite(type === '@csl/list+object' ? JSON.parse(text) : text, { forceType: type }).data as CslItem[]);
}

function fromPandoc(text: string, from: string): Essence[] {
  const r = spawnSync('pandoc', ['-f', from, '-t', 'csljson'], { input: text, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return fromCsl(JSON.parse(r.stdout) as CslItem[]);
}

/** A reader's convention: how it is documented to change text, applied to both sides before comparing. */
interface Convention {
  name: string;
  fields?: (keyof Essence)[];
  apply: (s: string) => string;
}

const SENTENCE_CASE: Convention = { name: 'pandoc sentence-cases BibTeX titles (its documented citeproc behaviour)', fields: ['title'], apply: (s) => s.toLowerCase() };
const SMART_QUOTES: Convention = { name: "pandoc's smart quotes: it pairs quote marks its own way (‘single’ → “single”, O'Brien → O’Brien)", apply: (s) => s.replace(/[‘’'“”"]/g, '"') };
const PARTICLE_SPACE: Convention = { name: 'pandoc splits an apostrophe particle from its name (d’Alembert → d’ Alembert)', apply: (s) => s.replace(/(\b\p{Ll}")\s/gu, '$1') };
// A brace that does not pair up can only be \textbraceleft{} in a .bib (BibTeX counts braces), which pandoc drops.
const LONE_BRACES: Convention = { name: 'pandoc drops \\textbraceleft{} and \\textbraceright{}, the only spelling of a brace that does not pair up', apply: dropLoneBraces };
const MARKUP_AS_HTML: Convention = {
  name: '\\emph{…}, \\textbf{…} and \\url{…} are read as markup (<i>, <b>, a link), not as text',
  apply: (s) => s.replace(/\\(?:emph|textit|textbf)\{([^{}]*)\}/g, '$1').replace(/\\url\{([^{}]*)\}/g, '$1').replace(/<\/?(?:i|b|em|strong|a|span)\b[^>]*>/g, ''),
};
const SUPERSCRIPT_AS_HTML: Convention = { name: 'pandoc writes superscript characters as <sup> markup in CSL', apply: (s) => s.replace(/<sup>([^<]*)<\/sup>/g, (_, x: string) => x.replace(/2/g, '²').replace(/3/g, '³').replace(/\+/g, '⁺')) };
// Math (`$O(n^2)$`) is the reader's to render (O(n²), O(n^2), …): the text around it must be exact.
const MATH = /\$[^$\s][^$]*\$/g;

/** Characters a reader cannot get back from an ASCII .bib, whatever the spelling (the findings' matrix). */
interface Limit {
  name: string;
  chars: RegExp;
}
// pandoc 2.17 drops text-symbol commands (\textpm, \textdegree, \DJ …) and leaves math commands as
// TeX source (\alpha, \infty) when it reads BibTeX; its biblatex and CSL readers have UTF-8 to read.
const PANDOC_ASCII: Limit = { name: 'pandoc 2.17 drops text-symbol commands and leaves math commands as TeX', chars: /[\p{Script=Greek}°±µ×²³⁺‰ĐđÞþ→∞≈≤]/u };
// citation-js leaves math commands as TeX (\infty, \approx) and some text ones (\ldots, \AA).
const CITATION_JS_ASCII: Limit = { name: 'citation-js leaves math commands and accents (\\infty, \\acute{\\alpha}) and some text commands (\\ldots, \\AA) as TeX', chars: /[∞≈≤…Åάίό]/ };
// Better BibTeX reads \textrightarrow, \textasciigrave and \textminus as other characters.
const BBT_ASCII: Limit = { name: 'Better BibTeX reads $\\mu$ as the math italic 𝜇', chars: /μ/ };

// What has no LaTeX spelling is written as UTF-8 (and reported), which all these readers take.

interface Case {
  reader: string;
  format: string;
  tool?: string;
  read: (text: string) => Essence[];
  conventions?: Convention[];
  limits?: Limit[];
  /** Fields this reader does not read from this format at all. */
  unread?: (keyof Essence)[];
}

const CASES: Case[] = [
  { reader: 'Better BibTeX', format: 'bibtex', read: fromBetterBibTeX, conventions: [MARKUP_AS_HTML], limits: [BBT_ASCII] },
  { reader: 'Better BibTeX', format: 'biblatex', read: fromBetterBibTeX, conventions: [MARKUP_AS_HTML] },
  { reader: 'citation-js', format: 'bibtex', read: (t) => fromCitationJs(t, '@bibtex/text'), conventions: [MARKUP_AS_HTML], limits: [CITATION_JS_ASCII], unread: ['abstract'] },
  { reader: 'citation-js', format: 'biblatex', read: (t) => fromCitationJs(t, '@biblatex/text'), conventions: [MARKUP_AS_HTML] },
  { reader: 'citation-js', format: 'csl-json', read: (t) => fromCitationJs(t, '@csl/list+object') },
  { reader: 'citation-js', format: 'ris', read: (t) => fromCitationJs(t, '@ris/file') },
  { reader: 'pandoc', format: 'bibtex', tool: 'pandoc', read: (t) => fromPandoc(t, 'bibtex'), conventions: [SENTENCE_CASE, SMART_QUOTES, PARTICLE_SPACE, MARKUP_AS_HTML, LONE_BRACES], limits: [PANDOC_ASCII] },
  { reader: 'pandoc', format: 'biblatex', tool: 'pandoc', read: (t) => fromPandoc(t, 'biblatex'), conventions: [SENTENCE_CASE, SMART_QUOTES, PARTICLE_SPACE, MARKUP_AS_HTML, LONE_BRACES] },
  { reader: 'pandoc', format: 'csl-json', tool: 'pandoc', read: (t) => fromPandoc(t, 'csljson'), conventions: [SMART_QUOTES, PARTICLE_SPACE, SUPERSCRIPT_AS_HTML] },
];

/** Text without the braces that have no partner. */
function dropLoneBraces(s: string): string {
  const chars = [...s];
  const open: number[] = [];
  const paired = new Set<number>();
  chars.forEach((c, i) => {
    if (c === '{') open.push(i);
    else if (c === '}' && open.length) paired.add(open.pop()!).add(i);
  });
  return chars.filter((c, i) => (c !== '{' && c !== '}') || paired.has(i)).join('');
}

/** `got` holds every piece of `want` between the limited characters, in order. */
function holdsPieces(want: string, got: string, chars: Set<string>): boolean {
  const pieces = [...want].reduce<string[]>((acc, c) => (chars.has(c) ? [...acc, ''] : [...acc.slice(0, -1), `${acc[acc.length - 1] ?? ''}${c}`]), ['']);
  let at = 0;
  for (const piece of pieces.filter(Boolean)) {
    const i = got.indexOf(piece, at);
    if (i < 0) return false;
    at = i + piece.length;
  }
  return true;
}

function mismatches(c: Case, got: Essence[]): string[] {
  const byKey = new Map(got.map((e) => [e.key, e]));
  const limited = (ch: string) => (c.limits ?? []).some((l) => l.chars.test(ch));
  const out: string[] = [];
  const text = (field: keyof Essence, v: string) => (c.conventions ?? []).filter((k) => !k.fields || k.fields.includes(field)).reduce((s, k) => k.apply(s), v.normalize('NFC'));
  const same = (field: keyof Essence, want: string, have: string) => {
    const [w, h] = [text(field, want), text(field, have)];
    if (w === h) return true;
    // Math and the limited characters are where the reader may differ: every piece between them must be there, in order.
    const loose = [...want.normalize('NFC').replace(MATH, '\u0000')].map((ch) => (limited(ch) ? '\u0000' : ch)).join('');
    return loose.includes('\u0000') ? holdsPieces(text(field, loose), h, new Set(['\u0000'])) : false;
  };
  for (const want of expected) {
    const have = byKey.get(want.key);
    if (!have) {
      out.push(`${want.key}: not read`);
      continue;
    }
    for (const field of ['title', 'abstract'] as const) {
      if (c.unread?.includes(field)) continue;
      const [w, h] = [want[field], have[field]];
      if (w === null ? h !== null : h === null || !same(field, w, h)) out.push(`${want.key}.${field}: lit ${JSON.stringify(w)}, ${c.reader} ${JSON.stringify(h)}`);
    }
    const names = (list: Name[]) => list.map((n) => [n.family, n.given, n.suffix]);
    const nameOk = want.authors.length === have.authors.length && want.authors.every((a, i) => (['family', 'given', 'suffix'] as const).every((k) => same(k as keyof Essence, a[k], have.authors[i]![k])));
    if (!nameOk) out.push(`${want.key}.authors: lit ${JSON.stringify(names(want.authors))}, ${c.reader} ${JSON.stringify(names(have.authors))}`);
    if (want.truncated !== have.truncated) out.push(`${want.key}.truncated: lit ${want.truncated}, ${c.reader} ${have.truncated}`);
    if (want.year !== have.year) out.push(`${want.key}.year: lit ${want.year}, ${c.reader} ${have.year}`);
  }
  return out;
}

describe.each(CASES)('$reader reading the $format export', (c) => {
  const check = () => expect(mismatches(c, c.read(exported(c.format)))).toEqual([]);
  if (c.tool) itWithTool(c.tool, 'gets every paper back, field by field', check);
  else it('gets every paper back, field by field', check);
});

describe('the conventions and limits the comparison allows', () => {
  it('are each needed by some case (a limit nobody hits is a stale excuse)', () => {
    // Each limit's characters appear in the fixture, so each one is exercised.
    const text = JSON.stringify(expected);
    for (const l of [PANDOC_ASCII, CITATION_JS_ASCII, BBT_ASCII]) expect(l.chars.test(text), l.name).toBe(true);
  });
});

// PyYAML reads YAML 1.1: `No` is a boolean there, `12:30:00` a number, `2024-01-01` a date.
const python = ['python3', '/usr/bin/python3'].find((p) => spawnSync(p, ['-c', 'import yaml'], { encoding: 'utf8' }).status === 0);
const itWithPyYaml = python ? it : process.env.CI === 'true' ? it : it.skip;
if (!python && process.env.CI !== 'true') process.stderr.write('lit tests: python3 with PyYAML not found; skipping the PyYAML reader\n');

describe('PyYAML reading the yaml export', () => {
  itWithPyYaml('gets the same papers as JSON.parse of the json export', () => {
    expect(python, 'python3 with PyYAML (python3-yaml) is required under CI=true').toBeTruthy();
    const dir = tempDir();
    const file = path.join(dir, 'papers.yaml');
    writeFileSync(file, exported('yaml'));
    const r = spawnSync(python!, ['-c', 'import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1], encoding="utf-8")), sys.stdout, ensure_ascii=False)', file], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual(papers);
  });
});

describe("Python's csv module reading the csv export", () => {
  itWithPyYaml('gets every title, author list and abstract back', () => {
    const dir = tempDir();
    const file = path.join(dir, 'papers.csv');
    writeFileSync(file, exported('csv'));
    const r = spawnSync(python!, ['-c', 'import csv, json, sys; json.dump(list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8"))), sys.stdout, ensure_ascii=False)', file], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const rows = JSON.parse(r.stdout) as Record<string, string>[];
    // A cell a spreadsheet would run as a formula is written with a leading apostrophe.
    const cell = (s: string | null) => (s === null ? '' : /^[=+\-@\t\r]/.test(s) ? `'${s}` : s);
    expect(rows.map((row) => [row.key, row.title, row.abstract])).toEqual(papers.map((p) => [p.key, cell(p.title), cell(p.abstract)]));
  });
});

describe('biber reading the biblatex export', () => {
  itWithTool('biber', 'keeps every entry, even one whose names hold the word "and" (R1)', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'refs.bib'), exported('biblatex'));
    const r = spawnSync('biber', ['--tool', '--output-file=out.bib', 'refs.bib'], { cwd: dir, encoding: 'utf8' });
    expect(r.status, r.stdout).toBe(0);
    expect(`${r.stdout}`).not.toMatch(/skipping entry|ERROR/);
    const out = spawnSync('grep', ['-c', '^@', path.join(dir, 'out.bib')], { encoding: 'utf8' });
    expect(Number(out.stdout.trim())).toBe(papers.length);
  });
});

describe('bibtex and pdflatex (T1) typesetting the bibtex export', () => {
  itWithTool('pdflatex', 'stop only at the characters the export reported as having no LaTeX spelling', () => {
    const dir = tempDir();
    const r = lit(['-s', FIXTURE, 'export', '--format', 'bibtex', '-o', path.join(dir, 'refs.bib')], { cacheDir });
    expect(r.status, r.stderr).toBe(0);
    // Reported once for the whole file, with each character's code point.
    const reported = r.stderr.split('\n').filter((l) => l.includes('[bibtex-unencodable]'));
    expect(reported).toHaveLength(1);
    writeFileSync(path.join(dir, 'doc.tex'), '\\documentclass{article}\\usepackage[T1]{fontenc}\\begin{document}\\nocite{*}\\bibliographystyle{plain}\\bibliography{refs}\\end{document}\n');
    const tex = () => spawnSync('pdflatex', ['-interaction=nonstopmode', '-halt-on-error', '-no-shell-escape', 'doc'], { cwd: dir, encoding: 'utf8' });
    tex();
    const bib = spawnSync('bibtex', ['doc'], { cwd: dir, encoding: 'utf8' });
    expect(bib.stdout).not.toMatch(/Warning|error message/);
    // Without -halt-on-error, every error is listed.
    const run = spawnSync('pdflatex', ['-interaction=nonstopmode', '-no-shell-escape', 'doc'], { cwd: dir, encoding: 'utf8' });
    const errors = [...run.stdout.matchAll(/^! (.*)$/gm)].map((m) => m[1]!);
    const unicode = errors.map((e) => /Unicode character (.) \(U\+([0-9A-F]+)\)/u.exec(e)).filter(Boolean);
    expect(errors.filter((e) => !/Unicode character/.test(e))).toEqual([]);
    // Every character written raw was reported, and pdflatex stops at no other.
    const raw = new Set([...readFileSync(path.join(dir, 'refs.bib'), 'utf8')].filter((ch) => ch.charCodeAt(0) > 0x7f));
    expect(reported[0]).toContain(`${raw.size} characters have no LaTeX spelling`);
    for (const m of unicode) expect(raw.has(m![1]!), m![1]).toBe(true);
  });
});

describe('a cut-short author list', () => {
  itWithTool('pandoc', 'prints as "et al." from the CSL-JSON export under pandoc --citeproc (R7)', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'refs.json'), exported('csl-json'));
    writeFileSync(path.join(dir, 'doc.md'), '---\nnocite: "@renyi2015vietnamese, @smith2021uber"\n---\n');
    const r = spawnSync('pandoc', ['doc.md', '--citeproc', '--bibliography', 'refs.json', '-t', 'plain', '--wrap=none'], { cwd: dir, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.split('\n').filter(Boolean);
    expect(lines.find((l) => l.includes('Vietnamese'))).toMatch(/Neumann, et al\. 2015/);
    // A complete list is printed complete.
    expect(lines.find((l) => l.includes('Gleichungen'))).not.toMatch(/et al/);
  });
});

// Every export format, checked by the tools that read it.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { csvCell } from '../src/format/csv.js';
import { protectTitle, toLatex } from '../src/format/latex.js';
import { FIXTURES, lit, tempDir } from './helpers.js';
import { itWithTool } from './tools.js';

const SPECIAL = path.join(FIXTURES, 'export', 'special characters in titles and names.txt');
const cacheDir = tempDir();
const exportAll = (format: string, extra: string[] = []) => {
  const r = lit([...extra, 'export', '--format', format], { cacheDir });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
};
const sources = ['-s', 'seeds', '-s', SPECIAL];
const papers = JSON.parse(exportAll('json', sources)) as { key: string; title: string | null }[];

function run(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('bibtex', () => {
  itWithTool('bibtex', 'plain.bst processes every entry with no error or warning', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'refs.bib'), exportAll('bibtex', sources));
    writeFileSync(path.join(dir, 'doc.aux'), '\\relax\n\\citation{*}\n\\bibdata{refs}\n\\bibstyle{plain}\n');
    const r = run('bibtex', ['doc'], dir);
    expect(r.out).not.toMatch(/Warning|error message/i);
    expect(r.status).toBe(0);
    const bbl = readFileSync(path.join(dir, 'doc.bbl'), 'latin1');
    expect(bbl.match(/\\bibitem/g)).toHaveLength(papers.length);
  });

  it('escapes special characters and writes non-ASCII as LaTeX', () => {
    const bib = exportAll('bibtex', ['-s', SPECIAL]);
    // `$x_i$` is math (D7): written as it stands and protected as a whole.
    expect(bib).toContain('{M{\\"u}ller} \\& 50\\% {$x_i$} \\{braces\\} \\textasciitilde{} \\textasciicircum{} \\# \\textbackslash{} under\\_score: The {OWL} and {LLMs}');
    expect(bib).toContain('M{\\"u}ller, J{\\"u}rgen and {\\AA}ngstr{\\"o}m, Zo{\\"e} and {\\L}ukasiewicz, Jan');
    expect(bib).toContain('{$\\gamma$}-rays, na{\\"i}ve caf{\\\'e} r{\\\'e}sum{\\\'e}');
    expect(/[^\x00-\x7f]/.test(bib)).toBe(false);
  });

  it.each([
    ['Müller', 'M{\\"u}ller'],
    ['50% & $5', '50\\% \\& \\$5'],
    ['Łódź', '{\\L}{\\\'o}d{\\\'z}'],
    // Each spelling below is the one every reader in ../shared/findings/exports.md reads back.
    ['naïve', 'na{\\"i}ve'],
    ['García', "Garc{\\'i}a"],
    ['a < b > c', 'a {$<$} b {$>$} c'],
    ['ε-greedy φ ϵ ϕ', '{$\\varepsilon$}-greedy {$\\varphi$} {$\\epsilon$} {$\\phi$}'],
    ['Ca²⁺ at 37 °C ±5 µm', 'Ca{\\texttwosuperior}{$^{+}$} at 37 {\\textdegree}C {\\textpm}5 {\\textmu}m'],
    ['λ → ∞', '{$\\lambda$} {\\textrightarrow} {$\\infty$}'],
    ['Ρίζος', "Ρ{$\\acute{\\iota}$}{$\\zeta$}ο{$\\varsigma$}"],
    ['a--b', 'a-{}-b'],
    ["it''s", "it'{}'s"],
    ['{paired} braces', '\\{paired\\} braces'],
    ['a lone { brace', 'a lone \\textbraceleft{} brace'],
    ['\\emph{kept} and \\url{https://x.org/a_b} but not \\cite{x}', '\\emph{kept} and \\url{https://x.org/a_b} but not \\textbackslash{}cite\\{x\\}'],
    ['日本', '日本'],
    // Private-use characters are lit's brace markers inside the encoder: in text they are themselves.
    ['\ue000{x}\ue001', '\ue000\\textbraceleft{}x\\textbraceright{}\ue001'],
  ])('toLatex(%s) → %s', (input, expected) => expect(toLatex(input, true)).toBe(expected));

  it.each([
    ['Pruning LLMs with OWL', 'Pruning {LLMs} with {OWL}'],
    ['A Recurrent HyperNetwork', 'A Recurrent {HyperNetwork}'],
    ['O1-Pruner: Length-Harmonizing', '{O1-Pruner:} Length-Harmonizing'],
    ['The Curse of Depth', 'The Curse of Depth'],
    // A group that opens with a command is lowercased by BibTeX unless doubled (R5).
    ['Sparse $O(n^2)$ Attention and \\emph{LaTeX}', 'Sparse {$O(n^2)$} Attention and {{\\emph{LaTeX}}}'],
    ['Turkish İstanbul and Polish Łódź', '{Turkish} {{\\.I}stanbul} and {Polish} {{\\L}{\\\'o}d{\\\'z}}'],
    // In a sentence-case title, a capitalised word after the first is a name.
    ['Training with the Adam optimizer in practice', 'Training with the {Adam} optimizer in practice'],
    ['Stable-SPAM: how to train in 4-bit', '{Stable-SPAM:} how to train in 4-bit'],
  ])('protectTitle(%s) → %s', (input, expected) => expect(protectTitle(input, true)).toBe(expected));
});

describe('biblatex', () => {
  itWithTool('biber', 'biber --validate-datamodel finds no error', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'refs.bib'), exportAll('biblatex', sources));
    const r = run('biber', ['--tool', '--validate-datamodel', 'refs.bib'], dir);
    expect(r.status).toBe(0);
    expect(r.out).not.toMatch(/ERROR/);
    // Only data the listings do not have is reported missing: a title or a date.
    for (const line of r.out.split('\n').filter((l) => l.startsWith('WARN'))) expect(line).toMatch(/Missing mandatory field ('title'|- one of 'date, year')/);
  });
  it('keeps UTF-8', () => expect(exportAll('biblatex', ['-s', SPECIAL])).toContain('Müller, Jürgen and Ångström, Zoë'));
});

describe('csl-json', () => {
  itWithTool('pandoc', 'pandoc --citeproc renders every item', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'refs.json'), exportAll('csl-json', sources));
    writeFileSync(path.join(dir, 'in.md'), '---\nnocite: |\n  @*\n---\n');
    const r = run('pandoc', ['in.md', '--citeproc', '--bibliography', 'refs.json', '-t', 'html'], dir);
    expect(r.status, r.out).toBe(0);
    const ids = [...r.out.matchAll(/id="ref-([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids)).toEqual(new Set(papers.map((p) => p.key)));
    expect(r.out).not.toMatch(/\[WARNING\]/);
  });
  it('items have id, type, title, authors and date parts', () => {
    const items = JSON.parse(exportAll('csl-json'));
    const curse = items.find((i: { title?: string }) => i.title === 'The Curse of Depth in Large Language Models');
    expect(curse).toMatchObject({ type: 'article', issued: { 'date-parts': [[2025, 2, 9]] } });
    expect(curse.author[0]).toEqual({ family: 'Sun', given: 'Wenfang' });
    expect(curse.author).toHaveLength(6);
    expect(curse.id).toMatch(/^sun2025curse/);
  });
});

describe('ris', () => {
  itWithTool('ris2xml', 'bibutils reads every record', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'refs.ris'), exportAll('ris', sources));
    const r = run('ris2xml', ['refs.ris'], dir);
    expect(r.status).toBe(0);
    expect(r.out).toContain(`Processed ${papers.length} references`);
    expect(r.out.match(/<mods ID=/g)).toHaveLength(papers.length);
  });
});

describe('json, jsonl and yaml', () => {
  it('read back give the same papers', () => {
    const fromJson = JSON.parse(exportAll('json'));
    const fromJsonl = exportAll('jsonl').trimEnd().split('\n').map((l) => JSON.parse(l));
    const fromYaml = parseYaml(exportAll('yaml'));
    expect(fromJson).toHaveLength(195);
    expect(fromJsonl).toEqual(fromJson);
    expect(fromYaml).toEqual(fromJson);
    expect(JSON.parse(lit(['list', '--json'], { cacheDir }).stdout)).toEqual(fromJson);
  });
});

describe('csv', () => {
  it('has a header and one row per paper, quoted per RFC 4180', () => {
    const text = exportAll('csv');
    expect(text.startsWith('key,id,title,authors,')).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    // Count records outside quotes.
    let rows = 0;
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
      if (text[i] === '"') quoted = !quoted;
      else if (!quoted && text[i] === '\n') rows++;
    }
    expect(rows).toBe(196);
  });
  it.each([
    ['=HYPERLINK("x")', '"\'=HYPERLINK(""x"")"'],
    ['+1', "'+1"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['a, b', '"a, b"'],
    ['plain', 'plain'],
  ])('cell %s → %s', (input, expected) => expect(csvCell(input)).toBe(expected));
});

describe('markdown', () => {
  it('lists every paper with title, authors, year and key', () => {
    const md = exportAll('markdown');
    expect(md.trimEnd().split('\n')).toHaveLength(195);
    expect(md).toMatch(/Wenfang Sun, Xinyuan Song, Pengxiang Li, Lu Yin, Yefeng Zheng and Shiwei Liu \(2025\)\. \*\*The Curse of Depth in Large Language Models\*\*\. `sun2025curse`/);
  });
});

describe('lit export', () => {
  it('exports a query\'s hits', () => {
    const keys = lit(['search', 'pruning', '--all', '--format', 'ids'], { cacheDir }).stdout.trim().split('\n');
    const items = JSON.parse(lit(['export', '--format', 'csl-json', 'pruning'], { cacheDir }).stdout);
    expect(items.map((i: { id: string }) => i.id)).toEqual(keys);
  });
  it('exports the ids read from stdin with -, names the unknown ones and exits 1 for them', () => {
    const ids = lit(['search', 'pruning', '--format', 'ids', '--limit', '3'], { cacheDir }).stdout;
    const r = lit(['export', '--format', 'bibtex', '-'], { cacheDir, input: `${ids}nosuchkey\n` });
    expect(r.status).toBe(1);
    expect(r.stdout.match(/^@misc\{/gm)).toHaveLength(3);
    expect(r.stderr).toMatch(/no paper has the id or key "nosuchkey"/);
  });
  it('writes a file with -o', () => {
    const out = path.join(tempDir(), 'refs.bib');
    const r = lit(['export', '--format', 'bibtex', '-o', out], { cacheDir });
    expect(r.stdout).toBe('');
    expect(readFileSync(out, 'utf8').match(/^@misc\{/gm)).toHaveLength(195);
  });
  it('an unwritable -o exits 5 naming the file', () => {
    const r = lit(['export', '--format', 'bibtex', '-o', '/nonexistent/dir/refs.bib'], { cacheDir });
    expect(r.status).toBe(5);
    expect(r.stderr).toMatch(/\/nonexistent\/dir\/refs\.bib: cannot write/);
  });
  it('search and show take --format too', () => {
    expect(lit(['show', 'curse of depth', '--format', 'bibtex'], { cacheDir }).stdout).toMatch(/^@misc\{sun2025curse,/);
    expect(lit(['search', 'curse of depth', '--format', 'ris', '--limit', '1'], { cacheDir }).stdout).toMatch(/^TY {2}- GEN/);
  });
});

describe('yaml export', () => {
  it('reads the same to a YAML 1.1 reader as to a 1.2 one: no string becomes a boolean, number or date', async () => {
    const { parse } = await import('yaml');
    const dir = tempDir();
    const odd = ['No', 'Yes', 'On', 'off', 'y', '1_000', '12:30:00', '2024-01-01', '~', 'null', '0x1F', '012', '.5', '1e3'];
    writeFileSync(path.join(dir, 'odd.txt'), `Doe, Jane\n${odd.map((t) => `${t}\nDoe, Jane, Roe, Rick\nAn abstract for the paper titled ${t}, long enough to be one.`).join('\n')}\n`);
    const text = lit(['-s', path.join(dir, 'odd.txt'), 'export', '-f', 'yaml']).stdout;
    const old = parse(text, { version: '1.1' }) as { title: unknown; date: unknown }[];
    const now = parse(text) as { title: unknown }[];
    expect(old.map((p) => p.title).sort()).toEqual([...odd].sort());
    expect(old).toEqual(now);
  });
});

describe('ris export', () => {
  it('writes ID only beside a year and within 20 characters, and still reads every key back', () => {
    const text = lit(['export', '-f', 'ris']).stdout;
    const records = text.split(/ER {2}- \r?\n/).filter((r) => r.includes('TY  -'));
    for (const r of records) {
      const id = /^ID {2}- (.*)\r$/m.exec(r)?.[1];
      if (id !== undefined) {
        expect(r).toMatch(/^PY {2}- \d{4}\r$/m);
        expect(id.length).toBeLessThanOrEqual(20);
      } else expect(r).toMatch(/^N1 {2}- Citation key: \S+\r$/m);
    }
    expect(records.some((r) => !/^ID/m.test(r))).toBe(true);
    const f = path.join(tempDir(), 'lib.ris');
    writeFileSync(f, text);
    const keys = (JSON.parse(lit(['-s', f, 'list', '--json']).stdout) as { key: string }[]).map((p) => p.key);
    expect(keys).toEqual((JSON.parse(lit(['list', '--json']).stdout) as { key: string }[]).map((p) => p.key));
  });
});

describe('csl-json names', () => {
  it('gives particles as non-dropping-particle, suffixes as suffix and organisations as literal', () => {
    const fixture = path.join(FIXTURES, 'bibtex', 'names with particles, suffixes, corporate authors and others.bib');
    const [item] = JSON.parse(lit(['-s', fixture, 'export', '-f', 'csl-json']).stdout) as { author: Record<string, string>[] }[];
    expect(item!.author.slice(0, 4)).toEqual([
      { family: 'Maaten', 'non-dropping-particle': 'van der', given: 'Laurens' },
      { family: 'Beethoven', 'non-dropping-particle': 'van', given: 'Ludwig' },
      { family: 'King', given: 'Martin Luther', suffix: 'Jr.' },
      { literal: 'Google DeepMind' },
    ]);
  });
});

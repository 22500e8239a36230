// The BibTeX encoder against Better BibTeX's unicode2latex table, the reference for coverage: every
// character that table spells in these blocks is either written as LaTeX that lit, Better BibTeX and
// pdflatex read back as that character, or listed here as having no spelling in plain LaTeX (the
// table's own spelling needs a package, or is an approximation such as `P` for Greek Ρ).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parse as parseBib } from '@retorquere/bibtex-parser';
import { describe, expect, it } from 'vitest';
import { LatexEncoder, toLatex } from '../src/format/latex.js';
import { decodeLatex } from '../src/sources/latex.js';
import { tempDir } from './helpers.js';
import { itWithTool } from './tools.js';

const require = createRequire(import.meta.url);
const tableFile = path.join(path.dirname(require.resolve('unicode2latex')), '..', 'tables', 'bibtex.json');
const table = JSON.parse(readFileSync(tableFile, 'utf8')) as { base: Record<string, unknown> };

// Latin-1 and Latin Extended, Greek, Latin Extended Additional, punctuation, scripts, letterlike
// symbols, arrows and mathematical operators.
const BLOCKS: [number, number][] = [[0xa0, 0x24f], [0x370, 0x3ff], [0x1e00, 0x1eff], [0x2000, 0x209f], [0x2100, 0x214f], [0x2190, 0x21ff], [0x2200, 0x22ff]];
const inBlocks = (ch: string) => BLOCKS.some(([a, b]) => ch.codePointAt(0)! >= a && ch.codePointAt(0)! <= b);
const reference = Object.keys(table.base).filter((ch) => [...ch].length === 1 && inBlocks(ch));
// Precomposed letters the table leaves to its combining-accent rules.
for (const [a, b] of BLOCKS)
  for (let c = a; c <= b; c++) {
    const ch = String.fromCodePoint(c);
    const [base, ...marks] = [...ch.normalize('NFD')];
    if (marks.length && base!.charCodeAt(0) < 0x80 && /\p{L}/u.test(ch) && !reference.includes(ch)) reference.push(ch);
  }

const ascii = (s: string) => /^[\x00-\x7f]*$/.test(s);
const spelled = reference.filter((ch) => ascii(toLatex(ch, true)));
const unspelled = reference.filter((ch) => !ascii(toLatex(ch, true)));

describe('coverage of the unicode2latex table', () => {
  it('spells at least 600 of its characters in these blocks', () => {
    expect(reference.length).toBeGreaterThan(850);
    expect(spelled.length).toBeGreaterThanOrEqual(600);
  });

  it('leaves unspelled only characters with no plain-LaTeX spelling, and reports each once', () => {
    // What is left is Greek capitals that look Latin, archaic Greek, blackboard and fraktur
    // letters (amssymb), most spacing characters, and operators that need amssymb or stmaryrd:
    // never a Latin letter made of an ASCII letter and accents LaTeX has commands for.
    const accentable = /^[A-Za-z][\u0300-\u0304\u0306-\u0308\u030a-\u030c\u0323\u0327\u0328\u0331]+$/;
    expect(unspelled.filter((ch) => accentable.test(ch.normalize('NFD')))).toEqual([]);
    // Coverage never falls back: 268 of the table's characters are left today.
    expect(unspelled.length).toBeLessThanOrEqual(268);
    const enc = new LatexEncoder(true);
    enc.text(unspelled.join(' '));
    expect([...enc.unencodable].sort()).toEqual([...new Set(unspelled)].sort());
  });

  it("reads every spelling back as its character with lit's own reader", () => {
    const wrong = spelled.filter((ch) => decodeLatex(`A${toLatex(ch, true)}B`) !== `A${ch}B`.normalize('NFC'));
    expect(wrong.map((ch) => `${ch} ${toLatex(ch, true)} → ${decodeLatex(toLatex(ch, true))}`)).toEqual([]);
  });

  it('reads every spelling back as its character with Better BibTeX, but for its known misreadings', () => {
    // Better BibTeX reads \b{} (macron below) as nothing, $\mu$ as math italic 𝜇, \textminus as
    // nothing, and a few operators as near relatives (⊥ → ⟂, ⊨ → ⊧).
    const known = /[\u1e00-\u1eff−μ⊥⊨‖]/u;
    const bib = spelled.map((ch, i) => `@misc{k${i}, title = {A${toLatex(ch, true)}B}}`).join('\n');
    const lib = parseBib(bib, { sentenceCase: false, caseProtection: false, unsupported: 'ignore' });
    const wrong = spelled.filter((ch, i) => !known.test(ch) && lib.entries.find((e) => e.key === `k${i}`)?.fields.title?.normalize('NFC') !== `A${ch}B`.normalize('NFC'));
    expect(wrong.map((ch) => `${ch} ${toLatex(ch, true)}`)).toEqual([]);
  });

  itWithTool('pdflatex', 'typesets every spelling with pdflatex (T1) and no package', () => {
    const dir = tempDir();
    const body = spelled.map((ch) => `A${toLatex(ch, true)}B\\par`).join('\n');
    writeFileSync(path.join(dir, 'all.tex'), `\\documentclass{article}\\usepackage[T1]{fontenc}\\begin{document}\n${body}\n\\end{document}\n`);
    const r = spawnSync('pdflatex', ['-interaction=nonstopmode', '-no-shell-escape', 'all'], { cwd: dir, encoding: 'utf8' });
    expect([...r.stdout.matchAll(/^! (.*)\n(?:.*\n){0,2}?l\.(\d+) (.*)$/gm)].map((m) => `${m[1]} at ${m[3]}`)).toEqual([]);
    expect(r.status).toBe(0);
  });
});

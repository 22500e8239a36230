// BibTeX and BibLaTeX entries. BibTeX gets ASCII with LaTeX commands (plain.bst reads bytes);
// BibLaTeX keeps UTF-8 (biber reads it natively) and uses its ISO `date` field. Both use @misc:
// a listing does not say where a paper appeared, and @online would demand a URL we do not have.
import type { Paper } from '../model.js';
import { protectTitle, toLatex } from './latex.js';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Authors as BibTeX names: `Family, Given`, joined by `and`; a cut-short list ends in `and others` (rendered "et al."). */
function names(p: Paper, ascii: boolean): string | null {
  if (!p.authorList.length) return null;
  const list = p.authorList.map((a) => {
    const family = toLatex(a.family, ascii);
    return a.given ? `${family}, ${toLatex(a.given, ascii)}` : `{${family}}`;
  });
  if (p.authorsTruncated) list.push('others');
  return list.join(' and ');
}

function field(name: string, value: string): string {
  return `  ${name.padEnd(12)} = {${value}},`;
}

/** One paper as a BibTeX (`ascii`) or BibLaTeX entry. */
function entry(p: Paper, biblatex: boolean): string {
  const ascii = !biblatex;
  const lines = [`@misc{${p.key},`];
  // biblatex resolves a citation of any key in `ids`: documents citing an alias still compile.
  if (biblatex && p.aliases.length) lines.push(field('ids', p.aliases.join(', ')));
  const author = names(p, ascii);
  if (author) lines.push(field('author', author));
  if (p.title) lines.push(field('title', protectTitle(p.title, ascii)));
  const [y, m] = (p.date ?? '').split('-').map(Number);
  if (biblatex) {
    if (p.date) lines.push(field('date', p.date));
  } else if (y) {
    lines.push(field('year', String(y)));
    // Month as the standard macro, unbraced, so styles print it in their own language.
    if (m) lines.push(`  ${'month'.padEnd(12)} = ${MONTHS[m - 1]},`);
  }
  const notes: string[] = [];
  if (!p.authorList.length && p.authorCount) notes.push(`${p.authorCount} author${p.authorCount === 1 ? '' : 's'}; names not listed`);
  if (p.dateInferred) notes.push('year inferred from the listing');
  // A paper known only by its abstract still needs something a style can print.
  if (!p.title && p.abstract) notes.push(`title unknown; abstract begins: ${p.abstract.split(/\s+/).slice(0, 12).join(' ')} …`);
  if (p.organisation) lines.push(field('organization', toLatex(p.organisation, ascii)));
  if (p.categories.length) lines.push(field('keywords', toLatex(p.categories.join(', '), ascii)));
  if (notes.length) lines.push(field('note', toLatex(`${notes.join('; ')}.`.replace(/^./, (c) => c.toUpperCase()), ascii)));
  if (p.abstract) lines.push(field('abstract', toLatex(p.abstract, ascii)));
  // plain.bst sorts by author, else by the `key` field; give author-less entries one.
  if (!author && !biblatex) lines.push(field('key', toLatex(p.title ?? p.key, ascii)));
  if (!author && biblatex) lines.push(field('sortkey', toLatex(p.title ?? p.key, ascii)));
  const last = lines.length - 1;
  lines[last] = lines[last]!.replace(/,$/, '');
  lines.push('}');
  return lines.join('\n');
}

/** A .bib file for BibTeX with plain.bst and friends. */
export function bibtex(papers: Paper[]): string {
  return papers.map((p) => `${entry(p, false)}\n`).join('\n');
}

/** A .bib file for BibLaTeX and biber. */
export function biblatex(papers: Paper[]): string {
  return papers.map((p) => `${entry(p, true)}\n`).join('\n');
}

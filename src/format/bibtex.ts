// BibTeX and BibLaTeX entries. BibTeX gets ASCII with LaTeX commands (plain.bst reads bytes);
// BibLaTeX keeps UTF-8 (biber reads it natively) and uses its ISO `date` field. A paper a
// listing gave no type is @misc: a listing does not say where it appeared, and @online would
// demand a URL. Fields a .bib had that lit does not model are written back as they were.
import { PAPER_TYPES, type Author, type Paper, type Warning } from '../model.js';
import { litNotes } from './notes.js';
import { LatexEncoder } from './latex.js';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

// lit's types (BibLaTeX's names) as classic BibTeX spells them.
const BIBTEX_TYPES: Record<string, string> = {
  article: 'article', book: 'book', inbook: 'inbook', incollection: 'incollection', inproceedings: 'inproceedings', proceedings: 'proceedings',
  thesis: 'phdthesis', report: 'techreport', unpublished: 'unpublished', manual: 'manual', booklet: 'booklet', collection: 'book',
};
const BIBLATEX_TYPES = new Set(PAPER_TYPES);
// Where the venue goes: the journal for an article, the book or proceedings for a part of one.
const IN_BOOK = new Set(['inproceedings', 'incollection', 'inbook']);

/** One name part, braced when BibTeX would misread it: a word `and` would split the list. */
function part(s: string, enc: LatexEncoder): string {
  const latex = enc.text(s);
  return /\band\b/i.test(s) || /,/.test(s) ? `{${latex}}` : latex;
}

/** `Family, Given`, `Family, Jr., Given`, or `{Corporate Name}` that BibTeX must not split. */
function name(a: Author, enc: LatexEncoder): string {
  if (!a.given && !a.suffix) return `{${enc.text(a.family)}}`;
  return [part(a.family, enc), ...(a.suffix ? [part(a.suffix, enc)] : []), part(a.given, enc)].join(', ');
}

/** Authors as BibTeX names joined by `and`; a cut-short list ends in `and others` (rendered "et al."). */
function names(list: Author[], truncated: boolean, enc: LatexEncoder): string | null {
  if (!list.length) return null;
  return [...list.map((a) => name(a, enc)), ...(truncated ? ['others'] : [])].join(' and ');
}

function field(key: string, value: string): string {
  return `  ${key.padEnd(12)} = {${value}},`;
}

/** The entry type: the one the .bib had (`@phdthesis`), else lit's type as this dialect spells it. */
function entryType(p: Paper, biblatex: boolean): string {
  const written = p.extra.bibtex?.['@type'];
  if (!p.type) return 'misc';
  if (biblatex) return BIBLATEX_TYPES.has(p.type) ? p.type : 'misc';
  return written && /^[a-z]+$/.test(written) ? written : (BIBTEX_TYPES[p.type] ?? 'misc');
}

/** One paper as a BibTeX (`ascii`) or BibLaTeX entry. */
function entry(p: Paper, biblatex: boolean, enc: LatexEncoder): string {
  const type = entryType(p, biblatex);
  const lines = [`@${type}{${p.key},`];
  const tex = (s: string) => enc.text(s);
  // biblatex resolves a citation of any key in `ids`: documents citing an alias still compile.
  if (biblatex && p.aliases.length) lines.push(field('ids', p.aliases.join(', ')));
  const author = names(p.authorList, p.authorsTruncated, enc);
  if (author) lines.push(field('author', author));
  if (p.title) lines.push(field('title', enc.title(p.title)));
  const editor = names(p.editors, false, enc);
  if (editor) lines.push(field('editor', editor));
  if (p.venue) {
    const where = type === 'article' ? (biblatex ? 'journaltitle' : 'journal') : IN_BOOK.has(type) ? 'booktitle' : 'howpublished';
    lines.push(field(where, tex(p.venue)));
  }
  const [y, m] = (p.date ?? '').split('-').map(Number);
  if (biblatex) {
    if (p.date) lines.push(field('date', p.date));
  } else if (y) {
    lines.push(field('year', String(y)));
    // Month as the standard macro, unbraced, so styles print it in their own language.
    if (m) lines.push(`  ${'month'.padEnd(12)} = ${MONTHS[m - 1]},`);
  }
  if (p.volume) lines.push(field('volume', tex(p.volume)));
  if (p.number) lines.push(field('number', tex(p.number)));
  if (p.pages) lines.push(field('pages', tex(p.pages)));
  if (p.publisher) lines.push(field('publisher', tex(p.publisher)));
  if (p.organisation) lines.push(field('organization', tex(p.organisation)));
  if (p.doi) lines.push(field('doi', p.doi));
  if (p.arxiv) {
    lines.push(field('eprint', p.arxiv), field('archiveprefix', 'arXiv'));
    if (p.arxivClass) lines.push(field('primaryclass', p.arxivClass));
  }
  if (p.url) lines.push(field('url', p.url));
  const keywords = [...p.categories, ...p.keywords.filter((k) => !p.categories.includes(k))];
  if (keywords.length) lines.push(field('keywords', tex(keywords.join(', '))));
  const note = litNotes(p, { untitled: true }).concat(p.note ? [p.note] : []);
  if (note.length) lines.push(field('note', tex(note.join('; '))));
  if (p.abstract) lines.push(field('abstract', tex(p.abstract)));
  // plain.bst sorts by author, else by the `key` field; give author-less entries one (unless the
  // .bib it came from had one of its own, written back below).
  const own = p.extra.bibtex ?? {};
  if (!author && !biblatex && !('key' in own)) lines.push(field('key', tex(p.title ?? p.key)));
  if (!author && biblatex && !('sortkey' in own)) lines.push(field('sortkey', tex(p.title ?? p.key)));
  for (const [k, v] of Object.entries(p.extra.bibtex ?? {})) if (!k.startsWith('@') && /^[a-z][\w:.-]*$/i.test(k)) lines.push(field(k, v));
  const last = lines.length - 1;
  lines[last] = lines[last]!.replace(/,$/, '');
  lines.push('}');
  return lines.join('\n');
}

/**
 * A .bib file for BibTeX with plain.bst and friends: 7-bit, so a character LaTeX has no spelling
 * for (CJK, emoji) is written as UTF-8 and reported once for the whole file.
 */
export function bibtex(papers: Paper[]): { text: string; warnings: Warning[] } {
  const enc = new LatexEncoder(true);
  const text = papers.map((p) => `${entry(p, false, enc)}\n`).join('\n');
  const chars = [...enc.unencodable];
  const shown = chars.slice(0, 12).map((c) => `${c} (U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`).join(', ');
  const warnings = chars.length
    ? [{ code: 'bibtex-unencodable', message: `${chars.length} character${chars.length === 1 ? ' has' : 's have'} no LaTeX spelling and ${chars.length === 1 ? 'is' : 'are'} written as UTF-8, which pdflatex may reject: ${shown}${chars.length > 12 ? ', …' : ''}; --format biblatex keeps UTF-8 for biber` }]
    : [];
  return { text, warnings };
}

/** A .bib file for BibLaTeX and biber. */
export function biblatex(papers: Paper[]): string {
  const enc = new LatexEncoder(false);
  return papers.map((p) => `${entry(p, true, enc)}\n`).join('\n');
}

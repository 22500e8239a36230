// CSL-JSON, the item format of citeproc (pandoc --citeproc, Zotero, Mendeley).
import type { Author, Paper } from '../model.js';
import { litNotes } from './notes.js';

type CslName = { family: string; given?: string; suffix?: string; 'non-dropping-particle'?: string } | { literal: string };

interface CslItem {
  id: string;
  type: string;
  title?: string;
  author?: CslName[];
  editor?: CslName[];
  issued?: { 'date-parts': number[][] };
  abstract?: string;
  'container-title'?: string;
  volume?: string;
  issue?: string;
  page?: string;
  publisher?: string;
  DOI?: string;
  URL?: string;
  archive?: string;
  archive_location?: string;
  keyword?: string;
  note?: string;
  [extra: string]: unknown;
}

// lit's types (BibLaTeX's names) as CSL's. CSL's "article" is a preprint or other article not
// in a periodical: what a listing's paper is.
const CSL_TYPES: Record<string, string> = {
  article: 'article-journal', inproceedings: 'paper-conference', book: 'book', collection: 'book', incollection: 'chapter', inbook: 'chapter',
  thesis: 'thesis', report: 'report', online: 'webpage', dataset: 'dataset', software: 'software', unpublished: 'manuscript', patent: 'patent',
  proceedings: 'book', periodical: 'periodical', inreference: 'entry-encyclopedia', misc: 'article',
};

function cslName(a: Author): CslName {
  if (!a.given && !a.suffix) return { literal: a.family };
  // `van der Maaten`: CSL sorts and prints the particle apart from the name itself.
  const particle = /^((?:\p{Ll}[\p{Ll}'’]*\s+)+)(\p{Lu}.*)$/u.exec(a.family);
  return {
    family: particle ? particle[2]! : a.family,
    ...(particle ? { 'non-dropping-particle': particle[1]!.trim() } : {}),
    ...(a.given ? { given: a.given } : {}),
    ...(a.suffix ? { suffix: a.suffix } : {}),
  };
}

/** One paper as a CSL item; the citation key is its id, as pandoc expects. */
export function cslItem(p: Paper): CslItem {
  const written = p.extra.csl?.type;
  const item: CslItem = { id: p.key, type: typeof written === 'string' ? written : (CSL_TYPES[p.type ?? 'misc'] ?? 'article') };
  // An untitled work gets a bracketed description, as citation styles advise, so it prints as more than a date.
  if (p.title) item.title = p.title;
  else if (p.abstract) item.title = `[Untitled; abstract begins: ${p.abstract.split(/\s+/).slice(0, 12).join(' ')} …]`;
  // citeproc (pandoc's, Zotero's) prints a last name that is the literal `others` as "et al.".
  if (p.authorList.length) item.author = [...p.authorList.map(cslName), ...(p.authorsTruncated ? [{ literal: 'others' }] : [])];
  if (p.editors.length) item.editor = p.editors.map(cslName);
  const parts = (p.date ?? '').split('-').filter(Boolean).map(Number);
  if (parts.length) item.issued = { 'date-parts': [parts] };
  if (p.abstract) item.abstract = p.abstract;
  if (p.venue) item['container-title'] = p.venue;
  if (p.volume) item.volume = p.volume;
  if (p.number) item.issue = p.number;
  if (p.pages) item.page = p.pages.replace(/–/g, '-');
  if (p.publisher ?? p.organisation) item.publisher = (p.publisher ?? p.organisation)!;
  if (p.doi) item.DOI = p.doi;
  if (p.url) item.URL = p.url;
  if (p.arxiv) {
    item.archive = 'arXiv';
    item.archive_location = p.arxiv;
  }
  const keywords = [...p.categories, ...p.keywords.filter((k) => !p.categories.includes(k))];
  if (keywords.length) item.keyword = keywords.join(', ');
  const notes = litNotes(p, { truncated: !p.authorList.length }).concat(p.note ? [p.note] : []);
  if (notes.length) item.note = notes.join('; ');
  for (const [k, v] of Object.entries(p.extra.csl ?? {})) if (k !== 'type' && !(k in item)) item[k] = v;
  return item;
}

export function cslJson(papers: Paper[]): string {
  return `${JSON.stringify(papers.map(cslItem), null, 2)}\n`;
}

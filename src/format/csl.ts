// CSL-JSON, the item format of citeproc (pandoc --citeproc, Zotero, Mendeley).
import type { Paper } from '../model.js';

interface CslItem {
  id: string;
  type: string;
  title?: string;
  author?: { family: string; given?: string }[];
  issued?: { 'date-parts': number[][] };
  abstract?: string;
  keyword?: string;
  publisher?: string;
  note?: string;
}

/** One paper as a CSL item; the citation key is its id, as pandoc expects. */
export function cslItem(p: Paper): CslItem {
  // "article": CSL's type for a preprint or other article not in a periodical.
  const item: CslItem = { id: p.key, type: 'article' };
  // An untitled work gets a bracketed description, as citation styles advise, so it prints as more than a date.
  if (p.title) item.title = p.title;
  else if (p.abstract) item.title = `[Untitled; abstract begins: ${p.abstract.split(/\s+/).slice(0, 12).join(' ')} …]`;
  if (p.authorList.length) item.author = p.authorList.map((a) => (a.given ? { family: a.family, given: a.given } : { family: a.family }));
  const parts = (p.date ?? '').split('-').filter(Boolean).map(Number);
  if (parts.length) item.issued = { 'date-parts': [parts] };
  if (p.abstract) item.abstract = p.abstract;
  if (p.categories.length) item.keyword = p.categories.join(', ');
  if (p.organisation) item.publisher = p.organisation;
  const notes: string[] = [];
  if (p.authorsTruncated) notes.push('author list incomplete');
  if (!p.authorList.length && p.authorCount) notes.push(`${p.authorCount} authors; names not listed`);
  if (p.dateInferred) notes.push('year inferred from the listing');
  if (notes.length) item.note = notes.join('; ');
  return item;
}

export function cslJson(papers: Paper[]): string {
  return `${JSON.stringify(papers.map(cslItem), null, 2)}\n`;
}

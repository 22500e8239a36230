// RIS, the tagged format reference managers import (Zotero, EndNote, bibutils).
import type { Paper } from '../model.js';

/** A tag line; RIS values are one line each, so line breaks become spaces. */
function tag(t: string, value: string): string {
  return `${t}  - ${value.replace(/[\r\n]+/g, ' ')}`;
}

function record(p: Paper): string {
  // GEN, the generic type: a listing does not say whether a paper is a preprint or published.
  const lines = [tag('TY', 'GEN'), tag('ID', p.key)];
  if (p.title) lines.push(tag('TI', p.title));
  for (const a of p.authorList) lines.push(tag('AU', a.given ? `${a.family}, ${a.given}` : a.family));
  if (p.year !== null) lines.push(tag('PY', String(p.year)));
  if (p.date) {
    const [y, m = '', d = ''] = p.date.split('-');
    lines.push(tag('DA', `${y}/${m}/${d}/`));
  }
  if (p.abstract) lines.push(tag('AB', p.abstract));
  for (const c of p.categories) lines.push(tag('KW', c));
  if (p.organisation) lines.push(tag('PB', p.organisation));
  if (p.authorsTruncated) lines.push(tag('N1', 'Author list incomplete.'));
  if (!p.authorList.length && p.authorCount) lines.push(tag('N1', `${p.authorCount} authors; names not listed.`));
  if (p.dateInferred) lines.push(tag('N1', 'Year inferred from the listing.'));
  lines.push('ER  - ');
  return lines.join('\r\n');
}

export function ris(papers: Paper[]): string {
  return papers.map((p) => `${record(p)}\r\n`).join('\r\n');
}

// RIS, the tagged format reference managers import (Zotero, EndNote, bibutils).
import type { Author, Paper } from '../model.js';
import { litNotes } from './notes.js';

// lit's types (BibLaTeX's names) as RIS reference types; GEN, the generic type, for a listing's
// paper: a listing does not say whether it is a preprint or published.
const RIS_TYPES: Record<string, string> = {
  article: 'JOUR', inproceedings: 'CPAPER', book: 'BOOK', collection: 'EDBOOK', incollection: 'CHAP', inbook: 'CHAP', thesis: 'THES',
  report: 'RPRT', online: 'ELEC', unpublished: 'UNPB', dataset: 'DATA', software: 'COMP', patent: 'PAT', proceedings: 'CONF', misc: 'GEN',
};

/** A tag line; RIS values are one line each, so line breaks become spaces. */
function tag(t: string, value: string): string {
  return `${t}  - ${value.replace(/[\r\n]+/g, ' ')}`;
}

function risName(a: Author): string {
  return [a.family, ...(a.given || a.suffix ? [a.given] : []), ...(a.suffix ? [a.suffix] : [])].join(', ');
}

function record(p: Paper): string {
  const written = p.extra.ris?.TY?.[0];
  const lines = [tag('TY', written ?? RIS_TYPES[p.type ?? 'misc'] ?? 'GEN')];
  // `ID` is a tag of the 2001 spec: a record with one and no year makes citation-js read it by
  // that spec, where AB is a note. So the key goes in ID only beside PY and within the spec's 20
  // characters; otherwise in a note that lit reads back.
  const idFits = p.year !== null && p.key.length <= 20;
  if (idFits) lines.push(tag('ID', p.key));
  if (p.title) lines.push(tag('TI', p.title));
  for (const a of p.authorList) lines.push(tag('AU', risName(a)));
  // RIS has no mark for a cut-short list: `others` last, as BibTeX has it, which readers carry into CSL.
  if (p.authorsTruncated && p.authorList.length) lines.push(tag('AU', 'others'));
  for (const a of p.editors) lines.push(tag('ED', risName(a)));
  if (p.year !== null) lines.push(tag('PY', String(p.year)));
  if (p.date) {
    const [y, m = '', d = ''] = p.date.split('-');
    lines.push(tag('DA', `${y}/${m}/${d}/`));
  }
  if (p.abstract) lines.push(tag('AB', p.abstract));
  for (const k of [...p.categories, ...p.keywords.filter((x) => !p.categories.includes(x))]) lines.push(tag('KW', k));
  if (p.venue) lines.push(tag('T2', p.venue));
  if (p.volume) lines.push(tag('VL', p.volume));
  if (p.number) lines.push(tag('IS', p.number));
  if (p.pages) {
    const [sp, ep] = p.pages.split(/\s*[–-]+\s*/);
    lines.push(tag('SP', sp!));
    if (ep) lines.push(tag('EP', ep));
  }
  if (p.publisher ?? p.organisation) lines.push(tag('PB', (p.publisher ?? p.organisation)!));
  if (p.doi) lines.push(tag('DO', p.doi));
  if (p.url) lines.push(tag('UR', p.url));
  // RIS has no arXiv tag; the accession number carries it, as Zotero reads it.
  if (p.arxiv) lines.push(tag('AN', `arXiv:${p.arxiv}`));
  for (const n of litNotes(p, { truncated: !p.authorList.length })) lines.push(tag('N1', `${n}.`));
  if (!idFits) lines.push(tag('N1', `Citation key: ${p.key}`));
  if (p.note) lines.push(tag('N1', p.note));
  for (const [t, values] of Object.entries(p.extra.ris ?? {})) if (t !== 'TY' && /^[A-Z][A-Z0-9]$/.test(t)) for (const v of values) lines.push(tag(t, v));
  lines.push('ER  - ');
  return lines.join('\r\n');
}

export function ris(papers: Paper[]): string {
  return papers.map((p) => `${record(p)}\r\n`).join('\r\n');
}

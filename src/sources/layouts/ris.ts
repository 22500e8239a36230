// RIS, the tagged format of Zotero, EndNote, Mendeley and bibutils: `TY  - JOUR` … `ER  - `,
// one tag a line, repeated tags (AU, KW) in order, CRLF or LF, with or without a byte order mark.
import { blankEntry, type Author, type PaperDate, type RawEntry, type Warning } from '../../model.js';
import { arxivFrom, normalizeArxiv, normalizeDoi } from '../identifiers.js';
import { share, type Layout, type Line } from '../layout.js';
import { withoutOthers } from '../names.js';
import { readLitNotes } from '../notes.js';

const TAG = /^([A-Z][A-Z0-9])  -(?: (.*))?$/;

// RIS reference types by the name lit keeps (BibLaTeX's).
const TYPES: Record<string, string> = {
  JOUR: 'article', JFULL: 'article', MGZN: 'article', NEWS: 'article', EJOUR: 'article', CONF: 'inproceedings', CPAPER: 'inproceedings',
  BOOK: 'book', EBOOK: 'book', EDBOOK: 'book', CHAP: 'incollection', ECHAP: 'incollection', THES: 'thesis', RPRT: 'report',
  GEN: 'misc', ELEC: 'online', WEB: 'online', BLOG: 'online', UNPB: 'unpublished', MANSCPT: 'unpublished', DATA: 'dataset',
  COMP: 'software', PAT: 'patent', STAND: 'report', SER: 'book',
};
// Tags lit reads into its model; all others are kept, in order, in `extra.ris`.
const MODELLED = new Set(['TY', 'AU', 'A1', 'ED', 'A2', 'TI', 'T1', 'PY', 'Y1', 'DA', 'AB', 'N2', 'KW', 'DO', 'UR', 'JO', 'JF', 'JA', 'J2', 'T2', 'BT', 'VL', 'IS', 'SP', 'EP', 'PB', 'ID', 'N1', 'AN', 'ER']);

/** `Family, Given[, Suffix]`, or a name with no comma: an organisation. */
function risName(v: string): Author {
  const [family, given, suffix] = v.split(/\s*,\s*/);
  const a: Author = { family: family ?? v, given: given ?? '' };
  if (suffix) a.suffix = suffix;
  return a;
}

/** `2020`, `2020/05/03/`, `2020/05//`, `2020-05-03`: as precise as it is given. */
function risDate(v: string | undefined): PaperDate | null {
  const m = v && /^(\d{4})(?:[/-](\d{1,2})?(?:[/-](\d{1,2})?)?)?/.exec(v.trim());
  if (!m) return null;
  const month = m[2] ? Number(m[2]) : null;
  return { year: Number(m[1]), month, day: month && m[3] ? Number(m[3]) : null, inferred: false };
}

function toEntry(tags: [string, string][], file: string, line: number, warnings: Warning[]): RawEntry {
  const e = blankEntry({ file, line, layout: 'ris' });
  const all = (...t: string[]) => tags.filter(([k]) => t.includes(k)).map(([, v]) => v).filter(Boolean);
  const one = (...t: string[]) => {
    for (const k of t) {
      const v = all(k)[0];
      if (v) return v;
    }
    return null;
  };
  const ty = one('TY') ?? 'GEN';
  if (!TYPES[ty]) warnings.push({ code: 'bad-entry', file, line, message: `TY ${ty} is not a RIS reference type; read as GEN` });
  e.type = TYPES[ty] ?? 'misc';
  e.key = one('ID');
  e.title = one('TI', 'T1');
  const authors = withoutOthers(all('AU', 'A1').map(risName));
  e.authors = authors.authors;
  e.authorsTruncated ||= authors.truncated;
  e.editors = all('ED', 'A2').map(risName);
  // DA is the fuller date; one without a year (`//05/`) gives way to PY.
  e.date = risDate(one('DA') ?? undefined) ?? risDate(one('PY', 'Y1') ?? undefined);
  e.abstract = one('AB', 'N2');
  e.keywords = all('KW');
  e.doi = normalizeDoi(one('DO'));
  e.url = one('UR');
  // lit's RIS export gives the arXiv id as an accession number.
  e.arxiv = normalizeArxiv(all('AN').find((v) => /^arxiv:/i.test(v))) ?? arxivFrom(e.doi, e.url);
  e.venue = one('T2', 'JF', 'BT', 'JO', 'JA', 'J2');
  e.volume = one('VL');
  e.number = one('IS');
  const sp = one('SP');
  const ep = one('EP');
  e.pages = sp && ep ? `${sp}–${ep}` : sp;
  e.publisher = one('PB');
  for (const n of all('N1')) readLitNotes(e, n);
  const extra: Record<string, string[]> = {};
  if (!TYPES[ty]) extra.TY = [ty];
  for (const [k, v] of tags) if (!MODELLED.has(k)) (extra[k] ??= []).push(v);
  if (Object.keys(extra).length) e.extra = { ris: extra };
  return e;
}

export const ris: Layout = {
  name: 'ris',
  description: 'RIS: TY  - JOUR, AU  - Family, Given, TI  - …, ER  -',
  structured: true,
  detect(lines: Line[]): number {
    const first = lines[0];
    if (!first || !/^TY  -/.test(first.text)) return 0;
    return Math.max(0.9, share(lines, (l) => TAG.test(l.text)));
  },
  parse(lines, ctx) {
    const entries: RawEntry[] = [];
    const warnings: Warning[] = [];
    let tags: [string, string][] | null = null;
    let start = 0;
    const close = () => {
      if (tags) entries.push(toEntry(tags, ctx.file, start, warnings));
      tags = null;
    };
    for (const l of lines) {
      const m = TAG.exec(l.text);
      if (!m) {
        // A line without a tag continues the value before it (long abstracts wrap).
        const last = tags?.[tags.length - 1];
        if (last) last[1] = `${last[1]} ${l.text.trim()}`;
        else warnings.push({ code: 'orphan-line', file: ctx.file, line: l.n, message: 'text outside a record (before TY); skipped' });
        continue;
      }
      const [, tag, value = ''] = m;
      if (tag === 'TY') {
        if (tags) {
          warnings.push({ code: 'incomplete-entry', file: ctx.file, line: start, message: 'record has no ER line; read up to the next TY' });
          close();
        }
        tags = [];
        start = l.n;
      } else if (!tags) {
        warnings.push({ code: 'orphan-line', file: ctx.file, line: l.n, message: `${tag} outside a record (before TY); skipped` });
        continue;
      }
      if (tag === 'ER') {
        close();
        continue;
      }
      tags!.push([tag!, value.trim()]);
    }
    if (tags) {
      warnings.push({ code: 'incomplete-entry', file: ctx.file, line: start, message: 'record has no ER line at the end of the file; kept' });
      close();
    }
    return { entries, warnings };
  },
};

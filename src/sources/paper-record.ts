// lit's own paper records (its json, jsonl and yaml exports) read back as entries, field for field.
import { blankEntry, type Author, type Extra, type PaperDate, type RawEntry, type Warning } from '../model.js';
import { asObject, str } from './json.js';

/** True for an object shaped like a paper lit exported: the fields only lit writes together. */
export function isPaperRecord(v: unknown): boolean {
  const o = asObject(v);
  return Boolean(o && typeof o.id === 'string' && typeof o.key === 'string' && Array.isArray(o.sources) && 'provenance' in o);
}

function authors(v: unknown): Author[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((a) => {
    const o = asObject(a);
    if (!o) return [];
    const out: Author = { given: str(o.given) ?? '', family: str(o.family) ?? '' };
    if (str(o.suffix)) out.suffix = str(o.suffix)!;
    return out.given || out.family ? [out] : [];
  });
}

function date(v: unknown, inferred: unknown): PaperDate | null {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(String(v ?? ''));
  if (!m) return null;
  return { year: Number(m[1]), month: m[2] ? Number(m[2]) : null, day: m[3] ? Number(m[3]) : null, inferred: inferred === true };
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** One exported paper as an entry; null (with a warning) when it is not a paper record. */
export function paperRecordEntry(v: unknown, file: string, line: number, layout: string, warnings: Warning[]): RawEntry | null {
  const o = asObject(v);
  if (!o || !isPaperRecord(o)) {
    warnings.push({ code: 'bad-entry', file, line, message: 'not a paper as lit exports them (id, key, sources, provenance); skipped' });
    return null;
  }
  const e = blankEntry({ file, line, layout });
  e.key = str(o.key);
  e.aliases = strings(o.aliases);
  e.title = str(o.title);
  e.authors = authors(o.authorList);
  e.authorsTruncated = o.authorsTruncated === true;
  e.authorCount = num(o.authorCount);
  e.date = date(o.date, o.dateInferred);
  e.abstract = str(o.abstract);
  e.categories = strings(o.categories);
  e.organisation = str(o.organisation);
  e.upvotes = num(o.upvotes);
  e.score = num(o.score);
  e.code = typeof o.code === 'boolean' ? o.code : null;
  for (const f of ['type', 'doi', 'arxiv', 'arxivClass', 'url', 'codeUrl', 'venue', 'volume', 'number', 'pages', 'publisher', 'note'] as const) e[f] = str(o[f]);
  e.editors = authors(o.editors);
  e.keywords = strings(o.keywords);
  const extra = asObject(o.extra);
  if (extra) e.extra = extra as Extra;
  return e;
}

// CSL-JSON, as Zotero, Mendeley, pandoc and lit's own csl-json export write it: an array of
// items (or one item), names with particles or as literals, dates as parts, raw text or literal.
import { blankEntry, type Author, type PaperDate, type ParseResult, type RawEntry, type Warning } from '../../model.js';
import { arxivFrom, normalizeArxiv, normalizeDoi } from '../identifiers.js';
import { asObject, jsonItems, str } from '../json.js';
import { readsWholeText, type Layout } from '../layout.js';
import { withoutOthers } from '../names.js';
import { readLitNotes } from '../notes.js';

// CSL's types by the name lit keeps (BibLaTeX's). `article` is CSL's preprint or unpublished article.
const TYPES: Record<string, string> = {
  'article-journal': 'article', 'article-magazine': 'article', 'article-newspaper': 'article', 'paper-conference': 'inproceedings',
  book: 'book', chapter: 'incollection', thesis: 'thesis', report: 'report', webpage: 'online', post: 'online', 'post-weblog': 'online',
  dataset: 'dataset', software: 'software', manuscript: 'unpublished', patent: 'patent', article: 'misc', document: 'misc', entry: 'misc',
  'entry-encyclopedia': 'inreference', 'entry-dictionary': 'inreference', speech: 'misc', standard: 'report', periodical: 'periodical',
};
const MODELLED = new Set(['id', 'type', 'title', 'author', 'editor', 'issued', 'abstract', 'DOI', 'URL', 'container-title', 'volume', 'issue', 'page', 'publisher', 'keyword', 'note', 'number', 'archive', 'archive_location']);

function names(v: unknown): Author[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((n) => {
    const o = asObject(n);
    if (!o) return [];
    const literal = str(o.literal);
    if (literal) return [{ given: '', family: literal }];
    const family = [str(o['non-dropping-particle']), str(o.family)].filter(Boolean).join(' ');
    const given = [str(o.given), str(o['dropping-particle'])].filter(Boolean).join(' ');
    if (!family && !given) return [];
    const a: Author = { given, family: family || given };
    if (!family) a.given = '';
    if (str(o.suffix)) a.suffix = str(o.suffix)!;
    return [a];
  });
}

function issued(v: unknown): PaperDate | null {
  const o = asObject(v);
  if (!o) return null;
  const parts = Array.isArray(o['date-parts']) && Array.isArray(o['date-parts'][0]) ? (o['date-parts'][0] as unknown[]).map(Number) : null;
  if (parts && Number.isInteger(parts[0])) {
    const [y, m, d] = parts;
    return { year: y!, month: Number.isInteger(m) ? m! : null, day: Number.isInteger(m) && Number.isInteger(d) ? d! : null, inferred: false };
  }
  const text = str(o.raw) ?? str(o.literal);
  const iso = text && /(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(text);
  return iso ? { year: Number(iso[1]), month: iso[2] ? Number(iso[2]) : null, day: iso[3] ? Number(iso[3]) : null, inferred: false } : null;
}

function toEntry(v: unknown, file: string, line: number, warnings: Warning[]): RawEntry | null {
  const o = asObject(v);
  if (!o || typeof o.type !== 'string') {
    warnings.push({ code: 'bad-entry', file, line, message: 'not a CSL item (an object with a type); skipped' });
    return null;
  }
  const e = blankEntry({ file, line, layout: 'csl-json' });
  e.key = str(o.id);
  e.type = TYPES[o.type] ?? 'misc';
  // lit's own export gives an untitled paper a bracketed description; it is not a title.
  const title = str(o.title);
  e.title = title && /^\[Untitled; abstract begins: .*…\]$/.test(title) ? null : title;
  const authors = withoutOthers(names(o.author));
  e.authors = authors.authors;
  e.authorsTruncated ||= authors.truncated;
  e.editors = names(o.editor);
  e.date = issued(o.issued);
  e.abstract = str(o.abstract);
  e.doi = normalizeDoi(str(o.DOI));
  e.url = str(o.URL);
  // lit's export, like Zotero's, names the arXiv id as the archive location.
  e.arxiv = (str(o.archive)?.toLowerCase() === 'arxiv' ? normalizeArxiv(str(o.archive_location)) : null) ?? arxivFrom(e.doi, e.url);
  e.venue = str(o['container-title']);
  e.volume = str(o.volume);
  e.number = str(o.issue) ?? str(o.number);
  e.pages = str(o.page)?.replace(/(\d)-(\d)/, '$1–$2') ?? null;
  e.publisher = str(o.publisher);
  e.keywords = (str(o.keyword) ?? '').split(/\s*[,;]\s*/).filter(Boolean);
  readLitNotes(e, str(o.note));
  const extra: Record<string, unknown> = {};
  if (!TYPES[o.type]) extra.type = o.type;
  for (const [k, val] of Object.entries(o)) if (!MODELLED.has(k)) extra[k] = val;
  if (Object.keys(extra).length) e.extra = { csl: extra };
  return e;
}

function read(text: string, lineAt: (offset: number) => number, file: string): ParseResult {
  const { items, warnings } = jsonItems(text, lineAt, file);
  const entries: RawEntry[] = [];
  for (const { value, line } of items) {
    const e = toEntry(value, file, line, warnings);
    if (e) entries.push(e);
  }
  return { entries, warnings };
}

export const cslJson: Layout = {
  name: 'csl-json',
  description: 'CSL-JSON: [{"id": …, "type": "article-journal", "title": …, "author": [{"family": …}], …}]',
  structured: true,
  detect(lines) {
    const head = lines.slice(0, 60).map((l) => l.text).join('\n');
    // An item opens with one of CSL's own variables (Zotero and pandoc write `id` first): other
    // JSON that merely holds a "type" somewhere is not CSL.
    if (!/^\s*(\[\s*)?\{\s*"(id|type|title|author|issued|DOI|URL)"\s*:/.test(head) || !/"type"\s*:\s*"[a-z-]+"/.test(head)) return 0;
    // lit's own json export holds the same names; its records are read by lit-json.
    if (/"provenance"\s*:/.test(head) || /^\s*\[?\s*\{\s*"id"\s*:\s*"[^"]*"\s*,\s*"key"\s*:/.test(head)) return 0;
    return /"(title|author|issued|container-title|DOI)"\s*:/.test(head) ? 0.9 : 0.5;
  },
  ...readsWholeText(read),
};


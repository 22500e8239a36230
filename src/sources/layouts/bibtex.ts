// BibTeX and BibLaTeX (.bib): `@type{key, field = {value}, …}`, with @string macros and `#`
// concatenation, @preamble and @comment, quoted and braced values, month macros, crossref, and
// LaTeX decoded to Unicode. Our own parser, not a library: Better BibTeX's parser
// (@retorquere/bibtex-parser 9.0.29) took 39 s and 390 MB for 10,000 entries, gives no line
// numbers, and reads `{\'{\i}}` as ı́; this one reads 100,000 entries in a few seconds.
import { blankEntry, type Author, type PaperDate, type ParseResult, type RawEntry, type Warning } from '../../model.js';
import { decodeLatex } from '../latex.js';
import { readLitNotes } from '../notes.js';
import { arxivFrom, normalizeArxiv, normalizeDoi } from '../identifiers.js';
import { readsWholeText, share, type Layout, type Line } from '../layout.js';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

// BibTeX's and BibLaTeX's entry types, by the name lit keeps (BibLaTeX's).
const TYPES: Record<string, string> = {
  article: 'article', book: 'book', mvbook: 'book', inbook: 'inbook', bookinbook: 'inbook', suppbook: 'inbook', booklet: 'booklet',
  collection: 'collection', mvcollection: 'collection', incollection: 'incollection', suppcollection: 'incollection',
  inproceedings: 'inproceedings', conference: 'inproceedings', proceedings: 'proceedings', mvproceedings: 'proceedings',
  manual: 'manual', misc: 'misc', online: 'online', electronic: 'online', www: 'online', patent: 'patent', periodical: 'periodical',
  report: 'report', techreport: 'report', thesis: 'thesis', phdthesis: 'thesis', mastersthesis: 'thesis', unpublished: 'unpublished',
  dataset: 'dataset', software: 'software', reference: 'reference', inreference: 'inreference', set: 'misc', xdata: 'misc',
};

// Fields whose value is not LaTeX but text to keep as written.
const VERBATIM = new Set(['url', 'doi', 'eprint', 'file', 'pdf', 'urldate']);
// Fields lit reads into its model; all others are kept as written in `extra.bibtex`.
const MODELLED = new Set([
  'title', 'author', 'editor', 'year', 'month', 'day', 'date', 'abstract', 'doi', 'eprint', 'archiveprefix', 'eprinttype', 'primaryclass',
  'eprintclass', 'url', 'journal', 'journaltitle', 'booktitle', 'volume', 'number', 'issue', 'pages', 'publisher', 'organization',
  'keywords', 'note', 'crossref', 'ids',
]);
/** The sorting field lit's export adds to an entry without authors: not the source's own. */
const addedSortKey = (name: string, value: string, title: string | null, key: string) => (name === 'key' || name === 'sortkey') && [title, key].includes(clean(value));
// howpublished is the venue unless it is a link; then it stays as written.
const isLink = (v: string | undefined) => /\\url|https?:/.test(v ?? '');

const RESYNC = /\n\s*@[a-zA-Z]+\s*[{(]/g;

/** A problem found while reading, with the offset it was found at. */
class BibError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

/** One entry as written: its type, key, fields (name → raw value) and where each began. */
interface RawBib {
  type: string;
  key: string;
  fields: Map<string, string>;
  at: number;
}

/** Reads a .bib text into entries, macros and errors; an error skips to the next `@` that starts a line. */
class Scanner {
  i = 0;
  readonly entries: RawBib[] = [];
  readonly errors: BibError[] = [];
  /** Problems that leave the entry readable (an undefined @string reads as empty, as in BibTeX). */
  readonly notes: BibError[] = [];
  readonly macros = new Map<string, string>(MONTHS.map((m, k) => [m, String(k + 1)]));

  constructor(private readonly s: string) {}

  run(): void {
    const s = this.s;
    for (;;) {
      const at = s.indexOf('@', this.i);
      if (at < 0) return;
      this.i = at + 1;
      try {
        this.item(at);
      } catch (e) {
        if (!(e instanceof BibError)) throw e;
        this.errors.push(e);
        // Resynchronise at the next line that starts an entry.
        RESYNC.lastIndex = e.at;
        const next = RESYNC.exec(s);
        this.i = next ? next.index + 1 : s.length;
      }
    }
  }

  private ws(): void {
    const s = this.s;
    while (this.i < s.length && /\s/.test(s[this.i]!)) this.i++;
  }

  private name(): string {
    const m = /^[^\s"#%'(),={}]+/.exec(this.s.slice(this.i, this.i + 200));
    if (!m) return '';
    this.i += m[0].length;
    return m[0];
  }

  private item(at: number): void {
    const s = this.s;
    const type = /^[a-zA-Z]+/.exec(s.slice(this.i, this.i + 40))?.[0];
    // A lone `@` in text between entries (an e-mail address in a comment) is not an entry.
    if (!type) return;
    this.i += type.length;
    this.ws();
    const open = s[this.i];
    if (open !== '{' && open !== '(') return;
    const close = open === '{' ? '}' : ')';
    this.i++;
    const t = type.toLowerCase();
    if (t === 'comment' || t === 'preamble') {
      this.skipGroup(at, open, close);
      return;
    }
    if (t === 'string') {
      this.ws();
      const name = this.name().toLowerCase();
      if (!name) throw new BibError('@string without a name', this.i);
      this.ws();
      if (s[this.i] !== '=') throw new BibError(`@string ${name}: expected = after the name`, this.i);
      this.i++;
      this.macros.set(name, this.value());
      this.ws();
      if (s[this.i] === close) this.i++;
      return;
    }
    this.ws();
    const key = this.name();
    this.ws();
    if (s[this.i] === close) {
      this.i++;
      this.entries.push({ type: t, key, fields: new Map(), at });
      return;
    }
    if (s[this.i] !== ',') throw new BibError(`@${type}{${key}: expected a comma after the key`, this.i);
    this.i++;
    const fields = new Map<string, string>();
    for (;;) {
      this.ws();
      if (s[this.i] === close) {
        this.i++;
        break;
      }
      if (this.i >= s.length) throw new BibError(`@${type}{${key}: the entry is not closed`, at);
      const start = this.i;
      const name = this.name().toLowerCase();
      if (!name) throw new BibError(`@${type}{${key}: expected a field name, found ${JSON.stringify(s.slice(this.i, this.i + 12))}`, this.i);
      this.ws();
      if (s[this.i] !== '=') throw new BibError(`@${type}{${key}: expected = after ${name} (a missing comma before it?)`, start);
      this.i++;
      let value: string;
      try {
        value = this.value();
      } catch (e) {
        if (e instanceof BibError) throw new BibError(`@${type}{${key}, ${name}: ${e.message}`, e.at);
        throw e;
      }
      if (!fields.has(name)) fields.set(name, value);
      const end = this.i;
      this.ws();
      if (s[this.i] === ',') this.i++;
      else if (s[this.i] !== close) throw new BibError(`@${type}{${key}: expected a comma after the value of ${name}`, end);
    }
    this.entries.push({ type: t, key, fields, at });
  }

  private skipGroup(at: number, open: string, close: string): void {
    let depth = 1;
    const s = this.s;
    for (; this.i < s.length; this.i++) {
      const c = s[this.i];
      if (c === open) depth++;
      else if (c === close && --depth === 0) {
        this.i++;
        return;
      }
    }
    throw new BibError(`@${s.slice(at + 1, at + 8)}…: not closed`, at);
  }

  /** `{…}`, `"…"`, a number or a macro, joined by `#`. */
  private value(): string {
    const s = this.s;
    let out = '';
    for (;;) {
      this.ws();
      const c = s[this.i];
      if (c === '{') out += this.braced();
      else if (c === '"') out += this.quoted();
      else {
        const word = this.name();
        if (!word) throw new BibError(`expected a value, found ${JSON.stringify(s.slice(this.i, this.i + 12))}`, this.i);
        if (/^\d+$/.test(word)) out += word;
        else {
          const v = this.macros.get(word.toLowerCase());
          if (v === undefined) this.notes.push(new BibError(`@string ${word} is not defined; read as empty`, this.i - word.length));
          out += v ?? '';
        }
      }
      // Left just after the value when no `#` follows, so an error points at the line it ends on.
      const end = this.i;
      this.ws();
      if (s[this.i] !== '#') {
        this.i = end;
        return out;
      }
      this.i++;
    }
  }

  private braced(): string {
    const s = this.s;
    const start = this.i;
    let depth = 0;
    for (; this.i < s.length; this.i++) {
      const c = s[this.i];
      if (c === '{') depth++;
      else if (c === '}' && --depth === 0) {
        this.i++;
        return s.slice(start + 1, this.i - 1);
      } else if (c === '\n' && depth > 0 && /^\n\s*@[a-zA-Z]+\s*[{(][^,\s]*,/.test(s.slice(this.i, this.i + 80))) {
        // A new entry inside a value: the value's braces never closed.
        break;
      }
    }
    throw new BibError('unbalanced braces: a { that is never closed', start);
  }

  private quoted(): string {
    const s = this.s;
    const start = this.i;
    let depth = 0;
    for (this.i++; this.i < s.length; this.i++) {
      const c = s[this.i];
      if (c === '{') depth++;
      else if (c === '}') depth--;
      else if (c === '"' && depth === 0) {
        this.i++;
        return s.slice(start + 1, this.i - 1);
      } else if (c === '\n' && /^\n\s*@[a-zA-Z]+\s*[{(][^,\s]*,/.test(s.slice(this.i, this.i + 80))) break;
    }
    throw new BibError('a quoted value that is never closed', start);
  }
}

/** Splits at a separator outside braces. */
function splitTop(s: string, sep: RegExp): string[] {
  const out: string[] = [];
  let depth = 0;
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (depth === 0) {
      sep.lastIndex = i;
      const m = sep.exec(s);
      if (m && m.index === i) {
        out.push(s.slice(last, i));
        i += m[0].length - 1;
        last = i + 1;
      }
    }
  }
  out.push(s.slice(last));
  return out;
}

const clean = (s: string) => decodeLatex(s).replace(/\s+/g, ' ').trim();

/** One BibTeX name: `Family, Given`, `Family, Jr, Given`, `Given von Family`, or `{Corporate Name}`. */
export function parseBibName(raw: string): Author {
  const name = raw.trim();
  // `{Google DeepMind}`: one braced group is a name BibTeX must not split.
  if (name.startsWith('{') && name.endsWith('}') && balancedWhole(name)) return { given: '', family: clean(name.slice(1, -1)) };
  const parts = splitTop(name, /,/y).map((p) => p.trim());
  if (parts.length >= 3) return withSuffix({ family: clean(parts[0]!), given: clean(parts.slice(2).join(', ')) }, clean(parts[1]!));
  if (parts.length === 2) return { family: clean(parts[0]!), given: clean(parts[1]!) };
  const words = splitTop(name, /\s+/y).filter(Boolean);
  if (words.length === 1) return { given: '', family: clean(words[0]!) };
  // `Ludwig van Beethoven`: the von part starts at the first lower-case word before the last.
  const lower = (w: string) => /^[a-z]/.test(w.replace(/^\{?\\[a-zA-Z]+\s*/, '').replace(/^[{\\'"`^~]+/, ''));
  let v = words.findIndex((w, i) => i > 0 && i < words.length - 1 && lower(w));
  if (v < 0) v = words.length - 1;
  return { given: clean(words.slice(0, v).join(' ')), family: clean(words.slice(v).join(' ')) };
}

function balancedWhole(s: string): boolean {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '{') depth++;
    else if (s[i] === '}' && --depth === 0 && i < s.length - 1) return false;
  }
  return true;
}

function withSuffix(a: Author, suffix: string): Author {
  return suffix ? { ...a, suffix } : a;
}

/** A name list: `A and B and others`; `others` marks a list cut short. */
export function parseBibNames(raw: string): { names: Author[]; truncated: boolean } {
  const parts = splitTop(raw.trim(), /\s+and\s+/iy).map((p) => p.trim()).filter(Boolean);
  const truncated = parts.length > 0 && parts[parts.length - 1]!.toLowerCase() === 'others';
  return { names: (truncated ? parts.slice(0, -1) : parts).map(parseBibName), truncated };
}

function parseDate(f: Map<string, string>): PaperDate | null {
  const date = f.get('date');
  const iso = date && /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(date.trim());
  if (iso) return { year: Number(iso[1]), month: iso[2] ? Number(iso[2]) : null, day: iso[3] ? Number(iso[3]) : null, inferred: false };
  const year = /\d{4}/.exec(f.get('year') ?? '')?.[0];
  if (!year) return null;
  const m = (f.get('month') ?? '').trim().toLowerCase();
  const month = /^\d{1,2}$/.test(m) ? Number(m) : MONTHS.indexOf(m.slice(0, 3)) + 1 || null;
  const day = /^\d{1,2}$/.test((f.get('day') ?? '').trim()) ? Number(f.get('day')) : null;
  return { year: Number(year), month: month && month <= 12 ? month : null, day: month ? day : null, inferred: false };
}

// What a child entry takes from the entry it cross-references (BibLaTeX's defaults).
const INHERIT: Record<string, string> = { title: 'booktitle', booktitle: 'booktitle', journaltitle: 'journaltitle', journal: 'journal' };

function toEntry(b: RawBib, file: string, line: number, warnings: Warning[]): RawEntry {
  const f = b.fields;
  const e = blankEntry({ file, line, layout: 'bibtex' });
  const type = TYPES[b.type];
  if (!type) warnings.push({ code: 'bad-entry', file, line, message: `@${b.type} is not a BibTeX or BibLaTeX entry type; read as @misc` });
  e.type = type ?? 'misc';
  e.key = b.key || null;
  const title = f.get('title');
  e.title = title ? clean(title) || null : null;
  const author = f.get('author');
  if (author) {
    const { names, truncated } = parseBibNames(author);
    e.authors = names;
    e.authorsTruncated = truncated;
  }
  if (f.get('editor')) e.editors = parseBibNames(f.get('editor')!).names;
  e.date = parseDate(f);
  const abstract = f.get('abstract');
  e.abstract = abstract ? clean(abstract) || null : null;
  e.doi = normalizeDoi(f.get('doi'));
  e.url = f.get('url')?.trim() || null;
  const eprintType = (f.get('archiveprefix') ?? f.get('eprinttype') ?? '').trim().toLowerCase();
  e.arxiv = (eprintType === 'arxiv' || /^arxiv:/i.test(f.get('eprint') ?? '') ? normalizeArxiv(f.get('eprint')) : null) ?? arxivFrom(e.doi, e.url);
  e.arxivClass = (f.get('primaryclass') ?? f.get('eprintclass'))?.trim() || null;
  // howpublished holds the venue of a @misc, as lit's export writes it.
  const venue = f.get('journal') ?? f.get('journaltitle') ?? f.get('booktitle') ?? (isLink(f.get('howpublished')) ? undefined : f.get('howpublished'));
  e.venue = venue ? clean(venue) : null;
  e.volume = f.get('volume')?.trim() || null;
  e.number = (f.get('number') ?? f.get('issue'))?.trim() || null;
  e.pages = f.get('pages') ? clean(f.get('pages')!) : null;
  e.publisher = f.get('publisher') ? clean(f.get('publisher')!) : null;
  e.organisation = f.get('organization') ? clean(f.get('organization')!) : null;
  e.keywords = f.get('keywords') ? clean(f.get('keywords')!).split(/\s*[,;]\s*/).filter(Boolean) : [];
  readLitNotes(e, f.get('note') ? clean(f.get('note')!) : null);
  e.aliases = f.get('ids') ? f.get('ids')!.split(/\s*,\s*/).map((s) => s.trim()).filter(Boolean) : [];
  const extra: Record<string, string> = {};
  // The type as written, so the BibTeX export gives back @phdthesis rather than @thesis.
  if (type && b.type !== type) extra['@type'] = b.type;
  for (const [name, value] of f) {
    if (MODELLED.has(name) || addedSortKey(name, value, e.title, b.key) || (name === 'howpublished' && e.venue && !isLink(value) && !f.get('journal') && !f.get('journaltitle') && !f.get('booktitle'))) continue;
    extra[name] = VERBATIM.has(name) ? value.trim() : value;
  }
  if (Object.keys(extra).length) e.extra = { bibtex: extra };
  return e;
}

export const bibtex: Layout = {
  name: 'bibtex',
  description: 'BibTeX or BibLaTeX: @article{key, author = {…}, title = {…}, …}',
  structured: true,
  detect(lines: Line[]): number {
    const starts = share(lines, (l) => /^\s*@[a-zA-Z]+\s*[{(]/.test(l.text), 400);
    if (starts === 0) return 0;
    const fields = share(lines, (l) => /^\s*[a-zA-Z][\w:.-]*\s*=/.test(l.text) || /^\s*[})]\s*,?$/.test(l.text) || /^\s*@/.test(l.text) || /^\s*%/.test(l.text), 400);
    // The first line that is not a comment opens an entry: a .bib, not text that mentions one.
    const first = lines.find((l) => !/^\s*%/.test(l.text));
    return first && /^\s*@[a-zA-Z]+\s*[{(]/.test(first.text) ? Math.max(0.9, fields) : fields * 0.8;
  },
  ...readsWholeText(parseBib),
};

function parseBib(text: string, lineAt: (offset: number) => number, file: string): ParseResult {
  const ctx = { file };
  const scanner = new Scanner(text);
  scanner.run();
  const warnings: Warning[] = [];
  // A file that only looks like BibTeX: one warning, not one per line.
  if (!scanner.entries.length && scanner.errors.length) {
    const e = scanner.errors[0]!;
    warnings.push({ code: 'bad-entry', file: ctx.file, line: lineAt(e.at), message: `no BibTeX entry could be read (${scanner.errors.length} problem${scanner.errors.length === 1 ? '' : 's'}, the first: ${e.message}); file skipped` });
    return { entries: [], warnings };
  }
  for (const e of scanner.errors) warnings.push({ code: 'bad-entry', file: ctx.file, line: lineAt(e.at), message: `${e.message}; entry skipped` });
  for (const e of scanner.notes) warnings.push({ code: 'bad-entry', file: ctx.file, line: lineAt(e.at), message: e.message });
  const byKey = new Map<string, RawBib>();
  for (const b of scanner.entries) {
    const prev = byKey.get(b.key.toLowerCase());
    if (prev && b.key) warnings.push({ code: 'duplicate-key', file: ctx.file, line: lineAt(b.at), message: `key ${b.key} is used again (first at line ${lineAt(prev.at)})` });
    else byKey.set(b.key.toLowerCase(), b);
  }
  // crossref: a child takes what it lacks from its parent, the parent's title as its booktitle.
  for (const b of scanner.entries) {
    const ref = b.fields.get('crossref')?.trim();
    if (!ref) continue;
    const parent = byKey.get(ref.toLowerCase());
    if (!parent) {
      warnings.push({ code: 'bad-crossref', file: ctx.file, line: lineAt(b.at), message: `@${b.type}{${b.key}: crossref ${ref} is not in this file` });
      continue;
    }
    for (const [name, value] of parent.fields) {
      const as = INHERIT[name] ?? (name === 'ids' || name === 'crossref' ? null : name);
      if (as && !b.fields.has(as)) b.fields.set(as, value);
    }
  }
  const entries = scanner.entries.map((b) => toEntry(b, ctx.file, lineAt(b.at), warnings));
  return { entries, warnings };
}

// The one shared model: sources emit RawEntry, merging makes Paper, formatters read Paper.

/** A calendar date as precise as the source gave it; `inferred` marks a year we supplied. */
export interface PaperDate {
  year: number | null;
  month: number | null; // 1-12
  day: number | null;
  /** true when the year was not printed and was inferred from the file. */
  inferred: boolean;
}

/** One author as a listing names them. */
export interface Author {
  given: string;
  family: string;
  /** `Jr.`, `III`: BibTeX's "jr" part, written `Family, Jr., Given`. */
  suffix?: string;
}

/** Where an entry was read: the file as given (or relative to its source folder), 1-based line. */
export interface SourceRef {
  file: string;
  line: number;
  layout: string;
}

/**
 * Fields a bibliography format carries that lit does not model, kept as read so the export of
 * the same family writes them back: a `.bib` field lit does not know returns in the BibTeX export.
 */
export interface Extra {
  /** BibTeX/BibLaTeX fields, lowercased name → the value as written between the braces. */
  bibtex?: Record<string, string>;
  /** RIS tags → their values, in order. */
  ris?: Record<string, string[]>;
  /** CSL-JSON variables, as read. */
  csl?: Record<string, unknown>;
}

/** What bibliography formats say about a paper beyond title, authors, date and abstract. */
/** lit's paper types, which are BibLaTeX's entry types: what `type:` takes and BibLaTeX exports write. */
export const PAPER_TYPES = ['article', 'book', 'inbook', 'incollection', 'inproceedings', 'proceedings', 'thesis', 'report', 'unpublished', 'manual', 'booklet', 'collection', 'online', 'misc', 'dataset', 'software', 'patent', 'periodical', 'reference', 'inreference'];

export interface BibFields {
  /** Entry type in BibLaTeX's names: article, inproceedings, book, incollection, thesis, report, misc, online, … */
  type: string | null;
  /** Without `https://doi.org/`; DOIs compare without regard to case. */
  doi: string | null;
  /** The arXiv identifier without version: `2401.01234`, `hep-th/9901001`. */
  arxiv: string | null;
  /** arXiv's primary class (`cs.LG`), BibLaTeX's `primaryClass`. */
  arxivClass: string | null;
  url: string | null;
  /** Where the code is, when a listing or a record says. */
  codeUrl: string | null;
  /** Journal, or the proceedings' or book's title. */
  venue: string | null;
  volume: string | null;
  number: string | null;
  pages: string | null;
  publisher: string | null;
  editors: Author[];
  keywords: string[];
  note: string | null;
  extra: Extra;
}

/** One entry as a source layout read it, before merging. */
export interface RawEntry extends SourceRef, BibFields {
  /** The citation key the source gave it (a `.bib` key, a CSL id, lit's own key). */
  key: string | null;
  /** Other keys the source knows it by (lit's own export lists them as aliases). */
  aliases: string[];
  title: string | null;
  authors: Author[];
  /** true when the listing cut the author list short (`et al.`). */
  authorsTruncated: boolean;
  authorCount: number | null;
  abstract: string | null;
  date: PaperDate | null;
  categories: string[];
  organisation: string | null;
  upvotes: number | null;
  score: number | null;
  code: boolean | null;
}

/** A problem found while reading: a stable code, where, and why. */
export interface Warning {
  code: string;
  message: string;
  file?: string;
  line?: number;
}

/** Told as slow work advances (`done` of `total`; `long` when this step is known to take a while), so a terminal can show progress; the core never prints. */
export type Progress = (stage: string, done?: number, total?: number, hint?: { long: boolean }) => void;

/** What a layout parser returns for one file. */
export interface ParseResult {
  entries: RawEntry[];
  warnings: Warning[];
}

export type ProvenanceField =
  | 'title'
  | 'authors'
  | 'authorCount'
  | 'abstract'
  | 'date'
  | 'categories'
  | 'organisation'
  | 'upvotes'
  | 'score'
  | 'code'
  | 'type'
  | 'doi'
  | 'arxiv'
  | 'url'
  | 'codeUrl'
  | 'venue'
  | 'publisher'
  | 'editors'
  | 'note';

/** A merged paper: the best of each field and, per field, the entry that supplied it. */
export interface Paper extends BibFields {
  id: string;
  key: string;
  /** Keys this paper had before: merged papers' keys and keys changed by hand; they still name it. */
  aliases: string[];
  title: string | null;
  authors: string[];
  authorList: Author[];
  authorsTruncated: boolean;
  authorCount: number | null;
  year: number | null;
  date: string | null;
  dateInferred: boolean;
  abstract: string | null;
  categories: string[];
  organisation: string | null;
  upvotes: number | null;
  score: number | null;
  code: boolean | null;
  sources: SourceRef[];
  provenance: Partial<Record<ProvenanceField, SourceRef>>;
}

/** Why a group of entries became one paper. */
export interface MergeReason {
  kind: 'same-title' | 'matching-abstract' | 'same-doi' | 'same-arxiv';
  /** For abstract matches: the similarity that cleared the threshold. */
  similarity?: number;
  a: SourceRef;
  b: SourceRef;
}

/** Builds an empty entry at a place; parsers fill in what their layout carries. */
export function blankEntry(ref: SourceRef): RawEntry {
  // Filled in place rather than spread: a large listing makes hundreds of thousands of these.
  const e = blankBib() as RawEntry;
  e.file = ref.file;
  e.line = ref.line;
  e.layout = ref.layout;
  e.key = null;
  e.aliases = [];
  e.title = null;
  e.authors = [];
  e.authorsTruncated = false;
  e.authorCount = null;
  e.abstract = null;
  e.date = null;
  e.categories = [];
  e.organisation = null;
  e.upvotes = null;
  e.score = null;
  e.code = null;
  return e;
}

/** Bibliography fields with nothing known. */
export function blankBib(): BibFields {
  return {
    type: null,
    doi: null,
    arxiv: null,
    arxivClass: null,
    url: null,
    codeUrl: null,
    venue: null,
    volume: null,
    number: null,
    pages: null,
    publisher: null,
    editors: [],
    keywords: [],
    note: null,
    extra: {},
  };
}

/** `Given Family`, the display form the JSON output uses. */
export function displayName(a: Author): string {
  return [a.given, a.family].filter(Boolean).join(' ') + (a.suffix ? `, ${a.suffix}` : '');
}

/** ISO-like date text at the precision known: `2024-10-02`, `2024-10`, `2024`. */
export function formatDate(d: PaperDate | null): string | null {
  if (!d || d.year === null) return null;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (d.month === null) return String(d.year);
  if (d.day === null) return `${d.year}-${pad(d.month)}`;
  return `${d.year}-${pad(d.month)}-${pad(d.day)}`;
}

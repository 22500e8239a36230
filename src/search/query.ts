// Query syntax: words, "quoted phrases", field:value, year:2024 or year:2023..2025, -exclusions.
import { EXIT, LitError } from '../errors.js';
import { PAPER_TYPES } from '../model.js';
import type { Field } from './analyze.js';

export interface FieldTerm {
  field: Field;
  value: string;
}

export interface Query {
  /** Plain words: papers with all of them rank above papers with some. */
  words: string[];
  /** Quoted phrases: each must appear as written (case and accents aside). */
  phrases: string[];
  /** Words that must match in one field. */
  fields: FieldTerm[];
  /** Words or phrases whose papers are left out. */
  exclude: string[];
  /** Field terms whose papers are left out (`-author:liu`). */
  excludeFields: FieldTerm[];
  year: { from: number; to: number } | null;
  /** `key:` (a key or alias, exactly) and `id:` (an id or its first digits): several select all of them. */
  names: NameTerm[];
  /** `type:`, `venue:` and `doi:`: conditions on a paper's record; several must all hold. */
  filters: FilterTerm[];
}

export interface FilterTerm {
  field: 'type' | 'venue' | 'doi';
  value: string;
  negate: boolean;
}



export interface NameTerm {
  field: 'key' | 'id';
  value: string;
  negate: boolean;
}

const FIELD_NAMES: Record<string, Field> = {
  author: 'authors',
  authors: 'authors',
  title: 'title',
  abstract: 'abstract',
  category: 'categories',
  cat: 'categories',
  org: 'organisation',
  organisation: 'organisation',
  organization: 'organisation',
};

const EXAMPLE: Record<string, string> = { year: 'year:2024 or year:2023..2025', author: 'author:liu', key: 'key:sun2025curse', id: 'id:3d4c6b', type: 'type:inproceedings', venue: 'venue:neurips', doi: 'doi:10.48550' };
const FILTERS = new Set(['type', 'venue', 'doi']);

/** The field names a query may use, for help and completion. */
export const QUERY_FIELDS = ['author', 'title', 'abstract', 'category', 'org', 'year', 'key', 'id', 'type', 'venue', 'doi'];

function parseYear(v: string): { from: number; to: number } {
  const m = /^(\d{4})?(?:(\.\.)(\d{4})?)?$/.exec(v);
  if (!m || (!m[1] && !m[3])) throw new LitError('bad-query', `year:${v}: expected year:2024, year:2023..2025, year:2023.. or year:..2025`, EXIT.usage);
  const from = m[1] ? Number(m[1]) : -Infinity;
  const to = m[2] ? (m[3] ? Number(m[3]) : Infinity) : from;
  if (from > to) throw new LitError('bad-query', `year:${v}: the range runs backwards`, EXIT.usage);
  return { from, to };
}

/**
 * The query around one place, on a line of its own with a caret under that place: at most 30
 * characters either side, so a long query does not bury the caret.
 */
export function pointAt(text: string, at: number): string {
  const from = Math.max(0, at - 30);
  const lead = from ? '…' : '';
  return `  ${lead}${text.slice(from, at + 30)}${at + 30 < text.length ? '…' : ''}\n  ${' '.repeat(lead.length + at - from)}^`;
}

/** Parses the words of a query as typed (the shell has already split them). */
export function parseQuery(input: string): Query {
  const q: Query = { words: [], phrases: [], fields: [], exclude: [], excludeFields: [], year: null, names: [], filters: [] };
  // -? then field: then a quoted or bare value, or a quoted phrase, or a bare word.
  const re = /(-)?(?:([A-Za-z]+):)?(?:"([^"]*)"?|(\S+))/g;
  // An unbalanced quote would swallow the rest of the query into a phrase: say where it is.
  const quotes = [...input.matchAll(/"/g)].map((m) => m.index!);
  if (quotes.length % 2 === 1) {
    const at = quotes[quotes.length - 1]!;
    throw new LitError('bad-query', `the quote at character ${at + 1} is never closed (close it, or leave it out):\n${pointAt(input, at)}`, EXIT.usage);
  }
  let years = 0;
  for (const m of input.matchAll(re)) {
    const [, neg, , quoted, bare] = m;
    let rawField = m[2];
    // `author:` with nothing after it: the regex took it for a bare word.
    const empty = !rawField && bare ? /^([A-Za-z]+):$/.exec(bare) : null;
    if (empty) rawField = empty[1];
    let field = rawField?.toLowerCase();
    let value = empty ? '' : (quoted ?? bare ?? '');
    if (field && !(field in FIELD_NAMES) && field !== 'year' && field !== 'key' && field !== 'id' && !FILTERS.has(field)) {
      // `http://…` is a link, a word like any other; `foo:bar` is a field lit does not have.
      if (value.startsWith('//')) {
        value = `${rawField}:${value}`;
        field = undefined;
      } else {
        throw new LitError('bad-query', `${rawField}: is not a field (known: ${QUERY_FIELDS.map((f) => `${f}:`).join(' ')}); to search for "${rawField}:${value}" as text, quote it`, EXIT.usage);
      }
    }
    if (field && !value.trim()) throw new LitError('bad-query', `${rawField}: needs a value, as in ${EXAMPLE[field] ?? `${field}:word`}`, EXIT.usage);
    if (!value.trim()) continue;
    if (field === 'year' && ++years > 1) throw new LitError('bad-query', 'give one year: (a year, or a range such as year:2023..2025), not two', EXIT.usage);
    if (field === 'type' && !PAPER_TYPES.includes(value.toLowerCase())) {
      throw new LitError('bad-query', `type:${value}: not a type (known: ${PAPER_TYPES.join(' ')})`, EXIT.usage);
    }
    if (field === 'type' || field === 'venue' || field === 'doi') {
      q.filters.push({ field, value: value.toLowerCase(), negate: Boolean(neg) });
    } else if (field === 'key' || field === 'id') {
      q.names.push({ field, value: field === 'id' ? value.toLowerCase() : value, negate: Boolean(neg) });
    } else if (field === 'year') {
      if (neg) throw new LitError('bad-query', `-year:${value}: a year cannot be excluded; use a range such as year:..2022`, EXIT.usage);
      q.year = parseYear(value);
    } else if (neg && field) q.excludeFields.push({ field: FIELD_NAMES[field]!, value });
    else if (neg) {
      if (/[\p{L}\p{N}]/u.test(value)) q.exclude.push(value);
    } else if (field) q.fields.push({ field: FIELD_NAMES[field]!, value });
    else if (quoted !== undefined) q.phrases.push(value);
    // A word of punctuation alone (`-`, `--`, `—`) holds nothing to search for.
    else if (/[\p{L}\p{N}]/u.test(value)) q.words.push(value);
  }
  return q;
}

/** True when the query asks for nothing at all. */
export function isEmptyQuery(q: Query): boolean {
  return !q.words.length && !q.phrases.length && !q.fields.length && !q.year && !q.exclude.length && !q.excludeFields.length && !q.names.length && !q.filters.length;
}

// Query syntax: words, "quoted phrases", field:value, year:2024 or year:2023..2025, -exclusions.
import { EXIT, LitError } from '../errors.js';
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
  year: { from: number; to: number } | null;
  /** `key:` (a key or alias, exactly) and `id:` (an id or its first digits): several select all of them. */
  names: NameTerm[];
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

/** The field names a query may use, for help and completion. */
export const QUERY_FIELDS = ['author', 'title', 'abstract', 'category', 'org', 'year', 'key', 'id'];

function parseYear(v: string): { from: number; to: number } {
  const m = /^(\d{4})?(?:(\.\.)(\d{4})?)?$/.exec(v);
  if (!m || (!m[1] && !m[3])) throw new LitError('bad-query', `year:${v}: expected year:2024, year:2023..2025, year:2023.. or year:..2025`, EXIT.usage);
  const from = m[1] ? Number(m[1]) : -Infinity;
  const to = m[2] ? (m[3] ? Number(m[3]) : Infinity) : from;
  if (from > to) throw new LitError('bad-query', `year:${v}: the range runs backwards`, EXIT.usage);
  return { from, to };
}

/** Parses the words of a query as typed (the shell has already split them). */
export function parseQuery(input: string): Query {
  const q: Query = { words: [], phrases: [], fields: [], exclude: [], year: null, names: [] };
  // -? then field: then a quoted or bare value, or a quoted phrase, or a bare word.
  const re = /(-)?(?:([A-Za-z]+):)?(?:"([^"]*)"?|(\S+))/g;
  for (const m of input.matchAll(re)) {
    const [, neg, rawField, quoted, bare] = m;
    let field = rawField?.toLowerCase();
    let value = quoted ?? bare ?? '';
    // `SoS1:` or `http:` are words, not fields: only known names make a field.
    if (field && !(field in FIELD_NAMES) && field !== 'year' && field !== 'key' && field !== 'id') {
      value = `${rawField}:${value}`;
      field = undefined;
    }
    if (!value.trim()) continue;
    if (field === 'key' || field === 'id') {
      q.names.push({ field, value: field === 'id' ? value.toLowerCase() : value, negate: Boolean(neg) });
    } else if (field === 'year') {
      if (neg) throw new LitError('bad-query', `-year:${value}: a year cannot be excluded; use a range such as year:..2022`, EXIT.usage);
      q.year = parseYear(value);
    } else if (neg) q.exclude.push(value);
    else if (field) q.fields.push({ field: FIELD_NAMES[field]!, value });
    else if (quoted !== undefined) q.phrases.push(value);
    else q.words.push(value);
  }
  return q;
}

/** True when the query asks for nothing at all. */
export function isEmptyQuery(q: Query): boolean {
  return !q.words.length && !q.phrases.length && !q.fields.length && !q.year && !q.exclude.length && !q.names.length;
}

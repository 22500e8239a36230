// CSV per RFC 4180, safe to open in a spreadsheet.
import type { Paper } from '../model.js';

const COLUMNS: [string, (p: Paper) => string | number | boolean | null][] = [
  ['key', (p) => p.key],
  ['id', (p) => p.id],
  ['title', (p) => p.title],
  ['authors', (p) => p.authors.join('; ') + (p.authorsTruncated ? '; et al.' : '')],
  ['author_count', (p) => p.authorCount],
  ['year', (p) => p.year],
  ['date', (p) => p.date],
  ['date_inferred', (p) => p.dateInferred],
  ['categories', (p) => p.categories.join('; ')],
  ['organisation', (p) => p.organisation],
  ['abstract', (p) => p.abstract],
  ['sources', (p) => p.sources.map((s) => `${s.file}:${s.line}`).join('; ')],
];

/**
 * One cell. A cell a spreadsheet would run as a formula (starting with = + - @, or a tab or
 * carriage return that some programs skip first) gets a leading apostrophe, as OWASP advises.
 */
export function csvCell(value: string | number | boolean | null): string {
  if (value === null) return '';
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csv(papers: Paper[]): string {
  const rows = [COLUMNS.map(([name]) => name), ...papers.map((p) => COLUMNS.map(([, get]) => csvCell(get(p))))];
  return rows.map((r) => `${r.join(',')}\r\n`).join('');
}

// Reading JSON sources (CSL-JSON, lit's own exports) with line numbers for each item.
import type { Warning } from '../model.js';

/** The items of a JSON array (or the one object) with the line each starts on; or the syntax error. */
export function jsonItems(text: string, lineAt: (offset: number) => number, file: string): { items: { value: unknown; line: number }[]; warnings: Warning[] } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const at = /position (\d+)/.exec((e as Error).message);
    const line = at ? lineAt(Number(at[1])) : undefined;
    return { items: [], warnings: [{ code: 'bad-json', file, ...(line ? { line } : {}), message: `not valid JSON (${(e as Error).message.replace(/ in JSON at position \d+.*$/, '')}); file skipped` }] };
  }
  if (!Array.isArray(data)) return { items: [{ value: data, line: lineAt(text.search(/\S/)) }], warnings: [] };
  const starts = elementStarts(text);
  return { items: data.map((value, i) => ({ value, line: lineAt(starts[i] ?? 0) })), warnings: [] };
}

/** Where each element of the top-level array starts, found by skipping strings and nesting. */
function elementStarts(text: string): number[] {
  const out: number[] = [];
  let depth = 0;
  let expect = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      if (depth === 1 && expect) {
        out.push(i);
        expect = false;
      }
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      continue;
    }
    if (/\s/.test(c)) continue;
    if (depth === 1 && expect && c !== ']') {
      out.push(i);
      expect = false;
    }
    if (c === '[' || c === '{') {
      depth++;
      if (depth === 1) expect = true;
    } else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 1) expect = true;
  }
  return out;
}

/** One object per line (JSON Lines), each with its line; a bad line is a warning and is skipped. */
export function jsonLines(text: string, file: string): { items: { value: unknown; line: number }[]; warnings: Warning[] } {
  const items: { value: unknown; line: number }[] = [];
  const warnings: Warning[] = [];
  let n = 0;
  for (const raw of text.split('\n')) {
    n++;
    if (!raw.trim()) continue;
    try {
      items.push({ value: JSON.parse(raw), line: n });
    } catch (e) {
      warnings.push({ code: 'bad-json', file, line: n, message: `not a JSON object (${(e as Error).message.replace(/ in JSON at position \d+.*$/, '')}); line skipped` });
    }
  }
  return { items, warnings };
}

/** A plain object, or null. */
export function asObject(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/** A string value, or null for anything else. */
export const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : typeof v === 'number' ? String(v) : null);

// lit's own `json` (one array) and `jsonl` (one paper a line) exports, read back field for field.
import type { ParseResult, RawEntry, Warning } from '../../model.js';
import { jsonItems, jsonLines } from '../json.js';
import { readsWholeText, type Layout } from '../layout.js';
import { paperRecordEntry } from '../paper-record.js';

// A paper as lit writes it: these keys, in this order, open every record.
const RECORD_START = /^\s*\[?\s*\{\s*"id"\s*:\s*"[^"]*"\s*,\s*"key"\s*:/;

function read(text: string, lineAt: (offset: number) => number, file: string): ParseResult {
  const jsonl = !/^\s*\[/.test(text) && text.trim().split('\n').length > 1;
  const { items, warnings } = jsonl ? jsonLines(text, file) : jsonItems(text, lineAt, file);
  const entries: RawEntry[] = [];
  const more: Warning[] = [];
  for (const { value, line } of items) {
    const e = paperRecordEntry(value, file, line, 'lit-json', more);
    if (e) entries.push(e);
  }
  return { entries, warnings: [...warnings, ...more] };
}

export const litJson: Layout = {
  name: 'lit-json',
  description: "lit's own json or jsonl export: the full paper records",
  structured: true,
  detect(lines) {
    const head = lines.slice(0, 4).map((l) => l.text).join(' ');
    return RECORD_START.test(head) ? 0.95 : 0;
  },
  ...readsWholeText(read),
};

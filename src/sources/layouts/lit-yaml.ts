// lit's own `yaml` export read back: a list of paper records.
import { yaml } from '../../lazy.js';
import type { ParseResult, RawEntry, Warning } from '../../model.js';
import { readsWholeText, type Layout } from '../layout.js';
import { paperRecordEntry } from '../paper-record.js';

function read(text: string, file: string): ParseResult {
  const { LineCounter, parseDocument, isSeq } = yaml();
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const warnings: Warning[] = [];
  const first = doc.errors[0];
  if (first) return { entries: [], warnings: [{ code: 'bad-yaml', file, line: lc.linePos(first.pos[0]).line, message: `not valid YAML (${first.message.split('\n')[0]}); file skipped` }] };
  const seq = doc.contents;
  if (!isSeq(seq)) return { entries: [], warnings: [{ code: 'bad-yaml', file, line: 1, message: 'not a list of papers; file skipped' }] };
  const entries: RawEntry[] = [];
  for (const item of seq.items) {
    const line = lc.linePos(item.range?.[0] ?? 0).line;
    let value: unknown;
    try {
      // Exported text has no aliases; refusing them keeps a hostile file from expanding without end.
      value = item.toJS(doc, { maxAliasCount: 0 });
    } catch (e) {
      warnings.push({ code: 'bad-yaml', file, line, message: `${(e as Error).message}; skipped` });
      continue;
    }
    const e = paperRecordEntry(value, file, line, 'lit-yaml', warnings);
    if (e) entries.push(e);
  }
  return { entries, warnings };
}

export const litYaml: Layout = {
  name: 'lit-yaml',
  description: "lit's own yaml export: a list of full paper records",
  structured: true,
  detect(lines) {
    const [a, b] = lines;
    return a && b && /^- id: \S+$/.test(a.text) && /^ {2}key: /.test(b.text) ? 0.95 : 0;
  },
  ...readsWholeText((text, _lineAt, file) => read(text, file)),
};

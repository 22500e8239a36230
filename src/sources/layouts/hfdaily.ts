// Hugging Face Daily Papers page text: a page header, then blocks of title, abstract, an author
// count (`  • 9 authors`) or organisation (`google Google`), a `·` line and a date (`Jan 29 3`).
import { inferYears, makeDate, MONTH_PATTERN } from '../../dates.js';
import { blankEntry, type PaperDate, type RawEntry, type Warning } from '../../model.js';
import { squash } from '../../text.js';
import type { Layout, Line } from '../layout.js';

const COUNT = /^\s*[•·*-]\s*(\d+)\s+authors?\s*$/;
const DOT = /^\s*[·•]\s*$/;
// `Oct 2, 2024`, or `Jan 29 3` where the trailing number is the upvote count.
const DATE = new RegExp(String.raw`^\s*(${MONTH_PATTERN}) (\d{1,2})(?:, (\d{4}))?(?: (\d+))?\s*$`);
// An organisation line is its slug and its display name: `meituan-longcat LongCat`, `zai-org Z.ai`.
const ORG = /^\s*[a-z0-9][a-z0-9._-]*\s+(\S.*)$/;
const HEADER_LINES = new Set(['new', 'get trending papers in your email inbox!', 'subscribe', 'daily papers', 'byak and the research community']);
// Titles are one short line; abstracts run to hundreds of characters. A short line where an
// abstract is expected is the next block's title when another text line follows it.
const SHORT = 200;

type Kind = 'count' | 'dot' | 'date' | 'org' | 'text';

function kindOf(lines: Line[], i: number): Kind {
  const t = lines[i]!.text;
  if (COUNT.test(t)) return 'count';
  if (DOT.test(t)) return 'dot';
  if (DATE.test(t)) return 'date';
  // An organisation line is only told from a title by the `·` line that follows it.
  if (ORG.test(t) && t.length < 80 && DOT.test(lines[i + 1]?.text ?? '')) return 'org';
  return 'text';
}

export const hfdaily: Layout = {
  name: 'hfdaily',
  description: 'Hugging Face Daily Papers page text (title, abstract, authors, date blocks)',

  detect(lines) {
    const head = lines.slice(0, 12).filter((l) => HEADER_LINES.has(l.text.trim().toLowerCase())).length;
    const meta = lines.slice(0, 200).filter((l) => COUNT.test(l.text) || DOT.test(l.text)).length;
    const sample = Math.min(lines.length, 200);
    // Three of every six lines are metadata in a well-formed page.
    const shape = sample ? Math.min(1, (meta / sample) * 3) : 0;
    return Math.min(1, shape * 0.8 + (head >= 3 ? 0.3 : 0));
  },

  parse(lines, ctx) {
    const entries: RawEntry[] = [];
    const warnings: Warning[] = [];
    const dates: PaperDate[] = [];
    let i = 0;
    // The page header, then the page's own date (`Apr 23`): the day it was captured, not a paper's.
    while (i < lines.length && HEADER_LINES.has(lines[i]!.text.trim().toLowerCase())) i++;
    if (i > 0 && i < lines.length && kindOf(lines, i) === 'date') i++;

    let cur: RawEntry | null = null;
    let meta = false;
    const finish = () => {
      if (!cur) return;
      if (cur.abstract === null) {
        warnings.push({ code: 'incomplete-entry', file: ctx.file, line: cur.line, message: 'entry has no abstract; kept with what it has' });
      }
      entries.push(cur);
      cur = null;
    };
    const isHeader = (j: number) => j >= 0 && j < lines.length && HEADER_LINES.has(lines[j]!.text.trim().toLowerCase());
    let afterHeader = false;
    for (; i < lines.length; i++) {
      const l = lines[i]!;
      // Pages pasted one after another: each page's header (a run of these lines) and its own
      // date are page chrome, not papers.
      if (isHeader(i) && (isHeader(i - 1) || isHeader(i + 1))) {
        finish();
        afterHeader = true;
        continue;
      }
      const kind = kindOf(lines, i);
      if (afterHeader && kind === 'date') {
        afterHeader = false;
        continue;
      }
      afterHeader = false;
      if (kind !== 'text' && !cur) {
        warnings.push({ code: 'orphan-line', file: ctx.file, line: l.n, message: `${kind} line with no paper before it; skipped` });
        continue;
      }
      if (kind === 'count') {
        cur!.authorCount = Number(COUNT.exec(l.text)![1]);
        meta = true;
      } else if (kind === 'org') {
        cur!.organisation = ORG.exec(l.text)![1]!.trim();
        meta = true;
      } else if (kind === 'dot') {
        meta = true;
      } else if (kind === 'date') {
        const m = DATE.exec(l.text)!;
        cur!.date = makeDate(m[1]!, m[2]!, m[3]);
        if (cur!.date) dates.push(cur!.date);
        if (m[4]) cur!.upvotes = Number(m[4]);
        meta = true;
      } else {
        const text = squash(l.text);
        const nextIsText = i + 1 < lines.length && kindOf(lines, i + 1) === 'text';
        const isAbstract = cur !== null && !meta && cur.abstract === null && !(text.length < SHORT && nextIsText);
        if (isAbstract) {
          cur!.abstract = text;
        } else if (cur && !meta && cur.abstract !== null && text.length >= SHORT && !nextIsText) {
          // A long line after the abstract is that abstract continued on a new line.
          cur.abstract = `${cur.abstract} ${text}`;
        } else {
          finish();
          cur = { ...blankEntry({ file: ctx.file, line: l.n, layout: 'hfdaily' }), title: text };
          meta = false;
        }
      }
    }
    finish();
    if (!inferYears(dates, ctx.mtimeMs)) {
      warnings.push({ code: 'year-unknown', file: ctx.file, message: 'dates are printed without a year and the file has no year to infer it from' });
    }
    return { entries, warnings };
  },
};

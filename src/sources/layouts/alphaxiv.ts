// alphaXiv-style listing: a header (`94.5LGJun 3Code`), the title glued to its authors, the abstract.
import { inferYears, makeDate, MONTH_PATTERN } from '../../dates.js';
import { blankEntry, type PaperDate, type RawEntry, type Warning } from '../../model.js';
import { squash } from '../../text.js';
import { share, type Layout, type Line } from '../layout.js';
import { parseNameList, splitGluedTitle } from '../names.js';

// Optional score, category code, month and day, optional year, optional `Code` flag.
const HEADER = new RegExp(String.raw`^(\d{1,3}(?:\.\d+)?)?([A-Z]{2,5}?)(${MONTH_PATTERN}) ?(\d{1,2})(?:, (\d{4}))?(Code)?$`);

export const alphaxiv: Layout = {
  name: 'alphaxiv',
  description: 'alphaXiv-style listing (header line, title glued to authors, abstract)',

  detect(lines) {
    // Every third line is a header in a well-formed listing.
    return Math.min(1, share(lines, (l) => HEADER.test(l.text.trim())) * 3);
  },

  parse(lines, ctx) {
    const entries: RawEntry[] = [];
    const warnings: Warning[] = [];
    const dates: PaperDate[] = [];
    let i = 0;
    while (i < lines.length && !HEADER.test(lines[i]!.text.trim())) {
      const l = lines[i++]!;
      warnings.push({ code: 'orphan-line', file: ctx.file, line: l.n, message: 'line before the first listing header; skipped' });
    }
    while (i < lines.length) {
      const head = lines[i++]!;
      const m = HEADER.exec(head.text.trim()) as RegExpExecArray;
      const body: Line[] = [];
      while (i < lines.length && !HEADER.test(lines[i]!.text.trim())) body.push(lines[i++]!);
      const [titleLine, ...abstractLines] = body;
      if (!titleLine) {
        warnings.push({ code: 'incomplete-entry', file: ctx.file, line: head.n, message: 'listing header with no title or abstract after it; skipped' });
        continue;
      }
      const e: RawEntry = blankEntry({ file: ctx.file, line: titleLine.n, layout: 'alphaxiv' });
      e.score = m[1] ? Number(m[1]) : null;
      e.categories = m[2] ? [m[2]] : [];
      e.code = Boolean(m[6]);
      e.date = makeDate(m[3] as string, m[4] as string, m[5]);
      if (e.date) dates.push(e.date);
      const text = squash(titleLine.text);
      const split = splitGluedTitle(text);
      if (split) {
        const { authors, truncated } = parseNameList(split.authors);
        e.title = split.title;
        e.authors = authors;
        e.authorsTruncated = truncated;
        if (!truncated) e.authorCount = authors.length;
      } else {
        e.title = text;
        warnings.push({ code: 'title-author-split', file: ctx.file, line: titleLine.n, message: 'could not tell the title from the author list; kept the whole line as the title' });
      }
      if (abstractLines.length) e.abstract = squash(abstractLines.map((l) => l.text).join(' '));
      else warnings.push({ code: 'incomplete-entry', file: ctx.file, line: titleLine.n, message: 'entry has no abstract; kept with what it has' });
      entries.push(e);
    }
    if (!inferYears(dates, ctx.mtimeMs)) {
      warnings.push({ code: 'year-unknown', file: ctx.file, message: 'dates are printed without a year and the file has no year to infer it from' });
    }
    return { entries, warnings };
  },
};

// Abstract list: one `Abstract:…` per line, no title and no authors.
import { blankEntry, type RawEntry, type Warning } from '../../model.js';
import { squash } from '../../text.js';
import { share, type Layout } from '../layout.js';

const PREFIX = /^\s*Abstract\s*:\s*/i;

export const abstracts: Layout = {
  name: 'abstracts',
  description: 'abstract list (one `Abstract:` line per paper)',

  detect(lines) {
    return share(lines, (l) => PREFIX.test(l.text));
  },

  parse(lines, ctx) {
    const entries: RawEntry[] = [];
    const warnings: Warning[] = [];
    for (const l of lines) {
      const text = squash(l.text.replace(PREFIX, ''));
      if (PREFIX.test(l.text)) {
        if (text) entries.push({ ...blankEntry({ file: ctx.file, line: l.n, layout: 'abstracts' }), abstract: text });
        else warnings.push({ code: 'empty-abstract', file: ctx.file, line: l.n, message: '`Abstract:` with no text; line skipped' });
        continue;
      }
      // A line without the prefix right after an abstract is that abstract wrapped onto a new line.
      const prev = entries[entries.length - 1];
      if (prev && prev.abstract !== null) prev.abstract = `${prev.abstract} ${text}`;
      else warnings.push({ code: 'orphan-line', file: ctx.file, line: l.n, message: 'line is not an `Abstract:` line; skipped' });
    }
    return { entries, warnings };
  },
};

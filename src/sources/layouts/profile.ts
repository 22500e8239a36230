// Author-profile export: the owner (`Liu, Shiwei`), then title / `Family, Given, …` / abstract lines.
import { blankEntry, type RawEntry, type Warning } from '../../model.js';
import { squash } from '../../text.js';
import type { Layout, Line } from '../layout.js';
import { parseFamilyGivenList } from '../names.js';

// The owner as `Family, Given`; a family name may open with a lower-case particle
// (`van der Maaten, Laurens`, `de la Cruz, María José`, `d'Alembert, Jean`).
const OWNER = /^(?:(?:van|von|der|den|de|da|di|du|del|della|la|le|dos|das|ter|ten|zu|bin|ibn|al) |[dl]['’])*\p{Lu}[\p{L}\p{M}'’ .-]*, [\p{L}\p{M}'’ .-]+$/u;
// A title is one line; anything this long is prose, i.e. an abstract.
const TITLE_MAX = 300;

export const profile: Layout = {
  name: 'profile',
  description: 'author-profile export (owner line, then title / authors / abstract)',

  detect(lines) {
    const first = lines[0];
    if (!first || !OWNER.test(first.text) || first.text.length > 80) return 0;
    const body = lines.slice(1, 61);
    const authorLines = body.filter((l) => parseFamilyGivenList(l.text) !== null).length;
    // One line in three is an author list in a well-formed export.
    return body.length === 0 ? 0.3 : Math.min(1, (authorLines / body.length) * 3) * 0.9;
  },

  parse(lines, ctx) {
    const entries: RawEntry[] = [];
    const warnings: Warning[] = [];
    let cur: RawEntry | null = null;
    let sawAuthors = false;
    const finish = () => {
      if (!cur) return;
      const missing = [cur.authors.length === 0 && 'authors', cur.abstract === null && 'abstract'].filter(Boolean);
      if (missing.length) {
        warnings.push({ code: 'incomplete-entry', file: ctx.file, line: cur.line, message: `entry has no ${missing.join(' and no ')}; kept with what it has` });
      }
      entries.push(cur);
      cur = null;
    };
    for (const l of lines.slice(1)) {
      const text = squash(l.text);
      const authors = parseFamilyGivenList(text);
      if (authors && cur && !sawAuthors && cur.abstract === null) {
        cur.authors = authors;
        cur.authorCount = authors.length;
        sawAuthors = true;
      } else if (cur && cur.abstract === null && (sawAuthors || text.length > TITLE_MAX)) {
        cur.abstract = text;
      } else if (authors && cur && cur.abstract === null) {
        warnings.push({ code: 'orphan-line', file: ctx.file, line: l.n, message: 'second author list for one title; line skipped' });
      } else if (text.length > TITLE_MAX) {
        finish();
        warnings.push({ code: 'incomplete-entry', file: ctx.file, line: l.n, message: 'abstract with no title before it; kept as an untitled entry' });
        entries.push({ ...blankEntry({ file: ctx.file, line: l.n, layout: 'profile' }), abstract: text });
      } else {
        // After a complete entry the next line is a title, even one with commas that reads
        // like `Family, Given` (`Hence, Models` is a title, not two authors).
        finish();
        cur = { ...blankEntry({ file: ctx.file, line: l.n, layout: 'profile' }), title: text };
        sawAuthors = false;
      }
    }
    finish();
    return { entries, warnings };
  },
};

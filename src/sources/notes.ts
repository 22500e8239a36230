// The notes lit's exports add for what a format has no field for (a cut-short author list, a
// count without names, an inferred year), read back into the fields they stand for.
import type { RawEntry } from '../model.js';

const MARKS: { re: RegExp; apply(e: RawEntry, m: RegExpExecArray): void }[] = [
  { re: /author list incomplete\.?/i, apply: (e) => (e.authorsTruncated = true) },
  { re: /(\d+) authors?; names not listed\.?/i, apply: (e, m) => (e.authorCount = Number(m[1])) },
  {
    re: /year inferred from the listing\.?/i,
    apply: (e) => {
      if (e.date) e.date.inferred = true;
    },
  },
  // lit's RIS export names the key here when an ID tag would not do (no year, or too long).
  {
    re: /citation key: (\S+?)\.?$/i,
    apply: (e, m) => {
      e.key ??= m[1]!;
    },
  },
  // Written for untitled papers so a style has something to print; the abstract says it already.
  { re: /title unknown; abstract begins: .*?…\.?/i, apply: () => undefined },
];

/** Sets the fields lit's own notes stand for; what is left is the source's own note. */
export function readLitNotes(e: RawEntry, note: string | null): void {
  if (!note) return;
  let rest = note;
  for (const { re, apply } of MARKS) {
    const m = re.exec(rest);
    if (!m) continue;
    apply(e, m);
    rest = rest.slice(0, m.index) + rest.slice(m.index + m[0].length);
  }
  rest = rest.replace(/^[\s;.]+|[\s;]+$/g, '').replace(/\s*;\s*(;\s*)+/g, '; ');
  if (rest) e.note = rest;
}

// What a paper's record cannot say in the fields a format has: a cut-short author list where
// the format has no "others", a count without names, an inferred year. src/sources/notes.ts
// reads these back, so they must stay as they are written here.
import type { Paper } from '../model.js';

/** The notes to add for a paper; `untitled` adds how an untitled paper's abstract begins. */
export function litNotes(p: Paper, opts: { truncated?: boolean; untitled?: boolean } = {}): string[] {
  const notes: string[] = [];
  if (opts.truncated && p.authorsTruncated) notes.push('Author list incomplete');
  if (!p.authorList.length && p.authorCount) notes.push(`${p.authorCount} author${p.authorCount === 1 ? '' : 's'}; names not listed`);
  if (p.dateInferred) notes.push('Year inferred from the listing');
  // A paper known only by its abstract still needs something a style can print.
  if (opts.untitled && !p.title && p.abstract) notes.push(`Title unknown; abstract begins: ${p.abstract.split(/\s+/).slice(0, 12).join(' ')} …`);
  return notes;
}

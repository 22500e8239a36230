// Export formats: each formatter sees only papers and returns text.
import type { Paper } from '../model.js';

/** Formats papers; null for a format lit does not know. */
export function formatPapers(_name: string, _papers: Paper[]): string | null {
  return null;
}

// A readable Markdown reference list.
import type { Paper } from '../model.js';

/** Escapes the characters Markdown would read as formatting. */
function md(s: string): string {
  return s.replace(/([\\`*_{}[\]<>#|])/g, '\\$1');
}

function authors(p: Paper): string {
  if (p.authors.length) {
    const list = p.authors.length > 1 ? `${p.authors.slice(0, -1).join(', ')} and ${p.authors[p.authors.length - 1]}` : p.authors[0]!;
    return p.authorsTruncated ? `${p.authors.join(', ')} et al.` : list;
  }
  return p.authorCount ? `${p.authorCount} authors` : 'Unknown authors';
}

export function markdown(papers: Paper[]): string {
  const items = papers.map((p, i) => {
    const year = p.year === null ? 'n.d.' : `${p.year}${p.dateInferred ? '?' : ''}`;
    return `${i + 1}. ${md(authors(p))} (${year}). **${md(p.title ?? 'Untitled')}**. \`${p.key}\``;
  });
  return `${items.join('\n')}\n`;
}

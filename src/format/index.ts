// Export formats by name. Each formatter sees only papers and returns text.
import type { Paper, Warning } from '../model.js';
import { yaml } from '../lazy.js';
import { jsonSafe, withoutControls } from '../safe.js';

type Formatter = (papers: Paper[]) => string | Formatted | Promise<string>;

/** An export's text and what the format could not hold. */
export interface Formatted {
  text: string;
  warnings: Warning[];
}

// Loaded on demand: exporting BibTeX should not load the YAML library.
const FORMATTERS: Record<string, () => Promise<Formatter>> = {
  bibtex: async () => (await import('./bibtex.js')).bibtex,
  biblatex: async () => (await import('./bibtex.js')).biblatex,
  'csl-json': async () => (await import('./csl.js')).cslJson,
  ris: async () => (await import('./ris.js')).ris,
  csv: async () => (await import('./csv.js')).csv,
  markdown: async () => (await import('./markdown.js')).markdown,
  yaml: async () => {
    const { stringify } = yaml();
    // The library quotes strings that hold controls but leaves C1 raw inside the quotes; YAML's
    // own \x escape is the same character.
    // Written so YAML 1.1 readers (PyYAML) read it as 1.2 readers do: `No`, `On`, `12:30:00`,
    // `1_000` and every date are quoted strings, not booleans, numbers or timestamps.
    return (papers) => stringify(papers, { lineWidth: 0, version: '1.1' }).replace(/[\x80-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16)}`);
  },
  json: async () => (papers) => `${JSON.stringify(papers, null, 2)}\n`,
  jsonl: async () => (papers) => papers.map((p) => `${JSON.stringify(p)}\n`).join(''),
};

// JSON escapes what it must and stays exact; every other format drops raw control characters.
const JSON_FORMATS = new Set(['json', 'jsonl', 'csl-json']);

/** The export format names. */
export const EXPORT_FORMATS = Object.keys(FORMATTERS);

/** Every name `--format` takes: the terminal and pipeline forms, then the export formats. */
export const OUTPUT_FORMATS = ['table', 'tsv', 'ids', ...EXPORT_FORMATS];

/** Formats papers in the named format, with warnings for what it could not hold; null for a name lit does not know. */
export async function formatPapers(name: string, papers: Paper[]): Promise<Formatted | null> {
  const load = FORMATTERS[name];
  if (!load) return null;
  const made = await (await load())(papers);
  const { text, warnings } = typeof made === 'string' ? { text: made, warnings: [] } : made;
  return { text: JSON_FORMATS.has(name) ? jsonSafe(text) : name === 'yaml' ? text : withoutControls(text), warnings };
}

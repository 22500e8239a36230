// The keys a document cites: a LaTeX run's .aux files, or a Markdown file's pandoc citations.
// Returns data and warnings; never prints.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EXIT, LitError } from './errors.js';
import type { Warning } from './model.js';

/** One citation: the key and where it was cited. */
export interface Citation {
  key: string;
  file: string;
  line: number;
}

/** Everything cited, in order of first citation; `all` when the document asked for every entry. */
export interface Cited {
  citations: Citation[];
  all: boolean;
  warnings: Warning[];
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new LitError('unreadable-file', `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, EXIT.usage);
  }
}

// BibTeX's `\citation{a,b}` (and `\citation{*}` from \nocite{*}); biblatex's
// `\abx@aux@cite{refsection}{key}` (3.8 and later) or `\abx@aux@cite{key}` (earlier).
const AUX_CITE = /\\citation\{([^}]*)\}|\\abx@aux@cite\{([^}]*)\}(?:\{([^}]*)\})?/g;
// \include'd chapters have .aux files of their own, named by `\@input{chapter.aux}`.
const AUX_INPUT = /\\@input\{([^}]*)\}/g;

/** The keys a LaTeX run cited, from its .aux file and the ones it inputs. */
export function auxCitations(file: string, into: Cited = { citations: [], all: false, warnings: [] }, seen = new Set<string>()): Cited {
  const abs = path.resolve(file);
  if (seen.has(abs)) return into;
  seen.add(abs);
  readText(file)
    .split('\n')
    .forEach((text, i) => {
      for (const m of text.matchAll(AUX_CITE)) {
        const keys = m[1] ?? m[3] ?? m[2] ?? '';
        for (const k of keys.split(',').map((s) => s.trim()).filter(Boolean)) {
          if (k === '*') into.all = true;
          else into.citations.push({ key: k, file, line: i + 1 });
        }
      }
      for (const m of text.matchAll(AUX_INPUT)) {
        const child = path.join(path.dirname(file), m[1]!);
        try {
          auxCitations(child, into, seen);
        } catch {
          // LaTeX writes \@input for chapters not compiled this run; their .aux may not exist.
          into.warnings.push({ code: 'unreadable-file', file, line: i + 1, message: `cannot read ${m[1]}, which this file inputs; its citations are left out` });
        }
      }
    });
  return into;
}

// A pandoc citation: `@key` or `@{key}`, the @ not inside a word (an e-mail address). Keys
// start with a letter, digit or _ and may hold :.#$%&-+?<>~/ inside, not at the end
// (`[@doe2020, p. 3]`, `@doe2020.` end at the key).
const PANDOC_CITE = /(?<![\p{L}\p{N}_@.])@(?:\{([^{}\s]+)\}|([\p{L}\p{N}_](?:[\p{L}\p{N}_]|[:.#$%&\-+?<>~/](?=[\p{L}\p{N}_]))*))/gu;

/** The keys a Markdown document cites with pandoc's `[@key]` and `@key`, outside code. */
export function markdownCitations(file: string): Cited {
  const out: Cited = { citations: [], all: false, warnings: [] };
  let fence: string | null = null;
  readText(file)
    .split('\n')
    .forEach((text, i) => {
      const f = /^\s{0,3}(`{3,}|~{3,})/.exec(text);
      if (f) {
        if (fence === null) fence = f[1]![0]!.repeat(f[1]!.length);
        else if (f[1]!.startsWith(fence)) fence = null;
        return;
      }
      if (fence !== null) return;
      // Inline code spans hold examples, not citations.
      const prose = text.replace(/(`+)[^`]*?\1/g, ' ');
      for (const m of prose.matchAll(PANDOC_CITE)) out.citations.push({ key: m[1] ?? m[2]!, file, line: i + 1 });
    });
  return out;
}

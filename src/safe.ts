// Text from sources is data, not terminal instructions: a title holding `ESC ] 52` would write
// the user's clipboard, `ESC [ 2J` clear the screen, U+202E print the rest backwards. Before
// any of it reaches a terminal or a line of TSV, such characters become visible escapes, as
// `ls` and `git` show them; lit's own colours are added after, so they stay.

// C0 and C1 controls, DEL, and the invisible characters that reorder or break lines.
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r', '\x1b': '\\e' };

/** The text with every control and bidi override written as a visible escape (`\e`, `\x9b`, `\u202e`). */
export function visible(s: string, keep: RegExp | null = null): string {
  if (!s) return s;
  UNSAFE.lastIndex = 0;
  if (!UNSAFE.test(s)) return s;
  return s.replace(UNSAFE, (c) => {
    if (keep?.test(c)) return c;
    const code = c.charCodeAt(0);
    return NAMED[c] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
  });
}

// JSON may hold these raw; written as \u escapes the value is the same and no terminal acts on them.
const JSON_UNSAFE = /[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** JSON text with the characters JSON leaves raw (DEL, C1, bidi, line separators) escaped: the same value. */
export function jsonSafe(json: string): string {
  JSON_UNSAFE.lastIndex = 0;
  return JSON_UNSAFE.test(json) ? json.replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : json;
}

// Controls a file format must never hold raw: biber aborts on NUL and skips an entry at 0x1E.
// Tabs and line ends are the formats' own (RIS ends lines with CR LF); the rest go.
const FILE_UNSAFE = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/g;

/** Text for a file format: the characters unchanged, less the control characters, which become spaces. */
export function withoutControls(text: string): string {
  FILE_UNSAFE.lastIndex = 0;
  return FILE_UNSAFE.test(text) ? text.replace(FILE_UNSAFE, ' ') : text;
}

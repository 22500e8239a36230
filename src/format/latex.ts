// Writing text for BibTeX: special characters escaped, non-ASCII as LaTeX commands, title words protected.

// BibTeX counts braces without regard to backslashes, so `\{` would unbalance a field:
// braces and the other specials become commands whose own braces balance.
const SPECIAL: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '{': '\\textbraceleft{}',
  '}': '\\textbraceright{}',
  '&': '\\&',
  '%': '\\%',
  $: '\\$',
  '#': '\\#',
  _: '\\_',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
};

// Combining marks (after NFD) and the accent commands that put them on a letter.
const ACCENTS: Record<string, string> = {
  '\u0300': '`',
  '\u0301': "'",
  '\u0302': '^',
  '\u0303': '~',
  '\u0304': '=',
  '\u0306': 'u',
  '\u0307': '.',
  '\u0308': '"',
  '\u030a': 'r',
  '\u030b': 'H',
  '\u030c': 'v',
  '\u0327': 'c',
  '\u0328': 'k',
  '\u0323': 'd',
};

const LETTERS: Record<string, string> = {
  // Single quotes as commands: `'` and `` ` `` typed side by side would read as double quotes.
  '‘': '{\\textquoteleft}', '’': '{\\textquoteright}', ε: '{$\\varepsilon$}', φ: '{$\\varphi$}',
  ß: '{\\ss}', å: '{\\aa}', Å: '{\\AA}', æ: '{\\ae}', Æ: '{\\AE}', ø: '{\\o}', Ø: '{\\O}', œ: '{\\oe}', Œ: '{\\OE}', ł: '{\\l}', Ł: '{\\L}', ı: '{\\i}', đ: '{\\dj}', Đ: '{\\DJ}', þ: '{\\th}', Þ: '{\\TH}', ð: '{\\dh}', Ð: '{\\DH}',
  '–': '--', '—': '---', '“': '``', '”': "''", '…': '{\\ldots}', '\u00a0': '~', '×': '{$\\times$}', '±': '{$\\pm$}', '≤': '{$\\leq$}', '≥': '{$\\geq$}', '→': '{$\\rightarrow$}', '∼': '{$\\sim$}', '°': '{\\textdegree}', '€': '{\\texteuro}', '£': '{\\pounds}', '§': '{\\S}', '©': '{\\textcopyright}', '•': '{\\textbullet}', '·': '{\\textperiodcentered}',
};

/** Greek letters in alphabetical order, by their LaTeX names. */
export const GREEK = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon phi chi psi omega'.split(' ');

function greek(c: string): string | null {
  const code = c.codePointAt(0)!;
  // U+03B1..U+03C9 lower case (skipping final sigma), U+0391..U+03A9 upper case.
  if (code >= 0x3b1 && code <= 0x3c9) {
    const name = GREEK[code - 0x3b1 - (code > 0x3c2 ? 1 : 0)];
    return code === 0x3c2 ? '{$\\varsigma$}' : name ? `{$\\${name}$}` : null;
  }
  if (code >= 0x391 && code <= 0x3a9 && code !== 0x3a2) {
    const name = GREEK[code - 0x391 - (code > 0x3a2 ? 1 : 0)];
    if (!name) return null;
    // Capital Greek letters that look Latin have no command of their own.
    const cap = name[0]!.toUpperCase() + name.slice(1);
    return ['Gamma', 'Delta', 'Theta', 'Lambda', 'Xi', 'Pi', 'Sigma', 'Upsilon', 'Phi', 'Psi', 'Omega'].includes(cap) ? `{$\\${cap}$}` : c;
  }
  return null;
}

// Characters TeX reads differently from how they look: `<` and `>` are ¡ and ¿ in the OT1
// encoding, and a backtick is an opening quote.
const TEXT_SYMBOLS: Record<string, string> = { '<': '{\\textless}', '>': '{\\textgreater}', '`': '{\\textasciigrave}' };

/** One character as LaTeX, outside math. */
function charLatex(ch: string, ascii: boolean): string {
  const special = SPECIAL[ch] ?? TEXT_SYMBOLS[ch];
  if (special) return special;
  if (!ascii || ch.charCodeAt(0) < 0x80) return ch;
  const letter = LETTERS[ch] ?? greek(ch);
  if (letter) return letter;
  const [base, ...marks] = [...ch.normalize('NFD')];
  if (base && base.charCodeAt(0) < 0x80 && marks.length && marks.every((m) => ACCENTS[m])) {
    // `{\"u}`: braced so BibTeX treats it as one letter when sorting and changing case;
    // dotless i under an accent, as LaTeX wants it.
    let inner = base === 'i' ? '\\i' : base;
    for (const m of marks) inner = /^[a-zA-Z]$/.test(ACCENTS[m]!) ? `\\${ACCENTS[m]}{${inner}}` : `\\${ACCENTS[m]}${inner.length > 1 ? `{${inner}}` : inner}`;
    return `{${inner}}`;
  }
  return ch;
}

/**
 * Splits text into `$…$` math and the rest, by pandoc's rule: the opening `$` has a non-space
 * after it, the closing one a non-space before it and no digit after it (so `$5 and $10` is
 * text). Math must balance its braces to be written as it stands.
 */
function splitMath(text: string): { math: boolean; text: string }[] {
  const out: { math: boolean; text: string }[] = [];
  let last = 0;
  for (let i = text.indexOf('$'); i >= 0; i = text.indexOf('$', i + 1)) {
    if (i < last || !text[i + 1] || /\s|\$/.test(text[i + 1]!)) continue;
    // The next `$` closes it or nothing does: to TeX every `$` opens or closes math.
    const j = text.indexOf('$', i + 1);
    if (j < 0) break;
    const inner = text.slice(i + 1, j);
    // `\$` inside would end the math early for a reader; unbalanced braces would end the field.
    if (/\s/.test(text[j - 1]!) || /\d/.test(text[j + 1] ?? '') || !balanced(inner) || inner.endsWith('\\')) continue;
    if (i > last) out.push({ math: false, text: text.slice(last, i) });
    out.push({ math: true, text: text.slice(i, j + 1) });
    last = j + 1;
    i = j;
  }
  if (last < text.length) out.push({ math: false, text: text.slice(last) });
  return out;
}

function balanced(s: string): boolean {
  let depth = 0;
  for (const c of s) {
    if (c === '{') depth++;
    else if (c === '}' && --depth < 0) return false;
  }
  return depth === 0;
}

/**
 * Text as BibTeX-safe LaTeX, for `bibtex` (ASCII) or `biblatex` (UTF-8 kept). Every spelling
 * reads back as the character it stands for; `$…$` math is written as it stands. Characters
 * with no LaTeX spelling are kept as they are, never dropped.
 */
export function toLatex(text: string, ascii: boolean): string {
  let out = '';
  for (const part of splitMath(text.normalize('NFC'))) {
    if (part.math) {
      out += part.text;
      continue;
    }
    for (const ch of part.text) {
      const latex = charLatex(ch, ascii);
      // `--`, `''` and `` `` `` are ligatures to TeX: a hyphen after a hyphen (or a dash's
      // last hyphen) is kept apart with `{}`, so `--flag` stays two hyphens.
      const prev = out[out.length - 1];
      if ((prev === '-' && latex[0] === '-') || (prev === "'" && latex[0] === "'") || (prev === '`' && latex[0] === '`')) out += '{}';
      out += latex;
    }
  }
  return out;
}

/**
 * A title with the words a style must not lowercase protected by braces: acronyms and words
 * with capitals inside them (`{LLMs}`, `{OWL}`, `{HyperNetwork}`, `{O1-Pruner}`).
 */
export function protectTitle(title: string, ascii: boolean): string {
  return splitMath(title.normalize('NFC'))
    .map((part) => (part.math ? `{${part.text}}` : protectWords(part.text, ascii)))
    .join('');
}

function protectWords(text: string, ascii: boolean): string {
  return text
    .split(/(\s+)/)
    .map((word) => {
      if (/^\s+$/.test(word) || !word) return word;
      const latex = toLatex(word, ascii);
      // Each part of a hyphenated compound on its own: `Length-Harmonizing` is title case,
      // `O1-Pruner` and `HyperNetwork` are names a style must keep as written.
      const needs = word.split('-').some((part) => {
        const letters = part.replace(/[^\p{L}\p{N}]/gu, '');
        return /\p{Lu}/u.test(letters.slice(1)) || (/\d/.test(letters) && /\p{Lu}/u.test(letters));
      });
      // A group that opens with a command is a "special character" to BibTeX, which changes
      // case inside it: a second pair of braces protects it for real.
      if (!needs) return latex;
      return latex.startsWith('\\') ? `{{${latex}}}` : `{${latex}}`;
    })
    .join('');
}

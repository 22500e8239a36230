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
  ß: '{\\ss}', å: '{\\aa}', Å: '{\\AA}', æ: '{\\ae}', Æ: '{\\AE}', ø: '{\\o}', Ø: '{\\O}', œ: '{\\oe}', Œ: '{\\OE}', ł: '{\\l}', Ł: '{\\L}', ı: '{\\i}', đ: '{\\dj}', Đ: '{\\DJ}', þ: '{\\th}', Þ: '{\\TH}', ð: '{\\dh}', Ð: '{\\DH}',
  '–': '--', '—': '---', '‘': '`', '’': "'", '“': '``', '”': "''", '…': '{\\ldots}', '\u00a0': '~', '×': '{$\\times$}', '±': '{$\\pm$}', '≤': '{$\\leq$}', '≥': '{$\\geq$}', '→': '{$\\rightarrow$}', '∼': '{$\\sim$}', '°': '{\\textdegree}', '€': '{\\texteuro}', '£': '{\\pounds}', '§': '{\\S}', '©': '{\\textcopyright}', '•': '{\\textbullet}', '·': '{\\textperiodcentered}',
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

/**
 * Text as BibTeX-safe LaTeX, for `bibtex` (ASCII) or `biblatex` (UTF-8 kept).
 * Characters with no LaTeX spelling are kept as they are, never dropped.
 */
export function toLatex(text: string, ascii: boolean): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    const special = SPECIAL[ch];
    if (special) {
      out += special;
      continue;
    }
    if (!ascii || ch.charCodeAt(0) < 0x80) {
      out += ch;
      continue;
    }
    const letter = LETTERS[ch] ?? greek(ch);
    if (letter) {
      out += letter;
      continue;
    }
    const [base, ...marks] = [...ch.normalize('NFD')];
    if (base && base.charCodeAt(0) < 0x80 && marks.length && marks.every((m) => ACCENTS[m])) {
      // `{\"u}`: braced so BibTeX treats it as one letter when sorting and changing case;
      // dotless i under an accent, as LaTeX wants it.
      let inner = base === 'i' ? '\\i' : base;
      for (const m of marks) inner = /^[a-zA-Z]$/.test(ACCENTS[m]!) ? `\\${ACCENTS[m]}{${inner}}` : `\\${ACCENTS[m]}${inner.length > 1 ? `{${inner}}` : inner}`;
      out += `{${inner}}`;
      continue;
    }
    out += ch;
  }
  return out;
}

/**
 * A title with the words a style must not lowercase protected by braces: acronyms and words
 * with capitals inside them (`{LLMs}`, `{OWL}`, `{HyperNetwork}`, `{O1-Pruner}`).
 */
export function protectTitle(title: string, ascii: boolean): string {
  return title
    .split(/(\s+)/)
    .map((word) => {
      if (/^\s+$/.test(word)) return word;
      const latex = toLatex(word, ascii);
      // Each part of a hyphenated compound on its own: `Length-Harmonizing` is title case,
      // `O1-Pruner` and `HyperNetwork` are names a style must keep as written.
      const needs = word.split('-').some((part) => {
        const letters = part.replace(/[^\p{L}\p{N}]/gu, '');
        return /\p{Lu}/u.test(letters.slice(1)) || (/\d/.test(letters) && /\p{Lu}/u.test(letters));
      });
      return needs ? `{${latex}}` : latex;
    })
    .join('');
}

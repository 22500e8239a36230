// Writing text for BibTeX: special characters escaped, non-ASCII as LaTeX commands, title words protected.
//
// Every spelling here was chosen by reading it back with bibtex + pdflatex (T1), biber,
// @retorquere/bibtex-parser (Better BibTeX), citation-js and pandoc: where they disagree, the
// spelling most of them read as the character wins (test/readers.test.ts lists what each reader
// still gets wrong). Coverage follows Better BibTeX's unicode2latex table, without its package-
// only commands; what has no spelling every LaTeX has (CJK, emoji, Greek capitals that look Latin)
// stays UTF-8 and is reported.

// BibTeX counts braces without regard to backslashes, so a lone `\{` would unbalance a field:
// braces that do not pair up become commands whose own braces balance. Paired ones are `\{ \}`,
// which pandoc reads too.
const SPECIAL: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '&': '\\&',
  '%': '\\%',
  $: '\\$',
  '#': '\\#',
  _: '\\_',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
  // `<` and `>` are ¡ and ¿ in the OT1 encoding and in Better BibTeX; math mode is safe everywhere.
  '<': '{$<$}',
  '>': '{$>$}',
  // A backtick typed next to another is an opening double quote to TeX.
  '`': '\\textasciigrave{}',
};

// Combining marks (after NFD) and the accent commands that put them on a letter.
const ACCENTS: Record<string, string> = {
  '\u0300': '`', '\u0301': "'", '\u0302': '^', '\u0303': '~', '\u0304': '=', '\u0306': 'u', '\u0307': '.', '\u0308': '"',
  '\u030a': 'r', '\u030b': 'H', '\u030c': 'v', '\u0327': 'c', '\u0328': 'k', '\u0323': 'd', '\u0331': 'b',
};

// The same marks on a Greek letter, in math: `ά` is `$\acute{\alpha}$`.
const MATH_ACCENTS: Record<string, string> = {
  '\u0300': 'grave', '\u0301': 'acute', '\u0302': 'hat', '\u0303': 'tilde', '\u0304': 'bar', '\u0306': 'breve', '\u0307': 'dot', '\u0308': 'ddot', '\u030c': 'check',
};

/** Text-mode commands for one character each (all in the LaTeX kernel with T1/TS1): the encoder's and the decoder's table. */
export const TEXT_COMMANDS: Record<string, string> = {
  ß: 'ss', å: 'aa', Å: 'AA', æ: 'ae', Æ: 'AE', ø: 'o', Ø: 'O', œ: 'oe', Œ: 'OE', ł: 'l', Ł: 'L', ı: 'i', ȷ: 'j', đ: 'dj', Đ: 'DJ',
  þ: 'th', Þ: 'TH', ð: 'dh', Ð: 'DH', ŋ: 'ng', Ŋ: 'NG', ĳ: 'ij', Ĳ: 'IJ',
  // Single quotes as commands: `'` and `` ` `` typed side by side would read as double quotes.
  '‘': 'textquoteleft', '’': 'textquoteright', '‚': 'quotesinglbase', '‹': 'guilsinglleft', '›': 'guilsinglright',
  '«': 'guillemotleft', '»': 'guillemotright', '…': 'ldots', '°': 'textdegree', '€': 'texteuro', '£': 'pounds', '§': 'S', '¶': 'P',
  '©': 'textcopyright', '®': 'textregistered', '™': 'texttrademark', '•': 'textbullet', '†': 'textdagger', '‡': 'textdaggerdbl',
  '±': 'textpm', µ: 'textmu', '×': 'texttimes', '÷': 'textdiv', '¬': 'textlnot', '²': 'texttwosuperior', '³': 'textthreesuperior',
  '¹': 'textonesuperior', '‰': 'textperthousand', '¢': 'textcent', '¥': 'textyen', '¤': 'textcurrency', '¦': 'textbrokenbar',
  '½': 'textonehalf', '¼': 'textonequarter', '¾': 'textthreequarters', ª: 'textordfeminine', º: 'textordmasculine',
  '¡': 'textexclamdown', '¿': 'textquestiondown', '¯': 'textasciimacron', '´': 'textasciiacute', '¨': 'textasciidieresis',
  '←': 'textleftarrow', '→': 'textrightarrow', '↑': 'textuparrow', '↓': 'textdownarrow', '−': 'textminus', '№': 'textnumero',
  '℃': 'textcelsius', '‽': 'textinterrobang', '\u200b': 'hspace{0pt}',
};

/** Math commands for one character each, written `{$\cmd$}`: Greek lower case and the symbols. */
export const MATH_COMMANDS: Record<string, string> = {
  α: 'alpha', β: 'beta', γ: 'gamma', δ: 'delta', ε: 'varepsilon', ζ: 'zeta', η: 'eta', θ: 'theta', ι: 'iota', κ: 'kappa', λ: 'lambda',
  μ: 'mu', ν: 'nu', ξ: 'xi', π: 'pi', ρ: 'rho', ς: 'varsigma', σ: 'sigma', τ: 'tau', υ: 'upsilon', φ: 'varphi', χ: 'chi', ψ: 'psi',
  ω: 'omega', ϵ: 'epsilon', ϕ: 'phi', ϑ: 'vartheta', ϖ: 'varpi', ϱ: 'varrho',
  Γ: 'Gamma', Δ: 'Delta', Θ: 'Theta', Λ: 'Lambda', Ξ: 'Xi', Π: 'Pi', Σ: 'Sigma', Υ: 'Upsilon', Φ: 'Phi', Ψ: 'Psi', Ω: 'Omega',
  '∞': 'infty', '≈': 'approx', '≠': 'neq', '≤': 'leq', '≥': 'geq', '≡': 'equiv', '∼': 'sim', '≃': 'simeq', '≅': 'cong', '∝': 'propto',
  '≪': 'll', '≫': 'gg', '∓': 'mp', '∘': 'circ', '∗': 'ast', '⋆': 'star', '∑': 'sum', '∏': 'prod', '∫': 'int', '∂': 'partial',
  '∇': 'nabla', '√': 'surd', '∈': 'in', '∉': 'notin', '∋': 'ni', '⊂': 'subset', '⊃': 'supset', '⊆': 'subseteq', '⊇': 'supseteq',
  '∪': 'cup', '∩': 'cap', '∅': 'emptyset', '∀': 'forall', '∃': 'exists', '∧': 'wedge', '∨': 'vee', '⊕': 'oplus', '⊗': 'otimes',
  '⊥': 'perp', '∥': 'parallel', '⇒': 'Rightarrow', '⇐': 'Leftarrow', '⇔': 'Leftrightarrow', '↔': 'leftrightarrow', '↦': 'mapsto',
  '⟨': 'langle', '⟩': 'rangle', ℓ: 'ell', ℏ: 'hbar', ℵ: 'aleph', '⌊': 'lfloor', '⌋': 'rfloor', '⌈': 'lceil', '⌉': 'rceil',
  '⊤': 'top', '⊢': 'vdash', '⊨': 'models', '∠': 'angle', '△': 'triangle', '∣': 'mid', '≺': 'prec', '≻': 'succ', '≼': 'preceq',
  '≽': 'succeq', '∖': 'setminus', '′': 'prime', '℘': 'wp', '↕': 'updownarrow', '↖': 'nwarrow', '↗': 'nearrow',
  '↘': 'searrow', '↙': 'swarrow', '↩': 'hookleftarrow', '↪': 'hookrightarrow', '↼': 'leftharpoonup', '↽': 'leftharpoondown',
  '⇀': 'rightharpoonup', '⇌': 'rightleftharpoons', '⇑': 'Uparrow', '⇓': 'Downarrow', '⇕': 'Updownarrow', '∐': 'coprod',
  '∮': 'oint', '≀': 'wr', '≍': 'asymp', '≐': 'doteq', '⊎': 'uplus', '⊑': 'sqsubseteq', '⊒': 'sqsupseteq', '⊓': 'sqcap', '⊔': 'sqcup',
  '⊖': 'ominus', '⊘': 'oslash', '⊙': 'odot', '⊣': 'dashv', '⋈': 'bowtie', '⋀': 'bigwedge', '⋁': 'bigvee', '⋂': 'bigcap',
  '⋃': 'bigcup', '⋮': 'vdots', '⋯': 'cdots', '⋱': 'ddots', '‖': 'Vert', '⟵': 'longleftarrow', '⟶': 'longrightarrow', '⟹': 'Longrightarrow',
};

/** Greek letters in alphabetical order, by their LaTeX names. */
export const GREEK = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon phi chi psi omega'.split(' ');

// Dashes and double quotes as TeX's ligatures, which every reader (pandoc too) turns back into them.
const LIGATURE_SPELLINGS: Record<string, string> = { '–': '--', '—': '---', '“': '``', '”': "''", '\u00a0': '~' };

/** Writes text as LaTeX and remembers what it could not spell. */
export class LatexEncoder {
  /** Characters written as UTF-8 in an ASCII file, because LaTeX has no spelling for them. */
  readonly unencodable = new Set<string>();

  /** `ascii`: BibTeX's 7-bit output; otherwise UTF-8 is kept and only the specials are escaped. */
  constructor(readonly ascii: boolean) {}

  /**
   * Text as BibTeX-safe LaTeX. Every spelling reads back as the character it stands for; `$…$`
   * math and the markup commands lit keeps (`\emph{…}`, `\url{…}`) are written as they stand.
   */
  text(text: string): string {
    return this.encode(pairBraces(splitMarkup(text.normalize('NFC'))));
  }

  /** Parts whose paired braces are already marked (see pairBraces). */
  private encode(parts: Part[]): string {
    let out = '';
    // The last character written, kept apart: reading it back from a growing string flattens it
    // each time (10,000 papers took 3.5 s that way).
    let prev = '';
    for (const part of parts) {
      if (part.raw) {
        out += part.text;
        prev = part.text[part.text.length - 1] ?? prev;
        continue;
      }
      const text = part.text;
      for (let i = 0; i < text.length; ) {
        // Runs of characters that are themselves in LaTeX go as they are.
        SAFE_RUN.lastIndex = i;
        const run = SAFE_RUN.exec(text);
        if (run) {
          out += run[0];
          prev = run[0][run[0].length - 1]!;
          i += run[0].length;
          continue;
        }
        const ch = String.fromCodePoint(text.codePointAt(i)!);
        i += ch.length;
        // The markers are braces only where pairBraces put them; in other text they are themselves.
        const latex = (part.marked || (ch !== OPEN && ch !== CLOSE) ? BRACES[ch] : undefined) ?? this.char(ch);
        // `--`, `''` and `` `` `` are ligatures to TeX: a hyphen after a hyphen (or a dash's
        // last hyphen) is kept apart with `{}`, so `--flag` stays two hyphens.
        if ((prev === '-' && latex[0] === '-') || (prev === "'" && latex[0] === "'") || (prev === '`' && latex[0] === '`')) out += '{}';
        out += latex;
        prev = latex[latex.length - 1] ?? prev;
      }
    }
    return out;
  }

  /**
   * A title with the words a style must not lowercase protected by braces: acronyms, words with
   * capitals inside them (`{LLMs}`, `{HyperNetwork}`, `{O1-Pruner}`) and proper nouns.
   */
  title(title: string): string {
    const text = title.normalize('NFC');
    const proper = properNouns(text);
    return pairBraces(splitMarkup(text))
      // Math as a whole is protected by one group (`{$O(n)$}`); kept markup by two, since BibTeX
      // changes case inside a group that opens with a command.
      .map((part) => (part.raw ? (part.text.startsWith('\\') ? `{{${part.text}}}` : `{${part.text}}`) : this.words(part, proper)))
      .join('');
  }

  private words(part: Part, proper: Set<string>): string {
    return part.text
      .split(/(\s+)/)
      .map((word) => {
        if (/^\s*$/.test(word)) return word;
        const latex = this.encode([{ raw: false, text: word, marked: part.marked }]);
        const plain = word.replace(/[\ue000\ue001]/g, (c) => (c === OPEN ? '{' : '}'));
        if (!mustKeepCase(plain) && !proper.has(plain)) return latex;
        // A group that opens with a command is a "special character" to BibTeX, which changes
        // case inside it: a second pair of braces protects it for real.
        return latex.startsWith('\\') ? `{{${latex}}}` : `{${latex}}`;
      })
      .join('');
  }

  /** One character as LaTeX, outside math. */
  private char(ch: string): string {
    const special = SPECIAL[ch];
    if (special) return special;
    if (!this.ascii || ch.charCodeAt(0) < 0x80) return ch;
    const spelled = LIGATURE_SPELLINGS[ch] ?? command(ch);
    if (spelled) return spelled;
    const [base, ...marks] = [...ch.normalize('NFD')];
    if (base && marks.length) {
      // `{\"u}`: braced so BibTeX treats it as one letter when sorting and changing case. An
      // accented i is `{\'i}`: every reader gives í for it, but ı́ for `{\'{\i}}`.
      if (base.charCodeAt(0) < 0x80 && marks.every((m) => ACCENTS[m])) {
        let inner = base;
        for (const m of marks) inner = /^[a-zA-Z]$/.test(ACCENTS[m]!) ? `\\${ACCENTS[m]}{${inner}}` : `\\${ACCENTS[m]}${inner.length > 1 ? `{${inner}}` : inner}`;
        return `{${inner}}`;
      }
      const greek = MATH_COMMANDS[base];
      if (greek && /^\p{Script=Greek}$/u.test(base) && marks.every((m) => MATH_ACCENTS[m])) {
        let inner = `\\${greek}`;
        for (const m of marks) inner = `\\${MATH_ACCENTS[m]}{${inner}}`;
        return `{$${inner}$}`;
      }
    }
    this.unencodable.add(ch);
    return ch;
  }
}

// A brace with a partner is `\{` or `\}`, which pandoc reads too; a lone one is a command, since
// BibTeX counts braces whatever precedes them and a lone `\{` would unbalance the field. Pairs
// are found over the whole text before it is cut into words, and marked with private-use
// characters (text that holds those already keeps every brace a command).
const OPEN = '\ue000';
const CLOSE = '\ue001';
const BRACES: Record<string, string> = { '{': '\\textbraceleft{}', '}': '\\textbraceright{}', [OPEN]: '\\{', [CLOSE]: '\\}' };

function pairBraces(parts: Part[]): Part[] {
  const text = parts.filter((p) => !p.raw).map((p) => p.text).join('');
  if (!/[{}]/.test(text) || /[\ue000\ue001]/.test(text)) return parts;
  const chars = parts.map((p) => [...p.text]);
  const open: [number, number][] = [];
  chars.forEach((cs, k) => {
    if (parts[k]!.raw) return;
    cs.forEach((c, i) => {
      if (c === '{') open.push([k, i]);
      else if (c === '}' && open.length) {
        const [ok, oi] = open.pop()!;
        chars[ok]![oi] = OPEN;
        cs[i] = CLOSE;
      }
    });
  });
  return parts.map((p, k) => ({ raw: p.raw, text: chars[k]!.join(''), marked: true }));
}

/** Superscript and subscript characters, written `{$^{+}$}` and `{$_{2}$}`; ² ³ ¹ have text commands. */
export const SCRIPTS: Record<string, string> = Object.fromEntries([
  ...[...'⁰⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ'].map((c, i) => [c, `^{${'0456789+-=()ni'[i]}}`]),
  ...[...'₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜ'].map((c, i) => [c, `_{${'0123456789+-=()aeoxhklmnpst'[i]}}`]),
]);

function command(ch: string): string | undefined {
  const script = SCRIPTS[ch];
  if (script) return `{$${script}$}`;
  const t = TEXT_COMMANDS[ch];
  if (t) return `{\\${t}}`;
  const m = MATH_COMMANDS[ch];
  return m ? `{$\\${m}$}` : undefined;
}

// Characters LaTeX takes as themselves and no ligature starts with.
const SAFE_RUN = /[A-Za-z0-9 ,.;:!?()[\]/=+*@|"]+/y;

/** Text as BibTeX-safe LaTeX (see LatexEncoder.text). */
export function toLatex(text: string, ascii: boolean): string {
  return new LatexEncoder(ascii).text(text);
}

/** A title with its case-sensitive words protected (see LatexEncoder.title). */
export function protectTitle(title: string, ascii: boolean): string {
  return new LatexEncoder(ascii).title(title);
}

// Markup kept as written: a reader shows `\emph{x}` in italics and `\url{…}` as a link; any
// other command is text that happens to hold a backslash.
/** Markup lit keeps as written in text, in both directions: its argument is plain text (or a URL). */
export const KEPT_COMMAND = /\\(?:emph|textit|textbf|textsc|texttt)\{[^{}\\$]*\}|\\url\{[^{}\\\s]*\}|\\href\{[^{}\\\s]*\}\{[^{}\\$]*\}/y;

/**
 * Splits text into parts written as they stand (`$…$` math, kept markup) and the rest. Math
 * follows pandoc's rule: the opening `$` has a non-space after it, the closing one a non-space
 * before it and no digit after it (so `$5 and $10` is text); it must balance its braces.
 */
interface Part {
  raw: boolean;
  text: string;
  /** Its paired braces are marked with OPEN and CLOSE (see pairBraces). */
  marked?: boolean;
}

function splitMarkup(text: string): Part[] {
  const out: Part[] = [];
  if (!/[$\\]/.test(text)) return [{ raw: false, text }];
  let last = 0;
  const push = (from: number, to: number) => {
    if (from > last) out.push({ raw: false, text: text.slice(last, from) });
    out.push({ raw: true, text: text.slice(from, to) });
    last = to;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      KEPT_COMMAND.lastIndex = i;
      const m = KEPT_COMMAND.exec(text);
      if (m) {
        push(i, i + m[0].length);
        i = last - 1;
      }
      continue;
    }
    if (c !== '$' || !text[i + 1] || /\s|\$/.test(text[i + 1]!)) continue;
    // The next `$` closes it or nothing does: to TeX every `$` opens or closes math.
    const j = text.indexOf('$', i + 1);
    if (j < 0) break;
    const inner = text.slice(i + 1, j);
    // `\$` inside would end the math early for a reader; unbalanced braces would end the field.
    if (/\s/.test(text[j - 1]!) || /\d/.test(text[j + 1] ?? '') || !balanced(inner) || inner.endsWith('\\')) continue;
    push(i, j + 1);
    i = j;
  }
  if (last < text.length) out.push({ raw: false, text: text.slice(last) });
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
 * A word whose case is part of it: an acronym or inner capital in any part of a hyphenated
 * compound (`Length-Harmonizing` is title case; `O1-Pruner` and `HyperNetwork` are names).
 */
function mustKeepCase(word: string): boolean {
  return word.split('-').some((part) => {
    const letters = part.replace(/[^\p{L}\p{N}]/gu, '');
    return /\p{Lu}/u.test(letters.slice(1)) || (/\d/.test(letters) && /\p{Lu}/u.test(letters));
  });
}

// Capitalised in English wherever they stand: languages and peoples, days and months.
const ALWAYS_CAPITAL = new Set(
  (
    'English French German Spanish Italian Portuguese Dutch Polish Czech Turkish Greek Russian Chinese Japanese Korean Arabic Hebrew ' +
    'Hindi Vietnamese Thai Indonesian Swedish Norwegian Danish Finnish Hungarian Romanian Ukrainian Persian Latin European American ' +
    'African Asian British Indian Bayes Bayesian Gaussian Markov Monte Carlo Euclidean Riemannian Hessian Jacobian Fourier Laplacian ' +
    'Boltzmann Newton Newtonian Lipschitz Wasserstein Hilbert Banach Nash Pareto Shapley Turing Python Wikipedia Internet ' +
    'Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April June July August September October November December'
  ).split(' '),
);

/**
 * The capitalised words of a title that are proper nouns, which a sentence-casing style (pandoc,
 * Zotero) must leave alone: names English always capitalises, words with letters no English word
 * has (`Łódź`, `İstanbul`), and, in a title already in sentence case, every capitalised word
 * after the first, since nothing else would be capitalised there.
 */
function properNouns(title: string): Set<string> {
  const words = title.split(/\s+/).filter(Boolean);
  const proper = new Set<string>();
  const capital = (w: string) => /^[\p{P}]*\p{Lu}/u.test(w);
  // Sentence case: most words that could be capitalised are not.
  const lowerWords = words.filter((w) => /^\p{Ll}{4,}/u.test(w)).length;
  const capWords = words.slice(1).filter((w) => capital(w) && /\p{L}{4,}/u.test(w)).length;
  const sentenceCase = lowerWords >= 2 && capWords < lowerWords / 2;
  words.forEach((w, i) => {
    if (!capital(w)) return;
    const bare = w.replace(/^[\p{P}]+|[\p{P}]+$/gu, '');
    const afterColon = i > 0 && /[:.?!]$/.test(words[i - 1]!);
    if (ALWAYS_CAPITAL.has(bare.replace(/['’]s$/, '')) || /[^\x00-\x7f]/.test(bare.normalize('NFC')) && /\p{L}/u.test(bare)) proper.add(w);
    else if (sentenceCase && i > 0 && !afterColon && bare.length > 1) proper.add(w);
  });
  return proper;
}

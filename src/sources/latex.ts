// Reading LaTeX markup as Unicode text: what a .bib field means, not how it was typed.
// `{\"u}`, `\"{u}` and `\"u` are all ü; `{\'\i}` is í (not the dotless ı with an accent that
// other parsers give); braces that protect case are dropped; `--` is an en dash. Math is kept
// as written (`$O(n)$`), or read as Unicode (`$\Phi$` → Φ) when comparing titles.
import { GREEK, KEPT_COMMAND, MATH_COMMANDS, SCRIPTS, TEXT_COMMANDS } from '../format/latex.js';

/** What to do with `$…$` math and kept markup (`\emph{…}`): keep them as written, or turn them into the Unicode text they show. */
export type MathMode = 'keep' | 'unicode';

// Accent commands and the combining marks they put on a letter.
const ACCENT: Record<string, string> = {
  '`': '\u0300',
  "'": '\u0301',
  '^': '\u0302',
  '~': '\u0303',
  '=': '\u0304',
  u: '\u0306',
  '.': '\u0307',
  '"': '\u0308',
  r: '\u030a',
  H: '\u030b',
  v: '\u030c',
  c: '\u0327',
  k: '\u0328',
  d: '\u0323',
  b: '\u0331',
  t: '\u0361',
  // Math accents, as `$\acute{\alpha}$` puts them on Greek letters.
  grave: '\u0300', acute: '\u0301', hat: '\u0302', tilde: '\u0303', bar: '\u0304', breve: '\u0306', dot: '\u0307', ddot: '\u0308', check: '\u030c',
};

// Commands that stand for one character, in text or math.
const SYMBOL: Record<string, string> = {
  ss: 'ß', ae: 'æ', AE: 'Æ', oe: 'œ', OE: 'Œ', o: 'ø', O: 'Ø', l: 'ł', L: 'Ł', i: 'ı', j: 'ȷ', aa: 'å', AA: 'Å',
  dh: 'ð', DH: 'Ð', th: 'þ', TH: 'Þ', dj: 'đ', DJ: 'Đ', ng: 'ŋ', NG: 'Ŋ',
  textbackslash: '\\', textbraceleft: '{', textbraceright: '}', textasciitilde: '~', textasciicircum: '^',
  textasciigrave: '`', textquotesingle: "'", textless: '<', textgreater: '>', textbar: '|', textunderscore: '_', textdollar: '$',
  textquoteleft: '‘', textquoteright: '’', textquotedblleft: '“', textquotedblright: '”', textendash: '–', textemdash: '—',
  ldots: '…', dots: '…', textellipsis: '…', textdegree: '°', texteuro: '€', euro: '€', pounds: '£', textsterling: '£', S: '§', P: '¶',
  textcopyright: '©', copyright: '©', textregistered: '®', texttrademark: '™', textbullet: '•', textperiodcentered: '·',
  guillemotleft: '«', guillemotright: '»', guillemetleft: '«', guillemetright: '»', textexclamdown: '¡', textquestiondown: '¿',
  textmu: 'µ', textonehalf: '½', textonequarter: '¼', textthreequarters: '¾', texttimes: '×', textdiv: '÷', textminus: '−',
  textpm: '±', textordfeminine: 'ª', textordmasculine: 'º', textsuperscript: '', textnumero: '№', textdagger: '†', textdaggerdbl: '‡',
  times: '×', pm: '±', mp: '∓', cdot: '·', div: '÷', leq: '≤', le: '≤', geq: '≥', ge: '≥', neq: '≠', ne: '≠', approx: '≈', sim: '∼',
  simeq: '≃', equiv: '≡', infty: '∞', rightarrow: '→', to: '→', leftarrow: '←', Rightarrow: '⇒', Leftarrow: '⇐', leftrightarrow: '↔',
  mapsto: '↦', ell: 'ℓ', partial: '∂', nabla: '∇', sum: '∑', prod: '∏', int: '∫', in: '∈', notin: '∉', subset: '⊂', subseteq: '⊆',
  cup: '∪', cap: '∩', forall: '∀', exists: '∃', emptyset: '∅', varnothing: '∅', star: '⋆', ast: '∗', circ: '∘', bullet: '•', prime: '′',
  langle: '⟨', rangle: '⟩', hbar: 'ℏ', aleph: 'ℵ', sqrt: '√', propto: '∝', perp: '⊥', parallel: '∥', log: 'log', exp: 'exp', max: 'max',
  min: 'min', lim: 'lim', sin: 'sin', cos: 'cos', mid: '∣', vert: '|', lvert: '|', rvert: '|', lbrace: '{', rbrace: '}', backslash: '\\',
  varepsilon: 'ε', vartheta: 'ϑ', varpi: 'ϖ', varrho: 'ϱ', varsigma: 'ς', varphi: 'φ', epsilon: 'ϵ', phi: 'ϕ',
  quad: ' ', qquad: ' ', enspace: ' ', thinspace: ' ', space: ' ', relax: '', protect: '', noopsort: '', nocase: '', hspace: '',
};
// Greek letters by name, lower and upper case (LaTeX's \epsilon and \phi are ϵ and ϕ, set above).
GREEK.forEach((name, i) => {
  const lower = String.fromCodePoint(0x3b1 + i + (i >= 17 ? 1 : 0));
  if (!(name in SYMBOL)) SYMBOL[name] = lower;
  SYMBOL[name[0]!.toUpperCase() + name.slice(1)] = String.fromCodePoint(0x391 + i + (i >= 17 ? 1 : 0));
});

// Every spelling the exporter writes reads back as its character.
for (const table of [TEXT_COMMANDS, MATH_COMMANDS]) for (const [ch, name] of Object.entries(table)) if (/^[a-zA-Z]+$/.test(name) && !(name in SYMBOL)) SYMBOL[name] = ch;

// `^{+}` alone in math is ⁺, as the exporter writes it.
const SCRIPT_OF = new Map(Object.entries(SCRIPTS).map(([ch, tex]) => [tex, ch]));

// Commands whose argument is the text itself: the markup goes, the words stay.
const TEXT_ARG = new Set([
  'emph', 'textit', 'textbf', 'textsc', 'textrm', 'textsf', 'texttt', 'textup', 'textmd', 'textsl', 'textnormal', 'mbox', 'hbox', 'text',
  'mathrm', 'mathit', 'mathbf', 'mathsf', 'mathtt', 'mathcal', 'mathbb', 'mathfrak', 'operatorname', 'boldsymbol', 'bm', 'ensuremath',
  'uppercase', 'lowercase', 'MakeUppercase', 'MakeLowercase', 'NoCaseChange', 'textsubscript', 'textsuperscript', 'textenglish',
  'foreignlanguage',
]);

// `\,` and friends: spacing, hyphenation hints and escaped specials.
const ONE_CHAR: Record<string, string> = {
  '&': '&', '%': '%', $: '$', '#': '#', _: '_', '{': '{', '}': '}', ' ': ' ', ',': ' ', ';': ' ', ':': ' ', '!': '', '-': '', '/': '', '@': '', '\\': ' ', '\n': ' ',
};

/**
 * `$\times$`, `$\sim$`, `$\gamma$`: math that is one symbol, read as that character. Listings
 * print arXiv's LaTeX as typed; lit reads it the way it reads a .bib, so a paper's text is the
 * same whichever source it came from, and an export reads back as it was.
 */
export function mathSymbols(text: string): string {
  if (!text.includes('$')) return text;
  // `($<$3%)` is how arXiv abstracts write a bare less-than sign, and how lit's BibTeX writes it.
  const signs = text.replace(/\$([<>|])\$/g, '$1');
  if (!signs.includes('$\\')) return signs;
  return signs.replace(/\$\s*\\([a-zA-Z]+)\s*\$/g, (m, name: string) => (SYMBOL[name]?.length === 1 ? SYMBOL[name]! : m));
}

/** Reads LaTeX as Unicode: accents, special letters and symbols, dashes and quotes, markup and braces gone. */
export function decodeLatex(input: string, math: MathMode = 'keep'): string {
  // Most values hold no markup at all.
  if (!/[\\{}$~`'-]/.test(input)) return input;
  // An accent on \i or \j goes on the dotted letter: `{\'\i}` is í, which NFC then composes.
  return new Reader(input, math).run().replace(/([ıȷ])([\u0300-\u036f])/g, (_, l: string, m: string) => (l === 'ı' ? 'i' : 'j') + m).normalize('NFC');
}

// What TeX makes of runs of these in text, longest first; `~` is a space that does not break.
const LIGATURES: [string, string][] = [['---', '—'], ['--', '–'], ['``', '“'], ["''", '”'], ['~', '\u00a0']];

// Characters that are text as they stand, in text and in math alike.
const PLAIN = /[^\\{}$~`'\-^_]+/y;

// Deeper than any real markup: past it, braces are read flat instead of by recursion, which a
// title of 20,000 nested groups overflowed the stack with.
const MAX_DEPTH = 100;

class Reader {
  private i = 0;
  private depth = 0;
  /** Groups opened past MAX_DEPTH whose closing brace is still to come. */
  private flat = 0;
  constructor(
    private readonly s: string,
    private readonly math: MathMode,
  ) {}

  run(): string {
    return this.until(null, false);
  }

  /** Text up to an unmatched `}` (consumed) or the end. */
  private until(close: '}' | '$' | null, inMath: boolean): string {
    let out = '';
    const s = this.s;
    while (this.i < s.length) {
      // Runs of plain text are copied whole; only markup is looked at letter by letter.
      PLAIN.lastIndex = this.i;
      const run = PLAIN.exec(s);
      if (run) {
        out += run[0];
        this.i += run[0].length;
        if (this.i >= s.length) break;
      }
      const c = s[this.i]!;
      // A closing brace of a group read flat (see group) closes nothing.
      if (c === '}' && this.flat) {
        this.flat--;
        this.i++;
        continue;
      }
      if (c === '}' && close === '}') {
        this.i++;
        return out;
      }
      if (c === '$' && close === '$') {
        this.i++;
        return out;
      }
      if (c === '\\') out += this.command(inMath);
      else if (c === '{') {
        this.i++;
        out += this.group(inMath);
      } else if (c === '}') this.i++;
      else if (c === '$' && !inMath) out += this.mathGroup();
      else if (inMath && (c === '^' || c === '_')) this.i++;
      else {
        const lig = inMath ? undefined : LIGATURES.find(([from]) => s.startsWith(from, this.i));
        out += lig ? lig[1] : c;
        this.i += lig ? lig[0].length : 1;
      }
    }
    return out;
  }

  /** A braced group's text, after its `{`; past MAX_DEPTH its text is left to the enclosing level. */
  private group(inMath: boolean): string {
    if (this.depth >= MAX_DEPTH) {
      this.flat++;
      return '';
    }
    this.depth++;
    try {
      return this.until('}', inMath);
    } finally {
      this.depth--;
    }
  }

  /** `$…$`: kept as written, or read as Unicode. */
  private mathGroup(): string {
    const start = this.i;
    this.i++;
    const double = this.s[this.i] === '$';
    if (double) this.i++;
    const inner = this.until('$', true);
    if (double && this.s[this.i] === '$') this.i++;
    if (this.math === 'unicode') return inner;
    // One symbol alone (`$\gamma$`, `$\leq$`) is how a .bib spells one character: read it as that
    // character. Anything more is mathematics and stays as written.
    const source = this.s.slice(start + (double ? 2 : 1), this.i - (double ? 2 : 1));
    const one = /^\s*\\([a-zA-Z]+)\s*$/.exec(source);
    if (one && one[1]! in SYMBOL && SYMBOL[one[1]!]!.length === 1) return SYMBOL[one[1]!]!;
    // `$<$` and `$>$` are how BibTeX spells the signs safely; `$\acute{\alpha}$` is ά.
    if (/^[<>|]$/.test(source)) return source;
    const script = SCRIPT_OF.get(source.replace(/\s+/g, ''));
    if (script) return script;
    if (/^(\\[a-zA-Z]+\{)+\\[a-zA-Z]+\}+$/.test(source) && /^\P{M}\p{M}+$/u.test(inner)) return inner.normalize('NFC');
    return this.s.slice(start, this.i);
  }

  /** One argument: a braced group, a command, or a single character. */
  private argument(inMath: boolean): string {
    while (this.s[this.i] === ' ') this.i++;
    const c = this.s[this.i];
    if (c === undefined) return '';
    if (c === '{') {
      this.i++;
      return this.group(inMath);
    }
    if (c === '\\') return this.command(inMath);
    this.i++;
    return c;
  }

  private command(inMath: boolean): string {
    const s = this.s;
    // `\emph{…}` and `\url{…}` around plain text stay as written, as the exporter writes them and
    // as listings print them: a paper's text is the same whichever way it came in.
    KEPT_COMMAND.lastIndex = this.i;
    const kept = inMath || this.math === 'unicode' ? null : KEPT_COMMAND.exec(s);
    if (kept) {
      this.i += kept[0].length;
      return kept[0];
    }
    this.i++; // the backslash
    const c = s[this.i];
    if (c === undefined) return '\\';
    if (c in ACCENT && !/[a-zA-Z]/.test(c)) {
      this.i++;
      return this.accent(ACCENT[c]!, inMath);
    }
    if (!/[a-zA-Z]/.test(c)) {
      this.i++;
      if (c === '(' || c === '[') return this.math === 'unicode' ? this.untilText(c === '(' ? '\\)' : '\\]') : `\\${c}${this.rawUntil(c === '(' ? '\\)' : '\\]')}`;
      return ONE_CHAR[c] ?? c;
    }
    let name = '';
    while (this.i < s.length && /[a-zA-Z]/.test(s[this.i]!)) name += s[this.i++];
    // TeX drops the spaces after a control word.
    const afterName = this.i;
    while (s[this.i] === ' ') this.i++;
    const mark = name.length === 1 || inMath ? ACCENT[name] : undefined;
    if (mark) return this.accent(mark, inMath);
    // `\hspace{0pt}` is how a zero-width space is written.
    if (name === 'hspace') return /^0(pt)?$/.test(this.argument(inMath).trim()) ? '\u200b' : ' ';
    if (name in SYMBOL) {
      // `\i{}`: an empty group after a symbol only ends the command.
      if (s.startsWith('{}', this.i)) this.i += 2;
      return SYMBOL[name]!;
    }
    if (TEXT_ARG.has(name)) {
      if (name === 'foreignlanguage') this.argument(inMath);
      return this.argument(inMath);
    }
    // A URL is verbatim: `~` and `%` in it are themselves.
    if (name === 'url' || name === 'path') return this.verbatim();
    if (name === 'href') {
      this.verbatim();
      return this.argument(inMath);
    }
    if (name === 'frac') {
      const a = this.argument(inMath);
      return `${a}/${this.argument(inMath)}`;
    }
    // Unknown: kept as written, argument and all, so nothing a reader might need is lost.
    if (s[this.i] === '{') return `\\${name}{${this.verbatim()}}`;
    this.i = afterName;
    return `\\${name}`;
  }

  private accent(mark: string, inMath: boolean): string {
    const arg = this.argument(inMath);
    if (!arg) return mark.trim();
    // The mark goes after the first letter and the marks already on it: `\~{\^e}` is ễ.
    const m = /^.[\u0300-\u036f]*/su.exec(arg)![0];
    return `${m}${mark}${arg.slice(m.length)}`;
  }

  /** A braced argument as written, braces balanced. */
  private verbatim(): string {
    while (this.s[this.i] === ' ') this.i++;
    if (this.s[this.i] !== '{') return '';
    let depth = 0;
    const start = this.i + 1;
    for (; this.i < this.s.length; this.i++) {
      const c = this.s[this.i];
      if (c === '{') depth++;
      else if (c === '}' && --depth === 0) break;
    }
    return this.s.slice(start, this.i++);
  }

  private rawUntil(end: string): string {
    const j = this.s.indexOf(end, this.i);
    const stop = j < 0 ? this.s.length : j + end.length;
    const raw = this.s.slice(this.i, stop);
    this.i = stop;
    return raw;
  }

  private untilText(end: string): string {
    const j = this.s.indexOf(end, this.i);
    const inner = new Reader(this.s.slice(this.i, j < 0 ? this.s.length : j), 'unicode').untilMath();
    this.i = j < 0 ? this.s.length : j + end.length;
    return inner;
  }

  private untilMath(): string {
    return this.until(null, true);
  }
}

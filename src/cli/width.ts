// How wide text is on a terminal, in display columns: a CJK character or an emoji takes two
// columns, a combining mark none (a decomposed é is one column, not two), and a cut never splits
// a grapheme (an emoji's surrogate pair, a flag, a letter and its accent).

// East Asian Wide and Fullwidth blocks, and the emoji blocks terminals draw two columns wide.
const WIDE: [number, number][] = [
  [0x1100, 0x115f], [0x231a, 0x231b], [0x2329, 0x232a], [0x23e9, 0x23ec], [0x23f0, 0x23f0], [0x23f3, 0x23f3], [0x25fd, 0x25fe],
  [0x2614, 0x2615], [0x2648, 0x2653], [0x267f, 0x267f], [0x2693, 0x2693], [0x26a1, 0x26a1], [0x26aa, 0x26ab], [0x26bd, 0x26be],
  [0x26c4, 0x26c5], [0x26ce, 0x26ce], [0x26d4, 0x26d4], [0x26ea, 0x26ea], [0x26f2, 0x26f3], [0x26f5, 0x26f5], [0x26fa, 0x26fa],
  [0x26fd, 0x26fd], [0x2705, 0x2705], [0x270a, 0x270b], [0x2728, 0x2728], [0x274c, 0x274c], [0x274e, 0x274e], [0x2753, 0x2755],
  [0x2757, 0x2757], [0x2795, 0x2797], [0x27b0, 0x27b0], [0x27bf, 0x27bf], [0x2b1b, 0x2b1c], [0x2b50, 0x2b50], [0x2b55, 0x2b55],
  [0x2e80, 0x303e], [0x3041, 0x33ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xa000, 0xa4cf], [0xa960, 0xa97f], [0xac00, 0xd7a3],
  [0xf900, 0xfaff], [0xfe10, 0xfe19], [0xfe30, 0xfe6f], [0xff00, 0xff60], [0xffe0, 0xffe6], [0x16fe0, 0x18aff], [0x1b000, 0x1b2ff],
  [0x1f004, 0x1f004], [0x1f0cf, 0x1f0cf], [0x1f18e, 0x1f18e], [0x1f191, 0x1f19a], [0x1f200, 0x1f2ff], [0x1f300, 0x1f64f],
  [0x1f680, 0x1f6ff], [0x1f7e0, 0x1f7eb], [0x1f90c, 0x1f9ff], [0x1fa70, 0x1faff], [0x20000, 0x2fffd], [0x30000, 0x3fffd],
];

function isWide(cp: number): boolean {
  let lo = 0;
  let hi = WIDE.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [a, b] = WIDE[mid]!;
    if (cp < a) hi = mid - 1;
    else if (cp > b) lo = mid + 1;
    else return true;
  }
  return false;
}

// Made on first use: building a segmenter loads ICU's break rules, about 10 ms at start-up.
let segmenterMemo: Intl.Segmenter | undefined;
const segmenter = () => (segmenterMemo ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' }));

// Marks, joiners, variation selectors and format characters take no room of their own.
const ZERO = /^[\p{M}\p{Cf}\p{Cc}\ufe00-\ufe0f]$/u;

/**
 * Columns one grapheme takes, as the table library lit draws with (cli-table3, through
 * string-width) counts them, so its padding and lit's cuts agree.
 */
function graphemeWidth(g: string): number {
  // An emoji, however many code points it is made of (👩‍🔬, 🇯🇵), takes two columns.
  if (/\p{Extended_Pictographic}|\p{Regional_Indicator}/u.test(g)) return 2;
  let w = 0;
  for (const ch of g) {
    const cp = ch.codePointAt(0)!;
    w += cp >= 0x20 && cp < 0x7f ? 1 : isWide(cp) ? 2 : ZERO.test(ch) ? 0 : 1;
  }
  return w;
}

/** Display columns the text takes on a terminal. */
export function displayWidth(s: string): number {
  // Most of a library is ASCII: one column a character.
  if (/^[\x20-\x7e]*$/.test(s)) return s.length;
  let w = 0;
  for (const { segment } of segmenter().segment(s)) w += graphemeWidth(segment);
  return w;
}

/** At most `width` columns, an ellipsis marking a cut; never part of a grapheme. */
export function cutToWidth(s: string, width: number): string {
  if (displayWidth(s) <= width) return s;
  let out = '';
  let w = 0;
  for (const { segment } of segmenter().segment(s)) {
    const gw = graphemeWidth(segment);
    if (w + gw > width - 1) break;
    out += segment;
    w += gw;
  }
  return `${out}…`;
}

// Reading LaTeX as Unicode, and titles that compare equal however they are typed.
import { describe, expect, it } from 'vitest';
import { decodeLatex, mathSymbols } from '../src/sources/latex.js';
import { titleKey } from '../src/text.js';

describe('LaTeX read as Unicode', () => {
  it.each([
    ['{\\"u}', 'ü'],
    ['\\"{u}', 'ü'],
    ['\\"u', 'ü'],
    ["{\\'{\\i}}", 'í'],
    ["{\\'\\i}", 'í'],
    ["Garc{\\'\\i}a", 'García'],
    ['Nguy{\\~{\\^e}}n', 'Nguyễn'],
    ['\\c{c}a', 'ça'],
    ['\\v{S}koda', 'Škoda'],
    ['{\\AA}ngstr{\\"o}m', 'Ångström'],
    ['Wei{\\ss}', 'Weiß'],
    ['\\l{}\\\'od\\\'z', 'łódź'],
    ['\\& \\% \\$ \\# \\_', '& % $ # _'],
    ['\\textbackslash{} \\textbraceleft{}x\\textbraceright{}', '\\ {x}'],
    ['a--b---c', 'a–b—c'],
    ["``quoted''", '“quoted”'],
    ["O'Brien", "O'Brien"],
    ['a~b', 'a\u00a0b'],
    ['The {LLM} {\\emph{Era}}', 'The LLM \\emph{Era}'],
    ['\\emph{Caf{\\\'e}}', 'Café'],
    ['\\textit{in vivo}', '\\textit{in vivo}'],
    ['\\url{https://x.org/a_b~c%20}', '\\url{https://x.org/a_b~c%20}'],
    ['\\url{https://x.org/a\\_b}', 'https://x.org/a\\_b'],
    ['\\href{https://github.com/x/y}{LayerNorm-Scaling}', '\\href{https://github.com/x/y}{LayerNorm-Scaling}'],
    ['{$\\Phi$}-Equilibria', 'Φ-Equilibria'],
    ['{$\\gamma$}-rays and $\\leq$', 'γ-rays and ≤'],
    ['$O(n \\log n)$ time', '$O(n \\log n)$ time'],
    ['-{}-flag', '--flag'],
    ['\\unknowncommand{x}', '\\unknowncommand{x}'],
  ])('%s → %s', (latex, text) => expect(decodeLatex(latex)).toBe(text));

  it('reads math as Unicode when asked (spaces after a command go, as in TeX)', () => {
    expect(decodeLatex('{$\\Phi$}-Equilibria with $\\ell_1$ and $\\alpha \\leq \\infty$', 'unicode')).toBe('Φ-Equilibria with ℓ1 and α≤∞');
  });
});

describe('title keys', () => {
  it.each([
    ['Nystr{\\"o}m Approximation', 'Nyström approximation'],
    ['{$\\Phi$}-equilibria in Games', 'Φ-Equilibria in games'],
    ['\\Phi-equilibria in Games', 'Φ-equilibria in Games'],
    ['The {Curse} of {Depth}', 'The curse of depth'],
    ['Attention Is {$O(n)$}', 'Attention is $O(n)$'],
    ['A Study of \\emph{in vivo} Models', 'A study of in vivo models'],
  ])('%s is the same title as %s', (a, b) => expect(titleKey(a)).toBe(titleKey(b)));

  it('keeps titles that differ in words apart', () => expect(titleKey('Phi-equilibria')).not.toBe(titleKey('Psi-equilibria')));
});

describe('one-symbol math in listings', () => {
  it.each([
    ['more than 4$\\times$ memory', 'more than 4× memory'],
    ['1.53% $\\sim$ 6.11%', '1.53% ∼ 6.11%'],
    ['an $\\ell_1$ penalty', 'an $\\ell_1$ penalty'],
    ['$\\notacommand$', '$\\notacommand$'],
    ['a fraction ($<$3%) and $>$ 5', 'a fraction (<3%) and > 5'],
    ['$x<y$ stays math', '$x<y$ stays math'],
  ])('%s → %s', (text, out) => expect(mathSymbols(text)).toBe(out));
});

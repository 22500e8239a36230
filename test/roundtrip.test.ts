// Every export reads back as the same papers: fast-check generates papers with accents, LaTeX
// specials, braces, `and` inside names, particles and corporate authors; each format is
// exported, read back as the only source, and compared field by field.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPapers } from '../src/format/index.js';
import { buildLibrary } from '../src/library.js';
import { blankBib, type Author, type Paper } from '../src/model.js';
import { sourceFile } from './helpers.js';

const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const accents = 'àáâäçèéêëíîïñòóôöùúûüýÿÀÉÖÜßåÅæøłŁıœ';
// A backslash before letters would be a LaTeX command in the text; lit writes it as \textbackslash,
// but `$\pi$` typed in a title is π to every reader, so the generator keeps backslashes apart.
const specials = ['&', '%', '$', '#', '_', '{', '}', '~', '^', '\\ ', '\\1', '<', '>', '-', '--', "'", "''", '`', '"', ',', '.', ':', ';', '(', ')', '/', '?', '!', '–', '—', '“', '”', '‘', '’', ' '];
// Greek (with tonos, and the capitals that look Latin), symbols in text and math, super- and
// subscripts, and what BibTeX cannot spell at all (CJK, emoji): every branch of the encoder.
const symbols = [...'αβγΓΔΣεφϵϕάίόΡΝο∞≈≤≥±²³⁺₂µ×÷→←…«»‹›€£§¶©®™°‰½¿¡ŋĳđÞð'].concat(['日本', '🚀', '👩‍🔬', 'ễ', 'ő', 'ṭ']);
const unit = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...letters) }, { weight: 2, arbitrary: fc.constantFrom(...accents) }, { weight: 1, arbitrary: fc.constantFrom(...symbols) }, { weight: 2, arbitrary: fc.constantFrom(...specials) }, { weight: 1, arbitrary: fc.constantFrom('$x$', '$O(n)$', ' and ', '{LLM}') });
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
// Math of one sign (`$<$`) is that sign to every reader, lit's own included (mathSymbols): text
// holding one would come back as the sign, as it should, so the generator leaves it out.
const text = (min: number, max: number) =>
  fc
    .array(unit, { minLength: min, maxLength: max })
    .map((u) => squash(u.join('')))
    .filter((s) => !/\$[<>|]\$/.test(s));

const word = fc.array(fc.constantFrom(...letters.slice(0, 52), ...accents, ...'ΓιάννηςΡίζοΠαπδόλυΝκ王小明ễő'), { minLength: 1, maxLength: 8 }).map((a) => a.join(''));
const author: fc.Arbitrary<Author> = fc.oneof(
  fc.record({ given: word, family: word }),
  // Particles stay with the family name; `and` inside a name must not split the list.
  fc.record({ given: word, family: fc.tuple(fc.constantFrom('van der', 'de la', 'von', 'di'), word).map(([p, w]) => `${p} ${w}`) }),
  fc.record({ given: fc.tuple(word, word).map(([a, b]) => `${a} And ${b}`), family: word }),
  fc.record({ given: word, family: word, suffix: fc.constantFrom('Jr.', 'III') }),
  // A corporate author: one name, no given name.
  fc.tuple(word, word).map(([a, b]) => ({ given: '', family: `${a} ${b} Lab` })),
);

function paper(i: number, fields: Partial<Paper>): Paper {
  const authorList = fields.authorList ?? [];
  return {
    id: `${String(i).padStart(12, '0')}`,
    key: `key${i}`,
    aliases: [],
    title: null,
    authors: authorList.map((a) => [a.given, a.family].filter(Boolean).join(' ')),
    authorList,
    authorsTruncated: false,
    authorCount: authorList.length || null,
    year: null,
    date: null,
    dateInferred: false,
    abstract: null,
    categories: [],
    organisation: null,
    upvotes: null,
    score: null,
    code: null,
    ...blankBib(),
    sources: [],
    provenance: {},
    ...fields,
  };
}

const generated = fc
  .array(
    fc.record({
      title: text(1, 40),
      authorList: fc.array(author, { maxLength: 4 }),
      truncated: fc.boolean(),
      year: fc.option(fc.integer({ min: 1900, max: 2030 }), { nil: null }),
      abstract: fc.option(text(1, 120), { nil: null }),
      doi: fc.option(fc.tuple(fc.integer({ min: 1000, max: 99999 }), fc.stringMatching(/^[a-z0-9]{1,8}$/)).map(([r, s]) => `10.${r}/${s}`), { nil: null }),
      arxiv: fc.option(fc.tuple(fc.integer({ min: 1001, max: 2512 }), fc.integer({ min: 10000, max: 99999 })).map(([a, b]) => `${a}.${b}`), { nil: null }),
      url: fc.option(fc.stringMatching(/^[a-z0-9]{1,10}$/).map((s) => `https://example.org/${s}`), { nil: null }),
      venue: fc.option(text(1, 30), { nil: null }),
      type: fc.constantFrom(null, 'article', 'inproceedings', 'misc', 'book', 'report'),
    }),
    { minLength: 1, maxLength: 4 },
  )
  .map((list) =>
    list.map((g, i) =>
      paper(i, {
        // A distinct last word keeps generated papers from merging on their titles.
        title: squash(`${g.title.replace(/[.\s]+$/, '')} Q${i}`),
        authorList: g.authorList,
        authorsTruncated: g.truncated && g.authorList.length > 0,
        authorCount: g.authorList.length || null,
        year: g.year,
        date: g.year === null ? null : String(g.year),
        abstract: g.abstract || null,
        doi: g.doi ? `${g.doi}${i}` : null,
        arxiv: g.arxiv,
        url: g.url,
        venue: g.venue || null,
        type: g.type,
      }),
    ),
  )
  // Two papers with one arXiv id are one paper: keep them distinct.
  .filter((ps) => new Set(ps.map((p) => p.arxiv).filter(Boolean)).size === ps.filter((p) => p.arxiv).length);

/** What must survive a round trip. */
const essence = (p: Paper) => ({
  key: p.key,
  title: p.title,
  authors: p.authorList.map((a) => ({ given: a.given, family: a.family, suffix: a.suffix ?? '' })),
  truncated: p.authorsTruncated,
  year: p.year,
  abstract: p.abstract,
  doi: p.doi,
  arxiv: p.arxiv,
  url: p.url,
  venue: p.venue,
});

describe.each(['json', 'jsonl', 'yaml', 'csl-json', 'bibtex', 'biblatex', 'ris'])('%s export', (format) => {
  it('reads back as the same papers', async () => {
    await fc.assert(
      fc.asyncProperty(generated, async (papers) => {
        const { text } = (await formatPapers(format, papers))!;
        const lib = buildLibrary([sourceFile(`export.${format}`, text)]);
        expect(lib.warnings).toEqual([]);
        const byKey = new Map(lib.papers.map((p) => [p.key, essence(p)]));
        expect(papers.map((p) => byKey.get(p.key))).toEqual(papers.map(essence));
      }),
      { numRuns: Number(process.env.LIT_PROPERTY_RUNS ?? 80) },
    );
  });
});

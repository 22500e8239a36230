// The query language's edges: errors that say what is wrong, and exclusions of any field.
import { describe, expect, it } from 'vitest';
import { parseQuery } from '../src/search/query.js';
import { lit } from './helpers.js';

describe('query errors (D10)', () => {
  it.each([
    ['foo:bar', /foo: is not a field \(known: author: title: abstract: category: org: year: key: id: type: venue: doi:\); to search for "foo:bar" as text, quote it/],
    ['type:papr', /type:papr: not a type \(known: article book .* misc/],
    ['type:', /type: needs a value, as in type:inproceedings/],
    ['year:', /year: needs a value, as in year:2024 or year:2023\.\.2025/],
    ['author:', /author: needs a value, as in author:liu/],
    ['pruning year:2023 year:2024', /give one year: .*not two/],
    ['"unbalanced quote', /the quote at character 1 is never closed/],
    ['pruning "large language', /the quote at character 9 is never closed/],
  ])('%j is an error that says why', (q, message) => expect(() => parseQuery(q)).toThrow(message));

  it.each([
    ['SoS1: reasoning', { words: ['SoS1:', 'reasoning'] }],
    ['"foo:bar"', { phrases: ['foo:bar'] }],
    ['see http://github.com/x', { words: ['see', 'http://github.com/x'] }],
    ['-author:liu pruning', { words: ['pruning'], excludeFields: [{ field: 'authors', value: 'liu' }] }],
  ])('%j parses as text where it is text', (q, want) => expect(parseQuery(q)).toMatchObject(want));

  it('exits 2 from the command line, naming the field', () => {
    const r = lit(['search', 'foo:bar']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^lit: foo: is not a field/);
  });
});

describe('excluded fields', () => {
  it('-author:liu leaves out the papers with an author named Liu, and only those', () => {
    const all = JSON.parse(lit(['search', 'pruning', '--all', '--json']).stdout) as { key: string; authors: string[] }[];
    const without = JSON.parse(lit(['search', 'pruning -author:liu', '--all', '--json']).stdout) as { key: string; authors: string[] }[];
    const liu = all.filter((p) => p.authors.some((a) => /\bLiu$/.test(a)));
    expect(liu.length).toBeGreaterThan(0);
    expect(without.map((p) => p.key).sort()).toEqual(all.filter((p) => !liu.includes(p)).map((p) => p.key).sort());
  });
});

describe('OR, | and parentheses (D10)', () => {
  const keys = (q: string) => new Set(lit(['search', q, '--all', '--format', 'ids']).stdout.trim().split('\n').filter(Boolean));
  it('OR and | give the papers of either side', () => {
    const a = keys('pruning');
    const b = keys('quantization');
    const either = keys('pruning OR quantization');
    expect(either).toEqual(new Set([...a, ...b]));
    expect(keys('pruning | quantization')).toEqual(either);
    expect(keys('(pruning|quantization)')).toEqual(either);
    expect(either.size).toBeGreaterThan(a.size);
  });
  it('-( … ) leaves out what the group matches', () => {
    const pruning = keys('pruning');
    const out = new Set([...keys('vision'), ...keys('speech')]);
    expect(keys('pruning -(vision OR speech)')).toEqual(new Set([...pruning].filter((k) => !out.has(k))));
  });
  it.each([
    ['(pruning', /a \( that is never closed at character 1/],
    ['pruning OR', /OR with nothing after it/],
    ['OR pruning', /OR with nothing before it/],
    ['a ) b', /a \) with no \( before it at character 3/],
    ['(a | ) b', /an empty side of OR/],
    ['-', /the query is empty/],
    ['- —', /the query is empty/],
    [`${'('.repeat(20_000)}pruning${')'.repeat(20_000)}`, /groups nested more than 32 deep at character 33/],
  ])('%j is an error pointing at where', (q, message) => {
    const r = lit(['search', q]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

describe('type:, venue: and doi: (D10)', () => {
  const BIB = ['-s', 'test/fixtures/bibtex/strings, concatenation, crossref and month macros.bib', '-s', 'test/fixtures/bibtex/accents, commands and math decoded to Unicode.bib'];
  const papers = JSON.parse(lit([...BIB, 'list', '--json']).stdout) as { key: string; type: string | null; venue: string | null; doi: string | null }[];
  const keys = (q: string) => lit([...BIB, 'search', '--all', '--format', 'ids', '--', q]).stdout.trim().split('\n').filter(Boolean).sort();
  const where = (f: (p: (typeof papers)[number]) => boolean) => papers.filter(f).map((p) => p.key).sort();
  it.each([
    ['type:article', (p: (typeof papers)[number]) => p.type === 'article'],
    ['-type:article', (p: (typeof papers)[number]) => p.type !== 'article'],
    ['doi:10.1000', (p: (typeof papers)[number]) => !!p.doi?.toLowerCase().startsWith('10.1000')],
    ['venue:zeitschrift', (p: (typeof papers)[number]) => /zeitschrift/i.test(p.venue ?? '')],
    ['type:article venue:zeitschrift', (p: (typeof papers)[number]) => p.type === 'article' && /zeitschrift/i.test(p.venue ?? '')],
  ])('%s selects exactly the papers whose record says so', (q, f) => {
    const want = where(f);
    expect(want.length).toBeGreaterThan(0);
    expect(want.length).toBeLessThan(papers.length);
    expect(keys(q)).toEqual(want);
  });
});

describe('joined and hyphenated words (D15)', () => {
  const first = (q: string) => lit(['search', q, '--format', 'ids', '-n', '1']);
  it.each([
    ['kmedoids', 'faster2018kmedoids|fast2020eager', /kmedoids → "k medoids"/],
    ['qgalore', 'zhang2024qgalore', /qgalore → "q galore"/],
  ])('%s, which no paper writes joined, finds the hyphenated word and says so', (q, key, note) => {
    const r = first(q);
    expect(r.stdout.trim()).toMatch(new RegExp(`^(${key})$`));
    expect(r.stderr).toMatch(note);
  });
  it('a joined word a few papers write joined also finds the papers that hyphenate it', () => {
    const hits = lit(['search', 'finetuning', '--all', '--json']);
    const titles = (JSON.parse(hits.stdout) as { title: string }[]).map((p) => p.title);
    expect(titles.some((t) => /Fine-Tuning/i.test(t))).toBe(true);
  });
  it('k medoids and k-medoids find the same papers as kmedoids', () => {
    const ids = (q: string) => new Set(lit(['search', q, '--all', '--format', 'ids']).stdout.trim().split('\n').filter((k) => /medoid|eager/.test(k)));
    expect(ids('k medoids')).toEqual(ids('kmedoids'));
    expect(ids('k-medoids')).toEqual(ids('kmedoids'));
  });
});

describe('query errors point at the place (D10)', () => {
  it.each([
    ['pruning "large language', '"'],
    ['(pruning', '('],
    [`${'word '.repeat(30)}) b`, ')'],
  ])('%j: the caret stands under the offending character, with the query cut to its neighbourhood', (q, ch) => {
    const r = lit(['search', '--', q]);
    expect(r.status).toBe(2);
    const [, shown, caret] = r.stderr.trimEnd().split('\n');
    expect(shown!.length).toBeLessThanOrEqual(2 + 62);
    expect(shown![caret!.indexOf('^')]).toBe(ch);
  });
});

describe('a query of punctuation alone', () => {
  it('`lit search -- --` is an empty query (exit 2), not every paper', () => {
    const r = lit(['search', '--', '--']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/the query is empty/);
  });
});

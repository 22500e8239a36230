// `OR`, `|`, parentheses and negated groups above the plain query language. A query without
// them is the plain one (papers with all words first, then the rest); one with them is
// turned into an OR of plain queries, each run as before, and their hits are joined.
import { EXIT, LitError } from '../errors.js';
import { isEmptyQuery, parseQuery, pointAt, type Query } from './query.js';
import type { Hit, LibraryStore, Ranked } from '../library-store.js';

type Node = { or: Node[][] } | { term: string } | { not: Node };

// More alternatives than this is a query no one typed by hand.
const MAX_BRANCHES = 64;
// Groups nested deeper than this likewise; 20,000 of them overflowed the stack.
const MAX_DEPTH = 32;

/** True when the query uses OR, `|` or parentheses outside quotes. */
function isBoolean(text: string): boolean {
  return /(^|\s)OR(\s|$)|[|()]/.test(text.replace(/"[^"]*"/g, '""'));
}

function tokens(text: string): { t: string; at: number }[] {
  const out: { t: string; at: number }[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === '|') {
      out.push({ t: c, at: i++ });
      continue;
    }
    if (c === '-' && text[i + 1] === '(') {
      out.push({ t: '-(', at: i });
      i += 2;
      continue;
    }
    // A term: up to white space or a parenthesis, with quoted parts kept whole.
    const start = i;
    while (i < text.length && !/[\s()|]/.test(text[i]!)) {
      if (text[i] === '"') {
        const close = text.indexOf('"', i + 1);
        if (close < 0) throw new LitError('bad-query', `the quote at character ${i + 1} is never closed (close it, or leave it out):\n${pointAt(text, i)}`, EXIT.usage);
        i = close + 1;
      } else i++;
    }
    const t = text.slice(start, i);
    out.push({ t: t === 'OR' ? '|' : t, at: start });
  }
  return out;
}

/** Parses `a b | (c -d)` into alternatives of terms; an unbalanced parenthesis is an error naming where. */
function parse(text: string): Node {
  const toks = tokens(text);
  let k = 0;
  const fail = (msg: string, at: number): never => {
    throw new LitError('bad-query', `${msg} at character ${at + 1}:\n${pointAt(text, at)}`, EXIT.usage);
  };
  const group = (closing: boolean, open: number, depth: number): Node => {
    if (depth > MAX_DEPTH) fail(`groups nested more than ${MAX_DEPTH} deep`, open);
    const alts: Node[][] = [[]];
    for (; k < toks.length; k++) {
      const { t, at } = toks[k]!;
      if (t === ')') {
        if (!closing) fail('a ) with no ( before it', at);
        if (alts.some((a) => !a.length)) fail('an empty side of OR', at);
        return { or: alts };
      }
      if (t === '|') {
        if (!alts[alts.length - 1]!.length) fail('OR with nothing before it', at);
        alts.push([]);
      } else if (t === '(' || t === '-(') {
        k++;
        const inner = group(true, at, depth + 1);
        alts[alts.length - 1]!.push(t === '-(' ? { not: inner } : inner);
      } else alts[alts.length - 1]!.push({ term: t });
    }
    if (closing) fail('a ( that is never closed', open);
    if (!alts[alts.length - 1]!.length) fail('OR with nothing after it', toks[toks.length - 1]?.at ?? 0);
    return { or: alts };
  };
  return group(false, 0, 0);
}

/** One plain query, and the groups whose papers it leaves out. */
interface Branch {
  terms: string[];
  not: Node[];
}

/** The node as an OR of plain branches (distributing AND over OR), at most MAX_BRANCHES of them. */
function branches(node: Node): Branch[] {
  if ('term' in node) return [{ terms: [node.term], not: [] }];
  if ('not' in node) return [{ terms: [], not: [node.not] }];
  const out: Branch[] = [];
  for (const alt of node.or) {
    let acc: Branch[] = [{ terms: [], not: [] }];
    for (const item of alt) {
      const next: Branch[] = [];
      for (const a of acc) for (const b of branches(item)) next.push({ terms: [...a.terms, ...b.terms], not: [...a.not, ...b.not] });
      if (next.length > MAX_BRANCHES) throw new LitError('bad-query', `the query opens into more than ${MAX_BRANCHES} alternatives; write it with fewer ORs`, EXIT.usage);
      acc = next;
    }
    out.push(...acc);
  }
  return out;
}

/** One plain query, its words that match nothing in the index respelled (unless --fuzzy does that for every word). */
function plain(store: LibraryStore, q: Query, fuzzy: boolean, notes: string[], limit?: number): Ranked {
  if (fuzzy) return store.search(q, { fuzzy, limit });
  const forgiven = store.forgive(q);
  for (const n of forgiven.notes) if (!notes.includes(n)) notes.push(n);
  return store.search(forgiven.query, { limit });
}

/** The papers a node matches, with the best score any of its branches gave each. */
function run(store: LibraryStore, node: Node, fuzzy: boolean, notes: string[]): Hit[] {
  const best = new Map<number, Hit>();
  for (const b of branches(node)) {
    const q = parseQuery(b.terms.join(' '));
    // A branch of exclusions alone is every paper but them, as a plain query is.
    let hits = plain(store, q, fuzzy, notes).hits;
    for (const n of b.not) {
      const out = new Set(run(store, n, fuzzy, notes).map((h) => h.sid));
      hits = hits.filter((h) => !out.has(h.sid));
    }
    for (const h of hits) {
      const prev = best.get(h.sid);
      if (!prev || h.score > prev.score) best.set(h.sid, h);
    }
  }
  return [...best.values()].sort((a, b) => b.score - a.score || a.sid - b.sid);
}

/**
 * Checks a query before any index is opened (so a typo fails fast), and gives every term it
 * asks for as one plain query: for highlighting and "did you mean".
 */
export function checkText(text: string): Query {
  if (!isBoolean(text)) {
    const q = parseQuery(text);
    if (isEmptyQuery(q)) throw new LitError('bad-query', 'the query is empty', EXIT.usage);
    return q;
  }
  for (const b of branches(parse(text))) parseQuery(b.terms.join(' '));
  return parseQuery(
    tokens(text)
      .map((t) => t.t)
      .filter((t) => !['(', ')', '|', '-('].includes(t) && !t.startsWith('-'))
      .join(' '),
  );
}

/**
 * Ranked hits for a query as typed: plain, or with OR, `|`, parentheses and `-( … )`; and notes
 * on the words that matched nothing and what they were taken for (`scalin → scaling`). With a
 * limit, only the best that many are returned, and `total` counts them all.
 */
export function searchText(store: LibraryStore, text: string, opts: { fuzzy?: boolean; limit?: number } = {}): Ranked & { notes: string[] } {
  const notes: string[] = [];
  const fuzzy = Boolean(opts.fuzzy);
  if (!isBoolean(text)) {
    const q = parseQuery(text);
    if (isEmptyQuery(q)) throw new LitError('bad-query', 'the query is empty', EXIT.usage);
    return { ...plain(store, q, fuzzy, notes, opts.limit), notes };
  }
  const hits = run(store, parse(text), fuzzy, notes);
  return { hits: hits.slice(0, opts.limit ?? Infinity), total: hits.length, notes };
}

// `lit search`: ranked results, grep-like exit status.
import { EXIT, LitError } from '../../errors.js';
import { checkText, searchText } from '../../search/boolean.js';
import type { Hit, Searcher } from '../../search/searcher.js';
import { finish, open, type Context } from '../context.js';
import { err, out } from '../output.js';
import { chooseFormat, render } from '../render.js';

export interface ListOptions {
  json?: boolean;
  jsonl?: boolean;
  format?: string;
  limit?: string;
  all?: boolean;
}

/** The number of results to show: --all, else --limit, else the config's, else 10. */
export function limitOf(ctx: Context, opts: ListOptions): number {
  if (opts.all) return Infinity;
  if (opts.limit === undefined) return ctx.config.limit ?? 10;
  const n = Number(opts.limit);
  if (!Number.isInteger(n) || n < 1) throw new LitError('bad-limit', `--limit ${opts.limit}: expected a whole number of at least 1`, EXIT.usage);
  return n;
}

/** Prints hits in the chosen format; says on stderr when the limit left some out (D6). */
export async function printHits(ctx: Context, searcher: Searcher, hits: Hit[], opts: ListOptions, highlight: string[]): Promise<void> {
  const limit = limitOf(ctx, opts);
  const rows = hits.slice(0, limit).map((h) => ({ paper: searcher.paper(h.sid), score: h.score }));
  out(await render(rows, chooseFormat(ctx, opts), ctx, highlight));
  // `rg` and `gh` never cut a list short without a word: a pipeline that exports the hits
  // would otherwise export ten of them and say nothing.
  if (hits.length > rows.length && !ctx.quiet) err(`lit: showing ${rows.length} of ${hits.length}; --all for every result`);
}

export async function run(ctx: Context, args: string[], opts: ListOptions & { fuzzy?: boolean; sort?: string; reverse?: boolean }): Promise<number> {
  const text = args.join(' ');
  const query = checkText(text);
  limitOf(ctx, opts);
  const lib = await open(ctx);
  const found = searchText(lib.searcher, text, { fuzzy: opts.fuzzy });
  const { notes } = found;
  let hits = found.hits;
  // Another order than relevance sorts every hit first, so the limit keeps the newest (say), not the best.
  if (opts.sort && opts.sort !== 'relevance') {
    const { SORTS } = await import('./list.js');
    const by = SORTS[opts.sort]!;
    hits = [...hits].sort((a, b) => by(lib.searcher.paper(a.sid), lib.searcher.paper(b.sid)));
  }
  if (opts.reverse) hits = [...hits].reverse();
  if (!ctx.quiet) for (const n of notes) err(`lit: note: ${n}`);
  if (!hits.length) {
    const hint = lib.searcher.suggest(query);
    err(`lit: no match for ${JSON.stringify(text)}${hint ? `; did you mean: ${hint}` : ''}`);
    return finish(ctx, EXIT.noMatch, lib.warnings);
  }
  await printHits(ctx, lib.searcher, hits, opts, [...query.words, ...query.phrases, ...query.fields.map((f) => f.value)]);
  return finish(ctx, EXIT.ok, lib.warnings);
}

// `lit list`: every paper.
import { EXIT } from '../../errors.js';
import type { Paper } from '../../model.js';
import { finish, open, type Context } from '../context.js';
import { err, out } from '../output.js';
import { limitOf, type ListOptions } from './search.js';
import { chooseFormat, render } from '../render.js';

/** How `list --sort` and `search --sort` order papers (search's default, relevance, is its own). */
export const SORTS: Record<string, (a: Paper, b: Paper) => number> = {
  // Newest first; undated papers last.
  year: (a, b) => (b.date ?? '').localeCompare(a.date ?? ''),
  title: (a, b) => (a.title ?? '\uffff').localeCompare(b.title ?? '\uffff', 'en', { sensitivity: 'base' }),
  key: (a, b) => a.key.localeCompare(b.key),
};

export async function run(ctx: Context, _args: string[], opts: ListOptions & { sort?: string; reverse?: boolean }): Promise<number> {
  // Without -n, `list` lists every paper; with it, the first n.
  const limit = opts.limit === undefined ? Infinity : limitOf(ctx, opts);
  const lib = await open(ctx);
  const papers = lib.searcher.allPapers();
  if (opts.sort) papers.sort(SORTS[opts.sort]);
  if (opts.reverse) papers.reverse();
  out(await render(papers.slice(0, limit).map((paper) => ({ paper })), chooseFormat(ctx, opts), ctx));
  if (papers.length > limit && !ctx.quiet) err(`lit: showing ${limit} of ${papers.length}; leave out --limit for every paper`);
  return finish(ctx, EXIT.ok, lib.warnings);
}

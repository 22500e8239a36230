// `lit list`: every paper.
import { EXIT } from '../../errors.js';
import type { Paper } from '../../model.js';
import { finish, open, type Context } from '../context.js';
import { out } from '../output.js';
import { chooseFormat, render } from '../render.js';

const SORTS: Record<string, (a: Paper, b: Paper) => number> = {
  // Newest first; undated papers last.
  year: (a, b) => (b.date ?? '').localeCompare(a.date ?? ''),
  title: (a, b) => (a.title ?? '\uffff').localeCompare(b.title ?? '\uffff', 'en', { sensitivity: 'base' }),
  key: (a, b) => a.key.localeCompare(b.key),
};

export async function run(ctx: Context, _args: string[], opts: { json?: boolean; jsonl?: boolean; format?: string; sort?: string }): Promise<number> {
  const lib = await open(ctx);
  const papers = lib.searcher.allPapers();
  if (opts.sort) papers.sort(SORTS[opts.sort]);
  out(await render(papers.map((paper) => ({ paper })), chooseFormat(ctx, opts), ctx));
  return finish(ctx, EXIT.ok, lib.warnings);
}

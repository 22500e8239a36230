// `lit list`: every paper.
import { EXIT } from '../../errors.js';
import type { Paper } from '../../model.js';
import { finish, open, type Context } from '../context.js';
import { err, out } from '../output.js';
import { limitOf, type ListOptions } from './search.js';
import { chooseFormat, render } from '../render.js';
import { Command, Option } from 'commander';
import { action, examples, outputOptions, type Runner } from '../command.js';

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
  const papers = lib.store.allPapers();
  if (opts.sort) papers.sort(SORTS[opts.sort]);
  if (opts.reverse) papers.reverse();
  out(await render(papers.slice(0, limit).map((paper) => ({ paper })), chooseFormat(ctx, opts), ctx));
  if (papers.length > limit && !ctx.quiet) err(`lit: showing ${limit} of ${papers.length}; leave out --limit for every paper`);
  return finish(ctx, EXIT.ok, lib.warnings);
}

/** `lit list`: its options, help and handler. */
export function command(runner: Runner): Command {
  const cmd = outputOptions(runner.command('list'))
    .description('every paper: a table on a terminal, tab-separated lines in a pipe')
    .addOption(new Option('--sort <field>', 'order by').choices(['year', 'title', 'key']))
    .option('--reverse', 'the other way round')
    .option('-n, --limit <n>', 'only the first n papers')
    .addHelpText('after', examples('lit list', 'lit list --sort year -n 10', 'lit list --sort year --reverse | head', 'lit list --jsonl | jq -r .title', 'lit list | cut -f3'));
  return action(cmd, runner, run);
}

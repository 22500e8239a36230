// `lit search`: ranked results, grep-like exit status.
import { EXIT, LitError } from '../../errors.js';
import { checkText, searchText } from '../../search/boolean.js';
import type { Hit, LibraryStore } from '../../library-store.js';
import { finish, open, type Context } from '../context.js';
import { err, out } from '../output.js';
import { chooseFormat, render } from '../render.js';
import { Command, Option } from 'commander';
import { action, limitOptions, outputOptions, type Runner } from '../command.js';

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
export async function printHits(ctx: Context, store: LibraryStore, hits: Hit[], opts: ListOptions, highlight: string[], total = hits.length): Promise<void> {
  const limit = limitOf(ctx, opts);
  const rows = hits.slice(0, limit).map((h) => ({ paper: store.paper(h.sid), score: h.score }));
  out(await render(rows, chooseFormat(ctx, opts), ctx, highlight));
  // `rg` and `gh` never cut a list short without a word: a pipeline that exports the hits
  // would otherwise export ten of them and say nothing.
  if (total > rows.length && !ctx.quiet) err(`lit: showing ${rows.length} of ${total}; --all for every result`);
}

export async function run(ctx: Context, args: string[], opts: ListOptions & { fuzzy?: boolean; sort?: string; reverse?: boolean }): Promise<number> {
  const text = args.join(' ');
  const query = checkText(text);
  const limit = limitOf(ctx, opts);
  const lib = await open(ctx);
  // Another order than relevance, or the reverse of it, needs every hit ranked; relevance, only those shown.
  const bySort = opts.sort && opts.sort !== 'relevance' ? opts.sort : null;
  const found = searchText(lib.store, text, { fuzzy: opts.fuzzy, limit: bySort || opts.reverse ? Infinity : limit });
  const { notes, total } = found;
  let hits = found.hits;
  // Another order than relevance sorts every hit first, so the limit keeps the newest (say), not the best.
  if (bySort) {
    const { SORTS } = await import('./list.js');
    const by = SORTS[bySort]!;
    hits = [...hits].sort((a, b) => by(lib.store.paper(a.sid), lib.store.paper(b.sid)));
  }
  if (opts.reverse) hits = [...hits].reverse();
  if (!ctx.quiet) for (const n of notes) err(`lit: note: ${n}`);
  if (!hits.length) {
    const hint = lib.store.suggest(query);
    err(`lit: no match for ${JSON.stringify(text)}${hint ? `; did you mean: ${hint}` : ''}`);
    return finish(ctx, EXIT.noMatch, lib.warnings);
  }
  await printHits(ctx, lib.store, hits, opts, [...query.words, ...query.phrases, ...query.fields.map((f) => f.value)], total);
  return finish(ctx, EXIT.ok, lib.warnings);
}

/** `lit search`: its options, the query syntax, examples and handler. */
export function command(runner: Runner): Command {
  const cmd = limitOptions(outputOptions(runner.command('search')))
    .description('ranked search: words, "phrases", OR, (groups), field:value, -exclude')
    .argument('<query...>', 'what to look for')
    .option('--fuzzy', 'tolerate typos')
    .addOption(new Option('--sort <field>', 'order by (default: relevance)').choices(['relevance', 'year', 'title', 'key']))
    .option('--reverse', 'the other way round')
    .addHelpText(
      'after',
      `
Query syntax:
  pruning sparse        papers with both words first, then papers with either
  pruning OR quantization   either (also |); AND binds closer: a b OR c is (a b) OR c
  (pruning | quantization) llm   groups; -(vision OR speech) leaves a group's papers out
  "curse of depth"      the phrase as written (case and accents aside)
  author:liu            an author named Liu       year:2024  year:2023..2025
  category:LG  org:google  title:sparse  abstract:moe
  type:inproceedings    the paper's type          venue:neurips  doi:10.48550
  key:sun2025curse      that paper (a key or alias; several key: or id: select them all)
  id:3d4c6b             papers whose id starts so   -key:sun2025curse leaves it out
  -word  -"a phrase"    leave out papers with it; -author:liu leaves out a field's matches
  Two fields must both hold (author:liu author:chen: papers by both); use OR for either.
  An unknown field (foo:bar), a field with no value (year:) or an unclosed quote or ( is an
  error: quote text that holds a colon ("SoS1: O1"). One year: per query.
  A word that matches nothing is taken for the word it begins (learni → learning), the
  hyphenated word it joins (kmedoids → "k medoids") or the closest word (scalin → scaling);
  stderr says so.

Examples:
  lit search pruning
  lit search 'author:liu year:2023..2025' --limit 5
  lit search '"large language models" -survey' --jsonl | jq -r .key
  lit search 'pruning OR quantization' --sort year
  lit search -- -vision transformers      (a leading -word after --)
  lit search prunning --fuzzy`,
    );
  return action(cmd, runner, run);
}

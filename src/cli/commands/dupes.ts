// `lit dupes`: each merged paper, its entries, and why they were merged.
import { EXIT } from '../../errors.js';
import { finish, open, type Context } from '../context.js';
import { out } from '../output.js';
import { jsonSafe, visible } from '../../safe.js';
import { Command } from 'commander';
import { action, examples, type Runner } from '../command.js';

const REASONS: Record<string, string> = { 'same-title': 'same title', 'same-doi': 'same DOI', 'same-arxiv': 'same arXiv id' };

export async function run(ctx: Context, _args: string[], opts: { json?: boolean }): Promise<number> {
  const lib = await open(ctx);
  const reasons = new Map(lib.store.info.reasons);
  const merged = lib.store.allPapers().filter((p) => p.sources.length > 1);
  const groups = merged.map((p) => ({
    id: p.id,
    key: p.key,
    title: p.title,
    entries: p.sources,
    reasons: (reasons.get(p.id) ?? []).map((r) => ({
      kind: r.kind,
      ...(r.similarity !== undefined ? { similarity: r.similarity } : {}),
      a: `${r.a.file}:${r.a.line}`,
      b: `${r.b.file}:${r.b.line}`,
    })),
  }));
  if (opts.json) out(jsonSafe(`${JSON.stringify(groups, null, 2)}\n`));
  else {
    const text = groups.map((g) => {
      const lines = [`${g.key}  ${visible(g.title ?? '(untitled)')}`];
      for (const e of g.entries) lines.push(`  ${visible(e.file)}:${e.line}  (${e.layout})`);
      for (const r of g.reasons) lines.push(`  ${visible(r.b)} joined ${visible(r.a)}: ${REASONS[r.kind] ?? `matching abstract (similarity ${r.similarity})`}`);
      return lines.join('\n');
    });
    out(text.length ? `${text.join('\n\n')}\n` : '');
  }
  return finish(ctx, EXIT.ok, lib.warnings);
}

/** `lit dupes`: its options, help and handler. */
export function command(runner: Runner): Command {
  const cmd = runner
    .command('dupes')
    .description('papers merged from several entries, with their entries and why')
    .option('--json', 'as JSON')
    .addHelpText('after', examples('lit dupes', 'lit dupes --json | jq .[0].entries'));
  return action(cmd, runner, run);
}

// `lit index`: what was read, what it made, and what went wrong.
import { EXIT } from '../../errors.js';
import { finish, open, type Context } from '../context.js';
import { out } from '../output.js';
import { jsonSafe, visible } from '../../safe.js';
import { Command } from 'commander';
import { action, examples, type Runner } from '../command.js';

export async function run(ctx: Context, _args: string[], opts: { json?: boolean; rebuild?: boolean }): Promise<number> {
  const lib = await open(ctx, { rebuild: opts.rebuild, allWarnings: true });
  // Counts come from the stored summary: `lit index` on a large library reads no paper.
  const info = lib.store.info;
  const summary = {
    files: info.files,
    entries: info.entries,
    papers: info.papers,
    merged: info.merged,
    untitled: info.untitled,
    warnings: lib.warnings.length,
    cache: { path: lib.cachePath, used: lib.fromCache, updated: lib.updated, ...(lib.rewritten === undefined ? {} : { rewritten: lib.rewritten }), engine: lib.engine },
  };
  if (opts.json) {
    out(jsonSafe(`${JSON.stringify({ ...summary, warnings: lib.warnings }, null, 2)}\n`));
  } else {
    const width = info.files.reduce((w, f) => Math.max(w, visible(f.file).length), 4);
    const lines = info.files.map((f) => `  ${visible(f.file).padEnd(width)}  ${(f.layout ?? '(skipped)').padEnd(10)} ${String(f.entries).padStart(6)} entries`);
    out(
      [
        `files     ${info.files.length}`,
        ...lines,
        `entries   ${summary.entries}`,
        `papers    ${summary.papers}`,
        `merged    ${summary.merged} (papers made from two or more entries)`,
        `untitled  ${summary.untitled}`,
        `warnings  ${summary.warnings}`,
        `cache     ${lib.fromCache ? 'used' : lib.updated ? `updated (${lib.rewritten ?? 0} ${lib.rewritten === 1 ? 'paper' : 'papers'} rewritten)` : 'built'}: ${lib.cachePath}`,
        `engine    ${lib.engine}`,
        '',
      ].join('\n'),
    );
  }
  return finish(ctx, EXIT.ok, lib.warnings);
}

/** `lit index`: its options, help and handler. */
export function command(runner: Runner): Command {
  const cmd = runner
    .command('index')
    .description('read the sources and summarise what was found')
    .option('--json', 'the summary as JSON')
    .option('--rebuild', 'ignore the cache and build the index again')
    .addHelpText('after', examples('lit index', 'lit -s listings/ index --json', 'lit index --rebuild'));
  return action(cmd, runner, run);
}

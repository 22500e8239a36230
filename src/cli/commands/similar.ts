// `lit similar`: more like this, over title and abstract.
import { EXIT } from '../../errors.js';
import { finish, open, type Context } from '../context.js';
import { err } from '../output.js';
import { resolvePapers } from './resolve.js';
import { limitOf, printHits, type ListOptions } from './search.js';
import { Command } from 'commander';
import { action, examples, limitOptions, outputOptions, type Runner } from '../command.js';

export async function run(ctx: Context, args: string[], opts: ListOptions): Promise<number> {
  limitOf(ctx, opts);
  const lib = await open(ctx);
  const hits = lib.store.similar(resolvePapers(lib.store, args));
  if (!hits.length) {
    err('lit: no similar papers');
    return finish(ctx, EXIT.noMatch, lib.warnings);
  }
  await printHits(ctx, lib.store, hits, opts, []);
  return finish(ctx, EXIT.ok, lib.warnings);
}

/** `lit similar`: its options, help and handler. */
export function command(runner: Runner): Command {
  const cmd = limitOptions(outputOptions(runner.command('similar')))
    .description('papers most like one (by title and abstract)')
    .argument('<paper...>', 'keys, aliases or ids (papers like all of them), else words of one title')
    .addHelpText('after', examples('lit similar "curse of depth"', 'lit similar sun2025curse --format ids', 'lit similar sun2025curse huang2025spam'));
  return action(cmd, runner, run);
}

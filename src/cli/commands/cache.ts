// `lit cache path` and `lit cache clear`.
import { clearCache } from '../../cache.js';
import { EXIT } from '../../errors.js';
import type { Context } from '../context.js';
import { err, out } from '../output.js';
import { Command } from 'commander';
import { action, examples, type Runner } from '../command.js';

export async function runPath(ctx: Context): Promise<number> {
  out(`${ctx.cacheDir}\n`);
  return EXIT.ok;
}

export async function runClear(ctx: Context): Promise<number> {
  const n = await clearCache(ctx.cacheDir);
  err(`lit: removed ${n} cache file${n === 1 ? '' : 's'} from ${ctx.cacheDir}`);
  return EXIT.ok;
}

/** `lit cache path` and `lit cache clear`. */
export function command(runner: Runner): Command {
  const cmd = runner.command('cache').description('the on-disk index cache');
  action(cmd.command('path').description('print the cache folder'), runner, runPath);
  action(cmd.command('clear').description('delete every cached index'), runner, runClear);
  return cmd;
}

// `lit cache path` and `lit cache clear`.
import { clearCache } from '../../cache.js';
import { EXIT } from '../../errors.js';
import type { Context } from '../context.js';
import { err, out } from '../output.js';

export async function runPath(ctx: Context): Promise<number> {
  out(`${ctx.cacheDir}\n`);
  return EXIT.ok;
}

export async function runClear(ctx: Context): Promise<number> {
  const n = await clearCache(ctx.cacheDir);
  err(`lit: removed ${n} cache file${n === 1 ? '' : 's'} from ${ctx.cacheDir}`);
  return EXIT.ok;
}

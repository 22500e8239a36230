// `lit similar`: more like this, over title and abstract.
import { EXIT } from '../../errors.js';
import { finish, open, type Context } from '../context.js';
import { err } from '../output.js';
import { resolvePapers } from './resolve.js';
import { limitOf, printHits, type ListOptions } from './search.js';

export async function run(ctx: Context, args: string[], opts: ListOptions): Promise<number> {
  limitOf(ctx, opts);
  const lib = await open(ctx);
  const hits = lib.searcher.similar(resolvePapers(lib.searcher, args));
  if (!hits.length) {
    err('lit: no similar papers');
    return finish(ctx, EXIT.noMatch, lib.warnings);
  }
  await printHits(ctx, lib.searcher, hits, opts, []);
  return finish(ctx, EXIT.ok, lib.warnings);
}

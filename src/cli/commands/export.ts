// `lit export`: the library, a query's hits, or the ids on stdin, in a format other tools read.
import { writeFileAtomic } from '../../atomic.js';
import { EXIT, LitError } from '../../errors.js';
import { formatPapers } from '../../format/index.js';
import type { Paper } from '../../model.js';
import { isEmptyQuery, parseQuery } from '../../search/query.js';
import { finish, open, type Context } from '../context.js';
import { err, out } from '../output.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Writes the output file atomically; a failure is exit status 5, naming the file. */
async function writeOutput(file: string, text: string): Promise<void> {
  try {
    await writeFileAtomic(file, text);
  } catch (e) {
    throw new LitError('write-failed', `${file}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, EXIT.io);
  }
}

export async function run(ctx: Context, args: string[], opts: { format: string; output?: string }): Promise<number> {
  const lib = await open(ctx);
  const s = lib.searcher;
  let papers: Paper[];
  if (args.length === 1 && args[0] === '-') {
    // Ids or keys, one per line (or separated by any white space), as `--format ids` prints them.
    const wanted = (await readStdin()).split(/\s+/).filter(Boolean);
    const unknown = wanted.filter((w) => s.lookup(w) === undefined);
    for (const u of unknown) err(`lit: warning: stdin: no paper has the id or key ${JSON.stringify(u)}; left out [unknown-id]`);
    papers = [...new Set(wanted.map((w) => s.lookup(w)).filter((x): x is number => x !== undefined))].map((sid) => s.paper(sid));
    if (!papers.length) {
      err('lit: no papers to export');
      return EXIT.noMatch;
    }
    if (unknown.length) lib.warnings.push({ code: 'unknown-id', message: `${unknown.length} unknown ids` });
  } else if (args.length) {
    const query = parseQuery(args.join(' '));
    if (isEmptyQuery(query)) throw new LitError('bad-query', 'the query is empty', EXIT.usage);
    papers = s.search(query).map((h) => s.paper(h.sid));
    if (!papers.length) {
      err(`lit: no match for ${JSON.stringify(args.join(' '))}`);
      return finish(ctx, EXIT.noMatch, lib.warnings);
    }
  } else {
    papers = s.allPapers();
  }
  const text = (await formatPapers(opts.format, papers))!;
  if (opts.output) {
    await writeOutput(opts.output, text);
    err(`lit: wrote ${papers.length} paper${papers.length === 1 ? '' : 's'} to ${opts.output}`);
  } else out(text);
  return finish(ctx, EXIT.ok, lib.warnings);
}

// `lit open`: a paper's page (its DOI, arXiv or URL) in the system's opener, or its link printed.
import { spawn } from 'node:child_process';
import { EXIT, LitError } from '../../errors.js';
import type { Paper } from '../../model.js';
import { finish, open as openLibrary, type Context } from '../context.js';
import { out } from '../output.js';
import { resolvePapers } from './resolve.js';
import { Command } from 'commander';
import { action, examples, type Runner } from '../command.js';

/** The paper's page: its DOI's, else its arXiv page, else its URL; with `code`, its code link. */
export function paperLink(p: Paper, code = false): string | null {
  if (code) return p.codeUrl;
  if (p.doi) return `https://doi.org/${p.doi}`;
  if (p.arxiv) return `https://arxiv.org/abs/${p.arxiv}`;
  return p.url;
}

/** The command that opens a link here: $LIT_OPENER, else the platform's own. */
function opener(): [string, string[]] {
  const custom = process.env.LIT_OPENER;
  if (custom) return [custom, []];
  if (process.platform === 'darwin') return ['open', []];
  if (process.platform === 'win32') return ['cmd', ['/c', 'start', '""']];
  return ['xdg-open', []];
}

function launch(url: string): Promise<void> {
  const [cmd, args] = opener();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...args, url], { stdio: 'ignore', detached: true });
    child.once('error', (e) => reject(new LitError('no-opener', `cannot open ${url}: ${cmd} ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'is not installed' : `failed (${(e as Error).message})`}; use lit open --print`, EXIT.io)));
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}

export async function run(ctx: Context, args: string[], opts: { print?: boolean; code?: boolean }): Promise<number> {
  const lib = await openLibrary(ctx);
  const sids = resolvePapers(lib.store, args);
  if (sids.length !== 1) throw new LitError('bad-usage', `lit open takes one paper; ${sids.length} were named`, EXIT.usage);
  const p = lib.store.paper(sids[0]!);
  const url = paperLink(p, opts.code);
  if (!url) {
    throw new LitError('no-link', `${p.key} has no ${opts.code ? 'code link' : 'DOI, arXiv id or URL'}${opts.code ? '' : ' (lit show lists what it has)'}`, EXIT.noMatch);
  }
  // In a pipe the link is the answer, as `gh browse --no-browser` gives it.
  if (opts.print || !ctx.term.tty) out(`${url}\n`);
  else await launch(url);
  return finish(ctx, EXIT.ok, lib.warnings);
}

/** `lit open`: its options, help and handler. */
export function command(runner: Runner): Command {
  const cmd = runner
    .command('open')
    .description("open a paper's page (DOI, else arXiv, else URL) in the browser; in a pipe, print it")
    .argument('<paper...>', 'a key, alias or id, or words of its title')
    .option('--print', 'print the link instead of opening it')
    .option('--code', 'the code link instead of the paper')
    .addHelpText('after', `\nThe opener is $LIT_OPENER if set, else xdg-open (open on macOS).\n${examples('lit open sun2025curse', 'lit open "curse of depth" --code', 'lit open sun2025curse --print | pbcopy')}`);
  return action(cmd, runner, run);
}

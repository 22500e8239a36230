// The CLI's one runner: assemble the commands (each module defines its own), run the chosen
// one, catch errors once, return the exit status.
import { Command, CommanderError, Option } from 'commander';
import { EXIT, LitError } from '../errors.js';
import { ENGINE_NAMES } from '../library-store.js';
import { VERSION } from '../version.js';
import { collect, type Runner } from './command.js';
import { command as cacheCommand } from './commands/cache.js';
import { command as completionCommand } from './commands/completion.js';
import { command as dupesCommand } from './commands/dupes.js';
import { command as exportCommand } from './commands/export.js';
import { command as indexCommand } from './commands/index.js';
import { command as keysCommand } from './commands/keys.js';
import { command as listCommand } from './commands/list.js';
import { command as openCommand } from './commands/open.js';
import { command as searchCommand } from './commands/search.js';
import { command as showCommand } from './commands/show.js';
import { command as similarCommand } from './commands/similar.js';
import { err, flushStdout } from './output.js';

export const EXIT_HELP = `Exit status:
  0  success (search and similar: something matched)
  1  nothing matched; export: a cited or named key the library lacks (the rest is written)
  2  usage error: bad option or query, a source that does not exist, a bad config file
  3  lit show: the words match several papers about equally (they are listed)
  4  --strict: some input was skipped or could not be used (see the warnings)
  5  a file could not be written or read: the output file, the key register`;


// Each module holds its command's options, help, examples and handler.
const COMMANDS = [indexCommand, listCommand, dupesCommand, searchCommand, showCommand, similarCommand, exportCommand, openCommand, keysCommand, cacheCommand, completionCommand];

/** Builds the command tree. */
export function program(): Command {
  return build().program;
}

/** The command tree, and the runner its commands give their exit status to. */
function build(): { program: Command; runner: Runner } {
  const p = new Command('lit')
    // Every command is made with these settings copied (runner.command below).
    .exitOverride()
    // Commander's own messages read like lit's: `lit: unknown option '--limti'`.
    .configureOutput({ writeErr: (s) => process.stderr.write(s), outputError: (s, write) => write(`lit: ${s.replace(/^error: /, '')}`) })
    .description('Index your paper listings and search them from the shell.')
    .version(VERSION, '-V, --version')
    .option('-s, --source <path>', 'file, folder or glob to read (repeatable; default: the bundled seeds)', collect)
    .option('--cache-dir <dir>', 'where the index is cached (default: $LIT_CACHE_DIR, $XDG_CACHE_HOME/lit, ~/.cache/lit)')
    .option('--config <file>', 'config file (default: lit.config.yaml here or above, else $XDG_CONFIG_HOME/lit/config.yaml)')
    .addOption(new Option('--color <when>', 'colour: auto (on a terminal), always, never').choices(['auto', 'always', 'never']))
    .option('--no-color', 'no colour, even on a terminal (NO_COLOR and FORCE_COLOR are honoured too)')
    .option('-q, --quiet', 'no warnings on stderr')
    .option('--strict', 'exit with status 4 when any input was skipped')
    .addOption(new Option('--engine <name>', 'index engine: auto (sqlite for large libraries, when installed), minisearch, sqlite').choices(ENGINE_NAMES))
    .configureHelp({ showGlobalOptions: true })
    .showSuggestionAfterError()
    .addHelpText(
      'after',
      `
Examples:
  lit search "pruning"                     ranked hits from the bundled seeds
  lit search 'author:liu year:2024..2025 sparse'
  lit show "curse of depth"                one paper in full, with its sources
  lit list --jsonl | jq -r .title          every paper, for pipelines
  lit export --format bibtex > refs.bib    the whole library as BibTeX
  lit -s ~/papers/ index                   read your own listings

${EXIT_HELP}`,
    );

  // Made after the program's settings, so each command (and its subcommands) inherits them.
  const runner: Runner = { status: EXIT.ok, command: (name) => new Command(name).copyInheritedSettings(p) };
  for (const make of COMMANDS) p.addCommand(make(runner));
  return { program: p, runner };
}

/**
 * `lit search -vision`: a word after a one-dash that is no set of lit's short options is a
 * query term (an exclusion), not an unknown option (D11); it goes after `--`, which ends the
 * options. `-aq` (two known short flags) stays options.
 */
export function queryWords(argv: string[], p: Command): string[] {
  const cmd = argv.findIndex((a) => QUERY_COMMANDS.has(a));
  if (cmd < 0 || argv.includes('--')) return argv;
  // The flags come from the command tree itself: the program's and the query command's.
  const options = [...p.options, ...(p.commands.find((c) => c.name() === argv[cmd])?.options ?? [])];
  const shortFlags = options.map((o) => o.short?.slice(1) ?? '').join('');
  const takesValue = new Set(options.filter((o) => o.required || o.optional).flatMap((o) => [o.short, o.long].filter((f): f is string => Boolean(f))));
  const rest = argv.slice(cmd + 1);
  const words = rest.filter((a, i) => /^-[^-]{2,}/.test(a) && ![...a.slice(1)].every((c) => shortFlags.includes(c)) && !takesValue.has(rest[i - 1] ?? ''));
  if (!words.length) return argv;
  return [...argv.slice(0, cmd + 1), ...rest.filter((a) => !words.includes(a)), '--', ...words];
}
const QUERY_COMMANDS = new Set(['search', 'export']);

/** Runs lit with these arguments; returns the exit status instead of exiting. */
export async function main(argv: string[]): Promise<number> {
  const { program: p, runner } = build();
  try {
    await p.parseAsync(queryWords(argv, p), { from: 'user' });
    await flushStdout();
    return runner.status;
  } catch (e) {
    await flushStdout();
    if (e instanceof CommanderError) {
      // --help and --version succeed; help shown because no command was given, like anything
      // else commander rejects, is a usage error.
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || (e.code === 'commander.help' && e.exitCode === 0) ? 0 : EXIT.usage;
    }
    if (e instanceof LitError) {
      err(`lit: ${e.message}`);
      return e.exitStatus;
    }
    // A bug, not bad input: say so plainly; the stack only on request.
    err(`lit: internal error: ${(e as Error)?.message ?? String(e)}`);
    if (process.env.LIT_DEBUG) err((e as Error)?.stack ?? '');
    else err('lit: this is a bug in lit; run again with LIT_DEBUG=1 for details and report it');
    return 70;
  }
}

// The CLI's one runner: define commands, run the chosen one, catch errors once, set the exit status.
import { Argument, Command, CommanderError, Option } from 'commander';
import { EXIT, LitError } from '../errors.js';
import { EXPORT_FORMATS, OUTPUT_FORMATS } from '../format/index.js';
import { VERSION } from '../version.js';
import type { Context } from './context.js';
import { err, flushStdout } from './output.js';

export const EXIT_HELP = `Exit status:
  0  success (search and similar: something matched)
  1  nothing matched; export: a cited or named key the library lacks (the rest is written)
  2  usage error: bad option or query, a source that does not exist, a bad config file
  3  lit show: the words match several papers about equally (they are listed)
  4  --strict: some input was skipped or could not be used (see the warnings)
  5  a file could not be written or read: the output file, the key register`;


// Each command types its own options; commander has checked them against the definitions here.
type Action = (ctx: Context, args: string[], opts: never) => Promise<number>;

/** Runs a command module's `run`, loading it (and only it) when the command is chosen. */
function lazy(load: () => Promise<{ run: Action }>) {
  return async (...params: unknown[]) => {
    const cmd = params[params.length - 1] as Command;
    const args = params.slice(0, -2).flatMap((a) => (Array.isArray(a) ? a : a === undefined ? [] : [String(a)]));
    const [{ makeContext }, { BadStoreError }] = await Promise.all([import('./context.js'), import('../search/store.js')]);
    const ctx = await makeContext(cmd.optsWithGlobals());
    const { run } = await load();
    try {
      process.exitCode = await run(ctx, args, cmd.opts() as never);
    } catch (e) {
      // Sections are checked as they are read, so damage can surface mid-command. Nothing has
      // been written yet (output is rendered whole first): rebuild and run the command again.
      if (!(e instanceof BadStoreError)) throw e;
      ctx.rebuildReason = e.message;
      process.exitCode = await run(ctx, args, cmd.opts() as never);
    }
  };
}

/** Collects a repeatable option's values. */
const collect = (v: string, prev: string[] = []) => [...prev, v];

/** --limit and --all, shared by the commands that rank. */
function limitOptions(cmd: Command): Command {
  return cmd.option('-n, --limit <n>', 'at most this many results (default 10)').option('-a, --all', 'every result');
}

function outputOptions(cmd: Command, formats = OUTPUT_FORMATS): Command {
  return cmd
    .option('--json', 'all results as one JSON array')
    .option('--jsonl', 'one JSON object per line')
    .addOption(new Option('-f, --format <name>', 'output format').choices(formats));
}

/** Builds the command tree. */
export function program(): Command {
  const p = new Command('lit')
    // Set before any subcommand is made: subcommands inherit both.
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

  p.command('index')
    .description('read the sources and summarise what was found')
    .option('--json', 'the summary as JSON')
    .option('--rebuild', 'ignore the cache and build the index again')
    .addHelpText('after', '\nExamples:\n  lit index\n  lit -s listings/ index --json\n  lit index --rebuild')
    .action(lazy(() => import('./commands/index.js')));

  outputOptions(p.command('list'))
    .description('every paper: a table on a terminal, tab-separated lines in a pipe')
    .addOption(new Option('--sort <field>', 'order by').choices(['year', 'title', 'key']))
    .option('--reverse', 'the other way round')
    .option('-n, --limit <n>', 'only the first n papers')
    .addHelpText('after', '\nExamples:\n  lit list\n  lit list --sort year -n 10\n  lit list --sort year --reverse | head\n  lit list --jsonl | jq -r .title\n  lit list | cut -f3')
    .action(lazy(() => import('./commands/list.js')));

  p.command('dupes')
    .description('papers merged from several entries, with their entries and why')
    .option('--json', 'as JSON')
    .addHelpText('after', '\nExamples:\n  lit dupes\n  lit dupes --json | jq .[0].entries')
    .action(lazy(() => import('./commands/dupes.js')));

  limitOptions(outputOptions(p.command('search')))
    .description('ranked search: words, "phrases", author:, title:, abstract:, category:, org:, year:, -exclude')
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
  key:sun2025curse      that paper (a key or alias; several key: or id: select them all)
  id:3d4c6b             papers whose id starts so   -key:sun2025curse leaves it out
  -word  -"a phrase"    leave out papers with it; -author:liu leaves out a field's matches
  An unknown field (foo:bar), a field with no value (year:) or an unclosed quote is an error:
  quote text that holds a colon ("SoS1: O1"). One year: per query.

Examples:
  lit search pruning
  lit search 'author:liu year:2023..2025' --limit 5
  lit search '"large language models" -survey' --jsonl | jq -r .key
  lit search prunning --fuzzy`,
    )
    .action(lazy(() => import('./commands/search.js')));

  outputOptions(p.command('show'))
    .description('one paper in full, with every source it came from')
    .argument('<paper...>', 'keys, aliases or ids (each paper named), else words of one title')
    .addHelpText('after', '\nExamples:\n  lit show "curse of depth"\n  lit show sun2025curse --json\n  lit show sun2025curse huang2025spam\n  lit show 3d4c6b     (an id\'s first six or more digits)\n  lit show sun2025curse --format bibtex')
    .action(lazy(() => import('./commands/show.js')));

  limitOptions(outputOptions(p.command('similar')))
    .description('papers most like one (by title and abstract)')
    .argument('<paper...>', 'keys, aliases or ids (papers like all of them), else words of one title')
    .addHelpText('after', '\nExamples:\n  lit similar "curse of depth"\n  lit similar sun2025curse --format ids\n  lit similar sun2025curse huang2025spam')
    .action(lazy(() => import('./commands/similar.js')));

  p.command('export')
    .description('write papers in a format other tools read')
    .argument('[query...]', 'keys, aliases or ids (exactly those papers), else a search query; `-` reads keys or ids from stdin')
    .addOption(new Option('-f, --format <name>', 'output format').choices(EXPORT_FORMATS).makeOptionMandatory())
    .option('-o, --output <file>', 'write to this file (atomically; left alone when unchanged) instead of stdout')
    .option('--aux <file>', "exactly the papers a LaTeX run cited (its .aux file; repeatable)", collect)
    .option('--cited <file>', 'exactly the papers a Markdown file cites with pandoc [@key] citations (repeatable)', collect)
    .addHelpText(
      'after',
      `
A cited key the library lacks is a warning naming the file and line: every paper it has is
still written, and the exit status is 1.

Examples:
  lit export --format bibtex > refs.bib
  lit export --format bibtex sun2025curse huang2025spam
  lit export --format bibtex --aux paper.aux -o refs.bib
  lit export --format csl-json --cited notes.md -o refs.json
  lit export --format csl-json author:liu -o liu.json
  lit search pruning --all --format ids | lit export --format ris -`,
    )
    .action(lazy(() => import('./commands/export.js')));

  p.command('open')
    .description("open a paper's page (DOI, else arXiv, else URL) in the browser; in a pipe, print it")
    .argument('<paper...>', 'a key, alias or id, or words of its title')
    .option('--print', 'print the link instead of opening it')
    .option('--code', 'the code link instead of the paper')
    .addHelpText('after', '\nThe opener is $LIT_OPENER if set, else xdg-open (open on macOS).\n\nExamples:\n  lit open sun2025curse\n  lit open "curse of depth" --code\n  lit open sun2025curse --print | pbcopy')
    .action(lazy(() => import('./commands/open.js')));

  const keys = p
    .command('keys')
    .description('the citation keys lit has handed out: key, aliases and title')
    .option('--json', 'as JSON')
    .option('--prune', 'forget the keys of papers the library no longer has')
    .option('--rekey', 'compute every key again from the key scheme (keys set by hand stay), printing old and new')
    .addHelpText(
      'after',
      `
Keys are kept in a register (lit.keys) beside lit.config.yaml, else in
$XDG_DATA_HOME/lit (~/.local/share/lit): a paper keeps its key whatever it gains.

Examples:
  lit keys
  lit keys --json | jq -r '.[] | select(.aliases | length > 0) | .key'
  lit keys set sun2025curse sun2025depth
  lit keys --prune`,
    )
    .action(lazy(() => import('./commands/keys.js')));
  keys
    .command('set')
    .description('give a paper a key of your choosing; its old key stays an alias')
    .argument('<paper>', 'key, alias, id, or title words in quotes')
    .argument('<key>', 'the new key: letters, digits and _ : . + / - inside')
    .addHelpText('after', '\nExamples:\n  lit keys set sun2025curse sun2025depth\n  lit keys set "curse of depth" sun2025depth')
    .action(lazy(() => import('./commands/keys.js').then((m) => ({ run: m.runSet }))));

  const cache = p.command('cache').description('the on-disk index cache');
  cache
    .command('path')
    .description('print the cache folder')
    .action(lazy(() => import('./commands/cache.js').then((m) => ({ run: m.runPath }))));
  cache
    .command('clear')
    .description('delete every cached index')
    .action(lazy(() => import('./commands/cache.js').then((m) => ({ run: m.runClear }))));

  p.command('completion')
    .description('print a shell completion script for commands, options and format names')
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh', 'fish']))
    .addHelpText(
      'after',
      '\nExamples:\n  source <(lit completion bash)\n  lit completion zsh > "${fpath[1]}/_lit"\n  lit completion fish > ~/.config/fish/completions/lit.fish',
    )
    .action(lazy(() => import('./commands/completion.js')));

  return p;
}

/** Runs lit with these arguments; returns the exit status instead of exiting. */
/**
 * `lit search -vision`: a word after a one-dash that is no set of lit's short options is a
 * query term (an exclusion), not an unknown option (D11); it goes after `--`, which ends the
 * options. `-aq` (two known short flags) stays options.
 */
export function queryWords(argv: string[]): string[] {
  const cmd = argv.findIndex((a) => QUERY_COMMANDS.has(a));
  if (cmd < 0 || argv.includes('--')) return argv;
  const rest = argv.slice(cmd + 1);
  const words = rest.filter((a, i) => /^-[^-]{2,}/.test(a) && ![...a.slice(1)].every((c) => SHORT_FLAGS.includes(c)) && !TAKES_VALUE.has(rest[i - 1] ?? ''));
  if (!words.length) return argv;
  return [...argv.slice(0, cmd + 1), ...rest.filter((a) => !words.includes(a)), '--', ...words];
}
const QUERY_COMMANDS = new Set(['search', 'export']);
// Short flags of lit and its query commands; -n, -f, -s and -o take a value.
const SHORT_FLAGS = 'naqhVfso';
const TAKES_VALUE = new Set(['-n', '--limit', '-f', '--format', '-s', '--source', '-o', '--output', '--cache-dir', '--config', '--aux', '--cited']);

export async function main(argv: string[]): Promise<number> {
  const p = program();
  try {
    await p.parseAsync(queryWords(argv), { from: 'user' });
    await flushStdout();
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
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

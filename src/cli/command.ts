// The seam between commander and lit's commands. Each command module builds its own Command
// (options, help, examples) and hands its handler to `action`, which makes the context, runs
// the handler and gives its exit status to the runner; main.ts only assembles the modules.
import { Command, Option, type OptionValues } from 'commander';
import { OUTPUT_FORMATS } from '../format/index.js';
import type { Context, GlobalFlags } from './context.js';

/** What the commands share with the program that runs them. */
export interface Runner {
  /** The exit status of the command that ran; main returns it. */
  status: number;
  /** A new command with the program's settings (errors, output, help), for its subcommands to inherit. */
  command(name: string): Command;
}

/** A command's handler: the context, its positional arguments and its own options; returns the exit status. */
export type Handler<O extends OptionValues> = (ctx: Context, args: string[], opts: O) => Promise<number>;

/** Makes `handler` the command's action, with the context made from the global flags. */
export function action<O extends OptionValues>(cmd: Command, runner: Runner, handler: Handler<O>): Command {
  return cmd.action(async (...params: unknown[]) => {
    // commander passes the arguments, then the options, then the command.
    const args = params.slice(0, -2).flatMap((a) => (Array.isArray(a) ? a.map(String) : a === undefined ? [] : [String(a)]));
    const [{ makeContext }, { BadStoreError }] = await Promise.all([import('./context.js'), import('../search/store.js')]);
    const ctx = await makeContext(cmd.optsWithGlobals<GlobalFlags>());
    const opts = cmd.opts<O>();
    try {
      runner.status = await handler(ctx, args, opts);
    } catch (e) {
      // Sections are checked as they are read, so damage can surface mid-command. Nothing has
      // been written yet (output is rendered whole first): rebuild and run the command again.
      if (!(e instanceof BadStoreError)) throw e;
      ctx.rebuildReason = e.message;
      runner.status = await handler(ctx, args, opts);
    }
  });
}

/** Collects a repeatable option's values. */
export const collect = (v: string, prev: string[] = []) => [...prev, v];

/** --limit and --all, shared by the commands that rank. */
export function limitOptions(cmd: Command): Command {
  return cmd.option('-n, --limit <n>', 'at most this many results (default 10)').option('-a, --all', 'every result');
}

/** --json, --jsonl and --format, with the formats this command takes. */
export function outputOptions(cmd: Command, formats = OUTPUT_FORMATS): Command {
  return cmd
    .option('--json', 'all results as one JSON array')
    .option('--jsonl', 'one JSON object per line')
    .addOption(new Option('-f, --format <name>', 'output format').choices(formats));
}

/** Help text after the options: a command's examples, one a line. */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}`;
}

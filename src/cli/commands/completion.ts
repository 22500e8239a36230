// `lit completion bash|zsh|fish`: completion scripts generated from the command tree itself,
// so a new command or option is completed without editing this file.
import { Argument, type Command, type Option } from 'commander';
import { action, examples, type Runner } from '../command.js';
import { EXIT } from '../../errors.js';
import { QUERY_FIELDS } from '../../search/query.js';
import type { Context } from '../context.js';
import { out } from '../output.js';

interface Spec {
  name: string;
  options: { flags: string[]; takes: boolean; choices: string[]; path: boolean }[];
  subcommands: string[];
  /** The values the command's first argument takes, when they are a fixed list (`completion bash`). */
  argChoices: string[];
  /** Whether it takes arguments at all (`index` takes none). */
  takesArgs: boolean;
}

// Options whose value is a file or folder: only these complete file names (D14).
const PATH_OPTIONS = new Set(['--source', '--cache-dir', '--config', '--output', '--aux', '--cited']);

function optionSpec(o: Option) {
  return { flags: [o.short, o.long].filter((f): f is string => Boolean(f)), takes: o.required || o.optional, choices: o.argChoices ?? [], path: PATH_OPTIONS.has(o.long ?? '') };
}

function specs(program: Command): { global: Spec['options']; commands: Spec[] } {
  const global = program.options.map(optionSpec);
  const commands = program.commands.map((c) => ({
    name: c.name(),
    options: c.options.map(optionSpec),
    subcommands: c.commands.map((s) => s.name()),
    argChoices: c.registeredArguments[0]?.argChoices ?? [],
    takesArgs: c.registeredArguments.length > 0,
  }));
  return { global, commands };
}

function bash(p: Command): string {
  const { global, commands } = specs(p);
  const names = commands.map((c) => c.name).join(' ');
  const globalFlags = global.flatMap((o) => o.flags).join(' ');
  const cases = commands
    .map((c) => `      ${c.name}) opts="${[...c.options.flatMap((o) => o.flags), ...c.subcommands, ...c.argChoices].join(' ')} --help" ;;`)
    .join('\n');
  // Choices by command and option together: `export -f` offers export's formats, `search -f` search's.
  const choiceCases = [
    ...global.filter((o) => o.choices.length).map((o) => `    *:${o.flags.join('|*:')}) COMPREPLY=($(compgen -W "${o.choices.join(' ')}" -- "$cur")); return ;;`),
    ...commands.flatMap((c) => c.options.filter((o) => o.choices.length).map((o) => `    ${c.name}:${o.flags.join(`|${c.name}:`)}) COMPREPLY=($(compgen -W "${o.choices.join(' ')}" -- "$cur")); return ;;`)),
  ];
  const unique = [...new Set(choiceCases)].join('\n');
  const pathFlags = [...global, ...commands.flatMap((c) => c.options)].filter((o) => o.path).flatMap((o) => o.flags);
  const fileCase = [...new Set(pathFlags)].map((f) => `*:${f}`).join('|');
  // An option that takes a value lit cannot list (a number): offer nothing, not file names.
  const valueFlags = [...new Set([...global, ...commands.flatMap((c) => c.options)].filter((o) => o.takes && !o.path && !o.choices.length).flatMap((o) => o.flags))];
  const valueCase = valueFlags.map((f) => `*:${f}`).join('|');
  return `# bash completion for lit; load with: source <(lit completion bash)
_lit() {
  local cur prev cmd opts i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  cmd=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in
      ${names.replace(/ /g, '|')}) cmd="\${COMP_WORDS[i]}"; break ;;
    esac
  done
  case "$cmd:$prev" in
${unique}
    ${fileCase}) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    ${valueCase}) COMPREPLY=(); return ;;
  esac
  if [[ -z "$cmd" ]]; then
    COMPREPLY=($(compgen -W "${names} ${globalFlags} --help --version" -- "$cur"))
    return
  fi
  case "$cmd" in
${cases}
  esac
  if [[ "$cmd" == search || "$cmd" == export ]] && [[ "$cur" != -* ]]; then
    opts="$opts ${QUERY_FIELDS.map((f) => `${f}:`).join(' ')}"
  fi
  COMPREPLY=($(compgen -W "$opts ${globalFlags}" -- "$cur"))
}
complete -F _lit lit
`;
}

function zsh(p: Command): string {
  const { global, commands } = specs(p);
  // Inside a spec, `[…]` holds the description and `:` separates the parts: both escaped.
  const esc = (s: string) => s.replace(/'/g, "'\\''").replace(/([:[\]])/g, '\\$1');
  const optLine = (o: Spec['options'][number], desc: string) => {
    const arg = o.takes ? (o.choices.length ? `:value:(${o.choices.join(' ')})` : o.path ? ':path:_files' : ':value: ') : '';
    return o.flags.map((f) => `'${f}[${esc(desc)}]${arg}'`).join(' ');
  };
  const descOf = (c: Command, flag: string) => c.options.find((o) => o.long === flag || o.short === flag)?.description ?? '';
  const globals = global.map((o) => optLine(o, descOf(p, o.flags[0]!))).join(' \\\n    ');
  const cmdList = p.commands.map((c) => `'${c.name()}:${esc(c.description())}'`).join(' ');
  const perCmd = commands
    .map((c) => {
      const cmd = p.commands.find((x) => x.name() === c.name)!;
      const opts = c.options.map((o) => optLine(o, descOf(cmd, o.flags[0]!))).join(' ');
      const subs = c.subcommands.length ? ` '1:action:(${c.subcommands.join(' ')})'` : c.argChoices.length ? ` '1:value:(${c.argChoices.join(' ')})'` : c.takesArgs ? " '*:query: '" : '';
      return `    ${c.name}) _arguments ${opts}${subs} ;;`;
    })
    .join('\n');
  return `#compdef lit
# zsh completion for lit; install with: lit completion zsh > "\${fpath[1]}/_lit"
_lit() {
  local line state
  _arguments -C \\
    ${globals} \\
    '1:command:->cmds' '*::arg:->args'
  case $state in
    cmds) _describe 'command' "(${cmdList})" ;;
    args)
      case $line[1] in
${perCmd}
      esac ;;
  esac
}
_lit "$@"
`;
}

function fish(p: Command): string {
  const { global, commands } = specs(p);
  const q = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const flagArgs = (o: Spec['options'][number]) =>
    o.flags.map((f) => (f.startsWith('--') ? `-l ${f.slice(2)}` : `-s ${f.slice(1)}`)).join(' ') +
    (o.takes ? (o.choices.length ? ` -x -a ${q(o.choices.join(' '))}` : o.path ? ' -r -F' : ' -x') : '');
  const lines = ['# fish completion for lit; install with: lit completion fish > ~/.config/fish/completions/lit.fish', 'complete -c lit -f'];
  for (const o of global) lines.push(`complete -c lit ${flagArgs(o)}`);
  const names = commands.map((c) => c.name).join(' ');
  for (const c of p.commands) lines.push(`complete -c lit -n "not __fish_seen_subcommand_from ${names}" -a ${c.name()} -d ${q(c.description())}`);
  for (const c of commands) {
    for (const o of c.options) lines.push(`complete -c lit -n "__fish_seen_subcommand_from ${c.name}" ${flagArgs(o)}`);
    for (const s of [...c.subcommands, ...c.argChoices]) lines.push(`complete -c lit -n "__fish_seen_subcommand_from ${c.name}" -a ${s}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function run(_ctx: Context, args: string[]): Promise<number> {
  const shell = args[0];
  const { program } = await import('../main.js');
  const p = program();
  // commander has already checked the shell against its choices.
  out({ bash, zsh, fish }[shell as 'bash' | 'zsh' | 'fish'](p));
  return EXIT.ok;
}

/** `lit completion`: its argument, help and handler. */
export function command(runner: Runner): Command {
  const cmd = runner
    .command('completion')
    .description('print a shell completion script for commands, options and format names')
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh', 'fish']))
    .addHelpText('after', examples('source <(lit completion bash)', 'lit completion zsh > "${fpath[1]}/_lit"', 'lit completion fish > ~/.config/fish/completions/lit.fish'));
  return action(cmd, runner, run);
}

// `lit keys`: the key register, listed, pruned, recomputed, or one key set by hand.
import { maxOf } from '../../arrays.js';
import { readFileSync } from 'node:fs';
import { EXIT, LitError } from '../../errors.js';
import { freshKeys, isValidKey, primaryOf, type KeyLine } from '../../keys.js';
import type { Paper } from '../../model.js';
import { parseRegister, updateRegister } from '../../register.js';
import { jsonSafe, visible } from '../../safe.js';
import { finish, open, type Context } from '../context.js';
import { err, out, reportWarnings } from '../output.js';
import { resolvePapers } from './resolve.js';
import { Command } from 'commander';
import { action, examples, type Runner } from '../command.js';

/** One registered paper as `lit keys` lists it. */
interface Listed {
  key: string;
  aliases: string[];
  title: string;
  /** The paper's id, when the library has the paper now. */
  id: string | null;
  /** Set by hand with `lit keys set`. */
  pinned: boolean;
}

/** The primary lines of a register with the aliases that lead to each. */
function listing(lines: KeyLine[], present: Map<string, Paper>): Listed[] {
  const byKey = new Map(lines.map((l) => [l.key, l]));
  const primary = (l: KeyLine) => primaryOf(l, byKey);
  const aliases = new Map<string, string[]>();
  for (const l of lines) {
    const p = l.aliasOf === null ? undefined : primary(l);
    if (p) aliases.set(p.key, [...(aliases.get(p.key) ?? []), l.key]);
  }
  return lines
    .filter((l) => l.aliasOf === null)
    .map((l) => ({ key: l.key, aliases: aliases.get(l.key) ?? [], title: present.get(l.key)?.title ?? l.title, id: present.get(l.key)?.id ?? null, pinned: l.pinned }));
}

function readLines(ctx: Context): KeyLine[] {
  try {
    return parseRegister(readFileSync(ctx.registerFile, 'utf8'), ctx.registerFile).lines;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw new LitError('keys-unreadable', `${ctx.registerFile}: cannot read the key register (${(e as NodeJS.ErrnoException).code})`, EXIT.io);
  }
}

async function render(ctx: Context, rows: Listed[]): Promise<string> {
  const clean = (s: string) => visible(s.replace(/[\t\n\r]+/g, ' '));
  if (!ctx.term.tty) return rows.map((r) => `${r.key}\t${r.aliases.join(',')}\t${clean(r.title)}\n`).join('');
  const chalk = ctx.term.color ? (await import('chalk')).default : null;
  const keyW = maxOf(rows.map((r) => r.key.length), 3);
  const aliasW = Math.min(30, maxOf(rows.map((r) => r.aliases.join(', ').length), 7));
  const titleW = Math.max(20, ctx.term.width - keyW - aliasW - 4);
  const cut = (s: string, w: number) => (s.length <= w ? s.padEnd(w) : `${s.slice(0, w - 1)}…`);
  const bold = (s: string) => (chalk ? chalk.bold(s) : s);
  const dim = (s: string) => (chalk ? chalk.dim(s) : s);
  const head = `${bold(cut('key', keyW))}  ${bold(cut('aliases', aliasW))}  ${bold('title')}`;
  const body = rows.map((r) => {
    const title = r.id ? cut(clean(r.title), titleW).trimEnd() : dim(cut(`${clean(r.title)} (not in this library)`, titleW).trimEnd());
    return `${r.key.padEnd(keyW)}  ${cut(r.aliases.join(', '), aliasW)}  ${title}`;
  });
  return `${[head, ...body].join('\n')}\n`;
}

/** Every present paper by key, so the register can be compared with the library. */
async function presentPapers(ctx: Context): Promise<{ byKey: Map<string, Paper>; names: Set<string>; warnings: import('../../model.js').Warning[] }> {
  const lib = await open(ctx);
  const byKey = new Map<string, Paper>();
  const names = new Set<string>();
  for (const p of lib.store.allPapers()) {
    byKey.set(p.key, p);
    names.add(p.key);
    for (const a of p.aliases) names.add(a);
  }
  return { byKey, names, warnings: lib.warnings };
}

/** The register must be written for these commands: a warning that it was not is an error here. */
function mustHaveWritten(warnings: import('../../model.js').Warning[]): void {
  const w = warnings.find((x) => x.code === 'keys-unwritable');
  if (w) throw new LitError('keys-unwritable', `${w.file}: ${w.message.replace(/; new keys hold for this run only$/, '')}`, EXIT.io);
}

export async function run(ctx: Context, _args: string[], opts: { json?: boolean; prune?: boolean; rekey?: boolean }): Promise<number> {
  if (opts.prune && opts.rekey) throw new LitError('bad-usage', '--prune and --rekey are separate steps; run one, then the other', EXIT.usage);
  const present = await presentPapers(ctx);
  if (opts.prune) {
    const done = await updateRegister(ctx.registerFile, (cur) => {
      const kept = cur.lines.filter((l) => present.names.has(l.key));
      return { lines: kept, result: cur.lines.length - kept.length };
    });
    reportWarnings(done.warnings, ctx.quiet);
    mustHaveWritten(done.warnings);
    const n = done.result;
    err(n ? `lit: forgot ${n} key${n === 1 ? '' : 's'} of papers the library no longer has` : 'lit: every registered key belongs to a paper in the library; nothing to forget');
    return finish(ctx, EXIT.ok, present.warnings);
  }
  if (opts.rekey) {
    const done = await updateRegister(ctx.registerFile, (cur) => rekey(cur.lines, present.byKey, ctx.config.keyScheme));
    reportWarnings(done.warnings, ctx.quiet);
    mustHaveWritten(done.warnings);
    const changes = done.result;
    out(changes.map(([a, b]) => `${a}\t${b}\n`).join(''));
    err(changes.length ? `lit: ${changes.length} key${changes.length === 1 ? '' : 's'} changed; each old key stays an alias of its paper unless a new key took it` : 'lit: every key already follows the key scheme');
    return finish(ctx, EXIT.ok, present.warnings);
  }
  const rows = listing(readLines(ctx), present.byKey);
  out(opts.json ? jsonSafe(`${JSON.stringify(rows, null, 2)}\n`) : await render(ctx, rows));
  return finish(ctx, EXIT.ok, present.warnings);
}

/**
 * New keys from the scheme for every present paper whose key was not set by hand. A paper's
 * old key becomes an alias of its new one, unless another paper's new key is that very key.
 */
function rekey(lines: KeyLine[], present: Map<string, Paper>, scheme?: string): { lines: KeyLine[]; result: [string, string][] } {
  const targets = lines.filter((l) => l.aliasOf === null && !l.pinned && present.has(l.key));
  const releasing = new Set(targets.map((l) => l.key));
  const taken = new Set(lines.map((l) => l.key));
  const next = freshKeys(targets.map((l) => present.get(l.key)!), (k) => taken.has(k) && !releasing.has(k), scheme);
  const renamed = new Map(targets.map((l, i) => [l.key, next[i]!]));
  const newKeys = new Set(next);
  const out: KeyLine[] = [];
  for (const l of lines) {
    const to = renamed.get(l.key);
    if (to !== undefined) {
      out.push({ ...l, key: to });
      if (to !== l.key && !newKeys.has(l.key)) out.push({ key: l.key, gen: l.gen, aliasOf: to, pinned: false, ids: [], title: l.title });
    } else out.push(l.aliasOf !== null && renamed.has(l.aliasOf) ? { ...l, aliasOf: renamed.get(l.aliasOf)! } : l);
  }
  return { lines: out, result: [...renamed].filter(([a, b]) => a !== b) };
}

export async function runSet(ctx: Context, args: string[]): Promise<number> {
  const [name, key] = args as [string, string];
  if (!isValidKey(key)) {
    throw new LitError('bad-key', `${JSON.stringify(key)} is not a valid key: use letters, digits and _, with : . + / - only inside (at most 100 characters)`, EXIT.usage);
  }
  const lib = await open(ctx);
  const sids = resolvePapers(lib.store, [name]);
  if (sids.length !== 1) throw new LitError('bad-usage', 'name one paper', EXIT.usage);
  const paper = lib.store.paper(sids[0]!);
  if (paper.key === key) {
    err(`lit: ${key} is already the key of that paper`);
    return finish(ctx, EXIT.ok, lib.warnings);
  }
  const done = await updateRegister(ctx.registerFile, (cur) => {
    const byKey = new Map(cur.lines.map((l) => [l.key, l]));
    const own = byKey.get(paper.key);
    if (!own) throw new LitError('keys-unwritable', `${ctx.registerFile}: the register does not hold ${paper.key}; run lit index once so it can be saved`, EXIT.io);
    const other = byKey.get(key);
    // The paper's own alias may become its key again; anyone else's key or alias may not.
    if (other && !paper.aliases.includes(key)) {
      const whose = other.aliasOf === null ? `the key of ${JSON.stringify(other.title)}` : `an alias of ${other.aliasOf} (${JSON.stringify(other.title)})`;
      throw new LitError('key-taken', `${key} is taken: it is ${whose}; choose another key`, EXIT.usage);
    }
    const old = own.key;
    const lines = cur.lines
      .filter((l) => l.key !== key)
      // Taking back one of its own aliases keeps that line's fingerprints, should the papers part again.
      .map((l) => (l === own ? { ...l, key, pinned: true, ids: [...new Set([...l.ids, ...(other?.ids ?? [])])] } : l.aliasOf === old ? { ...l, aliasOf: key } : l));
    lines.push({ key: old, gen: own.gen, aliasOf: key, pinned: false, ids: [], title: own.title });
    return { lines, result: old };
  });
  reportWarnings(done.warnings, ctx.quiet);
  mustHaveWritten(done.warnings);
  err(`lit: ${done.result} is now ${key}; ${done.result} stays an alias, so documents that cite it still resolve`);
  return finish(ctx, EXIT.ok, lib.warnings);
}

/** `lit keys` and `lit keys set`: their options, help and handlers. */
export function command(runner: Runner): Command {
  const cmd = runner
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
${examples('lit keys', "lit keys --json | jq -r '.[] | select(.aliases | length > 0) | .key'", 'lit keys set sun2025curse sun2025depth', 'lit keys --prune')}`,
    );
  const set = cmd
    .command('set')
    .description('give a paper a key of your choosing; its old key stays an alias')
    .argument('<paper>', 'key, alias, id, or title words in quotes')
    .argument('<key>', 'the new key: letters, digits and _ : . + / - inside')
    .addHelpText('after', examples('lit keys set sun2025curse sun2025depth', 'lit keys set "curse of depth" sun2025depth'));
  action(set, runner, runSet);
  return action(cmd, runner, run);
}

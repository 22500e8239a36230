// `lit export`: the library, a query's hits, papers named by key, the ids on stdin, or exactly
// what a document cites, in a format other tools read.
import { pushAll } from '../../arrays.js';
import { accessSync, constants, lstatSync, readFileSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../atomic.js';
import { auxCitations, markdownCitations, type Cited } from '../../cited.js';
import { EXIT, LitError } from '../../errors.js';
import { formatPapers } from '../../format/index.js';
import type { Paper, Warning } from '../../model.js';
import { searchText } from '../../search/boolean.js';
import type { LibraryStore } from '../../library-store.js';
import { finish, open, type Context } from '../context.js';
import { err, formatWarning, out, reportWarnings } from '../output.js';
import { lookupName, noteAlias, resolveNames } from './resolve.js';
import { Command, Option } from 'commander';
import { EXPORT_FORMATS } from '../../format/index.js';
import { action, collect, type Runner } from '../command.js';

export interface ExportOptions {
  format: string;
  output?: string;
  aux?: string[];
  cited?: string[];
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Where `-o` really writes and with what mode: through a symlink to the file it names (as `>`
 * does), keeping that file's permissions and owner. Refuses what `>` would refuse (a file the
 * user may not write) and anything that is not a regular file: replacing /dev/stdout or a FIFO
 * with a file is never what was meant.
 */
function outputTarget(file: string): { target: string; mode?: number; uid?: number; gid?: number; current: Buffer | null } {
  const fail = (why: string): never => {
    throw new LitError('write-failed', `${file}: ${why}`, EXIT.io);
  };
  let st;
  try {
    // Followed through links: /dev/stdout is a link to a pipe or a terminal.
    st = statSync(file);
  } catch {
    st = null;
  }
  if (st && !st.isFile()) fail(`is not a regular file (${st.isDirectory() ? 'a folder' : st.isFIFO() ? 'a pipe or FIFO' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : 'not a file'}); to write to it, leave out -o and redirect with >`);
  let target = path.resolve(file);
  let link = false;
  try {
    link = lstatSync(target).isSymbolicLink();
  } catch {
    link = false;
  }
  // Through a link to the file it names, as `>` writes; a link to a file not there yet names it.
  if (link) target = st ? realpathSync(target) : path.resolve(path.dirname(target), readlinkSync(target));
  if (!st) return { target, current: null };
  try {
    accessSync(target, constants.W_OK);
  } catch {
    fail('cannot write (permission denied)');
  }
  let current: Buffer | null = null;
  try {
    current = readFileSync(target);
  } catch {
    current = null;
  }
  return { target, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, current };
}

/**
 * Writes the output file atomically and durably, unless it already holds exactly these bytes:
 * an unchanged refs.bib keeps its mtime, so latexmk does not rebuild. A failure is exit status 5, naming the file.
 */
async function writeOutput(file: string, text: string): Promise<boolean> {
  const bytes = Buffer.from(text);
  const { target, current, ...keep } = outputTarget(file);
  if (current?.equals(bytes)) return false;
  try {
    await writeFileAtomic(target, bytes, { durable: true, ...keep });
    return true;
  } catch (e) {
    throw new LitError('write-failed', `${file}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, EXIT.io);
  }
}

/** The papers a document cites, in order of first citation; a key the library lacks is a warning at its line. */
function citedPapers(s: LibraryStore, opts: ExportOptions): { papers: Paper[]; warnings: Warning[] } {
  const all: Cited = { citations: [], all: false, warnings: [] };
  for (const f of opts.aux ?? []) auxCitations(f, all);
  for (const f of opts.cited ?? []) {
    const c = markdownCitations(f);
    pushAll(all.citations, c.citations);
  }
  const warnings = [...all.warnings];
  if (all.all) return { papers: s.allPapers(), warnings };
  // Each paper under the first name the document cites it by.
  const cited = new Map<number, string[]>();
  const told = new Set<string>();
  for (const c of all.citations) {
    const sid = s.lookup(c.key);
    if (sid === undefined) {
      if (!told.has(c.key)) warnings.push({ code: 'unknown-citation', file: c.file, line: c.line, message: `cites ${c.key}, which the library does not have` });
    } else {
      if (!told.has(c.key)) noteAlias(s, c.key, sid, `${c.file}:${c.line}: `);
      const names = cited.get(sid) ?? [];
      if (!names.includes(c.key)) names.push(c.key);
      cited.set(sid, names);
    }
    told.add(c.key);
  }
  return { papers: [...cited].map(([sid, names]) => asCited(s.paper(sid), names)), warnings };
}

/**
 * A paper as the document cites it: a document that cites only an old key (an alias) gets the
 * entry under that key, since BibTeX has no aliases; citing the current key as well keeps it.
 */
function asCited(p: Paper, names: string[]): Paper {
  if (names.includes(p.key) || !names[0]) return p;
  const key = names[0];
  return { ...p, key, aliases: [p.key, ...p.aliases.filter((a) => a !== key)] };
}

export async function run(ctx: Context, args: string[], opts: ExportOptions): Promise<number> {
  const fromDocs = Boolean(opts.aux?.length || opts.cited?.length);
  if (fromDocs && args.length) throw new LitError('bad-usage', '--aux and --cited choose the papers themselves; give no query with them', EXIT.usage);
  const lib = await open(ctx);
  const s = lib.store;
  let papers: Paper[];
  let missing = 0;
  if (fromDocs) {
    const cited = citedPapers(s, opts);
    papers = cited.papers;
    missing = cited.warnings.filter((w) => w.code === 'unknown-citation').length;
    reportWarnings(cited.warnings, ctx.quiet);
    pushAll(lib.warnings, cited.warnings);
  } else if (args.length === 1 && args[0] === '-') {
    // Ids or keys, one per line (or separated by any white space), as `--format ids` prints them.
    const wanted = (await readStdin()).split(/\s+/).filter(Boolean);
    const sids = new Set<number>();
    for (const w of wanted) {
      const sid = lookupName(s, w);
      if (sid === undefined) {
        const warning: Warning = { code: 'unknown-id', file: 'stdin', message: `no paper has the id or key ${JSON.stringify(w)}; left out` };
        if (!ctx.quiet) err(formatWarning(warning));
        lib.warnings.push(warning);
        missing++;
      } else {
        noteAlias(s, w, sid);
        sids.add(sid);
      }
    }
    papers = [...sids].map((sid) => s.paper(sid));
    if (!papers.length) {
      err('lit: no papers to export');
      return EXIT.noMatch;
    }
  } else if (args.length) {
    const named = resolveNames(s, args);
    if (named) papers = named.map((sid) => s.paper(sid));
    else {
      const found = searchText(s, args.join(' '));
      if (!ctx.quiet) for (const n of found.notes) err(`lit: note: ${n}`);
      papers = found.hits.map((h) => s.paper(h.sid));
    }
    if (!papers.length) {
      err(`lit: no match for ${JSON.stringify(args.join(' '))}`);
      return finish(ctx, EXIT.noMatch, lib.warnings);
    }
  } else {
    papers = s.allPapers();
  }
  const { text, warnings } = (await formatPapers(opts.format, papers))!;
  reportWarnings(warnings, ctx.quiet);
  const count = `${papers.length} paper${papers.length === 1 ? '' : 's'}`;
  if (opts.output) {
    if (await writeOutput(opts.output, text)) err(`lit: wrote ${count} to ${opts.output}`);
    else err(`lit: ${opts.output} unchanged (${count})`);
  } else out(text);
  // Every paper the library has was written; a citation it lacks still fails the run, as grep does.
  return finish(ctx, missing ? EXIT.noMatch : EXIT.ok, [...lib.warnings, ...warnings]);
}

/** `lit export`: its options, help and handler. */
export function command(runner: Runner): Command {
  const cmd = runner
    .command('export')
    .description('write papers in a format other tools read')
    .argument('[query...]', 'keys, aliases or ids (exactly those papers), else a search query; `-` reads keys or ids from stdin')
    .addOption(new Option('-f, --format <name>', 'output format').choices(EXPORT_FORMATS).makeOptionMandatory())
    .option('-o, --output <file>', 'write to this file (atomically; left alone when unchanged) instead of stdout')
    .option('--aux <file>', 'exactly the papers a LaTeX run cited (its .aux file; repeatable)', collect)
    .option('--cited <file>', 'exactly the papers a Markdown file cites with pandoc [@key] citations (repeatable)', collect)
    .addHelpText(
      'after',
      `
A cited key the library lacks is a warning naming the file and line: every paper it has is
still written, and the exit status is 1. A character BibTeX cannot spell (Chinese, emoji) is
kept as UTF-8 and reported once; biblatex keeps UTF-8 throughout.

Examples:
  lit export --format bibtex > refs.bib
  lit export --format bibtex sun2025curse huang2025spam
  lit export --format bibtex --aux paper.aux -o refs.bib
  lit export --format csl-json --cited notes.md -o refs.json
  lit export --format csl-json author:liu -o liu.json
  lit search pruning --all --format ids | lit export --format ris -`,
    );
  return action(cmd, runner, run);
}

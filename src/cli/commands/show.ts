// `lit show`: one paper in full, with its sources and which fields each supplied.
import { EXIT, LitError } from '../../errors.js';
import { displayName, type Paper, type ProvenanceField } from '../../model.js';
import { jsonSafe, visible } from '../../safe.js';
import { finish, open, type Context } from '../context.js';
import { out } from '../output.js';
import { displayWidth } from '../width.js';
import { chooseFormat, render } from '../render.js';
import { resolvePapers } from './resolve.js';
import { Command } from 'commander';
import { action, examples, outputOptions, type Runner } from '../command.js';

/** Wraps text at spaces to a width in display columns. */
export function wrap(text: string, width: number, indent = ''): string {
  const lines: string[] = [];
  let line = '';
  // A pipe's width is Infinity: nothing to measure (Intl's segmenter took 12 ms of a `show`).
  const limited = Number.isFinite(width);
  for (const word of text.split(/\s+/)) {
    if (limited && line && displayWidth(line) + 1 + displayWidth(word) > width - indent.length) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines.join('\n');
}

const LABEL = 'organisation: '.length;

async function full(paper: Paper, ctx: Context): Promise<string> {
  // Every string in the view came from a source: made visible before anything else touches it.
  const p = visibleStrings(paper);
  const chalk = ctx.term.color ? (await import('chalk')).default : null;
  const bold = (s: string) => (chalk ? chalk.bold(s) : s);
  const dim = (s: string) => (chalk ? chalk.dim(s) : s);
  // Wrapped at word boundaries on a terminal only: a pipe gets each field on one line (D15).
  const width = ctx.term.tty ? Math.min(ctx.term.width, 100) : Infinity;
  // `organisation: Google`: a colon after each label, and values lined up one column past the
  // longest label, so no value runs into its label (D15).
  const label = (s: string) => bold(`${s}:`.padEnd(LABEL));
  const field = (name: string, value: string) => `${label(name)}${wrap(value, width - LABEL).split('\n').join(`\n${' '.repeat(LABEL)}`)}`;
  const authors = p.authors.length
    ? `${p.authors.join(', ')}${p.authorsTruncated ? ' et al.' : ''}${p.authorCount && p.authorCount > p.authors.length ? ` (${p.authorCount} authors)` : ''}`
    : p.authorCount
      ? `${p.authorCount} authors (names not listed)`
      : '(not listed)';
  const lines = [
    bold(wrap(p.title ?? '(untitled)', width)),
    '',
    `${label('key')}${p.key}`,
    ...(p.aliases.length ? [field('aliases', p.aliases.join(', '))] : []),
    `${label('id')}${p.id}`,
    field('authors', authors),
    `${label('date')}${p.date ?? '(unknown)'}${p.dateInferred ? dim(' (year inferred from the listing)') : ''}`,
  ];
  if (p.type) lines.push(`${label('type')}${p.type}`);
  if (p.venue) lines.push(field('venue', [p.venue, p.volume && `vol. ${p.volume}`, p.number && `no. ${p.number}`, p.pages && `pp. ${p.pages}`].filter(Boolean).join(', ')));
  if (p.publisher) lines.push(`${label('publisher')}${p.publisher}`);
  if (p.editors.length) lines.push(field('editors', p.editors.map(displayName).join(', ')));
  if (p.doi) lines.push(`${label('doi')}${p.doi}`);
  if (p.arxiv) lines.push(`${label('arxiv')}${p.arxiv}${p.arxivClass ? ` [${p.arxivClass}]` : ''}`);
  if (p.url) lines.push(`${label('url')}${p.url}`);
  if (p.categories.length) lines.push(field('categories', p.categories.join(', ')));
  if (p.keywords.length) lines.push(field('keywords', p.keywords.join(', ')));
  if (p.organisation) lines.push(`${label('organisation')}${p.organisation}`);
  if (p.upvotes !== null) lines.push(`${label('upvotes')}${p.upvotes}`);
  if (p.score !== null) lines.push(`${label('score')}${p.score}`);
  if (p.codeUrl) lines.push(`${label('code')}${p.codeUrl}`);
  else if (p.code) lines.push(`${label('code')}yes`);
  if (p.note) lines.push(field('note', p.note));
  lines.push('', p.abstract ? wrap(p.abstract, width) : dim('(no abstract)'), '', bold('sources'));
  for (const s of p.sources) {
    const fields = (Object.entries(p.provenance) as [ProvenanceField, { file: string; line: number }][])
      .filter(([, r]) => r.file === s.file && r.line === s.line)
      .map(([f]) => f);
    const what = `${s.layout}${fields.length ? `: ${fields.join(', ')}` : ''}`;
    const where = `  ${s.file}:${s.line}`;
    // Too wide for the terminal: what the source gave goes under it, wrapped.
    if (where.length + 2 + what.length <= width) lines.push(`${where}  ${dim(what)}`);
    else lines.push(where, dim(wrap(what, width - 4, '    ')));
  }
  return `${lines.join('\n')}\n`;
}

/** A copy of a value with every string in it made visible. */
function visibleStrings<T>(v: T): T {
  if (typeof v === 'string') return visible(v) as T;
  if (Array.isArray(v)) return v.map(visibleStrings) as T;
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, visibleStrings(x)])) as T;
  return v;
}

export async function run(ctx: Context, args: string[], opts: { json?: boolean; jsonl?: boolean; format?: string }): Promise<number> {
  const lib = await open(ctx);
  const papers = resolvePapers(lib.store, args).map((sid) => lib.store.paper(sid));
  // The full view is show's own; a table or TSV of one paper is not a thing (D15).
  if (opts.format === 'table' || opts.format === 'tsv') throw new LitError('bad-format', `lit show has no ${opts.format} form: it shows papers in full, or in an export format (--json, --format bibtex, …)`, EXIT.usage);
  const format = opts.json || opts.jsonl || opts.format ? chooseFormat(ctx, opts) : 'full';
  if (format === 'full' || format === 'table' || format === 'tsv') out((await Promise.all(papers.map((p) => full(p, ctx)))).join('\n'));
  // One paper named is one JSON object, as before; several are an array.
  else if (format === 'json') out(jsonSafe(`${JSON.stringify(papers.length === 1 ? papers[0] : papers, null, 2)}\n`));
  else out(await render(papers.map((paper) => ({ paper })), format, ctx));
  return finish(ctx, EXIT.ok, lib.warnings);
}

/** `lit show`: its options, help and handler. */
export function command(runner: Runner): Command {
  const cmd = outputOptions(runner.command('show'))
    .description('one paper in full, with every source it came from')
    .argument('<paper...>', 'keys, aliases or ids (each paper named), else words of one title')
    .addHelpText('after', examples('lit show "curse of depth"', 'lit show sun2025curse --json', 'lit show sun2025curse huang2025spam', "lit show 3d4c6b     (an id's first six or more digits)", 'lit show sun2025curse --format bibtex'));
  return action(cmd, runner, run);
}

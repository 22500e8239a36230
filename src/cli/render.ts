// Turning papers into output: a table on a terminal, tab-separated lines in a pipe, or a data format.
import { maxOf } from '../arrays.js';
import { EXIT, LitError } from '../errors.js';
import type { Paper } from '../model.js';
import { processTerm, tokenize } from '../search/analyze.js';
import { jsonSafe, visible } from '../safe.js';
import type { Context } from './context.js';
import { cutToWidth as cut, displayWidth } from './width.js';
import { reportWarnings } from './output.js';

export interface Row {
  paper: Paper;
  score?: number;
}

/** The format asked for: --json/--jsonl/--format, else the config's, else table on a terminal and tsv in a pipe. */
export function chooseFormat(ctx: Context, opts: { json?: boolean; jsonl?: boolean; format?: string }): string {
  // Two output flags at once is a mistake to name, not a choice to make silently.
  const asked = [opts.json && '--json', opts.jsonl && '--jsonl', opts.format && `--format ${opts.format}`].filter(Boolean);
  if (asked.length > 1) throw new LitError('bad-usage', `${asked.join(' and ')} ask for two outputs; give one`, EXIT.usage);
  if (opts.json) return 'json';
  if (opts.jsonl) return 'jsonl';
  const f = opts.format ?? ctx.config.format;
  if (f === 'table' && !ctx.term.tty) return 'tsv';
  return f ?? (ctx.term.tty ? 'table' : 'tsv');
}

/** First author, else the author count or the organisation when that is all a listing gave. */
export function firstAuthor(p: Paper): string {
  if (p.authors.length) return p.authors.length > 1 || p.authorsTruncated ? `${p.authors[0]} et al.` : p.authors[0]!;
  if (p.authorCount) return `${p.authorCount} author${p.authorCount === 1 ? '' : 's'}`;
  return p.organisation ?? '';
}

type Chalk = typeof import('chalk').default;

/** Marks the words of a text that match the query's terms, when colour is on. */
function highlighter(chalk: Chalk | null, highlight: string[]): (s: string) => string {
  const terms = highlight.flatMap((h) => tokenize(h)).map(processTerm).filter((t): t is string => t !== null);
  if (!chalk || !terms.length) return (s) => s;
  return (s) =>
    s.replace(/[\p{L}\p{N}\p{M}]+/gu, (w) => {
      const t = processTerm(w);
      return t && terms.some((q) => t === q || (q.length >= 3 && t.startsWith(q))) ? chalk.bold.yellow(w) : w;
    });
}

async function loadChalk(ctx: Context): Promise<Chalk | null> {
  return ctx.term.color ? (await import('chalk')).default : null;
}

/** Tab-separated line: key, year, title, first author (and the relevance, for searches). Tabs in text become spaces. */
function tsvLine(r: Row, mark: (s: string) => string): string {
  const clean = (s: string) => visible(s.replace(/[\t\n\r]+/g, ' '));
  const cells = [r.paper.key, r.paper.year ?? '', mark(clean(r.paper.title ?? '(untitled)')), clean(firstAuthor(r.paper))];
  if (r.score !== undefined) cells.push(r.score.toFixed(3));
  return cells.join('\t');
}

/** Renders rows in a format; export formats are loaded only when asked for. */
export async function render(rows: Row[], format: string, ctx: Context, highlight: string[] = []): Promise<string> {
  // The search's relevance is a field of its own: `score` is the listing's (alphaXiv's) value (D8).
  const withScore = (r: Row) => (r.score === undefined ? r.paper : { ...r.paper, relevance: Math.round(r.score * 1000) / 1000 });
  switch (format) {
    case 'json':
      return jsonSafe(`${JSON.stringify(rows.map(withScore), null, 2)}\n`);
    case 'jsonl':
      return jsonSafe(rows.map((r) => `${JSON.stringify(withScore(r))}\n`).join(''));
    case 'ids':
      return rows.map((r) => `${r.paper.key}\n`).join('');
    case 'tsv': {
      // Plain unless colour is forced (FORCE_COLOR): then matches are marked, as `rg --color=always` does.
      const mark = highlighter(await loadChalk(ctx), highlight);
      return rows.map((r) => `${tsvLine(r, mark)}\n`).join('');
    }
    case 'table':
      return table(rows, ctx, highlight);
    default: {
      const { formatPapers } = await import('../format/index.js');
      const made = await formatPapers(format, rows.map((r) => r.paper));
      if (made === null) throw new LitError('bad-format', `unknown format ${format}`, EXIT.usage);
      reportWarnings(made.warnings, ctx.quiet);
      return made.text;
    }
  }
}

async function table(rows: Row[], ctx: Context, highlight: string[]): Promise<string> {
  const [{ default: Table }, chalk] = await Promise.all([import('cli-table3'), loadChalk(ctx)]);
  const ranked = rows.some((r) => r.score !== undefined);
  const titles = rows.map((r) => (r.paper.title === null ? '(untitled)' : visible(r.paper.title)));
  const authors = rows.map((r) => visible(firstAuthor(r.paper)));
  // The table fits the terminal (D1): the key, the column to copy into \cite{}, is never cut;
  // the author column gives way first, then goes; the title takes what is left, and no more
  // than its longest title needs.
  const keyW = maxOf(rows.map((r) => displayWidth(r.paper.key)), 3);
  const rankW = ranked ? String(rows.length).length : 0;
  const fixedCols = 2 + (ranked ? 1 : 0); // year and key, and the rank
  const room = (authW: number, withAuthor: boolean) => {
    const cols = fixedCols + 1 + (withAuthor ? 1 : 0);
    // Each cell has a space of padding either side; the borders add one column each and one.
    return ctx.term.width - (cols + 1) - 2 * cols - rankW - 4 - keyW - (withAuthor ? authW : 0);
  };
  let authW = Math.min(22, maxOf(authors.map(displayWidth), 6));
  let titleW = room(authW, true);
  if (titleW < 24) {
    authW = Math.max(10, authW - (24 - titleW));
    titleW = room(authW, true);
  }
  const withAuthor = titleW >= 20;
  if (!withAuthor) titleW = room(0, false);
  titleW = Math.max(10, Math.min(titleW, maxOf(titles.map(displayWidth), 5)));
  const mark = highlighter(chalk, highlight);
  const head = [...(ranked ? ['#'] : []), 'year', 'title', ...(withAuthor ? ['first author'] : []), 'key'];
  const t = new Table({
    head: chalk ? head.map((h) => chalk.bold(h)) : head,
    style: { head: [], border: [], compact: true },
    colWidths: [...(ranked ? [rankW + 2] : []), 6, titleW + 2, ...(withAuthor ? [authW + 2] : []), keyW + 2],
    wordWrap: false,
  });
  rows.forEach((r, i) => {
    const title = cut(titles[i]!, titleW);
    t.push([
      ...(ranked ? [String(i + 1)] : []),
      String(r.paper.year ?? ''),
      chalk && r.paper.title === null ? chalk.dim(title) : mark(title),
      ...(withAuthor ? [cut(authors[i]!, authW)] : []),
      r.paper.key,
    ]);
  });
  return `${t.toString()}\n`;
}

// `lit dupes`: each merged paper, its entries, and why they were merged.
import { EXIT } from '../../errors.js';
import { finish, open, type Context } from '../context.js';
import { out } from '../output.js';

export async function run(ctx: Context, _args: string[], opts: { json?: boolean }): Promise<number> {
  const lib = await open(ctx);
  const reasons = new Map(lib.searcher.info.reasons);
  const merged = lib.searcher.allPapers().filter((p) => p.sources.length > 1);
  const groups = merged.map((p) => ({
    id: p.id,
    key: p.key,
    title: p.title,
    entries: p.sources,
    reasons: (reasons.get(p.id) ?? []).map((r) => ({
      kind: r.kind,
      ...(r.similarity !== undefined ? { similarity: r.similarity } : {}),
      a: `${r.a.file}:${r.a.line}`,
      b: `${r.b.file}:${r.b.line}`,
    })),
  }));
  if (opts.json) out(`${JSON.stringify(groups, null, 2)}\n`);
  else {
    const text = groups.map((g) => {
      const lines = [`${g.key}  ${g.title ?? '(untitled)'}`];
      for (const e of g.entries) lines.push(`  ${e.file}:${e.line}  (${e.layout})`);
      for (const r of g.reasons) lines.push(`  ${r.b} joined ${r.a}: ${r.kind === 'same-title' ? 'same title' : `matching abstract (similarity ${r.similarity})`}`);
      return lines.join('\n');
    });
    out(text.length ? `${text.join('\n\n')}\n` : '');
  }
  return finish(ctx, EXIT.ok, lib.warnings);
}

// Citation keys through the built binary: the register, aliases, papers named by key, --aux.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, lit, litEnv, ROOT, tempDir, type LitOptions } from './helpers.js';
import { itWithTool } from './tools.js';

const SEEDS = path.join(ROOT, 'seeds');
const json = (s: string) => JSON.parse(s) as Record<string, unknown>[];
const keysIn = (r: { stdout: string }) => r.stdout.trimEnd().split('\n').map((l) => l.split('\t')[0]);

// D2: a listing that names the authors of a paper the profile gave with none.
const AUTHORS =
  'LGOct 8, 2022\nAdvancing Model Pruning via Bi-level OptimizationYihua Zhang, Yuguang Yao, Parikshit Ram et al.\nThe deployment constraints in practical applications necessitate the pruning of large-scale deep learning models.\n';
// D3: a new paper whose key would be sun2025curse.
const CLASH =
  'LGFeb 20, 2025\nThe Curse of Depth Revisited: Why Deep Layers Still FailWei Sun, Anna Schmidt, Li Wang et al.\nWe revisit the curse of depth in large language models and show that post-layer normalization does not escape it.\n';
const ABSTRACT = 'We study tide pools along rocky shores and count the species that live in each of them over ten years.';

/** A library folder of its own, with a data folder (the register) and cache shared by its runs. */
function library(files: Record<string, string> = {}) {
  const dir = tempDir('lit-lib-');
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  const opts: LitOptions = { cacheDir: tempDir('lit-cache-'), dataDir: tempDir('lit-data-') };
  const run = (args: string[], more: LitOptions = {}) => lit(args, { ...opts, ...more });
  return { dir, opts, run, register: path.join(opts.dataDir!, 'lit', 'lit.keys') };
}

describe('the key register', () => {
  it('keeps the cited key when a clashing listing is added later; the newcomer gets the suffix (D3)', () => {
    const lib = library();
    expect(keysIn(lib.run(['-s', SEEDS, 'list']))).toContain('sun2025curse');
    writeFileSync(path.join(lib.dir, 'clash.txt'), CLASH);
    const r = lib.run(['-s', SEEDS, '-s', path.join(lib.dir, 'clash.txt'), 'search', 'curse of depth', '--all']);
    expect(r.status).toBe(0);
    const rows = r.stdout.trimEnd().split('\n').map((l) => l.split('\t'));
    expect(rows.find((c) => c[2] === 'The Curse of Depth in Large Language Models')![0]).toBe('sun2025curse');
    expect(rows.find((c) => c[2] === 'The Curse of Depth Revisited: Why Deep Layers Still Fail')![0]).toBe('sun2025cursea');
  });

  it('keeps the key when a listing adds authors, and the old key still exports (D2)', () => {
    const lib = library({ 'authors.txt': AUTHORS });
    expect(lib.run(['-s', SEEDS, 'search', 'bi-level pruning', '-n1']).stdout).toMatch(/^advancing2022model\t/);
    const both = ['-s', SEEDS, '-s', path.join(lib.dir, 'authors.txt')];
    expect(lib.run([...both, 'search', 'bi-level pruning', '-n1']).stdout).toMatch(/^advancing2022model\t.*Yihua Zhang/);
    const r = lib.run([...both, 'export', '-f', 'bibtex', '-'], { input: 'advancing2022model\n' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^@misc\{advancing2022model,\n {2}author\s+= \{Zhang, Yihua/);
  });

  it('survives lit cache clear: a rebuild keys every paper as before', () => {
    const lib = library({ 'authors.txt': AUTHORS });
    const both = ['-s', SEEDS, '-s', path.join(lib.dir, 'authors.txt')];
    lib.run(['-s', SEEDS, 'index']);
    const before = lib.run([...both, 'list', '--sort', 'key']).stdout;
    expect(lib.run(['cache', 'clear']).status).toBe(0);
    expect(readdirSync(lib.opts.cacheDir!).filter((f) => f.endsWith('.litc'))).toEqual([]);
    const after = lib.run([...both, 'list', '--sort', 'key']);
    expect(after.stdout).toBe(before);
    expect(after.stdout).toMatch(/^advancing2022model\t/m);
    expect(after.stdout).not.toMatch(/^zhang2022advancing\t/m);
  });

  it('turns two registered papers that prove to be one into one key and one alias; both name it', () => {
    const lib = library({ 'untitled.txt': `Abstract: ${ABSTRACT}\n` });
    const untitled = ['-s', path.join(lib.dir, 'untitled.txt')];
    const first = keysIn(lib.run([...untitled, 'list']))[0]!;
    writeFileSync(path.join(lib.dir, 'tide.txt'), 'Doe, Jane\nA Census of Tide Pools\nDoe, Jane, Roe, John\nA short note on counting things in pools, unrelated to any abstract.\n');
    const tide = ['-s', path.join(lib.dir, 'tide.txt')];
    const second = keysIn(lib.run([...untitled, ...tide, 'list']));
    expect(second).toHaveLength(2);
    const tideKey = second.find((k) => k !== first)!;
    // Now the listing gives the tide-pool paper the untitled abstract: they are one paper.
    writeFileSync(path.join(lib.dir, 'tide.txt'), `Doe, Jane\nA Census of Tide Pools\nDoe, Jane, Roe, John\n${ABSTRACT}\n`);
    const merged = json(lib.run([...untitled, ...tide, 'list', '--json']).stdout);
    expect(merged).toHaveLength(1);
    expect(merged[0]).toMatchObject({ key: first, aliases: [tideKey], title: 'A Census of Tide Pools' });
    const byKey = lib.run([...untitled, ...tide, 'show', first, '--json']);
    const byAlias = lib.run([...untitled, ...tide, 'show', tideKey, '--json']);
    expect(JSON.parse(byAlias.stdout).id).toBe(JSON.parse(byKey.stdout).id);
    expect(byKey.stderr).toBe('');
    expect(byAlias.stderr).toBe(`lit: note: ${tideKey} is an alias; the paper's key is now ${first}\n`);
    expect(lib.run([...untitled, ...tide, 'keys']).stdout).toBe(`${first}\t${tideKey}\tA Census of Tide Pools\n`);
    // A document that cites the old key still compiles: BibTeX gets the entry under it, biblatex an `ids` field.
    const aux = path.join(lib.dir, 'paper.aux');
    writeFileSync(aux, `\\citation{${tideKey}}\n`);
    expect(lib.run([...untitled, ...tide, 'export', '-f', 'bibtex', '--aux', aux]).stdout).toMatch(new RegExp(`^@misc\\{${tideKey},`));
    expect(lib.run([...untitled, ...tide, 'export', '-f', 'biblatex', first]).stdout).toMatch(new RegExp(`^@misc\\{${first},\\n {2}ids\\s+= \\{${tideKey}\\},`));
  });

  it('lives beside lit.config.yaml when the library has one', () => {
    const project = tempDir('lit-project-');
    writeFileSync(path.join(project, 'lit.config.yaml'), `sources: [${JSON.stringify(SEEDS)}]\n`);
    const lib = library();
    expect(lib.run(['index'], { cwd: project }).status).toBe(0);
    const text = readFileSync(path.join(project, 'lit.keys'), 'utf8');
    expect(existsSync(lib.register)).toBe(false);
    const body = text.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(body).toHaveLength(195);
    expect(body.map((l) => l.split('\t')[0])).toEqual(body.map((l) => l.split('\t')[0]).sort());
    expect(body.find((l) => l.startsWith('sun2025curse\t'))).toMatch(/\tThe Curse of Depth in Large Language Models$/);
  });

  it('is left alone by a run that changes nothing', () => {
    const lib = library();
    lib.run(['index']);
    utimesSync(lib.register, new Date(2020, 0, 1), new Date(2020, 0, 1));
    expect(lib.run(['index', '--rebuild']).status).toBe(0);
    expect(statSync(lib.register).mtimeMs).toBe(new Date(2020, 0, 1).getTime());
  });

  it('holds every paper once after ten concurrent cold runs over a folder that gains files', async () => {
    const folder = tempDir('lit-growing-');
    for (const f of readdirSync(SEEDS)) copyFileSync(path.join(SEEDS, f), path.join(folder, f));
    const dataDir = tempDir('lit-data-');
    const runOne = () =>
      new Promise<string>((resolve, reject) => {
        // Each run is cold: a cache folder of its own; all share the register.
        const p = spawn(process.execPath, [BIN, '-s', folder, 'list', '--jsonl'], { env: litEnv({ cacheDir: tempDir('lit-cache-'), dataDir }) });
        let out = '';
        let errs = '';
        p.stdout.on('data', (d) => (out += d));
        p.stderr.on('data', (d) => (errs += d));
        p.on('close', (code) => (code === 0 && errs === '' ? resolve(out) : reject(new Error(`exit ${code}: ${errs}`))));
      });
    const runs: Promise<string>[] = [];
    for (let i = 0; i < 10; i++) {
      runs.push(runOne());
      // Papers whose scheme keys all clash (doe2024tide…), so racing runs would hand one key out twice.
      writeFileSync(path.join(folder, `extra-${i}.txt`), `LGMar ${i + 1}, 2024\nTide Pools, Part ${i + 1}Jane Doe, John Roe\nAn abstract about tide pools, part ${i + 1}, long enough to read as one.\n`);
    }
    const outputs = await Promise.all(runs);
    const keyOfId = new Map<string, string>();
    for (const o of outputs) {
      for (const line of o.trimEnd().split('\n')) {
        const p = JSON.parse(line) as { id: string; key: string };
        if (keyOfId.has(p.id)) expect(keyOfId.get(p.id)).toBe(p.key);
        keyOfId.set(p.id, p.key);
      }
    }
    expect(new Set(keyOfId.values()).size).toBe(keyOfId.size);
    const register = readFileSync(path.join(dataDir, 'lit', 'lit.keys'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    const registered = new Map(register.map((l) => l.split('\t')).map((c) => [c[0]!, c[4]!.split(',')]));
    expect(registered.size).toBe(register.length);
    expect(registered.size).toBe(keyOfId.size);
    for (const [id, key] of keyOfId) expect(registered.get(key)).toContain(id);
    expect(readdirSync(path.join(dataDir, 'lit'))).toEqual(['lit.keys']);
  });

  it('still answers where the register cannot be written, and says the keys were not saved', () => {
    const blocker = path.join(tempDir(), 'file');
    writeFileSync(blocker, '');
    const r = lit(['search', 'pruning'], { dataDir: path.join(blocker, 'data') });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\tpruning|Pruning/);
    expect(r.stderr).toMatch(/lit\.keys: cannot write the key register \(ENOTDIR\); new keys hold for this run only \[keys-unwritable\]/);
  });

  it('names a line it cannot read and keeps it', () => {
    const lib = library();
    lib.run(['index']);
    writeFileSync(lib.register, `${readFileSync(lib.register, 'utf8')}typed by hand\n`);
    const r = lib.run(['list']);
    expect(r.status).toBe(0);
    const lineNo = readFileSync(lib.register, 'utf8').split('\n').indexOf('typed by hand') + 1;
    expect(r.stderr).toContain(`lit.keys:${lineNo}: not a register line`);
    expect(readFileSync(lib.register, 'utf8')).toContain('typed by hand\n');
  });
});

describe('lit keys', () => {
  it('lists key, aliases and title as TSV in a pipe, and as JSON', () => {
    const lib = library();
    const r = lib.run(['keys']);
    expect(r.status).toBe(0);
    const rows = r.stdout.trimEnd().split('\n');
    expect(rows).toHaveLength(195);
    expect(rows).toContain('sun2025curse\t\tThe Curse of Depth in Large Language Models');
    const j = json(lib.run(['keys', '--json']).stdout);
    expect(j.find((x) => x.key === 'sun2025curse')).toMatchObject({ aliases: [], pinned: false, id: expect.stringMatching(/^[0-9a-f]{12}$/) });
  });

  it('set pins a key by hand, keeps the old one as an alias, and refuses a taken or invalid key', () => {
    const lib = library();
    const set = lib.run(['keys', 'set', 'sun2025curse', 'sun2025depth']);
    expect(set.status).toBe(0);
    expect(set.stderr).toMatch(/sun2025curse is now sun2025depth/);
    const shown = lib.run(['show', 'sun2025curse', '--json']);
    expect(JSON.parse(shown.stdout)).toMatchObject({ key: 'sun2025depth', aliases: ['sun2025curse'] });
    expect(lib.run(['export', '-f', 'bibtex', 'sun2025depth']).stdout).toMatch(/^@misc\{sun2025depth,/);
    const taken = lib.run(['keys', 'set', 'huang2025spam', 'sun2025curse']);
    expect(taken.status).toBe(2);
    expect(taken.stderr).toMatch(/sun2025curse is taken: it is an alias of sun2025depth/);
    const bad = lib.run(['keys', 'set', 'huang2025spam', 'huang 2025']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/"huang 2025" is not a valid key/);
    // A hand-set key survives --rekey.
    expect(lib.run(['keys', '--rekey']).stdout).not.toMatch(/sun2025depth/);
    expect(lib.run(['show', 'sun2025depth', '--json']).status).toBe(0);
  });

  it('--prune forgets papers the library no longer has, and says how many', () => {
    const lib = library({ 'clash.txt': CLASH });
    lib.run(['-s', SEEDS, 'index']);
    lib.run(['-s', SEEDS, '-s', path.join(lib.dir, 'clash.txt'), 'index']);
    const r = lib.run(['-s', SEEDS, 'keys', '--prune']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('lit: forgot 1 key of papers the library no longer has\n');
    expect(readFileSync(lib.register, 'utf8')).not.toMatch(/^sun2025cursea\t/m);
    expect(lib.run(['-s', SEEDS, 'keys', '--prune']).stderr).toMatch(/nothing to forget/);
  });

  it('--rekey recomputes keys from the scheme, printing old and new', () => {
    const lib = library({ 'authors.txt': AUTHORS });
    const both = ['-s', SEEDS, '-s', path.join(lib.dir, 'authors.txt')];
    lib.run(['-s', SEEDS, 'index']);
    const r = lib.run([...both, 'keys', '--rekey']);
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')).toContain('advancing2022model\tzhang2022advancing');
    const p = JSON.parse(lib.run([...both, 'show', 'zhang2022advancing', '--json']).stdout);
    expect(p.aliases).toContain('advancing2022model');
  });
});

describe('papers named by key, alias or id', () => {
  const cacheDir = tempDir('lit-cache-');
  const run = (args: string[]) => lit(args, { cacheDir });

  it('show, export and similar take several keys (D5)', () => {
    const shown = run(['show', 'sun2025curse', 'huang2025spam', '--json']);
    expect(shown.status).toBe(0);
    expect(json(shown.stdout).map((p) => p.key)).toEqual(['sun2025curse', 'huang2025spam']);
    const exported = run(['export', '--format', 'bibtex', 'sun2025curse', 'huang2025spam']);
    expect(exported.stdout.match(/^@misc\{[^,]+/gm)).toEqual(['@misc{sun2025curse', '@misc{huang2025spam']);
    const similar = run(['similar', 'sun2025curse', '--format', 'ids']);
    expect(similar.status).toBe(0);
    expect(similar.stdout).not.toMatch(/^sun2025curse$/m);
  });

  it('takes an unambiguous id prefix of six or more digits', () => {
    const id = JSON.parse(run(['show', 'sun2025curse', '--json']).stdout).id as string;
    expect(JSON.parse(run(['show', id.slice(0, 6), '--json']).stdout).key).toBe('sun2025curse');
  });

  it('says which word is no key when the others are keys, instead of searching', () => {
    const r = run(['export', '--format', 'bibtex', 'sun2025curse', 'huang2025spm']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/"huang2025spm" is no paper's key, alias or id/);
  });

  it('key: and id: select papers in a query, and - leaves them out', () => {
    expect(keysIn(run(['search', 'key:sun2025curse key:huang2025spam']))).toEqual(['sun2025curse', 'huang2025spam']);
    const id = JSON.parse(run(['show', 'sun2025curse', '--json']).stdout).id as string;
    expect(keysIn(run(['search', `id:${id.slice(0, 8)}`]))).toEqual(['sun2025curse']);
    expect(keysIn(run(['search', 'curse of depth -key:sun2025curse', '--all']))).not.toContain('sun2025curse');
  });
});

describe('lit export --aux and --cited', () => {
  it('exports exactly what the .aux cites; a missing key is named with its line and exits 1', () => {
    const dir = tempDir('lit-doc-');
    const aux = path.join(dir, 'paper.aux');
    writeFileSync(aux, '\\relax \n\\citation{sun2025curse}\n\\citation{huang2025spam,nothere2020x}\n\\bibdata{refs}\n');
    const r = lit(['export', '--format', 'bibtex', '--aux', aux]);
    expect(r.status).toBe(1);
    expect(r.stdout.match(/^@misc\{[^,]+/gm)).toEqual(['@misc{sun2025curse', '@misc{huang2025spam']);
    expect(r.stderr).toContain(`${aux}:3: cites nothere2020x, which the library does not have [unknown-citation]`);
  });

  it('reads pandoc citations from Markdown', () => {
    const md = path.join(tempDir('lit-doc-'), 'notes.md');
    writeFileSync(md, 'Depth hurts [@sun2025curse; see @huang2025spam, p. 3].\n');
    const r = lit(['export', '--format', 'csl-json', '--cited', md]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).map((i: { id: string }) => i.id)).toEqual(['sun2025curse', 'huang2025spam']);
  });

  it('leaves an unchanged -o file and its mtime alone', () => {
    const cacheDir = tempDir('lit-cache-');
    const out = path.join(tempDir('lit-doc-'), 'refs.bib');
    expect(lit(['export', '-f', 'bibtex', '-o', out], { cacheDir }).stderr).toBe(`lit: wrote 195 papers to ${out}\n`);
    utimesSync(out, new Date(2020, 0, 1), new Date(2020, 0, 1));
    const again = lit(['export', '-f', 'bibtex', '-o', out], { cacheDir });
    expect(again.stderr).toBe(`lit: ${out} unchanged (195 papers)\n`);
    expect(statSync(out).mtimeMs).toBe(new Date(2020, 0, 1).getTime());
  });

  itWithTool('pdflatex', 'a document compiled with pdflatex and bibtex has no undefined citation after sources are added', () => {
    if (spawnSync('sh', ['-c', 'command -v bibtex']).status !== 0) throw new Error('bibtex is not installed');
    const lib = library({ 'clash.txt': CLASH, 'authors.txt': AUTHORS });
    const doc = tempDir('lit-tex-');
    const cited = ['sun2025curse', 'advancing2022model', 'huang2025spam', 'lisos1'];
    writeFileSync(path.join(doc, 'paper.tex'), `\\documentclass{article}\n\\begin{document}\nSee ${cited.map((k) => `\\cite{${k}}`).join(', ')}.\n\\bibliographystyle{plain}\n\\bibliography{refs}\n\\end{document}\n`);
    const tex = (...cmd: string[]) => spawnSync(cmd[0]!, cmd.slice(1), { cwd: doc, encoding: 'utf8' });
    const compile = (sources: string[]) => {
      tex('pdflatex', '-interaction=nonstopmode', 'paper.tex');
      const e = lib.run([...sources, 'export', '-f', 'bibtex', '--aux', path.join(doc, 'paper.aux'), '-o', path.join(doc, 'refs.bib')]);
      expect(e.stderr).not.toMatch(/unknown-citation/);
      const b = tex('bibtex', 'paper');
      tex('pdflatex', '-interaction=nonstopmode', 'paper.tex');
      const last = tex('pdflatex', '-interaction=nonstopmode', 'paper.tex');
      return { bibtex: b.stdout, latex: last.stdout };
    };
    const first = compile(['-s', SEEDS]);
    expect(first.bibtex).not.toMatch(/didn't find a database entry/);
    expect(first.latex).not.toMatch(/undefined/);
    const second = compile(['-s', SEEDS, '-s', lib.dir]);
    expect(second.bibtex).not.toMatch(/didn't find a database entry/);
    expect(second.latex).not.toMatch(/Citation .* undefined/);
    expect(readFileSync(path.join(doc, 'refs.bib'), 'utf8')).toMatch(/author\s+= \{Zhang, Yihua/);
  });
});

describe('the README', () => {
  it('names the register and its location in the citation keys section', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Citation keys'));
    expect(section).toMatch(/lit\.keys/);
    expect(section).toMatch(/XDG_DATA_HOME/);
  });
});

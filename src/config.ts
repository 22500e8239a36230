// lit.config.yaml: sources, cache folder, default limit and output format, citation-key scheme.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { EXIT, LitError } from './errors.js';
import { yaml } from './lazy.js';
import { makeFolder, writeFileAtomic } from './atomic.js';
import { fastHash } from './hash.js';
import { ENGINE_NAMES, type EngineChoice } from './library-store.js';

export interface Config {
  /** The file it was read from. */
  file: string | null;
  /** Sources, resolved against the config file's folder. */
  sources?: string[];
  cacheDir?: string;
  limit?: number;
  format?: string;
  keyScheme?: string;
  /** The index engine: auto (by size), minisearch or sqlite. */
  engine?: EngineChoice;
}

const NAME = 'lit.config.yaml';

/** The config file in use: --config, else lit.config.yaml here or in a parent, else $XDG_CONFIG_HOME/lit/config.yaml. */
export function findConfig(cwd: string, flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | null {
  if (flag) {
    const f = path.resolve(cwd, flag);
    if (!existsSync(f)) throw new LitError('config-not-found', `${flag}: no such config file`, EXIT.usage);
    if (statSync(f).isDirectory()) throw new LitError('bad-config', `${flag}: is a folder; --config names a file (lit.config.yaml)`, EXIT.usage);
    return f;
  }
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const f = path.join(dir, NAME);
    if (existsSync(f)) return f;
    if (path.dirname(dir) === dir) break;
  }
  const f = userConfigPath(env);
  return f && existsSync(f) ? f : null;
}

/** The user's own config file, $XDG_CONFIG_HOME/lit/config.yaml: it belongs to no one library. */
export function userConfigPath(env: NodeJS.ProcessEnv = process.env): string | null {
  const home = env.XDG_CONFIG_HOME || (env.HOME ? path.join(env.HOME, '.config') : null);
  return home ? path.join(home, 'lit', 'config.yaml') : null;
}

const KEYS: Record<string, string> = {
  sources: 'a list of files, folders or globs',
  'cache-dir': 'a folder',
  limit: 'a whole number of results',
  format: 'an output format name',
  'key-scheme': 'a citation-key template such as {auth}{year}{title}',
  engine: `one of ${ENGINE_NAMES.join(', ')}`,
};

/**
 * Reads and checks a config file; any problem is a usage error naming the file and line. A
 * config read before is answered from `memoDir` by the hash of its text and path: the YAML
 * library (250 KB of code) then stays unloaded, which is most of a cached search's start-up.
 */
export async function loadConfig(file: string, formats: string[], memoDir?: string): Promise<Config> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new LitError('bad-config', `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, EXIT.usage);
  }
  const id = fastHash(`${CONFIG_MEMO_VERSION}\n${file}\n${formats.join(',')}\n${text}`);
  const memo = memoDir ? path.join(memoDir, `config-${id}.json`) : null;
  if (memo) {
    try {
      const cfg = JSON.parse(readFileSync(memo, 'utf8')) as Config;
      if (cfg.file === file) return cfg;
    } catch {
      // Not read before, or damaged: parse it.
    }
  }
  const cfg = parseConfig(file, text, formats);
  if (memo) await makeFolder(memoDir!).then(() => writeFileAtomic(memo, JSON.stringify(cfg))).catch(() => undefined);
  return cfg;
}

/** The placeholders a key scheme may hold (src/keys.ts fills them). */
const KEY_PLACEHOLDERS = ['auth', 'year', 'title', 'title2', 'title3'];

// Bump when what parseConfig returns changes shape.
const CONFIG_MEMO_VERSION = 1;

function parseConfig(file: string, text: string, formats: string[]): Config {
  const { parseDocument, LineCounter } = yaml();
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  // An unclosed `[` is reported at the end of input, the line after the last; name the last line with text instead.
  const lastLine = text.replace(/\s+$/, '').split('\n').length;
  const fail = (msg: string, offset?: number): never => {
    const line = offset === undefined ? undefined : Math.min(lc.linePos(offset).line, lastLine);
    throw new LitError('bad-config', `${file}${line ? `:${line}` : ''}: ${msg}`, EXIT.usage);
  };
  const first = doc.errors[0];
  if (first) fail(first.message.split('\n')[0] ?? 'YAML syntax error', first.pos[0]);
  let data: unknown;
  try {
    // A handful of aliases is plenty for a config; a "billion laughs" file stops here.
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    fail(`${(e as Error).message.split('\n')[0]}`, 0);
  }
  if (data === null || data === undefined) return { file };
  if (typeof data !== 'object' || Array.isArray(data)) fail('expected a mapping of settings (sources, cache-dir, limit, format, key-scheme, engine)', 0);
  const where = (key: string): number | undefined => {
    const node = doc.getIn([key], true) as { range?: [number, number, number] } | undefined;
    return node?.range?.[0];
  };
  const cfg: Config = { file };
  const dir = path.dirname(file);
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    if (!(key in KEYS)) fail(`unknown setting "${key}" (known: ${Object.keys(KEYS).join(', ')})`, where(key));
    const bad = () => fail(`"${key}" must be ${KEYS[key]}`, where(key));
    switch (key) {
      case 'sources': {
        const list = typeof value === 'string' ? [value] : value;
        if (!Array.isArray(list) || !list.every((s) => typeof s === 'string')) bad();
        cfg.sources = (list as string[]).map((s) => (path.isAbsolute(s) ? s : path.join(dir, s)));
        break;
      }
      case 'cache-dir':
        if (typeof value !== 'string') bad();
        cfg.cacheDir = path.resolve(dir, value as string);
        break;
      case 'limit':
        if (!Number.isInteger(value) || (value as number) < 1) bad();
        cfg.limit = value as number;
        break;
      case 'format':
        if (typeof value !== 'string' || !formats.includes(value)) fail(`"format" must be one of ${formats.join(', ')}`, where(key));
        cfg.format = value as string;
        break;
      case 'key-scheme': {
        if (typeof value !== 'string' || !/\{(auth|year|title)/.test(value)) bad();
        // A typo (`{author}`) would otherwise be kept as literal text in every key (D17).
        const unknown = [...(value as string).matchAll(/\{([^}]*)\}/g)].map((m) => m[1]!).filter((n) => !KEY_PLACEHOLDERS.includes(n));
        if (unknown.length) fail(`"key-scheme": unknown placeholder {${unknown[0]}} (known: ${KEY_PLACEHOLDERS.map((n) => `{${n}}`).join(', ')})`, where(key));
        // pandoc ends a citation key at trailing punctuation: `@doe2020:` cites doe2020.
        if (/[^A-Za-z0-9_}]$/.test(value as string) || /^[^A-Za-z0-9_{]/.test(value as string)) fail('"key-scheme" must start and end with a letter, a digit, _ or a placeholder: pandoc cannot cite a key that ends in punctuation', where(key));
        cfg.keyScheme = value as string;
        break;
      }
      case 'engine':
        if (typeof value !== 'string' || !(ENGINE_NAMES as string[]).includes(value)) bad();
        cfg.engine = value as EngineChoice;
        break;
    }
  }
  return cfg;
}

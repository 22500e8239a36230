// What every command needs: resolved options (flags over config over defaults) and the library.
import { cacheDir } from '../cache.js';
import { findConfig, loadConfig, userConfigPath, type Config } from '../config.js';
import { EXIT, LitError } from '../errors.js';
import { OUTPUT_FORMATS } from '../format/index.js';
import { ENGINE_NAMES, type EngineChoice } from '../library-store.js';
import type { Progress, Warning } from '../model.js';
import type { OpenLibrary } from '../open.js';
import { registerPath } from '../register.js';
import { detectTerminal, err, reportWarnings, type Terminal } from './output.js';


export interface Context {
  sources: string[];
  cacheDir: string;
  /** The key register: beside a project's lit.config.yaml, else in the user's data folder. */
  registerFile: string;
  config: Config;
  term: Terminal;
  quiet: boolean;
  strict: boolean;
  cwd: string;
  /** The index engine: --engine, else `engine:` in the config, else auto. */
  engine: EngineChoice;
  /** Set when a cache turned out damaged mid-command: the next open rebuilds it. */
  rebuildReason?: string;
}

export interface GlobalFlags {
  source?: string[];
  cacheDir?: string;
  config?: string;
  /** `--color WHEN`, or false for `--no-color`. */
  color?: boolean | string;
  quiet?: boolean;
  strict?: boolean;
  engine?: EngineChoice;
}

/** Resolves the global flags, reading the config file only when there is one. */
export async function makeContext(flags: GlobalFlags): Promise<Context> {
  const cwd = process.cwd();
  const file = findConfig(cwd, flags.config);
  // Parsed configs are remembered in the cache folder the flags or environment name.
  const config: Config = file ? await loadConfig(file, OUTPUT_FORMATS, cacheDir(flags.cacheDir)) : { file: null };
  return {
    sources: flags.source ?? config.sources ?? [],
    cacheDir: cacheDir(flags.cacheDir ?? config.cacheDir),
    registerFile: registerPath(file && file !== userConfigPath() ? file : null),
    config,
    term: detectTerminal(flags.color === false || flags.color === 'never' ? 'never' : flags.color === 'always' ? 'always' : 'auto'),
    quiet: Boolean(flags.quiet),
    strict: Boolean(flags.strict),
    engine: flags.engine ?? envEngine() ?? config.engine ?? 'auto',
    cwd,
  };
}

/** $LIT_ENGINE, which the config's `engine:` gives way to and --engine overrides. */
function envEngine(): EngineChoice | undefined {
  const v = process.env.LIT_ENGINE;
  if (!v) return undefined;
  if (!(ENGINE_NAMES as string[]).includes(v)) throw new LitError('bad-engine', `LIT_ENGINE=${v}: no such engine (known: ${ENGINE_NAMES.join(', ')})`, EXIT.usage);
  return v as EngineChoice;
}

/** Opens the library, showing progress on a terminal when it takes over a second, and reports warnings. */
export async function open(ctx: Context, opts: { rebuild?: boolean; allWarnings?: boolean } = {}): Promise<OpenLibrary> {
  const started = Date.now();
  let shown = false;
  let last = 0;
  const onProgress: Progress = (stage, done, total, hint) => {
    // Only on a terminal, only once the wait is long enough to wonder about (or is known to be
    // about to be), and not too often.
    const now = Date.now();
    if (!ctx.term.stderrTty || ctx.quiet || (now - started < 1000 && !hint?.long) || (now - last < 100 && !hint?.long)) return;
    last = now;
    const count = done !== undefined && total ? ` ${done}/${total}` : '';
    process.stderr.write(`\rlit: ${stage}${count}…\x1b[K`);
    shown = true;
  };
  const rebuild = opts.rebuild || ctx.rebuildReason !== undefined;
  // The library code (the engine, the cache) loads only for a command that opens the library.
  const { openLibrary } = await import('../open.js');
  const lib = await openLibrary({ sources: ctx.sources, cacheDir: ctx.cacheDir, cwd: ctx.cwd, rebuild, keyScheme: ctx.config.keyScheme, registerFile: ctx.registerFile, configFile: ctx.config.file, engine: ctx.engine, onProgress });
  if (shown) process.stderr.write('\r\x1b[K');
  // Told to the start-up code (boot.ts): a run that built is no model for the command's cache.
  if (!lib.fromCache) (globalThis as Record<symbol, unknown>)[Symbol.for('lit.built-library')] = true;
  if (ctx.rebuildReason) lib.warnings.push({ code: 'cache-rebuilt', file: lib.cachePath, message: `cache was unusable (${ctx.rebuildReason}); rebuilt it` });
  // Warnings an unchanged library gave when it was built were shown then: later commands say
  // so in one line, and `lit index` lists them again.
  const remembered = lib.fromCache && !opts.allWarnings ? lib.remembered : 0;
  reportWarnings(lib.warnings.slice(0, lib.warnings.length - remembered), ctx.quiet);
  if (remembered && !ctx.quiet) err(`lit: ${remembered} warning${remembered === 1 ? '' : 's'} from reading the sources, unchanged since they were built; lit index lists ${remembered === 1 ? 'it' : 'them'}`);
  return lib;
}

/** The exit status for a finished command: --strict turns skipped input into status 4. */
export function finish(ctx: Context, status: number, warnings: Warning[]): number {
  // Cache trouble is lit's own business, not skipped input.
  const skipped = warnings.filter((w) => !w.code.startsWith('cache-')).length;
  if (status === EXIT.ok && ctx.strict && skipped > 0) {
    err(`lit: ${skipped} warning${skipped === 1 ? '' : 's'} under --strict`);
    return EXIT.skipped;
  }
  return status;
}

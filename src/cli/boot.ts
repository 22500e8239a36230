// Starting lit fast. The CLI is one CommonJS bundle (dist/lit.cjs) compiled through vm.Script
// with V8's code cache, kept in lit's cache folder: on Node 20, which has no compile cache for
// ES modules, this took a cached `lit search` on the seeds from about 1.8× to 1.4× the time of a
// bare `node -e ''`.
//
// V8 executes what the code cache holds and checks little of it: one flipped bit in the file
// crashed lit on every later run (SIGSEGV, SIGTRAP) or changed what it did. So the file carries
// a checksum of its own, checked before V8 sees a byte; a file that fails it, or is not a
// regular file, is thrown away and written again. It is written under an unpredictable name
// opened exclusively (never through a link someone left there), then renamed into place.
import { closeSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const bundle = fileURLToPath(new URL('./lit.cjs', import.meta.url));
const source = readFileSync(bundle, 'utf8');

/** The cache folder as far as it can be known before the CLI reads its flags: --cache-dir, then the environment. */
function cacheFolder(argv: string[], env: NodeJS.ProcessEnv): string {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a === '--cache-dir' && argv[i + 1]) return path.resolve(argv[i + 1]!);
    if (a.startsWith('--cache-dir=')) return path.resolve(a.slice('--cache-dir='.length));
  }
  if (env.LIT_CACHE_DIR) return path.resolve(env.LIT_CACHE_DIR);
  return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'lit');
}

// The global options that take a value (src/cli/main.ts), so that value is not read as a command.
const VALUED = new Set(['-s', '--source', '--cache-dir', '--config', '--color', '--engine']);

/**
 * The command a run names, as far as the arguments tell before the CLI reads them: its first
 * word that is neither an option nor a global option's value; `none` when there is no such
 * word. A wrong guess costs only time: any file of the cache suits any run of the bundle.
 */
function commandOf(argv: string[]): string {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (VALUED.has(a)) i++;
    else if (!a.startsWith('-')) return /^[a-z][a-z-]{0,19}$/.test(a) ? a : 'none';
  }
  return 'none';
}

const dir = cacheFolder(process.argv.slice(2), process.env);
// One file per Node build: V8 rejects data made for other source, and a new bundle rewrites it.
// And one per command: V8 keeps the functions the run that wrote the file compiled, and with
// the one file `lit index` wrote, every later `search` of 100,000 papers compiled its own
// again (2.17-2.35x the time of `node -e ''` against 2.08-2.11x with a file `search` wrote).
const command = commandOf(process.argv.slice(2));
const codeCache = path.join(dir, `code-${process.version}-${process.arch}-${command}.v8`);
const MAGIC = Buffer.from('LITV8CC1');
const HEAD = MAGIC.length + 8;

/**
 * A checksum of the bytes. zlib's CRC-32 (Node 20.15 and later) is native: under 2 ms with
 * loading zlib, where the same loop in JavaScript, run before it is compiled, costs about 3 ms.
 */
function checksum(data: Buffer, from: number): Buffer {
  const body = data.subarray(from);
  const out = Buffer.alloc(8);
  const crc32 = (createRequire(bundle)('node:zlib') as { crc32?: (d: Uint8Array) => number }).crc32;
  if (crc32) {
    out.writeUInt32LE(crc32(body), 0);
    out.writeUInt32LE(body.length >>> 0, 4);
    return out;
  }
  let h1 = 0x9e3779b9 | 0;
  let h2 = (0x85ebca6b ^ body.length) | 0;
  for (let i = 0; i < body.length; i++) {
    h1 = Math.imul(h1 ^ body[i]!, 0xcc9e2d51);
    h2 = (Math.imul(h2 ^ h1, 0x1b873593) + i) | 0;
  }
  out.writeInt32LE(h1, 0);
  out.writeInt32LE(h2, 4);
  return out;
}

/** The cached data if the file is ours, whole and unchanged; otherwise undefined (and the file removed). */
function readCodeCache(): Buffer | undefined {
  let raw: Buffer;
  try {
    // A link is not followed: the cache is a file lit wrote, nothing else.
    if (!lstatSync(codeCache).isFile()) throw new Error('not a file');
    raw = readFileSync(codeCache);
  } catch {
    return undefined;
  }
  if (raw.length > HEAD && raw.subarray(0, MAGIC.length).equals(MAGIC) && raw.subarray(MAGIC.length, HEAD).equals(checksum(raw, HEAD))) return raw.subarray(HEAD);
  rmSync(codeCache, { force: true, recursive: false });
  return undefined;
}

function writeCodeCache(data: Buffer): void {
  mkdirSync(dir, { recursive: true });
  const tmp = `${codeCache}.${process.pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2)}.tmp`;
  const file = Buffer.concat([MAGIC, Buffer.alloc(8), data]);
  checksum(file, HEAD).copy(file, MAGIC.length);
  // `wx`: fails on anything already there, a planted link included; 0600: nobody else's business.
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    try {
      for (let at = 0; at < file.length; ) at += writeSync(fd, file, at);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, codeCache);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

// Creating a folder under /proc never returns on some kernels: lit does not try there.
const writable = !/^\/(proc|sys)(\/|$)/.test(dir);
const cachedData = writable ? readCodeCache() : undefined;
// The bundle has no dynamic imports of its own; this only keeps a stray one working where Node offers it.
const importModuleDynamically = vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData, ...(importModuleDynamically ? { importModuleDynamically } : {}) });
// Set by the CLI when a run built or updated the library (see cli/context.ts).
const BUILT = Symbol.for('lit.built-library');
if (writable && (!cachedData || script.cachedDataRejected)) {
  // Written at exit, so it holds the functions this run compiled; a folder that cannot be
  // written only means the next start compiles again.
  process.once('exit', () => {
    // A search that built the library compiled the builder, and not what a search from the
    // cache runs: written then, the file cost every later search of a 100,000-paper library
    // 10 ms of compiling. The next run writes it instead; for `index`, building is the job.
    if ((globalThis as Record<symbol, unknown>)[BUILT] && command !== 'index') return;
    try {
      writeCodeCache(script.createCachedData());
    } catch {
      // Nothing to report: the cache only saves time.
    }
  });
}
const cjs = { exports: {} };
(script.runInThisContext() as (...args: unknown[]) => void).call(cjs.exports, cjs.exports, createRequire(bundle), cjs, bundle, path.dirname(bundle));

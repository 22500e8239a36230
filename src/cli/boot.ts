// Starting lit fast. The CLI is one CommonJS bundle (dist/lit.cjs) compiled through vm.Script
// with V8's code cache, kept in lit's cache folder: on Node 20, which has no compile cache for
// ES modules, this took a cached `lit search` on the seeds from about 1.8× to 1.4× the time of a
// bare `node -e ''`. V8 rejects cached data made by another V8 or for other source, and then
// the bundle is simply compiled as usual and a fresh cache written.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const bundle = fileURLToPath(new URL('./lit.cjs', import.meta.url));
const source = readFileSync(bundle, 'utf8');

// The same folder as the index cache, as far as it can be known before the CLI reads its flags.
const env = process.env;
const dir = env.LIT_CACHE_DIR || path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'lit');
// One file per Node build: V8 rejects data made for other source, and a new bundle rewrites it.
const codeCache = path.join(dir, `code-${process.version}-${process.arch}.v8`);

let cachedData: Buffer | undefined;
try {
  cachedData = readFileSync(codeCache);
} catch {
  cachedData = undefined;
}
// The bundle has no dynamic imports of its own; this only keeps a stray one working where Node offers it.
const importModuleDynamically = vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData, ...(importModuleDynamically ? { importModuleDynamically } : {}) });
if (!cachedData || script.cachedDataRejected) {
  // Written at exit, so it holds the functions this run compiled; a folder that cannot be
  // written only means the next start compiles again.
  process.once('exit', () => {
    try {
      mkdirSync(dir, { recursive: true });
      // Synchronous here (an exit handler cannot await), else as src/atomic.ts writes: temporary, then rename.
      const tmp = `${codeCache}.${process.pid}.tmp`;
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, codeCache);
    } catch {
      // Nothing to report: the cache only saves time.
    }
  });
}
const cjs = { exports: {} };
(script.runInThisContext() as (...args: unknown[]) => void).call(cjs.exports, cjs.exports, createRequire(bundle), cjs, bundle, path.dirname(bundle));

// Builds dist/: the CLI as one CommonJS bundle (lit.cjs) and the file that starts it (boot.cjs).
// Where better-sqlite3 is installed, its JavaScript goes into the bundle too (see
// src/engines/bundled-driver.ts); where it is not, or could not be built, the bundle is the same
// but for that.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(path.join(root, 'package.json'));

/** The installed better-sqlite3's version, or null where it is not installed. */
function driverVersion() {
  try {
    return JSON.parse(readFileSync(require.resolve('better-sqlite3/package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

const version = driverVersion();
const bundledDriver = {
  name: 'bundled-driver',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]engines[\\/]bundled-driver\.ts$/ }, () =>
      version ? { loader: 'ts', contents: `import Database from 'better-sqlite3';\nexport const bundledDriver = { Database, version: ${JSON.stringify(version)} };\n` } : undefined,
    );
  },
};

const common = {
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  define: { 'import.meta.url': '__litModuleUrl' },
  banner: { js: "var __litModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
  absWorkingDir: root,
};

await build({
  ...common,
  entryPoints: ['src/cli/entry.ts'],
  bundle: true,
  outfile: 'dist/lit.cjs',
  // `bindings` finds better-sqlite3's addon by searching; lit names the addon itself.
  external: ['yaml', 'fast-glob', 'bindings'],
  alias: { 'node:child_process': './src/cli/shims/child-process.cjs' },
  plugins: [bundledDriver],
});
await build({ ...common, entryPoints: ['src/cli/boot.ts'], outfile: 'dist/boot.cjs' });

import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// The tests that run the built `lit`: each runs once per engine, the CLI choosing the engine by
// LIT_ENGINE, so a command that behaves differently on SQLite fails by name.
const CLI_TESTS = ['bad-input', 'cli', 'export', 'hostile', 'import-cli', 'keys-cli', 'query', 'readers', 'relevance', 'shell'].map((t) => `test/${t}.test.ts`);

/** Whether better-sqlite3 (an optional dependency, built from source where need be) loads here. */
function sqliteLoads(): boolean {
  try {
    const Database = createRequire(import.meta.url)('better-sqlite3');
    new Database(':memory:').close();
    return true;
  } catch {
    return false;
  }
}

const sqlite = sqliteLoads();
if (!sqlite) {
  const why = 'better-sqlite3 is not installed or does not load (npm install better-sqlite3 needs python3, make and a C++ compiler)';
  // CI installs it: there, a missing engine is a failure, not a skip.
  if (process.env.CI) throw new Error(`the sqlite engine's tests cannot run: ${why}`);
  console.warn(`\n  SKIPPED: the CLI tests against the sqlite engine: ${why}\n`);
}

export default defineConfig({
  test: {
    testTimeout: 30_000,
    globalSetup: ['test/global-setup.ts'],
    projects: [
      { extends: true, test: { name: 'minisearch', include: ['test/**/*.test.ts'], env: { LIT_ENGINE: 'minisearch' } } },
      ...(sqlite ? [{ extends: true, test: { name: 'sqlite', include: CLI_TESTS, env: { LIT_ENGINE: 'sqlite' } } }] : []),
    ],
  },
});

// better-sqlite3's JavaScript, bundled into dist/lit.cjs by src/build/build.mjs where the
// package was installed at build time; null here, in the sources the tests run, and in a
// bundle built without it. Loaded from node_modules, its thirteen files cost every SQLite
// command 3.8-6.7 ms (`require('better-sqlite3')` in a fresh process); inside the bundle they
// share its code cache.
import type BetterSqlite3 from 'better-sqlite3';

/** The bundled driver and the version of better-sqlite3 it was bundled from; null where none was. */
export const bundledDriver: { Database: typeof BetterSqlite3; version: string } | null = null;

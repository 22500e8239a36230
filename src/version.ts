import { readFileSync } from 'node:fs';

/** lit's version, from its package.json (part of the cache key and of `lit --version`). */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

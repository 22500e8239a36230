// The two large libraries only some runs need, loaded with require() from node_modules rather
// than bundled: YAML (250 KB, for a config file or the yaml format) and fast-glob (150 KB, for a
// glob source). Left out of the bundle, they cost the start-up of every other command nothing.
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

/** The yaml library, loaded on first use. */
export const yaml = (): typeof import('yaml') => load('yaml') as typeof import('yaml');

/** fast-glob, loaded on first use. */
export const fastGlob = (): typeof import('fast-glob') => load('fast-glob') as typeof import('fast-glob');

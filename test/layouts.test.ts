// Each fixture folder is named after a layout; each fixture beside its expected JSON.
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFiles } from '../src/library.js';
import { LAYOUTS } from '../src/sources/registry.js';
import { FIXTURES, project, sourceFile } from './helpers.js';

for (const layout of LAYOUTS) {
  const dir = path.join(FIXTURES, layout.name);
  const cases = readdirSync(dir).filter((f) => f.endsWith('.txt'));
  describe(`${layout.name} layout`, () => {
    it('has fixtures', () => expect(cases.length).toBeGreaterThan(0));
    for (const name of cases) {
      it(name.replace(/\.txt$/, ''), () => {
        const { reports, entries, warnings } = parseFiles([sourceFile(name, readFileSync(path.join(dir, name)))]);
        const actual = {
          layout: reports[0]?.layout,
          entries: entries.map(project),
          warnings: warnings.map((w) => `${w.code}${w.line ? `@${w.line}` : ''}`),
        };
        const expectedFile = path.join(dir, name.replace(/\.txt$/, '.json'));
        // LIT_UPDATE_FIXTURES=1 writes missing expectations; they are then read and committed by hand.
        if (!existsSync(expectedFile) && process.env.LIT_UPDATE_FIXTURES) writeFileSync(expectedFile, `${JSON.stringify(actual, null, 2)}\n`);
        expect(actual).toEqual(JSON.parse(readFileSync(expectedFile, 'utf8')));
      });
    }
  });
}

// Each fixture folder is named after a layout; each fixture beside its expected JSON.
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFiles } from '../src/library.js';
import { LAYOUTS } from '../src/sources/registry.js';
import { FIXTURES, project, sourceFile } from './helpers.js';

/**
 * The fixtures of a folder and where each one's expectation is: `name.json` beside `name.txt`
 * (or `.bib`, `.ris`, …), and `name.expected.json` beside a fixture that is JSON itself.
 */
function fixtures(dir: string): { name: string; expected: string }[] {
  const files = readdirSync(dir);
  const stem = (f: string) => f.replace(/\.[^.]+$/, '');
  const isExpectation = (f: string) => f.endsWith('.expected.json') || (f.endsWith('.json') && files.some((g) => g !== f && stem(g) === stem(f)));
  return files.filter((f) => !isExpectation(f)).map((name) => ({ name, expected: path.join(dir, name.endsWith('.json') ? `${stem(name)}.expected.json` : `${stem(name)}.json`) }));
}

for (const layout of LAYOUTS) {
  const dir = path.join(FIXTURES, layout.name);
  const cases = fixtures(dir);
  describe(`${layout.name} layout`, () => {
    it('has fixtures', () => expect(cases.length).toBeGreaterThan(0));
    for (const { name, expected: expectedFile } of cases) {
      it(name.replace(/\.[^.]+$/, ''), () => {
        const { reports, entries, warnings } = parseFiles([sourceFile(name, readFileSync(path.join(dir, name)))]);
        const actual = {
          layout: reports[0]?.layout,
          entries: entries.map(project),
          warnings: warnings.map((w) => `${w.code}${w.line ? `@${w.line}` : ''}`),
        };
        // LIT_UPDATE_FIXTURES=1 writes missing expectations; they are then read and committed by hand.
        if (!existsSync(expectedFile) && process.env.LIT_UPDATE_FIXTURES) writeFileSync(expectedFile, `${JSON.stringify(actual, null, 2)}\n`);
        expect(actual).toEqual(JSON.parse(readFileSync(expectedFile, 'utf8')));
      });
    }
  });
}

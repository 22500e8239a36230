// What a document cites: fixtures named as sentences, each beside the citations it must give.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { auxCitations, markdownCitations } from '../src/cited.js';
import { FIXTURES } from './helpers.js';

const dir = path.join(FIXTURES, 'cited');
const cases = readdirSync(dir)
  .filter((f) => !f.endsWith('.json'))
  .map((f) => ({ name: f.replace(/\.(aux|md)$/, ''), file: path.join(dir, f), expected: path.join(dir, `${f.replace(/\.(aux|md)$/, '')}.json`) }))
  .filter((c) => readdirSync(dir).includes(path.basename(c.expected)));

describe('cited keys', () => {
  it.each(cases)('$name', ({ file, expected }) => {
    const got = file.endsWith('.md') ? markdownCitations(file) : auxCitations(file);
    const want = JSON.parse(readFileSync(expected, 'utf8'));
    expect({
      all: got.all,
      citations: got.citations.map((c) => [c.key, c.line, path.basename(c.file)]),
      warnings: got.warnings.map((w) => w.code),
    }).toEqual(want);
  });
  it('has a fixture for each kind of document', () => expect(cases.length).toBeGreaterThanOrEqual(3));
});

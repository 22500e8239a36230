// Generated libraries for the benchmarks and the engine tests: author-profile listings whose
// titles and abstracts are bigram text drawn from the seeds, so their words, lengths and
// overlaps are those of real listings. Seeded: the same call writes the same file.
import { closeSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';

const families = ['Liu', 'Yin', 'Zhang', 'Chen', 'Huang', 'Wang', 'Li', 'Shen', 'Müller', 'García', 'Smith', 'Kim', 'Nguyen', 'Rossi', 'Ivanova'];
const givens = ['Shiwei', 'Lu', 'Zhenyu', 'Tianlong', 'Tianjin', 'Ajay', 'Anna', 'José', 'Wei', 'Mina', 'Olga', 'Pedro', 'Sara'];

/** A seeded text generator over the seeds' words. */
export function generator(seedsDir, seed = 42) {
  let state = seed;
  const rand = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const pickOne = (a) => a[Math.floor(rand() * a.length)];
  const text = readdirSync(seedsDir)
    .sort()
    .map((f) => readFileSync(path.join(seedsDir, f), 'utf8'))
    .join('\n');
  const tokens = text.split(/\s+/).filter((w) => /^[A-Za-z][A-Za-z-]*[.,]?$/.test(w));
  const next = new Map();
  for (let i = 0; i + 1 < tokens.length; i++) {
    const list = next.get(tokens[i]) ?? [];
    list.push(tokens[i + 1]);
    next.set(tokens[i], list);
  }
  const starts = tokens.filter((w) => /^[A-Z]/.test(w));
  const sentence = (n) => {
    let w = pickOne(starts);
    const out = [w];
    while (out.length < n) {
      w = pickOne(next.get(w) ?? starts);
      out.push(w);
    }
    return out.join(' ');
  };
  return {
    rand,
    pickOne,
    sentence,
    givens,
    /** One paper's three profile lines: title (ending in its number, so every title differs), authors, abstract. */
    paper(i) {
      const title = `${sentence(6 + Math.floor(rand() * 8)).replace(/[.,]$/, '')} ${i.toString(36)}`;
      const authors = Array.from({ length: 2 + Math.floor(rand() * 6) }, () => `${pickOne(families)}, ${pickOne(givens)}`);
      return [title, authors.join(', '), `${sentence(120 + Math.floor(rand() * 120))}.`];
    },
  };
}

/** Writes an author-profile listing of papers `from` to `from + n - 1`, in chunks (a million papers is more text than one string holds). */
export function writeProfile(file, seedsDir, n, { seed = 42, from = 0 } = {}) {
  const g = generator(seedsDir, seed);
  const fd = openSync(file, 'w');
  try {
    let chunk = ['Liu, Shiwei'];
    for (let i = from; i < from + n; i++) {
      chunk.push(...g.paper(i));
      if (chunk.length >= 30_000) {
        writeSync(fd, `${chunk.join('\n')}\n`);
        chunk = [];
      }
    }
    if (chunk.length) writeSync(fd, `${chunk.join('\n')}\n`);
  } finally {
    closeSync(fd);
  }
  return file;
}

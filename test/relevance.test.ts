// Known-item search over the sample library: 50 queries as a researcher types them (typos,
// prefixes, joined and hyphenated forms, variants, an author, a year), each with the paper it
// is after. At least 45 must put that paper first; the table names every query that does not.
import { describe, expect, it } from 'vitest';
import { lit, tempDir } from './helpers.js';

const KNOWN: [kind: string, query: string, key: string][] = [
  ['exact', 'curse of depth', 'sun2025curse'],
  ['exact', 'light schrodinger bridge', 'light2023schrodinger'],
  ['exact', 'grokking at the edge of numerical stability', 'grokking2025edge'],
  ['exact', 'sharpness-aware training for free', 'sharpnessaware2022training'],
  ['exact', 'the need for speed', 'need2024speed'],
  ['accents', 'schrödinger bridge', 'light2023schrodinger'],
  ['case', 'SMASH sparse matrix', 'smash2021sparse'],
  ['words', 'curse depth large language models', 'sun2025curse'],
  ['words', 'sparse moe new dropout', 'chen2023sparse'],
  ['words', 'ten lessons sparseland', 'liu2023ten'],
  ['words', 'machine unlearning datamodel matching', 'attributetodelete2024machine'],
  ['words', 'heavy-tail layerwise learning rates', 'he2026one'],
  ['words', 'logistic regression perceptron gradient descent', 'logistic2024regression'],
  ['words', 'bit allocation mixture of experts quantization', 'yang2026alphaq'],
  ['words', 'full-rank training under low-rank constraint', 'fira2024achieve'],
  ['words', 'superposing many tickets', 'yin2022superposing'],
  ['words', 'drought estimation societal impact', 'shangside'],
  ['words', 'memory-efficient optimization state overhead', 'frugal2024memoryefficient'],
  ['words', 'untrained gnns graph neural networks', 'huang2022have'],
  ['words', 'nested learning illusion', 'nested2025learning'],
  ['name', 'AlphaQ', 'yang2026alphaq'],
  ['name', 'SeeDNorm', 'seednorm2025selfrescaled'],
  ['name', 'ScaleBiO', 'scalebio2024scalable'],
  ['name', 'OpenBezoar', 'openbezoar2024small'],
  ['name', 'Mix-LN', 'li2024mixln'],
  ['name', 'E2ENet', 'wu2023e2enet'],
  ['name', 'LinEAS activation steering', 'lineas2025endtoend'],
  ['name', 'OptMATH', 'optmath2025scalable'],
  ['typo', 'curse of detph', 'sun2025curse'],
  ['typo', 'schrodnger bridge', 'light2023schrodinger'],
  ['typo', 'grokking numerical stabilty', 'grokking2025edge'],
  ['typo', 'superposing tikets', 'yin2022superposing'],
  ['typo', 'chain of experst', 'wang2025chainofexperts'],
  ['typo', 'harmonic loss non-euclidian', 'rethinking2026harmonic'],
  ['prefix', 'grokk numer', 'grokking2025edge'],
  ['prefix', 'schrödi bridg', 'light2023schrodinger'],
  ['prefix', 'superpos ticke', 'yin2022superposing'],
  ['prefix', 'sharpness-awa train', 'sharpnessaware2022training'],
  ['prefix', 'frugal memory-effic', 'frugal2024memoryefficient'],
  ['joined', 'qgalore', 'zhang2024qgalore'],
  ['joined', 'mixln deeper layers', 'li2024mixln'],
  ['joined', 'chainofexperts', 'wang2025chainofexperts'],
  ['joined', 'doublechecker slow thinking', 'xu2025doublechecker'],
  ['joined', 'anyloss classification metrics', 'anyloss2024transforming'],
  ['hyphen', 'k-medoids eager', 'fast2020eager'],
  ['hyphen', 'o1-pruner', 'luo2025o1pruner'],
  ['hyphen', 'pre-rmsnorm crmsnorm', 'prermsnorm2023precrmsnorm'],
  ['variant', 'pruning transformers one recipe', 'need2024speed'],
  ['field', 'author:sun curse', 'sun2025curse'],
  ['field', 'year:2024 q-galore', 'zhang2024qgalore'],
];

describe('known-item queries over the sample library', () => {
  const cacheDir = tempDir();
  const results = KNOWN.map(([kind, query, key]) => {
    const r = lit(['search', '--format', 'ids', '-n', '5', '--', query], { cacheDir });
    const ranked = r.stdout.trim().split('\n').filter(Boolean);
    return { kind, query, key, rank: ranked.indexOf(key) + 1, first: ranked[0] ?? '(nothing)' };
  });

  it('has 50 queries, each after a paper the library has', () => {
    expect(KNOWN).toHaveLength(50);
    const keys = new Set(lit(['list', '--format', 'ids'], { cacheDir }).stdout.trim().split('\n'));
    expect(KNOWN.filter(([, , key]) => !keys.has(key))).toEqual([]);
  });

  it('puts the paper first for at least 45 of them', () => {
    const misses = results.filter((r) => r.rank !== 1).map((r) => `${r.kind}: ${JSON.stringify(r.query)} wants ${r.key}, got ${r.first}${r.rank ? ` (it is #${r.rank})` : ' (not in the top 5)'}`);
    expect(misses.length, misses.join('\n')).toBeLessThanOrEqual(5);
  });

  it('finds every one of them in the top 5', () => {
    expect(results.filter((r) => r.rank === 0).map((r) => `${r.kind}: ${JSON.stringify(r.query)} wants ${r.key}`)).toEqual([]);
  });
});

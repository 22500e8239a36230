// The best k of a ranking, kept in a heap instead of sorting every hit: the same items in the
// same order as the whole sort's first k, ties included.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { best } from '../src/search/ranker.js';

describe('the best k hits', () => {
  // Items score their value over 3, rounded down, so many tie; ties go to the smaller item.
  const score = (x: number) => Math.floor(x / 3);
  const order = (a: number, b: number) => score(b) - score(a) || a - b;
  it.each([
    ['no items', [], 3, []],
    ['k of zero', [3, 1, 2], 0, []],
    ['k above the count', [3, 1, 2], 10, [3, 1, 2]],
    ['ties broken by the order, not by arrival', [5, 4, 3, 2, 1], 3, [3, 4, 5]],
    ['a late better item displaces the worst kept', [1, 2, 9], 2, [9, 1]],
  ] as const)('%s', (_name, items, k, want) => {
    expect(best(items, k, order)).toEqual(want);
  });
  it('is the whole sort cut to k, for any items and k', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat({ max: 5000 }), { maxLength: 300 }), fc.array(fc.double({ noNaN: true, min: -5, max: 5 }), { minLength: 5001, maxLength: 5001 }), fc.nat({ max: 320 }), (items, scores, k) => {
        const order = (a: number, b: number) => scores[b]! - scores[a]! || a - b;
        expect(best(items, k, order)).toEqual([...items].sort(order).slice(0, k));
      }),
      { numRuns: 200 },
    );
  });
});

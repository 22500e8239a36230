// Array helpers that hold for any length: `a.push(...b)` and `Math.max(...b)` pass b as
// arguments, and past about 125,000 of them V8 throws "Maximum call stack size exceeded".

/** Appends every item of `from` to `to`, one at a time. */
export function pushAll<T>(to: T[], from: Iterable<T>): T[] {
  for (const x of from) to.push(x);
  return to;
}

/** The largest of the values and `floor`. */
export function maxOf(values: Iterable<number>, floor = -Infinity): number {
  let m = floor;
  for (const v of values) if (v > m) m = v;
  return m;
}

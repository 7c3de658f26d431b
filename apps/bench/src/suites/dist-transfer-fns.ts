// Task functions of the `dist-transfer` suite, loaded by worker threads as a module.

/** `n` float64s equal to `value`. @example filled(3, 1); // Float64Array [1, 1, 1] */
export function filled(n: number, value: number): Float64Array {
  return new Float64Array(n).fill(value);
}

/** The first element of each array, added (cheap: the time is the transfer's). @example firsts(a, b) */
export function firsts(...arrays: Float64Array[]): number {
  let s = 0;
  for (const a of arrays) s += a[0] + a.length;
  return s;
}

// sortedGroups: the packed native sort of int keys gives the comparator's order (lexicographic
// by the keys, ties by row), for one to three keys, and keys too wide to pack fall back to it.
import { describe, expect, it } from '@jest/globals';
import type { Col } from '../columns.js';
import { sortedGroups } from '../kernels-group-sort.js';

const ints = (values: number[], type: 'int32' | 'date32' = 'int32'): Col => ({
  type,
  length: values.length,
  values: Int32Array.from(values),
});

/** The order a plain comparator gives. */
function want(keys: readonly number[][]): number[] {
  const n = keys[0].length;
  return Array.from({ length: n }, (_, i) => i).sort((a, b) => {
    for (const k of keys) if (k[a] !== k[b]) return k[a] - k[b];
    return a - b;
  });
}

describe('sortedGroups', () => {
  it('orders int keys lexicographically, ties by row', () => {
    const n = 3000;
    const a = Array.from({ length: n }, (_, i) => ((i * 7919) % 61) - 30);
    const b = Array.from({ length: n }, (_, i) => (i * 104_729) % 1000);
    const c = Array.from({ length: n }, (_, i) => 9000 + ((i * 31) % 7));
    expect([...sortedGroups([ints(a)])]).toEqual(want([a]));
    expect([...sortedGroups([ints(a), ints(b)])]).toEqual(want([a, b]));
    expect([...sortedGroups([ints(a), ints(b), ints(c, 'date32')])]).toEqual(want([a, b, c]));
  }, 30_000);

  it('falls back to the comparator when the packed values would not be exact', () => {
    const wide = [2_000_000_000, -2_000_000_000, 5, 5, 0, 1_999_999_999];
    const other = [3, 1, -2_000_000_000, 2_000_000_000, 7, 7];
    expect([...sortedGroups([ints(wide), ints(other)])]).toEqual(want([wide, other]));
  }, 30_000);
});

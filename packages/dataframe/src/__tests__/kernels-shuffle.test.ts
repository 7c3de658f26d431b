// The shuffle's partition numbers: the int32 / date32 loop without nulls gives every row the
// partition that the general `partitionOf` gives it, so both sides of a join always agree.
import { describe, expect, it } from '@jest/globals';
import type { Col } from '../columns.js';
import { partitionOf, piecesOf } from '../kernels-shuffle.js';

describe('piecesOf', () => {
  it('equals partitionOf row by row for int32 and date32 keys', () => {
    const values = Int32Array.from({ length: 4000 }, (_, i) => ((i * 7919) % 100_003) - 50_000);
    for (const type of ['int32', 'date32'] as const)
      for (const n of [1, 2, 13, 46]) {
        const c: Col = { type, length: values.length, values };
        const got = piecesOf([c], values.length, n);
        const want = Int32Array.from(values, (_, i) => partitionOf([c], i, n));
        expect(got).toEqual(want);
        if (n > 1) expect(new Set(got).size).toBe(n);
      }
  }, 30_000);
});

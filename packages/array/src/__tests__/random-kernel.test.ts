// The fast generator loop against its reference definition (element by element, across a
// multiple of 2^32 in the global index), and tiles of a block against the whole block.
import { describe, expect, it } from '@jest/globals';
import { fillRandomRange, type RandomBlock } from '../random-block.js';
import { fillUniform, streamKeys, uniformAt } from '../random-kernel.js';
import { random as randomKernel } from '../kernels-create.js';

describe('fillUniform', () => {
  it('gives exactly uniformAt, also where g crosses 2^32', () => {
    const [k0, k1] = streamKeys(123, 0);
    for (const start of [0, 1000, 2 ** 32 - 5, 3 * 2 ** 32 + 7, 2 ** 40]) {
      const out = new Float64Array(20);
      fillUniform(out, 0, start, 20, 0, 1, k0, k1);
      for (let i = 0; i < 20; i++) expect(out[i]).toBe(uniformAt(k0, k1, start + i));
    }
    const scaled = new Float64Array(8);
    fillUniform(scaled, 0, 50, 8, -2, 6, k0, k1);
    for (let i = 0; i < 8; i++) expect(scaled[i]).toBe(-2 + 6 * uniformAt(k0, k1, 50 + i));
  }, 30_000);

  it('depends on the seed', () => {
    const [a0, a1] = streamKeys(1, 0);
    const [b0, b1] = streamKeys(2, 0);
    expect(uniformAt(a0, a1, 5)).not.toBe(uniformAt(b0, b1, 5));
  }, 30_000);
});

describe('fillRandomRange', () => {
  it.each(['uniform', 'normal'] as const)(
    'fills any run of a %s block as the whole block has it',
    (kind) => {
      const block: RandomBlock = {
        dtype: 'float64',
        seed: 9,
        dist: { kind, a: 1, b: 3 },
        full: [7, 11, 13],
        start: [2, 3, 4],
        shape: [4, 5, 6],
      };
      const whole = randomKernel('float64', 9, block.dist, block.full, block.start, block.shape);
      for (const [first, count] of [
        [0, 120],
        [5, 17],
        [59, 1],
        [100, 20],
      ]) {
        const out = new Float64Array(count);
        fillRandomRange(block, first, count, out);
        expect([...out]).toEqual([...whole.data.subarray(first, first + count)]);
      }
    },
    30_000,
  );
});

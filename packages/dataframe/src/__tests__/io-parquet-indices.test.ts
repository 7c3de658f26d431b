// readIndices against a plain encoder of the RLE / bit-packed hybrid, at every bit width, with
// runs of both kinds and values ending at the very last byte (the 4-byte window's edge).
import { describe, expect, it } from '@jest/globals';
import { checkIndex, readIndices } from '../io-parquet-indices.js';
import { packed, rle } from './hybrid-encoder.js';

describe('readIndices', () => {
  it('decodes bit-packed and RLE runs at every width from 0 to 32', () => {
    for (let w = 0; w <= 32; w++) {
      const top = 2 ** w;
      const a = Array.from({ length: 37 }, (_, i) => (i * 2654435761) % top);
      const b = Array.from({ length: 16 }, (_, i) => (((top - 1 - i * 7919) % top) + top) % top);
      const bytes = new Uint8Array([...packed(a, w), ...rle(top - 1, 5, w), ...packed(b, w)]);
      // The first run is padded to 40 values: only its first 37 are wanted.
      const want = [...a, 0, 0, 0, ...Array<number>(5).fill(top - 1), ...b].map((x) =>
        w === 32 ? x | 0 : x + 0,
      );
      const out = new Int32Array(want.length);
      const max = readIndices(bytes, 0, bytes.length, w, out, want.length);
      expect([...out]).toEqual(want);
      expect(max).toBe(Math.max(...want.map((x) => x >>> 0)));
    }
  }, 30_000);

  it('throws on a run that ends early, and on an index past the dictionary', () => {
    const bytes = new Uint8Array(packed([1, 2, 3, 4, 5, 6, 7, 0], 3)).subarray(0, 2);
    expect(() => readIndices(bytes, 0, bytes.length, 3, new Int32Array(8), 8)).toThrow(
      /ends early/,
    );
    expect(() => checkIndex(7, 7)).toThrow(/index 7 past the dictionary's 7/);
  }, 30_000);
});

// The one-pass dictionary gathers (io-parquet-gather.ts) against decoding the indices first
// (readIndices) and looking them up after, at every bit width, with runs of both kinds, a row
// offset into the output, and values ending at the buffer's very last byte; and their errors.
import { describe, expect, it } from '@jest/globals';
import { gatherDictF64, gatherDictI32 } from '../io-parquet-gather.js';
import { readIndices } from '../io-parquet-indices.js';
import { packed, rle } from './hybrid-encoder.js';

describe('gatherDictF64 / gatherDictI32', () => {
  it('equal readIndices then a lookup, at every width from 0 to 20', () => {
    for (let w = 0; w <= 20; w++) {
      const top = 2 ** w;
      const m = Math.min(top, 3000);
      const a = Array.from({ length: 53 }, (_, i) => ((i * 2654435761) >>> 0) % m);
      const b = Array.from({ length: 16 }, (_, i) => (i * 7919) % m);
      const bytes = new Uint8Array([...packed(a, w), ...rle(m - 1, 5, w), ...packed(b, w)]);
      const count = 56 + 5 + 16;
      const idx = new Int32Array(count);
      readIndices(bytes, 0, bytes.length, w, idx, count);
      const df = Float64Array.from({ length: m }, (_, i) => i * 1.5 - 7);
      const di = Int32Array.from({ length: m }, (_, i) => 3 * i - 100);
      const of = new Float64Array(count + 10).fill(-1);
      const oi = new Int32Array(count + 10).fill(-1);
      gatherDictF64(bytes, 0, bytes.length, w, df, of, 4, count);
      gatherDictI32(bytes, 0, bytes.length, w, di, oi, 4, count);
      expect([...of.subarray(4, 4 + count)]).toEqual([...idx].map((x) => df[x]));
      expect([...oi.subarray(4, 4 + count)]).toEqual([...idx].map((x) => di[x]));
      expect(of[3]).toBe(-1);
      expect(of[4 + count]).toBe(-1);
    }
  }, 30_000);

  it('throws on an index past the dictionary, bit-packed or in a run, and on a short run', () => {
    const bytes = new Uint8Array(packed([0, 1, 2, 3, 4, 5, 6, 7], 3));
    const out = new Float64Array(8);
    expect(() => gatherDictF64(bytes, 0, bytes.length, 3, new Float64Array(7), out, 0, 8)).toThrow(
      /dictionary index 7 past the dictionary's 7/,
    );
    const run = new Uint8Array(rle(9, 4, 4));
    expect(() =>
      gatherDictI32(run, 0, run.length, 4, new Int32Array(9), new Int32Array(4), 0, 4),
    ).toThrow(/dictionary index 9 past the dictionary's 9/);
    expect(() => gatherDictF64(bytes, 0, 2, 3, new Float64Array(8), out, 0, 8)).toThrow(
      /ends early/,
    );
  }, 30_000);
});

// The ndarray codec: a chunk crosses threads as its typed array, whose buffer is listed for
// transfer when the chunk owns it whole, and copied (its own elements only) when it shares it.
import { describe, expect, test } from '@jest/globals';
import ndarray from 'ndarray';
import { decodeValue, encodeValue } from '@dask-ts/protocol';
import { sizeOf } from '@dask-ts/protocol/runtime';
import { isNdarray, type NdArray } from '../index.js';
import { split } from '../kernels-index.js';

describe('the ndarray codec', () => {
  test("sizeOf counts a view's own elements, not the buffer it shares", () => {
    const band = ndarray(new Float64Array(8 * 1024), [8, 1024]);
    const whole = sizeOf(band);
    expect(whole).toBeGreaterThanOrEqual(8 * 8 * 1024);
    // A column piece of a row band: an eighth of the elements.
    const piece = band.hi(8, 128).lo(0, 0);
    expect(sizeOf(piece)).toBeLessThan(whole / 7);
    expect(sizeOf(piece)).toBeGreaterThanOrEqual(8 * 8 * 128);
    expect(sizeOf({ parts: [piece, piece] })).toBeLessThan(whole / 3);
  }, 10_000);

  test('transfers the buffer of a chunk that owns it, and rebuilds the ndarray', () => {
    const a = ndarray(Float64Array.from([1, 2, 3, 4, 5, 6]), [2, 3]);
    const { payload, transfer } = encodeValue({ chunk: a }, { transfer: true });
    expect(transfer).toEqual([a.data.buffer]);
    const back = (decodeValue(structuredClone(payload, { transfer })) as { chunk: NdArray }).chunk;
    expect(isNdarray(back)).toBe(true);
    expect(back.shape).toEqual([2, 3]);
    expect(back.get(1, 2)).toBe(6);
    expect(a.data.buffer.byteLength).toBe(0); // handed over
  });

  test('copies a view that shares its buffer, never transferring it', () => {
    const base = new Int16Array(100).map((_, i) => i);
    const view = ndarray(base, [10, 10]).hi(4, 4).lo(1, 1).transpose(1, 0);
    const { payload, transfer } = encodeValue(view, { transfer: true });
    expect(transfer).toEqual([]);
    const back = decodeValue(structuredClone(payload)) as NdArray;
    expect(back.data.constructor.name).toBe('Int16Array'); // another realm's, under jest
    expect(back.data.length).toBe(9);
    expect(back.get(0, 1)).toBe(view.get(0, 1));
    expect(base.length).toBe(100);
  });

  test("a block lent to a rechunk's split pieces is copied, never transferred", () => {
    const a = ndarray(Float64Array.from([1, 2, 3, 4, 5, 6]), [2, 3]);
    const piece = split(a, [0, 1], [2, 1]);
    expect(piece.data.length).toBe(4); // spans its own elements only
    const { transfer } = encodeValue(a, { transfer: true });
    expect(transfer).toEqual([]);
    const sent = encodeValue(piece, { transfer: true });
    expect(sent.transfer).toEqual([]);
    const back = decodeValue(structuredClone(sent.payload)) as NdArray;
    expect(Array.from(back.data)).toEqual([2, 5]);
    expect(a.data.buffer.byteLength).toBe(48); // still there for the piece
  });
});

import { describe, expect, it } from '@jest/globals';
import { decodeFrames, encodeFrames } from './frames.js';
import { copyMessage } from './inproc-copy.js';

describe('copyMessage (in-process messages)', () => {
  const sample = (): Record<string, unknown> => ({
    op: 'put',
    keys: ['x'],
    values: [
      new Float64Array([1.5, 2]),
      new Map<unknown, unknown>([
        [1, 'a'],
        ['k', { z: 1 }],
      ]),
      new Set([1, 2]),
      new Date(5),
      10n,
      undefined,
      null,
      { nested: new Int32Array([7, -8]) },
      [NaN, 2 ** 40, 'text'],
    ],
  });

  it('gives what decoding the frames gives', () => {
    const value = sample();
    const copy = copyMessage(value);
    expect(copy).toEqual(value);
    expect(copy).toEqual(decodeFrames(encodeFrames(value)));
  }, 10_000);

  it('shares nothing the sender or the receiver could change', () => {
    const value = sample();
    const copy = copyMessage(value) as typeof value;
    const values = value.values as unknown[];
    const copied = copy.values as unknown[];
    for (let i = 0; i < values.length; i++) {
      if (typeof values[i] === 'object' && values[i] !== null)
        expect(copied[i]).not.toBe(values[i]);
    }
    (values[0] as Float64Array)[0] = 99;
    (values[1] as Map<unknown, unknown>).set('new', 1);
    (values[8] as unknown[]).push('more');
    expect((copied[0] as Float64Array)[0]).toBe(1.5);
    expect((copied[1] as Map<unknown, unknown>).has('new')).toBe(false);
    expect(copied[8]).toHaveLength(3);
  }, 10_000);

  it("copies only a view's own bytes, and a Buffer as a plain Uint8Array (as frames do)", () => {
    const big = new Float64Array([0, 1, 2, 3]);
    const out = copyMessage({ v: big.subarray(1, 3), b: Buffer.from('hi') }) as {
      v: Float64Array;
      b: Uint8Array;
    };
    expect([...out.v]).toEqual([1, 2]);
    expect(out.v.buffer.byteLength).toBe(16);
    expect(Buffer.isBuffer(out.b)).toBe(false);
    expect([...out.b]).toEqual([104, 105]);
    const buf = new Uint8Array([1, 2, 3]).buffer;
    const copied = copyMessage([buf]) as ArrayBuffer[];
    expect(copied[0]).not.toBe(buf);
    const [err] = copyMessage([new RangeError('boom')]) as Error[];
    expect([err.name, err.message]).toEqual(['RangeError', 'boom']);
    expect([...new Uint8Array(copied[0])]).toEqual([1, 2, 3]);
  }, 10_000);

  it('throws on what it cannot copy (the sender then sends frames)', () => {
    class Holder {
      run = (): number => 1;
    }
    expect(() => copyMessage({ op: 'x', v: [new Holder()] })).toThrow();
  }, 10_000);
});

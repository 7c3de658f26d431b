import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { decodeFrames, encodeFrames, FrameError } from './frames.js';

describe('frames', () => {
  it('keeps what structured clone keeps, with binary values as raw frames', () => {
    const value = {
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
        { nested: new Int32Array([7, -8]), buf: new Uint8Array([1, 2, 3]).buffer },
        [NaN, 2 ** 40, 'text'],
      ],
    };
    const frames = encodeFrames(value);
    expect(frames).toHaveLength(4); // header + Float64Array + Int32Array + ArrayBuffer
    expect(frames[1].byteLength).toBe(16);
    expect(decodeFrames(frames)).toEqual(value);
  });

  it('decodes a typed array view at an offset into its own buffer', () => {
    const big = new Float64Array([0, 1, 2, 3]);
    const view = big.subarray(1, 3);
    const out = decodeFrames(encodeFrames({ v: view })) as { v: Float64Array };
    expect([...out.v]).toEqual([1, 2]);
    expect(out.v.buffer.byteLength).toBe(16);
  });

  it('refuses garbage and truncated messages with a FrameError', () => {
    const good = encodeFrames({ op: 'put', keys: ['x'], values: [new Float64Array(2)] });
    expect(() => decodeFrames([])).toThrow(FrameError);
    expect(() => decodeFrames([good[0].subarray(0, 5)])).toThrow(/not msgpack/);
    expect(() => decodeFrames([good[0]])).toThrow(/binary frame 0, which is missing/);
    expect(() => decodeFrames([good[0], new Uint8Array(3)])).toThrow(/not a whole number/);
  });

  it('never throws anything but a FrameError on random frames', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 4 }), (frames) => {
        try {
          decodeFrames(frames);
        } catch (err) {
          expect(err).toBeInstanceOf(FrameError);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('leaves other users of msgpackr in this process as they were', () => {
    encodeFrames({ v: new Float64Array(1) }); // registers what this module registers
    const theirs = new Packr();
    const bytes = new Uint8Array([1, 2, 3]);
    // msgpack's plain bin format, not an extension of ours.
    expect([...theirs.pack(bytes)]).toEqual([0xc4, 3, 1, 2, 3]);
  });

  it('never modifies the message it encodes', () => {
    const message = {
      values: [new Float64Array([1]), [new Int8Array([2])], new Map([[1, new Uint8Array(1)]])],
    };
    const frames = encodeFrames(message);
    expect(frames).toHaveLength(4);
    expect(message.values[0]).toBeInstanceOf(Float64Array);
    expect(decodeFrames(frames)).toEqual(message);
  });
});

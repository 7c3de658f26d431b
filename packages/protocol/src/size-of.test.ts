// sizeOf: typed arrays exactly, plain values estimated, and a codec's `sizeOf` hook for the class
// instances it claims (a view over part of a larger buffer counts its own elements only).
import { describe, expect, it } from '@jest/globals';
import { registerCodec, sizeOf } from './runtime.js';

/** A window of `length` float64 elements over a larger shared Float64Array. */
class Window {
  constructor(
    readonly data: Float64Array,
    readonly offset: number,
    readonly length: number,
  ) {}
}

/** A class no codec with a hook claims: its fields are walked. */
class Plain {
  constructor(readonly data: Float64Array) {}
}

describe('sizeOf', () => {
  it('counts typed arrays exactly and walks plain values', () => {
    expect(sizeOf(new Float64Array(1000))).toBe(8000);
    expect(sizeOf(new Float64Array(1000).subarray(0, 10))).toBe(80);
    expect(sizeOf({ a: new Uint8Array(100) })).toBeGreaterThanOrEqual(100);
  }, 10_000);

  it("uses a codec's sizeOf hook for the instances it claims, at any depth", () => {
    const big = new Float64Array(8000);
    const w = new Window(big, 1000, 1000);
    // Without a hook, the walk counts the whole buffer behind the view.
    expect(sizeOf(new Plain(big))).toBeGreaterThanOrEqual(64_000);
    expect(sizeOf(w)).toBeGreaterThanOrEqual(64_000);
    registerCodec<Window>({
      name: 'test.window',
      test: (v): v is Window => v instanceof Window,
      encode: (v) => [v.data.slice(v.offset, v.offset + v.length)],
      decode: (d) => {
        const [data] = d as [Float64Array];
        return new Window(data, 0, data.length);
      },
      sizeOf: (v) => v.length * 8,
    });
    expect(sizeOf(w)).toBe(8000);
    const nested = sizeOf({ parts: [w, w] });
    expect(nested).toBeGreaterThanOrEqual(16_000);
    expect(nested).toBeLessThan(17_000);
    // A class the hooked codec does not claim is still walked.
    expect(sizeOf(new Plain(big))).toBeGreaterThanOrEqual(64_000);
  }, 10_000);
});

// The int32 build-and-probe join path: groups and matches against a naive nested loop (one and two
// keys, nulls, duplicates), and the broadcast side's build made once per set of partitions.
import { describe, expect, it } from '@jest/globals';
import { tableFromArrays } from 'apache-arrow';
import type { Col } from '../columns.js';
import { buildInt, cachedFor, probeInt } from '../kernels-join-hash.js';

const int = (values: number[], nulls: number[] = []): Extract<Col, { type: 'int32' }> => {
  const valid = new Uint8Array((values.length + 7) >> 3).fill(0xff);
  for (const i of nulls) valid[i >> 3] &= ~(1 << (i & 7));
  return {
    type: 'int32',
    length: values.length,
    values: Int32Array.from(values),
    valid: nulls.length > 0 ? valid : undefined,
  };
};

describe('buildInt / probeInt', () => {
  it('matches each probe row with the build rows of equal keys (nulls match nothing)', () => {
    for (const two of [false, true]) {
      const n = 500;
      const ba = Array.from({ length: n }, (_, i) => (i * 37) % 61);
      const bb = Array.from({ length: n }, (_, i) => (i * 11) % 3);
      const pa = Array.from({ length: 300 }, (_, i) => (i * 13) % 70);
      const pb = Array.from({ length: 300 }, (_, i) => i % 4);
      const bk = two ? [int(ba, [3]), int(bb, [7])] : [int(ba, [3])];
      const pk = two ? [int(pa, [5]), int(pb)] : [int(pa, [5])];
      const build = buildInt(bk, n);
      const groups = probeInt(build, pk, 300);
      for (let i = 0; i < 300; i++) {
        const want: number[] = [];
        if (i !== 5)
          for (let j = 0; j < n; j++)
            if (j !== 3 && (!two || j !== 7) && ba[j] === pa[i] && (!two || bb[j] === pb[i]))
              want.push(j);
        const g = groups[i];
        const got = g < 0 ? [] : [...build.rows.subarray(build.start[g], build.start[g + 1])];
        expect(got).toEqual(want);
      }
    }
  }, 30_000);
});

describe('buildInt / probeInt without nulls', () => {
  it.each([
    ['a narrow span, looked up directly', -40, 40, true],
    ['a wide span, hashed', -2e9, 2e9, false],
  ])(
    '%s: matches as a nested loop',
    (_name, lo, hi, direct) => {
      const n = 400;
      let s = 7;
      const next = (): number => {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        return s / 2 ** 32;
      };
      const pick = (): number => Math.floor(lo + next() * (hi - lo));
      const ba = Array.from({ length: n }, pick);
      // Probe values: some from the build side, some beyond its range on either side.
      const pa = Array.from({ length: 300 }, (_, i) =>
        i % 3 === 0 ? ba[i % n] : i % 3 === 1 ? pick() : i % 2 === 0 ? hi + 5 + i : lo - 5 - i,
      );
      const build = buildInt([int(ba)], n);
      expect(build.direct !== undefined).toBe(direct);
      const groups = probeInt(build, [int(pa)], pa.length);
      pa.forEach((x, i) => {
        const want = ba.flatMap((y, j) => (y === x ? [j] : []));
        const g = groups[i];
        const got = g < 0 ? [] : [...build.rows.subarray(build.start[g], build.start[g + 1])];
        expect(got).toEqual(want);
      });
    },
    30_000,
  );
});

describe('cachedFor', () => {
  it('computes once per set of partitions and key, again for others', () => {
    const a = tableFromArrays({ x: Int32Array.from([1, 2]) });
    const b = tableFromArrays({ x: Int32Array.from([3]) });
    let made = 0;
    const make = (): number => ++made;
    expect(cachedFor([a, b], 'k', make)).toBe(1);
    expect(cachedFor([a, b], 'k', make)).toBe(1);
    expect(cachedFor([a, b], 'other', make)).toBe(2);
    expect(cachedFor([a], 'k', make)).toBe(3);
    expect(cachedFor([b, a], 'k', make)).toBe(4);
    expect(made).toBe(4);
  }, 30_000);
});

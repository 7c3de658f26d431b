// A broadcast join whose left partitions are few and small hashes each left partition and scans
// the right side (kernels-join.ts: hashLeftPart) instead of hashing the right side: the same rows
// come out for every `how` (one and two keys, nulls, duplicates on both sides), and the right
// side's table is then never made.
import { describe, expect, it } from '@jest/globals';
import { Int32, Table, vectorFromArray } from 'apache-arrow';
import { joinKernels, type JoinSpec } from '../kernels-join.js';
import { isCached } from '../kernels-join-hash.js';

let seed = 11;
const next = (n: number): number => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed % n;
};
/** A key column with some nulls (every 17th row), values in [0, span). */
const keys = (n: number, span: number): (number | null)[] =>
  Array.from({ length: n }, (_, i) => (i % 17 === 5 ? null : next(span)));

const table = (cols: Record<string, (number | null)[]>): Table =>
  new Table(
    Object.fromEntries(Object.entries(cols).map(([k, v]) => [k, vectorFromArray(v, new Int32())])),
  );

const spec = (how: JoinSpec['how'], two: boolean, probeParts?: number): JoinSpec => {
  const leftOn = two ? ['a', 'b'] : ['a'];
  const rightOn = two ? ['ra', 'rb'] : ['ra'];
  const left: [string, string][] = [
    ['a', 'a'],
    ['b', 'b'],
    ['lv', 'lv'],
  ];
  const right: [string, string][] =
    how === 'semi' || how === 'anti'
      ? []
      : [
          ['ra', 'ra'],
          ['rb', 'rb'],
          ['rv', 'rv'],
        ];
  return {
    leftOn,
    rightOn,
    how,
    left,
    right,
    shared: [],
    indicator: false,
    order: [...left, ...right].map(([, n]) => n),
    ...(probeParts !== undefined ? { probeParts } : {}),
  };
};

/** The rows of a table as sorted strings (join output order is not part of the contract). */
const rowsOf = (t: Table): string[] =>
  t
    .toArray()
    .map((r) => JSON.stringify(r.toJSON()))
    .sort();

describe('joinRightAll: a small left partition hashes itself and scans the right side', () => {
  it.each([
    ['inner', false],
    ['inner', true],
    ['left', false],
    ['left', true],
    ['semi', true],
    ['anti', false],
  ] as [JoinSpec['how'], boolean][])(
    '%s join, two keys: %s',
    (how, two) => {
      const nr = 4000;
      const rights = [0, 1].map((p) =>
        table({
          ra: keys(nr / 2, 300),
          rb: keys(nr / 2, 3),
          rv: Array.from({ length: nr / 2 }, (_, i) => p * 10_000 + i),
        }),
      );
      const l = table({
        a: keys(60, 400),
        b: keys(60, 3),
        lv: Array.from({ length: 60 }, (_, i) => i),
      });
      // 4 left partitions of 60 rows against 4,000 right rows: 4 * 60 * 8 <= 4,000.
      const scanned = joinKernels.joinRightAll(spec(how, two, 4), l, ...rights);
      expect(isCached(rights, `build\0${spec(how, two).rightOn.join('\0')}`)).toBe(false);
      const hashed = joinKernels.joinRightAll(spec(how, two), l, ...rights);
      // A semi or anti join on one key asks the right side for membership only: a bitmap of its keys.
      const made =
        (how === 'semi' || how === 'anti') && !two
          ? `bits\0${spec(how, two).rightOn[0]}`
          : `build\0${spec(how, two).rightOn.join('\0')}`;
      expect(isCached(rights, made)).toBe(true);
      expect(rowsOf(scanned)).toEqual(rowsOf(hashed));
      expect(scanned.numRows).toBeGreaterThan(0);
      // Once the right side's table is made on this worker, later partitions probe it.
      expect(rowsOf(joinKernels.joinRightAll(spec(how, two, 4), l, ...rights))).toEqual(
        rowsOf(hashed),
      );
    },
    30_000,
  );

  it('keeps hashing the right side when the left partitions are many or large', () => {
    const rights = [table({ ra: keys(1000, 50), rb: keys(1000, 2), rv: keys(1000, 9) })];
    const l = table({ a: keys(200, 50), b: keys(200, 2), lv: keys(200, 9) });
    joinKernels.joinRightAll(spec('inner', true, 2), l, ...rights);
    expect(isCached(rights, 'build\0ra\0rb')).toBe(true);
    const others = [table({ ra: keys(1000, 50), rb: keys(1000, 2), rv: keys(1000, 9) })];
    const tiny = table({ a: keys(5, 50), b: keys(5, 2), lv: keys(5, 9) });
    joinKernels.joinRightAll(spec('inner', true, 20), tiny, ...others);
    expect(isCached(others, 'build\0ra\0rb')).toBe(true);
  }, 30_000);
});

// Ordering on the sync scheduler against plain arrays: sortValues (one and several columns, each
// direction, nulls first or last; partitions in order hold the sorted rows), nlargest /
// nsmallest, repartition.
import { describe, expect, test } from '@jest/globals';
import '@dask-ts/scheduler';
import { fromColumns } from '../index.js';
import { plain } from './reference.js';
import { rowsOf, shapes, wide, wideFrame, type Cell } from './ops-reference.js';

const sync = { scheduler: 'sync' } as const;

function cmp(x: Cell, y: Cell, asc: boolean, naLast: boolean): number {
  const nx = x === null || (typeof x === 'number' && Number.isNaN(x));
  const ny = y === null || (typeof y === 'number' && Number.isNaN(y));
  if (nx || ny) return nx === ny ? 0 : (nx ? 1 : -1) * (naLast ? 1 : -1);
  const d = typeof x === 'number' ? x - (y as number) : x < y ? -1 : x > y ? 1 : 0;
  return asc ? d : -d;
}

/** A stable sort of row indices, as the reference. */
function refOrder(cols: Cell[][], asc: boolean[], naLast: boolean): number[] {
  const n = cols[0].length;
  return Array.from({ length: n }, (_, i) => i).sort((a, b) => {
    for (let k = 0; k < cols.length; k++) {
      const d = cmp(cols[k][a], cols[k][b], asc[k], naLast);
      if (d !== 0) return d;
    }
    return a - b;
  });
}

describe('sortValues', () => {
  test.each([...shapes, [3000, 9] as [number, number]])(
    'equals a stable sort of the whole table (%i rows, %i parts)',
    async (n, k) => {
      const p = wide(n, n + 30);
      const df = wideFrame(p, k);
      const cases: [string[], boolean[], 'first' | 'last'][] = [
        [['a'], [true], 'last'],
        [['a'], [false], 'first'],
        [['t', 'i'], [true, false], 'last'],
        [['k', 'f', 'a'], [false, true, true], 'first'],
      ];
      for (const [by, ascending, naPosition] of cases) {
        const sorted = df.sortValues(by, { ascending, naPosition });
        expect(sorted.npartitions).toBe(k);
        const got = plain(await sorted.compute(sync));
        const order = refOrder(
          by.map((c) => p[c]),
          ascending,
          naPosition === 'last',
        );
        const want = order.map((j) => Object.keys(p).map((c) => p[c][j]));
        expect([by, rowsOf(got)]).toEqual([by, want]);
      }
    },
  );

  test('errors name the column', () => {
    const df = fromColumns({ a: [1] });
    expect(() => df.sortValues('b')).toThrow(/unknown column 'b'; the columns are 'a'/);
    expect(() => df.sortValues(['a'], { ascending: [true, false] })).toThrow(
      /ascending has 2 values for 1 columns/,
    );
  });
});

describe('nlargest, nsmallest, repartition', () => {
  test.each(shapes)('against plain arrays (%i rows, %i parts)', async (n, k) => {
    const p = wide(n, n + 31);
    const df = wideFrame(p, k);
    for (const smallest of [false, true]) {
      const top = smallest ? df.nsmallest(5, ['i', 'a']) : df.nlargest(5, ['i', 'a']);
      expect(top.npartitions).toBe(1);
      const got = plain(await top.compute(sync));
      const keep = p.i.map((_, j) => p.a[j] !== null);
      const order = refOrder([p.i, p.a], [smallest, smallest], true).filter((j) => keep[j]);
      expect(got.i).toEqual(order.slice(0, 5).map((j) => p.i[j]));
      expect(got.a).toEqual(order.slice(0, 5).map((j) => p.a[j]));
    }
    for (const parts of [1, 2, k + 3, 2 * k]) {
      const r = df.repartition({ npartitions: parts });
      expect(r.npartitions).toBe(parts);
      expect(plain(await r.compute(sync))).toEqual(plain(await df.compute(sync)));
    }
  });
});

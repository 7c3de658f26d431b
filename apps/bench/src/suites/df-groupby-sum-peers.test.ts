// The shared pieces of the df-groupby-sum, df-join and df-csv2parquet suites: seeded columns,
// the answer check every implementation goes through, timing with an untimed read-back, and the
// table that shows a failing peer as such.
import { describe, expect, jest, test } from '@jest/globals';
import { keyValueColumns } from './df-groupby-sum-data.js';
import { outcomeRows, timeChecked, totalsReference } from './df-groupby-sum-peers.js';

jest.setTimeout(30_000);

describe('keyValueColumns', () => {
  test('is seeded: the same shape gives the same columns', () => {
    const a = keyValueColumns({ rows: 1000, keys: 10, seed: 3 });
    const b = keyValueColumns({ rows: 1000, keys: 10, seed: 3 });
    expect(a.key).toEqual(b.key);
    expect(a.value).toEqual(b.value);
    expect(Math.max(...a.key)).toBeLessThan(10);
    expect(Math.min(...a.key)).toBeGreaterThanOrEqual(0);
    // Values have at most 4 decimals, so their CSV text is exact.
    for (const v of a.value) expect(Math.round(v * 1e4) / 1e4).toBe(v);
  });

  test('a dense key holds each of 0..rows-1 once, shuffled', () => {
    const { key } = keyValueColumns({ rows: 500, keys: 'dense', seed: 13 });
    expect([...key].sort((x, y) => x - y)).toEqual(Array.from({ length: 500 }, (_, i) => i));
    expect([...key]).not.toEqual(Array.from({ length: 500 }, (_, i) => i));
  });
});

describe('totalsReference', () => {
  test('the first answer is the reference; others must match it to 1e-6 relative', () => {
    const check = totalsReference();
    expect(check([100, 1e6])).toBeUndefined();
    expect(check([100, 1e6 * (1 + 1e-9)])).toBeUndefined();
    expect(check([100, 1e6 * (1 + 1e-4)])).toMatch(/expected 100 \/ 1000000/);
    expect(check([99, 1e6])).toMatch(/answered 99/);
    expect(check([100])).toMatch(/expected/);
  });
});

describe('timeChecked', () => {
  test('keeps the best time, checks the first answer, and reads back untimed', async () => {
    const check = totalsReference();
    check([3]);
    let readBacks = 0;
    const o = await timeChecked(
      'x',
      'CSV',
      3,
      () =>
        Promise.resolve(async () => {
          readBacks++;
          await new Promise((r) => setTimeout(r, 50));
          return [3];
        }),
      check,
    );
    expect(o.problem).toBeUndefined();
    expect(readBacks).toBe(3);
    // The 50 ms read-back is not in the time.
    expect(o.ms).toBeLessThan(40);
  });

  test('an error or a wrong answer becomes the outcome, not a throw', async () => {
    const check = totalsReference();
    check([1, 2]);
    const failed = await timeChecked(
      'boom',
      'CSV',
      2,
      () => Promise.reject(new Error('no file')),
      check,
    );
    expect(failed).toEqual({ name: 'boom', input: 'CSV', problem: 'error: no file' });
    const wrong = await timeChecked('w', 'CSV', 2, () => Promise.resolve([1, 3]), check);
    expect(wrong.problem).toMatch(/^wrong answer: answered 1 \/ 3, expected 1 \/ 2/);
  });
});

describe('outcomeRows', () => {
  test('ratios are the time over dask-ts; failing peers are shown and noted', () => {
    const { rows, problems } = outcomeRows(
      [
        { name: 'dask-ts dataframe', input: 'Parquet', ms: 200 },
        { name: 'DuckDB', input: 'Parquet', ms: 50 },
        { name: 'dask.dataframe', input: 'CSV', problem: 'wrong answer: answered 1' },
        { name: 'arquero', input: 'Parquet', problem: 'error: out of memory' },
      ],
      1e6,
    );
    expect(rows[0]).toEqual(['dask-ts dataframe', 'Parquet', '200', '5.00', '1.00×']);
    expect(rows[1]).toEqual(['DuckDB', 'Parquet', '50.0', '20.0', '0.250×']);
    expect(rows[2][2]).toBe('wrong');
    expect(rows[3][2]).toBe('error');
    expect(problems).toEqual([
      'dask.dataframe: wrong answer: answered 1',
      'arquero: error: out of memory',
    ]);
  });
});

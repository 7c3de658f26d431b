// What the dataframe suites share: the seeded key/value columns they group (an integer key with
// 100 values and a float value with 4 decimals), the check that every implementation finds the
// same groups and total, and the timing of one dask-ts query on the sync scheduler and on
// threads (2 workers), as a user would run it.
import { createThreadsScheduler, type LocalCluster } from '@dask-ts/scheduler';
import { bestWithCpu, warmThreads } from './bag-data.js';

/**
 * `rows` rows of the grouped columns, from a fixed seed.
 *
 * @example
 * const { key, value } = groupbyColumns(1_000);
 */
export function groupbyColumns(rows: number): { key: Int32Array; value: Float64Array } {
  let s = 7;
  const next = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const key = new Int32Array(rows);
  const value = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    key[i] = Math.floor(next() * 100);
    value[i] = Math.round(next() * 1e6) / 1e4;
  }
  return { key, value };
}

/** What a dataframe compute gives (an Arrow table), as far as the suites read it. */
interface Table {
  readonly numRows: number;
  getChild(name: string): { toArray(): unknown } | null;
}

/** Groups found and their total, as every implementation reports them. */
export type GroupTotals = [groups: number, total: number];

/**
 * A checker: the first answer is the reference; a later one that differs (the total beyond 1e-6
 * relative) throws, naming who found it.
 *
 * @example
 * const check = totalsChecker(); check([100, 5.5], 'sync'); check([100, 5.5], 'DuckDB');
 */
export function totalsChecker(): (got: GroupTotals, who: string) => void {
  let expected: GroupTotals | undefined;
  return (got, who) => {
    expected ??= got;
    if (got[0] !== expected[0] || Math.abs(got[1] - expected[1]) > 1e-6 * Math.abs(expected[1]))
      throw new Error(`${who} found ${got.join('/')}, expected ${expected.join('/')}`);
  };
}

/**
 * The groups and total of a grouped table with a `value` column.
 *
 * @example
 * const [groups, total] = tableTotals(await query().compute());
 */
export function tableTotals(t: Table): GroupTotals {
  const v = t.getChild('value')?.toArray() as Float64Array;
  return [t.numRows, v.reduce((a, x) => a + x, 0)];
}

/** One timed implementation. */
export interface Timed {
  readonly name: string;
  readonly best: number;
  readonly cpu: number;
}

/**
 * Times `query` (built afresh for every run, as a user would) on sync and on 2 worker threads.
 *
 * @example
 * const results = await timeDaskTs(() => readCsv(path).groupby('key').agg({ value: 'sum' }), 5, check);
 */
export async function timeDaskTs(
  query: () => { compute(options: { scheduler: 'sync' | LocalCluster }): Promise<Table> },
  reps: number,
  check: (got: GroupTotals, who: string) => void,
): Promise<Timed[]> {
  const results: Timed[] = [];
  const sync = await bestWithCpu(reps, async () =>
    check(tableTotals(await query().compute({ scheduler: 'sync' })), 'dask-ts sync'),
  );
  results.push({ name: 'dask-ts dataframe, sync', ...sync });
  const threads = createThreadsScheduler({ workers: 2 });
  try {
    await warmThreads(threads, 2);
    const t = await bestWithCpu(reps, async () =>
      check(tableTotals(await query().compute({ scheduler: threads })), 'dask-ts threads'),
    );
    results.push({ name: 'dask-ts dataframe, threads (2 workers)', ...t });
  } finally {
    await threads.close();
  }
  return results;
}

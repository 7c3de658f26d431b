// The demo's task functions. They live in their own module, with no dask-ts imports, so worker
// threads and processes load them by module reference (this file's URL, `KERNELS_MODULE`, plus an
// export name) and the sync scheduler imports the very same code. Built, the URL is
// dist/demo/kernels.js; run from source (tests, development) it is src/demo/kernels.ts, which
// every scheduler imports through the one module loader of @dask-ts/worker (tsx). Values are integers so every sum is exact and the
// tree reduction matches a sequential reference bit for bit.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The URL of this module, which task function references name.
 *
 * @example
 * moduleRef(KERNELS_MODULE, 'parseValues');
 */
export const KERNELS_MODULE: string = import.meta.url;

/**
 * Per-file (or merged) statistics of the numbers seen.
 *
 * @example
 * const s: Stats = { count: 3, sum: 6, min: 1, max: 3 };
 */
export interface Stats {
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
}

/**
 * The overall answer: statistics plus the mean.
 *
 * @example
 * const s: Summary = { count: 3, sum: 6, min: 1, max: 3, mean: 2 };
 */
export interface Summary extends Stats {
  readonly mean: number;
}

/** Largest value written (values are integers in [0, MAX_VALUE)). @example MAX_VALUE === 1_000_000 */
export const MAX_VALUE = 1_000_000;

/**
 * The name of data file `index`.
 *
 * @example
 * fileName(7); // 'part-00007.csv'
 */
export function fileName(index: number): string {
  return `part-${String(index).padStart(5, '0')}.csv`;
}

/**
 * Writes data file `index` into `dir`: a header line `id,value`, then `rows` lines of an id and a
 * pseudo-random integer (seeded by the file's index, so runs are reproducible). Returns its path.
 *
 * @example
 * writeNumbers('/tmp/demo', 0, 100); // '/tmp/demo/part-00000.csv'
 */
export function writeNumbers(dir: string, index: number, rows: number): string {
  if (!Number.isInteger(rows) || rows < 0)
    throw new RangeError(`writeNumbers: rows must be a non-negative integer, got ${rows}`);
  let state = (index * 0x9e3779b1 + 0x6d2b79f5) >>> 0;
  const lines = new Array<string>(rows + 1);
  lines[0] = 'id,value';
  for (let i = 0; i < rows; i++) {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const r = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    lines[i + 1] = `${index * rows + i},${Math.floor(r * MAX_VALUE)}`;
  }
  const path = join(dir, fileName(index));
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/**
 * Reads a data file as text.
 *
 * @example
 * loadText('/tmp/demo/part-00000.csv'); // 'id,value\n0,123\n...'
 */
export function loadText(path: string): string {
  return readFileSync(path, 'utf8');
}

/**
 * Parses the `value` column of a data file's text; a malformed line is an error naming its number.
 *
 * @example
 * parseValues('id,value\n0,5\n1,7\n'); // Float64Array [5, 7]
 */
export function parseValues(text: string): Float64Array {
  const lines = text.split('\n');
  if (lines[0] !== 'id,value')
    throw new Error(`parseValues: expected the header 'id,value', got '${lines[0]?.slice(0, 40)}'`);
  const out = new Float64Array(lines.length);
  let n = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') continue;
    const comma = line.indexOf(',');
    const field = comma < 0 ? '' : line.slice(comma + 1).trim();
    const v = field === '' ? Number.NaN : Number(field);
    if (!Number.isFinite(v))
      throw new Error(`parseValues: line ${i + 1} is not 'id,value': '${line.slice(0, 40)}'`);
    out[n++] = v;
  }
  return out.slice(0, n);
}

/**
 * Count, sum, min and max of some numbers (min = +Infinity and max = -Infinity when empty).
 *
 * @example
 * fileStats(new Float64Array([1, 2, 3])); // { count: 3, sum: 6, min: 1, max: 3 }
 */
export function fileStats(values: ArrayLike<number>): Stats {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { count: values.length, sum, min, max };
}

/**
 * Merges two statistics.
 *
 * @example
 * mergeStats({ count: 1, sum: 2, min: 2, max: 2 }, { count: 1, sum: 5, min: 5, max: 5 }); // { count: 2, sum: 7, min: 2, max: 5 }
 */
export function mergeStats(a: Stats, b: Stats): Stats {
  return {
    count: a.count + b.count,
    sum: a.sum + b.sum,
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
  };
}

/**
 * Adds the mean to statistics (NaN when there are no values).
 *
 * @example
 * summarize({ count: 2, sum: 7, min: 2, max: 5 }); // { count: 2, sum: 7, min: 2, max: 5, mean: 3.5 }
 */
export function summarize(s: Stats): Summary {
  return { ...s, mean: s.count === 0 ? Number.NaN : s.sum / s.count };
}

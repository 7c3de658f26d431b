// Test helpers for the operations' tests: a sample frame with an int32 column and a bool column
// beside reference.ts's columns, and plain-array references (sorting rows, grouping).
import { fromColumns, type DataFrame } from '../index.js';
import { rng, sample, type Plain } from './reference.js';

export type Cell = number | string | boolean | null;

/** reference.ts's sample plus i (int32, from b), f (bool, with nulls), t (short keys with nulls). */
export function wide(n: number, seed: number): Plain {
  const p = sample(n, seed);
  const r = rng(seed + 99);
  const f: (boolean | null)[] = [];
  const t: (string | null)[] = [];
  for (let i = 0; i < n; i++) {
    f.push(r() < 0.15 ? null : r() < 0.5);
    t.push(r() < 0.1 ? null : ['p', 'q', 'r', 'Pq', 'é'][Math.floor(r() * 5)]);
  }
  return { ...p, i: p.b, f, t };
}

/** The dataframe of `wide(n, seed)` in `k` partitions. */
export function wideFrame(p: Plain, k: number): DataFrame {
  return fromColumns(
    {
      a: p.a as (number | null)[],
      b: p.b as number[],
      k: p.k as string[],
      s: p.s as string[],
      i: Int32Array.from(p.i as number[]),
      f: p.f as (boolean | null)[],
      t: p.t as (string | null)[],
    },
    { npartitions: k },
  );
}

/** Rows of a plain table as arrays, in column order. */
export function rowsOf(p: Plain, cols = Object.keys(p)): Cell[][] {
  const n = p[cols[0]]?.length ?? 0;
  return Array.from({ length: n }, (_, i) => cols.map((c) => p[c][i]));
}

function cmpCell(x: Cell, y: Cell): number {
  if (x === y) return 0;
  if (x === null) return 1;
  if (y === null) return -1;
  if (typeof x === 'number' && typeof y === 'number') {
    if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
    if (Number.isNaN(y)) return -1;
    return x - y;
  }
  return String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0;
}

/** Rows sorted (for comparing results whose order is not defined). */
export function sortedRows(rows: Cell[][]): Cell[][] {
  return [...rows].sort((a, b) => {
    for (let i = 0; i < a.length; i++) {
      const d = cmpCell(a[i], b[i]);
      if (d !== 0) return d;
    }
    return 0;
  });
}

export const shapes: [number, number][] = [
  [1, 1],
  [7, 3],
  [100, 4],
  [1000, 7],
];

// Kernels of sorted indexes: samples of an index column (with each partition's exact minimum and
// maximum, so the outer divisions are exact), divisions at the samples' quantiles, a partition cut
// into ranges between divisions, and the rows of a partition within a range. Division values are
// numbers (dates and timestamps as milliseconds) or strings (compared by UTF-8 bytes, i.e. code
// point order); a null index value belongs after every division, in the last partition. Partition
// i holds the values v with divisions[i] <= v < divisions[i + 1]; the last one also holds its upper
// division.
import type { Table } from 'apache-arrow';
import { colsOf, isValid, tableOf, type Col } from './columns.js';
import { plainCol } from './columns-cat.js';
import { DAY_MS } from './kernels-dt.js';
import { groupRows, splitByIndex } from './kernels-shuffle.js';
import { take } from './take.js';
import type { IndexValue } from './dtypes.js';

export type { IndexValue };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Compares two division values (numbers, or strings by code point). @internal */
export function cmpIndex(a: IndexValue, b: IndexValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  const x = String(a);
  const y = String(b);
  const m = Math.min(x.length, y.length);
  for (let i = 0; i < m; i++) {
    const p = x.codePointAt(i)!;
    const q = y.codePointAt(i)!;
    if (p !== q) return p - q;
    if (p > 0xffff) i++;
  }
  return x.length - y.length;
}

/** Compares row i of an index column with a division value; rows are never null here. */
type RowCmp = (i: number, v: IndexValue) => number;

function rowComparer(c: Col): RowCmp {
  if (c.type === 'utf8') {
    const cache = new Map<IndexValue, Uint8Array>();
    return (i, v) => {
      let b = cache.get(v);
      if (b === undefined) cache.set(v, (b = encoder.encode(String(v))));
      const s = c.offsets[i];
      const len = c.offsets[i + 1] - s;
      const m = Math.min(len, b.length);
      for (let k = 0; k < m; k++) {
        const d = c.data[s + k] - b[k];
        if (d !== 0) return d;
      }
      return len - b.length;
    };
  }
  if (c.type === 'date32') return (i, v) => c.values[i] * DAY_MS - (v as number);
  const vals = (c as Exclude<Col, { type: 'utf8' | 'category' }>).values;
  return (i, v) => {
    const x = vals[i];
    const y = v as number;
    return x < y ? -1 : x > y ? 1 : 0;
  };
}

/** The index column of a partition, categories as strings. */
function indexCol(t: Table, name: string): Col {
  const c = colsOf(t).get(name);
  if (c === undefined) throw new Error(`no index column '${name}' in the partition`);
  return plainCol(c);
}

const present = (c: Col, i: number): boolean =>
  isValid(c.valid, i) &&
  !((c.type === 'float64' || c.type === 'timestamp') && Number.isNaN(c.values[i]));

function valueAt(c: Col, i: number): IndexValue {
  if (c.type === 'utf8') return decoder.decode(c.data.subarray(c.offsets[i], c.offsets[i + 1]));
  if (c.type === 'date32') return c.values[i] * DAY_MS;
  return (c as Exclude<Col, { type: 'utf8' | 'category' }>).values[i];
}

/** The number of `bounds` (sorted) that are <= row i. */
function rank(cmp: RowCmp, i: number, bounds: readonly IndexValue[]): number {
  let lo = 0;
  let hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cmp(i, bounds[mid]) >= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The kernels of this file. @internal */
export const indexKernels = {
  /** Up to `k` evenly spaced non-null index values of a partition, with its minimum and maximum. */
  indexSample: (t: Table, name: string, k: number): IndexValue[] => {
    const c = indexCol(t, name);
    const rows: number[] = [];
    for (let i = 0; i < c.length; i++) if (present(c, i)) rows.push(i);
    if (rows.length === 0) return [];
    const cmp = rowComparer(c);
    let lo = rows[0];
    let hi = rows[0];
    for (const i of rows) {
      if (cmp(i, valueAt(c, lo)) < 0) lo = i;
      if (cmp(i, valueAt(c, hi)) > 0) hi = i;
    }
    const m = Math.min(k, rows.length);
    const out = [valueAt(c, lo), valueAt(c, hi)];
    for (let j = 0; j < m; j++)
      out.push(valueAt(c, rows[Math.floor(((j + 0.5) * rows.length) / m)]));
    return out;
  },
  /** Up to `n + 1` distinct divisions: the samples' minimum, quantiles and maximum. */
  indexDivisions: (n: number, ...samples: IndexValue[][]): IndexValue[] => {
    const all = samples.flat().sort(cmpIndex);
    if (all.length === 0) return [];
    const out: IndexValue[] = [];
    for (let j = 0; j <= n; j++) {
      const v = all[Math.min(all.length - 1, Math.floor((j * (all.length - 1)) / n))];
      if (out.length === 0 || cmpIndex(out[out.length - 1], v) < 0) out.push(v);
    }
    if (out.length === 1) out.push(out[0]);
    return out;
  },
  /** A partition cut into `inner.length + 1` ranges by the inner divisions; nulls go last. */
  indexSplit: (t: Table, name: string, inner: readonly IndexValue[]): Table[] => {
    const c = indexCol(t, name);
    const cmp = rowComparer(c);
    const n = inner.length + 1;
    const piece = new Int32Array(c.length);
    for (let i = 0; i < c.length; i++) piece[i] = present(c, i) ? rank(cmp, i, inner) : n - 1;
    return splitByIndex(colsOf(t), groupRows(piece, n));
  },
  /**
   * The rows whose index is within [lo, hi) (or [lo, hi] when `closed`; null: unbounded), and
   * the rows with a null index when `nulls`.
   */
  indexRange: (
    t: Table,
    name: string,
    lo: IndexValue | null,
    hi: IndexValue | null,
    closed: boolean,
    nulls: boolean,
  ): Table => {
    const c = indexCol(t, name);
    const cmp = rowComparer(c);
    const keep: number[] = [];
    for (let i = 0; i < c.length; i++) {
      if (!present(c, i)) {
        if (nulls) keep.push(i);
        continue;
      }
      if (lo !== null && cmp(i, lo) < 0) continue;
      if (hi !== null && (closed ? cmp(i, hi) > 0 : cmp(i, hi) >= 0)) continue;
      keep.push(i);
    }
    if (keep.length === c.length) return t;
    const idx = Int32Array.from(keep);
    const out = new Map<string, Col>();
    for (const [n, col] of colsOf(t)) out.set(n, take(col, idx));
    return tableOf(out);
  },
};

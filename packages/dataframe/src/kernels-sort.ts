// Kernels of ordering: a stable multi-column sort of row indices (ascending per column; nulls and
// NaN first or last whatever the direction, as pandas' `na_position`), samples of a partition's
// sorted keys, boundaries picked from the samples, a split of a partition into ranges between
// boundaries, top-n, duplicate removal and even splits (repartition). Comparisons read typed
// arrays and UTF-8 bytes (code point order) directly.
import type { Table } from 'apache-arrow';
import { colsOf, concatCols, tableOf, type Col } from './columns.js';
import { groupIds } from './kernels-agg.js';
import { cmpUtf8 } from './columns-cat.js';
import { present } from './kernels-ops.js';
import { concatTables, groupRows, splitByIndex } from './kernels-shuffle.js';
import type { DType } from './dtypes.js';
import { take } from './take.js';

/** How to order: per key column ascending or not, and where nulls go. @internal */
export interface Order {
  readonly by: readonly string[];
  readonly ascending: readonly boolean[];
  readonly naLast: boolean;
}

function cmpValue(a: Col, i: number, b: Col, j: number): number {
  if (a.type === 'category' && b.type === 'category' && a.dict !== b.dict)
    return cmpUtf8(a.dict, a.values[i], b.dict, b.values[j]);
  if (a.type === 'utf8') {
    const bb = b as typeof a;
    const sa = a.offsets[i];
    const sb = bb.offsets[j];
    const la = a.offsets[i + 1] - sa;
    const lb = bb.offsets[j + 1] - sb;
    const m = la < lb ? la : lb;
    for (let k = 0; k < m; k++) {
      const d = a.data[sa + k] - bb.data[sb + k];
      if (d !== 0) return d;
    }
    return la - lb;
  }
  const x = a.values[i];
  const y = (b as typeof a).values[j];
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Compares row i of columns `a` with row j of columns `b` (same types) in `order`. @internal */
export function cmpRows(
  a: readonly Col[],
  i: number,
  b: readonly Col[],
  j: number,
  o: Order,
): number {
  for (let k = 0; k < a.length; k++) {
    const pa = present(a[k], i);
    const pb = present(b[k], j);
    if (!pa || !pb) {
      if (pa === pb) continue;
      return (pa ? -1 : 1) * (o.naLast ? 1 : -1);
    }
    const d = cmpValue(a[k], i, b[k], j);
    if (d !== 0) return o.ascending[k] ? d : -d;
  }
  return 0;
}

/** Sorts row ids `idx` by `key[id]`, stably (insertion-sorted runs, then bottom-up merges). */
function mergeSortBy(idx: Int32Array, key: Float64Array): void {
  const n = idx.length;
  let src: Int32Array = idx;
  let dst: Int32Array = new Int32Array(n);
  const RUN = 32;
  for (let lo = 0; lo < n; lo += RUN) {
    const hi = Math.min(lo + RUN, n);
    for (let i = lo + 1; i < hi; i++) {
      const x = src[i];
      const kx = key[x];
      let j = i - 1;
      while (j >= lo && key[src[j]] > kx) {
        src[j + 1] = src[j];
        j--;
      }
      src[j + 1] = x;
    }
  }
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) dst[k++] = key[src[i]] <= key[src[j]] ? src[i++] : src[j++];
      while (i < mid) dst[k++] = src[i++];
      while (j < hi) dst[k++] = src[j++];
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src !== idx) idx.set(src);
}

/** The stable order of one numeric column: a merge sort over the values, nulls (and NaN) apart. */
function numericOrder(
  c: Exclude<Col, { type: 'utf8' }>,
  n: number,
  asc: boolean,
  naLast: boolean,
): Int32Array {
  const key = new Float64Array(n);
  let present = 0;
  for (let i = 0; i < n; i++) if (isPresent(c, i)) present++;
  const idx = new Int32Array(present);
  const nul = new Int32Array(n - present);
  for (let i = 0, p = 0, q = 0; i < n; i++) {
    if (isPresent(c, i)) {
      idx[p++] = i;
      key[i] = asc ? c.values[i] : -c.values[i];
    } else nul[q++] = i;
  }
  mergeSortBy(idx, key);
  const out = new Int32Array(n);
  out.set(naLast ? idx : nul, 0);
  out.set(naLast ? nul : idx, naLast ? present : nul.length);
  return out;
}

const isPresent = (c: Col, i: number): boolean => present(c, i);

/** The stable sorted order of rows. @internal */
export function sortOrder(keys: readonly Col[], n: number, o: Order): Int32Array {
  if (keys.length === 1 && keys[0].type !== 'utf8')
    return numericOrder(keys[0], n, o.ascending[0], o.naLast);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  return order.sort((x, y) => cmpRows(keys, x, keys, y, o) || x - y);
}

function sortTable(t: Table, o: Order): Table {
  const cols = colsOf(t);
  const order = sortOrder(
    o.by.map((b) => cols.get(b)!),
    t.numRows,
    o,
  );
  const out = new Map<string, Col>();
  for (const [name, c] of cols) out.set(name, take(c, order));
  return tableOf(out);
}

function concatAll(tables: readonly Table[]): Map<string, Col> {
  const all = tables.map(colsOf);
  const out = new Map<string, Col>();
  for (const name of all[0]?.keys() ?? []) {
    const cs = all.map((m) => m.get(name)!);
    out.set(name, concatCols(cs, cs[0].type));
  }
  return out;
}

function headOf(cols: ReadonlyMap<string, Col>, idx: Int32Array): Table {
  const out = new Map<string, Col>();
  for (const [name, c] of cols) out.set(name, take(c, idx));
  return tableOf(out);
}

/** The kernels of this file. @internal */
export const sortKernels = {
  /** A partition sorted (stable). */
  sortLocal: (t: Table, o: Order): Table => sortTable(t, o),
  /** Pieces concatenated, then sorted (an output range of sortValues). */
  concatSort: (
    o: Order,
    names: readonly string[],
    types: readonly DType[],
    ...parts: Table[]
  ): Table => sortTable(concatTables(parts, names, types), o),
  /** Up to `k` key rows of a partition, at evenly spaced positions. */
  sortSample: (t: Table, o: Order, k: number): Table => {
    // Rows at evenly spaced positions (no need to sort the whole partition to sample it).
    const cols = colsOf(t);
    const n = t.numRows;
    const m = Math.min(k, n);
    const idx = Int32Array.from({ length: m }, (_, i) => Math.floor(((i + 0.5) * n) / m));
    return headOf(new Map(o.by.map((b) => [b, cols.get(b)!])), idx);
  },
  /** `n - 1` boundary key rows: quantiles of all the samples. */
  sortBounds: (o: Order, n: number, ...samples: Table[]): Table => {
    const cols = concatAll(samples);
    const keys = o.by.map((b) => cols.get(b)!);
    const len = keys[0]?.length ?? 0;
    const order = sortOrder(keys, len, o);
    const idx =
      len === 0
        ? new Int32Array(0)
        : Int32Array.from(
            { length: n - 1 },
            (_, j) => order[Math.min(len - 1, Math.floor(((j + 1) * len) / n))],
          );
    return headOf(new Map(o.by.map((b, j) => [b, keys[j]])), idx);
  },
  /** A partition cut into `bounds.numRows + 1` ranges (a row equal to a boundary goes below it). */
  rangeSplit: (t: Table, o: Order, bounds: Table, n: number): Table[] => {
    const cols = colsOf(t);
    const keys = o.by.map((b) => cols.get(b)!);
    const bc = colsOf(bounds);
    const bk = o.by.map((b) => bc.get(b)!);
    const nb = bounds.numRows;
    const piece = new Int32Array(t.numRows);
    for (let i = 0; i < piece.length; i++) {
      // The number of boundaries strictly below the row (binary search: bounds are sorted).
      let lo = 0;
      let hi = nb;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cmpRows(bk, mid, keys, i, o) < 0) lo = mid + 1;
        else hi = mid;
      }
      piece[i] = lo;
    }
    return splitByIndex(cols, groupRows(piece, n));
  },
  /** The first `n` rows in `o` of the tables together. */
  topN: (n: number, o: Order, ...tables: Table[]): Table => {
    const cols = concatAll(tables);
    const keys = o.by.map((b) => cols.get(b)!);
    const order = sortOrder(keys, keys[0]?.length ?? 0, o);
    return headOf(cols, order.subarray(0, Math.min(n, order.length)));
  },
  /** Rows whose `subset` values appear for the first (or last) time. */
  dedupe: (t: Table, subset: readonly string[], keepLast: boolean): Table => {
    const cols = colsOf(t);
    const n = t.numRows;
    const keys = subset.map((s) => cols.get(s)!);
    // Nulls are equal to nulls here (as pandas): group them with a stand-in id.
    const { ids, firsts } = groupIdsWithNulls(keys, n);
    let idx: Int32Array;
    if (!keepLast) idx = firsts.slice().sort();
    else {
      const last = new Int32Array(firsts.length);
      for (let i = 0; i < n; i++) last[ids[i]] = i;
      idx = last.sort();
    }
    return headOf(cols, idx);
  },
  /** A partition cut into `k` near-equal pieces. */
  splitEven: (t: Table, k: number): Table[] => {
    const n = t.numRows;
    const piece = new Int32Array(n);
    for (let i = 0; i < n; i++) piece[i] = Math.floor((i * k) / n);
    return splitByIndex(colsOf(t), groupRows(piece, k));
  },
};

/** Group ids where a null key is a value of its own (groupIds drops such rows). */
function groupIdsWithNulls(
  keys: readonly Col[],
  n: number,
): { ids: Int32Array; firsts: Int32Array } {
  // Replace each key by (isNull, value-or-zero) so nulls compare equal to each other.
  const wide: Col[] = [];
  for (const c of keys) {
    const flag = new Uint8Array(n);
    for (let i = 0; i < n; i++) flag[i] = present(c, i) ? 0 : 1;
    wide.push({ type: 'bool', length: n, values: flag });
    if (c.valid === undefined && c.type !== 'float64') wide.push(c);
    else if (c.type === 'utf8') {
      wide.push({ ...c, valid: undefined });
    } else {
      const v = c.values;
      const values = new (v.constructor as new (n: number) => typeof v)(n);
      for (let i = 0; i < n; i++) values[i] = flag[i] ? 0 : v[i];
      wide.push({ ...c, length: n, values, valid: undefined } as Col);
    }
  }
  return groupIds(wide, n);
}

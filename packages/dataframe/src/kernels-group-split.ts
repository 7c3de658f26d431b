// Kernels of the pre-aggregating groupby shuffle (groupby-shuffle.ts builds the graph): each input
// partition is grouped first (a partial: one row per group and its running statistics), and the
// partial, not the rows, is split into `n` pieces by the hash of its keys, so each group's pieces
// meet in one output, which combines and finishes them. Policy: the pieces follow the hash shuffle's
// partitioning (kernels-shuffle.ts `piecesOf`), so a partial's groups and its nunique pairs and
// median samples (whose first columns are the keys) land alike; with few groups per partition the
// pieces are tiny, and with many they are no larger than the rows they stand for. The range
// groupby (groupby-range.ts) splits partials the same way, by key ranges instead of the hash.
import type { Table } from 'apache-arrow';
import { colsOf, type Col } from './columns.js';
import { groupPartial, type GroupNeeds, type GroupState } from './kernels-agg.js';
import type { Acc } from './kernels-group-acc.js';
import { groupRows, piecesOf } from './kernels-shuffle.js';
import { take } from './take.js';

const gather = (a: Float64Array, idx: Int32Array): Float64Array => {
  const out = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = a[idx[i]];
  return out;
};

/**
 * A statistic of `g` groups cut to rows `idx` (one not kept stays empty: a fresh empty array, as a
 * view would carry its whole buffer to the next thread).
 */
const cut = (a: Float64Array, g: number, idx: Int32Array): Float64Array =>
  a.length === g && g > 0 ? gather(a, idx) : new Float64Array(0);

/** Rows of columns whose first `nk` are keys, split into `n` pieces by those keys. */
function splitRows(cols: readonly Col[], nk: number, n: number, pieceOf: PieceOf): Col[][] {
  const rows = cols[0]?.length ?? 0;
  const parts = groupRows(pieceOf(cols.slice(0, nk), rows, n), n);
  return parts.map((idx) => cols.map((c) => take(c, idx)));
}

/** The piece of each of `rows` rows of key columns (a hash of the keys, or key ranges). */
type PieceOf = (keys: readonly Col[], rows: number, n: number) => Int32Array;

/**
 * Splits a groupby partial into `n` by its `nk` key columns: by their hash, or by `pieceOf`.
 * @internal
 */
export function splitState(s: GroupState, n: number, pieceOf: PieceOf = piecesOf): GroupState[] {
  const nk = s.keys.length;
  const g = s.size.length;
  let counted = false;
  for (let i = 0; i < g && !counted; i++) counted = s.size[i] !== 0;
  const parts = groupRows(pieceOf(s.keys, g, n), n);
  const pieces = (rec: Record<string, Col[]>): Record<string, Col[]>[] => {
    const out: Record<string, Col[]>[] = parts.map(() => ({}));
    for (const [name, cols] of Object.entries(rec))
      splitRows(cols, nk, n, pieceOf).forEach((p, j) => (out[j][name] = p));
    return out;
  };
  const pairs = pieces(s.pairs);
  const samples = pieces(s.samples);
  return parts.map((idx, j) => {
    const accs: Record<string, Acc> = {};
    for (const [name, a] of Object.entries(s.accs))
      accs[name] = {
        count: cut(a.count, g, idx),
        sum: cut(a.sum, g, idx),
        min: cut(a.min, g, idx),
        max: cut(a.max, g, idx),
        m2: cut(a.m2, g, idx),
      };
    const each = (rec: Record<string, Col>): Record<string, Col> =>
      Object.fromEntries(Object.entries(rec).map(([k, c]) => [k, take(c, idx)]));
    return {
      keys: s.keys.map((c) => take(c, idx)),
      // Sizes that were not counted (no `size` output) are zeros: fresh zeros, not gathered.
      size: counted ? gather(s.size, idx) : new Float64Array(idx.length),
      accs,
      first: each(s.first),
      last: each(s.last),
      pairs: pairs[j],
      samples: samples[j],
    };
  });
}

/** The kernels of this file. @internal */
export const groupSplitKernels = {
  /** Groups a partition and splits the partial into `n` pieces by the hash of the keys. */
  groupSplit: (
    t: Table,
    keys: readonly string[],
    values: readonly string[],
    needs: GroupNeeds,
    n: number,
  ): GroupState[] => {
    const cols = colsOf(t);
    const state = groupPartial(
      keys.map((k) => cols.get(k)!),
      new Map(values.map((v) => [v, cols.get(v)!])),
      t.numRows,
      needs,
    );
    return splitState(state, n);
  },
  /**
   * Groups a partition and splits the partial by one int key into the ranges starting at
   * `bounds` (ascending: piece p holds the keys in [bounds[p], bounds[p + 1])).
   */
  groupSplitRange: (
    t: Table,
    keys: readonly string[],
    values: readonly string[],
    needs: GroupNeeds,
    bounds: readonly number[],
  ): GroupState[] => {
    const cols = colsOf(t);
    const state = groupPartial(
      keys.map((k) => cols.get(k)!),
      new Map(values.map((v) => [v, cols.get(v)!])),
      t.numRows,
      needs,
    );
    return splitState(state, bounds.length, (kc, rows) => rangePieces(kc[0], rows, bounds));
  },
};

/** The range (of those starting at `bounds`) of each of `rows` values of an int key. */
function rangePieces(c: Col, rows: number, bounds: readonly number[]): Int32Array {
  const out = new Int32Array(rows);
  if (bounds.length === 1 || c.type === 'utf8') return out;
  const v = c.values;
  for (let i = 0; i < rows; i++) {
    const x = v[i];
    let p = 0;
    while (p + 1 < bounds.length && bounds[p + 1] <= x) p++;
    out[i] = p;
  }
  return out;
}

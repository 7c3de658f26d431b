// Kernels of the in-memory hash shuffle (shuffle.ts builds the graph): a partition is split into
// `n` pieces by a hash of its key columns, piece j of every input partition goes to output j, and
// an output concatenates its pieces in input order. The partition number comes from the high bits
// of a remixed row hash, so the rows of one output do not share the low bits the groupby hash
// table probes with.
import type { Table } from 'apache-arrow';
import { colsOf, concatCols, emptyCol, tableOf, type Col } from './columns.js';
import type { DType } from './dtypes.js';
import { hashRow } from './kernels-agg.js';
import { take } from './take.js';

/** Output partition (of `n`) of row `i` of the key columns. @internal */
export function partitionOf(keys: readonly Col[], i: number, n: number): number {
  return spread(hashRow(keys, i), n);
}

/** A row hash remixed, its high bits picking one of `n` partitions. */
function spread(h: number, n: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return Math.floor(((h >>> 0) / 4294967296) * n);
}

/**
 * The output partition of each of `rows` rows. One int32 / date32 key without nulls (join and
 * group keys, mostly) has a loop of its own that computes `hashRow`'s value inline. @internal
 */
export function piecesOf(kc: readonly Col[], rows: number, n: number): Int32Array {
  const piece = new Int32Array(rows);
  const k = kc[0];
  if (kc.length === 1 && (k.type === 'int32' || k.type === 'date32') && k.valid === undefined) {
    const v = k.values;
    const h0 = 0x811c9dc5 | 0;
    for (let i = 0; i < rows; i++)
      piece[i] = spread(Math.imul(h0 ^ Math.imul(v[i], 0x27d4eb2d), 16777619) ^ (h0 >>> 15), n);
    return piece;
  }
  for (let i = 0; i < rows; i++) piece[i] = partitionOf(kc, i, n);
  return piece;
}

/** Splits columns into pieces by row index lists. @internal */
export function splitByIndex(cols: ReadonlyMap<string, Col>, parts: Int32Array[]): Table[] {
  return parts.map((idx) => {
    const out = new Map<string, Col>();
    for (const [name, c] of cols) out.set(name, take(c, idx));
    return tableOf(out);
  });
}

/** Row indices per piece, from a piece number per row. @internal */
export function groupRows(piece: Int32Array, n: number): Int32Array[] {
  const counts = new Int32Array(n);
  for (let i = 0; i < piece.length; i++) counts[piece[i]]++;
  const parts = Array.from({ length: n }, (_, j) => new Int32Array(counts[j]));
  const fill = new Int32Array(n);
  for (let i = 0; i < piece.length; i++) parts[piece[i]][fill[piece[i]]++] = i;
  return parts;
}

/** Tables (of one schema) concatenated in order; `types` shapes the result when there are none. @internal */
export function concatTables(
  parts: readonly Table[],
  names: readonly string[],
  types: readonly DType[],
): Table {
  const all = parts.map(colsOf);
  const out = new Map<string, Col>();
  names.forEach((name, k) => {
    const cs = all.map((m) => m.get(name)!).filter((c) => c.length > 0);
    out.set(name, cs.length === 0 ? emptyCol(types[k]) : concatCols(cs, types[k]));
  });
  return tableOf(out);
}

/** The kernels of this file. @internal */
export const shuffleKernels = {
  /** Splits a partition into `n` pieces by the hash of its key columns. */
  hashSplit: (t: Table, keys: readonly string[], n: number): Table[] => {
    const cols = colsOf(t);
    const kc = keys.map((k) => cols.get(k)!);
    return splitByIndex(cols, groupRows(piecesOf(kc, t.numRows, n), n));
  },
  /** Piece `j` of a split. */
  piece: (pieces: readonly Table[], j: number): Table => pieces[j],
  /** Tables concatenated in order (one schema, given by names and types). */
  concatPieces: (names: readonly string[], types: readonly DType[], ...parts: Table[]): Table =>
    concatTables(parts, names, types),
};

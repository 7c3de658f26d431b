// The kernels of the array interop (array-interop.ts), in a module of their own so workers load
// them by reference: a partition's numeric columns as one row-major float64 block, and a block of
// rows as a partition's columns.
import { tableFromArrays, type Table } from 'apache-arrow';
import { defineKernels } from '@dask-ts/graph/kernels';

/** The number of rows of a partition. */
function rowCount(t: Table): number {
  return t.numRows;
}

/** Columns `names` of `t` as a row-major Float64Array (nulls are NaN). */
function tableToMatrix(t: Table, names: readonly string[]): Float64Array {
  const rows = t.numRows;
  const n = names.length;
  const out = new Float64Array(rows * n);
  for (let j = 0; j < n; j++) {
    const col = t.getChild(names[j]);
    if (col === null) throw new Error(`toDaskArray: a partition has no column '${names[j]}'`);
    if (col.nullCount === 0) {
      const values = col.toArray() as ArrayLike<number>;
      for (let i = 0; i < rows; i++) out[i * n + j] = Number(values[i]);
    } else {
      for (let i = 0; i < rows; i++) {
        const v = col.get(i) as number | boolean | null;
        out[i * n + j] = v === null ? NaN : Number(v);
      }
    }
  }
  return out;
}

/** A block of rows (a 1-d or 2-d ndarray, compact) as a partition with columns `names`. */
function matrixToTable(
  block: { readonly data: ArrayLike<number>; readonly shape: readonly number[] },
  names: readonly string[],
): Table {
  const rows = block.shape[0] ?? 0;
  const n = block.shape.length === 1 ? 1 : (block.shape[1] ?? 0);
  const cols: Record<string, Float64Array | Int32Array> = {};
  const isInt = block.data instanceof Int32Array;
  for (let j = 0; j < n; j++) {
    const c = isInt ? new Int32Array(rows) : new Float64Array(rows);
    for (let i = 0; i < rows; i++) c[i] = Number(block.data[i * n + j]);
    cols[names[j]] = c;
  }
  return tableFromArrays(cols);
}

/**
 * The interop kernels and their references.
 *
 * @example
 * arrayKernels.ref('rowCount');
 */
export const arrayKernels = defineKernels('dataframe-array', import.meta.url, {
  rowCount,
  tableToMatrix,
  matrixToTable,
});

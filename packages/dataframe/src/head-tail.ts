// `head` and `tail`: a one-partition dataframe of the first (last) rows, reading only the first
// (last) partitions, as Dask's do; `head` warns (`DASK_TS_SHORT_HEAD`) when those hold too few.
// The head of a sortValues result is the first rows of the whole order, however many partitions
// were asked for: a top-n of the sort's input (sort.ts), which needs no exchange.
import { tokenize } from '@dask-ts/graph';
import type { DataFrame } from './frame.js';
import { kernels } from './kernels.js';
import { NamedLayer, partKey, partRef } from './layers.js';
import { sortedHead } from './sort.js';

/** The first `n` rows of the first `asked` partitions (-1: all). @internal */
export function headFrame(df: DataFrame, n: number, asked: number): DataFrame {
  const top = sortedHead(df, n);
  if (top !== undefined) return top;
  const k = asked === -1 ? df.npartitions : Math.min(df.npartitions, Math.max(1, asked));
  const name = `head-${tokenize(df.layer.name, n, k)}`;
  const input = df.layer;
  const refs = Array.from({ length: k }, (_, i) => partRef(input, i));
  const layer = new NamedLayer(
    name,
    [input],
    () => [[partKey(name, 0), kernels.task('headOf', [n, df.npartitions, ...refs])]],
    `head(${n}) of ${k} partition(s)`,
  );
  return df.derive(layer, 1, df.schema);
}

/** The last `n` rows of the last `asked` partitions. @internal */
export function tailFrame(df: DataFrame, n: number, asked: number): DataFrame {
  const k = Math.min(df.npartitions, Math.max(1, asked));
  const name = `tail-${tokenize(df.layer.name, n, k)}`;
  const input = df.layer;
  const refs = Array.from({ length: k }, (_, i) => partRef(input, df.npartitions - k + i));
  const layer = new NamedLayer(
    name,
    [input],
    () => [[partKey(name, 0), kernels.task('tail', [n, ...refs])]],
    `tail(${n}) of ${k} partition(s)`,
  );
  return df.derive(layer, 1, df.schema);
}

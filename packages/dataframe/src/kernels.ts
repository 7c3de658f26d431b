// The dataframe kernels, registered as builtins `dataframe.<name>`: what tasks call, in the calling
// thread or in workers (which import this module by its URL). Partitions are Arrow tables with one
// record batch; kernels turn them into typed-array columns (columns.ts), work on those and build a
// table again. Importing this module also registers the Arrow codec (codec.ts), so a worker that
// runs these kernels can receive and send tables.
import { defineKernels } from '@dask-ts/graph/kernels';
import type { Table, Vector } from 'apache-arrow';
import './codec.js';
import { colsOf, tableOf, vectorOfCol, emptyCol, concatCols, type Col } from './columns.js';
import type { DType } from './dtypes.js';
import { applySteps, slice, type Step } from './steps.js';
import { take } from './take.js';
import { parseRows, readBlock } from './csv-parse.js';
import { readLines, type StorageOptions } from '@dask-ts/graph/fs';
import { isS3 } from '@dask-ts/graph/fs';
import {
  columnAccs,
  combineColumnAccs,
  countPairs,
  medianRows,
  finishAgg,
  groupCombine,
  groupPartial,
  type AggName,
  type GroupNeeds,
  type GroupState,
} from './kernels-agg.js';
import type { Acc } from './kernels-group-acc.js';
import { mapKernels } from './kernels-map.js';
import { sortedGroups } from './kernels-group-sort.js';
import { castCol } from './kernels-ops.js';
import { catKernels } from './kernels-cat.js';
import { indexKernels } from './kernels-index.js';
import { sketchKernels } from './kernels-sketch.js';
import { spillKernels } from './kernels-spill.js';
import { shuffleKernels } from './kernels-shuffle.js';
import { describeKernels } from './kernels-describe.js';
import { sortKernels } from './kernels-sort.js';
import { joinKernels } from './kernels-join.js';
import { rangeJoinKernels } from './kernels-join-range.js';
import { scalarStepKernels } from './kernels-scalar.js';
import { groupSplitKernels } from './kernels-group-split.js';
import { windowKernels } from './kernels-window.js';

/** One CSV block to read: a file's byte range and what to parse from it. @internal */
export interface CsvBlock {
  readonly path: string;
  readonly start: number;
  readonly end: number;
  /** Whether the block starts the file and the file has a header row to skip. */
  readonly header: boolean;
  /** All the file's column names, in file order. */
  readonly fileColumns: readonly string[];
  /** The columns to parse (in file order) and their types. */
  readonly usecols: readonly string[];
  readonly types: readonly DType[];
  /** How to reach an `s3://` path. */
  readonly storageOptions?: StorageOptions;
}

/**
 * One output column of a groupby: source column, aggregation, output name, and the output type
 * when it is not float64 (the min / max of dates). @internal
 */
export type GroupOut = readonly [string, AggName, string, DType?, number?];

/** Reads one CSV block (the `readCsv` kernel). @internal */
export function readCsvBlock(
  block: CsvBlock,
  steps: readonly Step[],
  out: readonly string[],
): Table {
  const [bytes, begin0, limit] = isS3(block.path)
    ? readLines(block.path, block.start, block.end, block.storageOptions)
    : readBlock(block.path, block.start, block.end);
  let begin = begin0;
  if (block.header && block.start === 0) {
    // Skip the header row.
    const nl = bytes.indexOf(10);
    begin = nl < 0 ? bytes.length : nl + 1;
  }
  const slot = new Map(block.usecols.map((c, i) => [c, i]));
  const parsed = parseRows(bytes, begin, limit, {
    ncols: block.fileColumns.length,
    slots: block.fileColumns.map((c) => slot.get(c) ?? -1),
    names: block.usecols,
    types: block.types,
    where: `readCsv ${block.path} [${block.start}, ${block.end})`,
  });
  const map = new Map<string, Col>(block.usecols.map((c, i) => [c, parsed[i]]));
  const cols = steps.length === 0 ? map : applySteps(map, steps);
  // Projection pushdown may have left columns out of their schema's order: put them back.
  if ([...cols.keys()].join('\0') === out.join('\0')) return tableOf(cols);
  return tableOf(applySteps(cols, [{ op: 'select', cols: out }]));
}

function concatTables(parts: readonly Table[]): Map<string, Col> {
  const all = parts.map(colsOf);
  const out = new Map<string, Col>();
  for (const name of all[0]?.keys() ?? []) {
    const cs = all.map((m) => m.get(name)!);
    out.set(name, concatCols(cs, cs[0].type));
  }
  return out;
}

/** Partitions (a list) as one table. @internal */
export function concatParts(parts: readonly Table[]): Table {
  return parts.length === 1 ? parts[0] : tableOf(concatTables(parts));
}

/** The column of one-column partitions (a list), as one Arrow vector. @internal */
export function seriesOfParts(parts: readonly Table[]): Vector {
  const c = [...concatTables(parts).values()][0] ?? emptyCol('float64');
  return vectorOfCol(c);
}

function accsOf(t: Table): Record<string, Acc> {
  return columnAccs(colsOf(t));
}

/** Groups one partition (a groupby partial). */
function groupPartialK(
  t: Table,
  keys: readonly string[],
  values: readonly string[],
  needs?: GroupNeeds,
): GroupState {
  const cols = colsOf(t);
  return groupPartial(
    keys.map((k) => cols.get(k)!),
    new Map(values.map((v) => [v, cols.get(v)!])),
    t.numRows,
    needs,
  );
}

/** Float64 values as a column, NaN as null. */
function floatOut(values: Float64Array): Col {
  let valid: Uint8Array | undefined;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isNaN(values[i])) continue;
    valid ??= new Uint8Array((values.length + 7) >> 3).fill(0xff);
    valid[i >> 3] &= ~(1 << (i & 7));
  }
  return { type: 'float64', length: values.length, values, valid };
}

/** Finishes a groupby: key columns (sorted) then one column per output. */
function groupFinalK(
  keys: readonly string[],
  outs: readonly GroupOut[],
  ...states: GroupState[]
): Table {
  const s = groupCombine(states);
  const order = keys.length === 0 ? Int32Array.from(s.size, (_, i) => i) : sortedGroups(s.keys);
  const cols = new Map<string, Col>();
  keys.forEach((k, i) => cols.set(k, take(s.keys[i], order)));
  const counts = (c: ArrayLike<number>): Col => {
    const values = new Int32Array(order.length);
    for (let i = 0; i < order.length; i++) values[i] = c[order[i]]!;
    return { type: 'int32', length: order.length, values };
  };
  for (const [src, how, name, type, q] of outs) {
    const acc = s.accs[src];
    const n = order.length;
    if (how === 'count') {
      cols.set(name, counts(acc.count));
      continue;
    }
    if (how === 'size') {
      cols.set(name, counts(s.size));
      continue;
    }
    if (how === 'median' || how === 'quantile') {
      const m = medianRows(s.keys, s.size.length, s.samples[src], q ?? 0.5);
      cols.set(name, floatOut(Float64Array.from(order, (g) => m[g])));
      continue;
    }
    if (how === 'nunique') {
      cols.set(name, counts(countPairs(s.keys, s.size.length, s.pairs[src])));
      continue;
    }
    if (how === 'first' || how === 'last') {
      cols.set(name, take(s[how][src], order));
      continue;
    }
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = finishAgg(acc, order[i], how);
    cols.set(name, type === undefined ? floatOut(values) : castCol(floatOut(values), type));
  }
  return tableOf(cols);
}

/**
 * The dataframe kernels and their references.
 *
 * @example
 * kernels.task('pipe', [{ $ref: '["from-columns-1",0]' }, [{ op: 'select', cols: ['a'] }]]);
 */
export const kernels = defineKernels('dataframe', import.meta.url, {
  readCsv: readCsvBlock,
  pipe: (t: Table, steps: readonly Step[]): Table =>
    tableOf(applySteps(colsOf(t), steps, t.numRows)),
  /** The first `n` rows of the partitions, in order. */
  head: (n: number, ...parts: Table[]): Table => {
    const cols = concatTables(parts);
    const out = new Map<string, Col>();
    for (const [name, c] of cols) out.set(name, slice(c, n));
    return tableOf(out);
  },
  /**
   * `head`'s kernel: the first `n` rows of the partitions read, in order; when they hold fewer
   * and the frame has more partitions (`total`), a warning says so and how to read them all.
   */
  headOf: (n: number, total: number, ...parts: Table[]): Table => {
    const cols = concatTables(parts);
    const out = new Map<string, Col>();
    let rows = 0;
    for (const [name, c] of cols) {
      out.set(name, slice(c, n));
      rows = Math.min(n, c.length);
    }
    if (rows < n && total > parts.length) {
      process.emitWarning(
        `head(${n}) found only ${rows} rows in the first ${parts.length} of ${total} partitions; pass { npartitions: -1 } (all) or a larger npartitions to read on`,
        { code: 'DASK_TS_SHORT_HEAD' },
      );
    }
    return tableOf(out);
  },
  /** The last `n` rows of the partitions, in order. */
  tail: (n: number, ...parts: Table[]): Table => {
    const cols = concatTables(parts);
    const out = new Map<string, Col>();
    for (const [name, c] of cols) {
      const from = Math.max(0, c.length - n);
      out.set(
        name,
        take(
          c,
          Int32Array.from({ length: c.length - from }, (_, i) => from + i),
        ),
      );
    }
    return tableOf(out);
  },
  concatList: concatParts,
  seriesList: seriesOfParts,
  firstOf: (values: readonly unknown[]): unknown => values[0],
  /** Values as a record under `names`. */
  recordOf: (names: readonly string[], ...values: unknown[]): Record<string, unknown> =>
    Object.fromEntries(names.map((n, i) => [n, values[i]])),
  aggPartial: accsOf,
  aggCombine: (...states: Record<string, Acc>[]): Record<string, Acc> => combineColumnAccs(states),
  /** Finishes whole-column aggregates: a record of numbers, or one number for a series. */
  aggFinal: (
    how: AggName,
    series: boolean,
    ...states: Record<string, Acc>[]
  ): number | Record<string, number> => {
    const acc = combineColumnAccs(states);
    const out: Record<string, number> = {};
    for (const [name, a] of Object.entries(acc)) out[name] = finishAgg(a, 0, how);
    return series ? (Object.values(out)[0] ?? NaN) : out;
  },
  groupPartial: groupPartialK,
  groupCombine: (...states: GroupState[]): GroupState => groupCombine(states),
  groupFinal: groupFinalK,
  /** A whole groupby on one partition (after a shuffle on the keys). */
  groupLocal: (
    t: Table,
    keys: readonly string[],
    values: readonly string[],
    needs: GroupNeeds,
    outs: readonly GroupOut[],
  ): Table => groupFinalK(keys, outs, groupPartialK(t, keys, values, needs)),
  /** Row 0 of a one-row table as a record (`fallback` per column when the table is empty). */
  record: (
    t: Table,
    fallback: Readonly<Record<string, number | null>>,
  ): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const f of t.schema.fields) {
      const v: unknown = t.numRows === 0 ? undefined : t.getChild(f.name)?.get(0);
      out[f.name] = v ?? fallback[f.name] ?? null;
    }
    return out;
  },
  ...mapKernels,
  ...shuffleKernels,
  ...describeKernels,
  ...sortKernels,
  ...joinKernels,
  ...rangeJoinKernels,
  ...scalarStepKernels,
  ...windowKernels,
  ...catKernels,
  ...indexKernels,
  ...sketchKernels,
  ...spillKernels,
  ...groupSplitKernels,
});

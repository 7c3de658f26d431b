// Sorted indexes and divisions, as Dask's: `setIndex(col)` samples the column (each partition's
// exact minimum and maximum included), picks divisions at the samples' quantiles (one small
// compute, as Dask's set_index does eagerly), then cuts every partition at the divisions and sorts
// each range locally, so partition i holds the index values in [divisions[i], divisions[i + 1])
// (the last one closed) and rows with a null index sit in the last partition. With divisions known,
// `loc` reads only the partitions that can hold its labels, `repartition({ divisions })` moves rows
// only between neighbouring partitions, and a merge on the indexes of two such frames aligns their
// partitions instead of shuffling them. Row-wise steps keep the index (frame.ts), other operations
// drop it.
import { tokenize, type GraphComputeOptions } from '@dask-ts/graph';
import type { LayerNodes } from '@dask-ts/graph';
import type { DType } from './dtypes.js';
import { typeOf } from './dtypes.js';
import type { DataFrame } from './frame.js';
import { kernels } from './kernels.js';
import { cmpIndex } from './kernels-index.js';
import type { IndexValue } from './dtypes.js';
import { parseDateText } from './kernels-dt.js';
import type { Order } from './kernels-sort.js';
import { NamedLayer, partKey, partRef } from './layers.js';
import { Scalar } from './scalar.js';
import { exchangeLayer, exchangeOutputs } from './shuffle-disk.js';
import type { Step } from './steps.js';

export type { IndexValue };

/**
 * A dataframe's sorted index: the column that orders its partitions, and their divisions when
 * known (`npartitions + 1` values; numbers, dates and timestamps as milliseconds, or strings).
 *
 * @example
 * const ix: FrameIndex = { name: 'id', divisions: [0, 500, 999] };
 */
export interface FrameIndex {
  readonly name: string;
  readonly divisions?: readonly IndexValue[];
}

/**
 * Options of `setIndex`: explicit `divisions`, or how many partitions to aim for (default: as many
 * as now), plus the options of the small compute that samples the column.
 *
 * @example
 * const o: SetIndexOptions = { npartitions: 8, scheduler: 'sync' };
 */
export interface SetIndexOptions extends GraphComputeOptions {
  readonly divisions?: readonly IndexValue[];
  readonly npartitions?: number;
}

/**
 * A label range for `loc`: rows whose index is within [from, to] (both included, as pandas'
 * label slices); a missing end is open.
 *
 * @example
 * const r: LocRange = { from: '2024-01-01', to: '2024-01-31' };
 */
export interface LocRange {
  readonly from?: IndexValue | Date;
  readonly to?: IndexValue | Date;
}

const INDEXABLE = new Set<DType>(['float64', 'int32', 'utf8', 'date32', 'timestamp', 'category']);

function checkIndexColumn(frame: DataFrame, name: string, where: string): DType {
  const t = typeOf(frame.schema, name, where);
  if (!INDEXABLE.has(t))
    throw new TypeError(`${where}: column '${name}' (${t}) cannot be an index`);
  return t;
}

/** A label as a division value for a column of type `t` (dates as milliseconds). */
function labelOf(v: unknown, t: DType, where: string): IndexValue {
  if (t === 'date32' || t === 'timestamp') {
    if (v instanceof Date) return v.getTime();
    if (typeof v === 'string') {
      const ms = parseDateText(v);
      if (Number.isNaN(ms)) throw new TypeError(`${where}: ${JSON.stringify(v)} is not a date`);
      return ms;
    }
  }
  if ((t === 'utf8' || t === 'category') && typeof v === 'string') return v;
  if (typeof v === 'number' && t !== 'utf8' && t !== 'category') return v;
  throw new TypeError(
    `${where}: the label ${JSON.stringify(v)} does not fit an index of type ${t}`,
  );
}

function checkDivisions(divs: readonly IndexValue[], t: DType, where: string): IndexValue[] {
  if (!Array.isArray(divs) || divs.length < 2)
    throw new Error(`${where}: divisions need at least two values (one partition's bounds)`);
  const out = divs.map((d) => labelOf(d, t, where));
  for (let i = 1; i < out.length; i++)
    // One partition may have equal bounds (a single value); otherwise they must increase.
    if (cmpIndex(out[i - 1], out[i]) > (out.length === 2 ? 0 : -1))
      throw new Error(
        `${where}: divisions must increase; ${JSON.stringify(out[i - 1])} is followed by ${JSON.stringify(out[i])}`,
      );
  return out;
}

/** Divisions sampled from the column: one small compute. */
async function sampleDivisions(
  frame: DataFrame,
  name: string,
  n: number,
  options: SetIndexOptions,
): Promise<IndexValue[]> {
  const k = Math.max(20, Math.ceil((100 * n) / frame.npartitions));
  const token = `divisions-${tokenize(frame.layer.name, name, n)}`;
  const input = frame.layer;
  const layer = new NamedLayer(
    token,
    [input],
    function* (): LayerNodes {
      for (let i = 0; i < frame.npartitions; i++)
        yield [
          partKey(`${token}-sample`, i),
          kernels.task('indexSample', [partRef(input, i), name, k]),
        ];
      yield [
        token,
        kernels.task('indexDivisions', [
          n,
          ...Array.from({ length: frame.npartitions }, (_, i) => ({
            $ref: partKey(`${token}-sample`, i),
          })),
        ]),
      ];
    },
    `divisions of '${name}' from samples`,
  );
  const { divisions: _d, npartitions: _n, ...computeOptions } = options;
  return new Scalar<IndexValue[]>(layer).compute(computeOptions);
}

/** The frame cut at `divisions` on column `name` and sorted locally (a range shuffle). */
function rangePartition(
  frame: DataFrame,
  name: string,
  divisions: readonly IndexValue[],
): DataFrame {
  const m = frame.npartitions;
  const n = divisions.length - 1;
  const inner = divisions.slice(1, -1);
  const o: Order = { by: [name], ascending: [true], naLast: true };
  const input = frame.layer;
  const out = `set-index-${tokenize(input.name, name, divisions)}`;
  const names = frame.columns;
  const types = frame.schema.map(([, t]) => t);
  const layer = exchangeLayer({
    name: out,
    input,
    m,
    n,
    split: (ref) => kernels.task('indexSplit', [ref, name, inner]),
    sort: o,
    names,
    types,
    text: `setIndex(${name}): cut into ${n} partitions at divisions, sorted per partition`,
  });
  return frame.derive(layer, n, frame.schema).withIndex({ name, divisions: [...divisions] });
}

/** `df.setIndex(name, options)`. @internal */
export async function setIndex(
  frame: DataFrame,
  name: string,
  options: SetIndexOptions = {},
): Promise<DataFrame> {
  const where = 'DataFrame.setIndex';
  const t = checkIndexColumn(frame, name, where);
  if (options.divisions !== undefined)
    return rangePartition(frame, name, checkDivisions(options.divisions, t, where));
  const n = options.npartitions ?? exchangeOutputs(frame.npartitions);
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`${where}: npartitions must be a positive integer, got ${String(n)}`);
  const divisions = await sampleDivisions(frame, name, n, options);
  // No value at all: one partition with unknown divisions.
  if (divisions.length === 0) return rangePartition(frame, name, [0, 0]).withIndex({ name });
  return rangePartition(frame, name, divisions);
}

/** Partitions of known divisions that overlap [lo, hi] (closed, null: open). */
function overlapping(
  divs: readonly IndexValue[],
  lo: IndexValue | null,
  hi: IndexValue | null,
): number[] {
  const out: number[] = [];
  const n = divs.length - 1;
  for (let i = 0; i < n; i++) {
    const last = i === n - 1;
    // Partition i holds [divs[i], divs[i+1]) (closed on the right when last).
    if (hi !== null && cmpIndex(divs[i], hi) > 0) continue;
    if (lo !== null && (last ? cmpIndex(divs[i + 1], lo) < 0 : cmpIndex(divs[i + 1], lo) <= 0))
      continue;
    out.push(i);
  }
  return out;
}

/** `df.loc(label)` / `df.loc({ from, to })`. @internal */
export function loc(
  frame: DataFrame,
  key: IndexValue | Date | LocRange,
  ...rest: unknown[]
): DataFrame {
  const where = 'DataFrame.loc';
  // pandas' `.loc[a:b]` written as loc(a, b) would silently give the rows of `a` alone.
  if (rest.length > 0)
    throw new TypeError(
      `${where} takes one label or a range: loc({ from: ${String(key)}, to: ${String(rest[0])} }) for the rows from one label to another (both included)`,
    );
  const ix = frame.index;
  if (ix === undefined)
    throw new Error(`${where}: the dataframe has no index; call setIndex(column) first`);
  const t = typeOf(frame.schema, ix.name, where);
  const range = key !== null && typeof key === 'object' && !(key instanceof Date);
  const lo = range
    ? key.from === undefined
      ? null
      : labelOf(key.from, t, where)
    : labelOf(key, t, where);
  const hi = range ? (key.to === undefined ? null : labelOf(key.to, t, where)) : lo;
  const divs = ix.divisions;
  const parts =
    divs === undefined
      ? Array.from({ length: frame.npartitions }, (_, i) => i)
      : overlapping(divs, lo, hi);
  const input = frame.layer;
  const name = `loc-${tokenize(input.name, lo, hi)}`;
  const chosen = parts.length === 0 ? [Math.max(0, frame.npartitions - 1)] : parts;
  const layer = new NamedLayer(
    name,
    [input],
    function* (): LayerNodes {
      for (let j = 0; j < chosen.length; j++)
        yield [
          partKey(name, j),
          parts.length === 0
            ? kernels.task('head', [0, partRef(input, chosen[j])])
            : kernels.task('indexRange', [partRef(input, chosen[j]), ix.name, lo, hi, true, false]),
        ];
    },
    `loc[${lo === null ? '' : JSON.stringify(lo)}${range ? ':' : ''}${range && hi !== null ? JSON.stringify(hi) : ''}] reads ${parts.length} of ${frame.npartitions} partitions`,
  );
  const newDivs =
    divs === undefined || parts.length === 0
      ? undefined
      : [...parts.map((i) => divs[i]), divs[parts[parts.length - 1] + 1]];
  return frame.derive(layer, chosen.length, frame.schema).withIndex({
    name: ix.name,
    divisions: newDivs,
  });
}

/** `df.repartition({ divisions })`: rows move only between overlapping partitions. @internal */
export function repartitionDivisions(
  frame: DataFrame,
  divisions: readonly IndexValue[],
): DataFrame {
  const where = 'DataFrame.repartition';
  const ix = frame.index;
  if (ix?.divisions === undefined)
    throw new Error(
      `${where}: divisions need a dataframe with known divisions; call setIndex(column) first`,
    );
  const t = typeOf(frame.schema, ix.name, where);
  const to = checkDivisions(divisions, t, where);
  const from = ix.divisions;
  if (cmpIndex(to[0], from[0]) > 0 || cmpIndex(to[to.length - 1], from[from.length - 1]) < 0)
    throw new Error(
      `${where}: the new divisions [${JSON.stringify(to[0])} .. ${JSON.stringify(to[to.length - 1])}] must cover the old ones [${JSON.stringify(from[0])} .. ${JSON.stringify(from[from.length - 1])}]`,
    );
  if (to.length === from.length && to.every((v, i) => cmpIndex(v, from[i]) === 0)) return frame;
  const n = to.length - 1;
  const input = frame.layer;
  const name = `repartition-divisions-${tokenize(input.name, to)}`;
  const names = frame.columns;
  const types = frame.schema.map(([, ty]) => ty);
  const m = from.length - 1;
  const layer = new NamedLayer(
    name,
    [input],
    function* (): LayerNodes {
      for (let j = 0; j < n; j++) {
        const last = j === n - 1;
        const lo = to[j];
        const hi = to[j + 1];
        const srcs = overlapping(from, lo, hi);
        // Rows with a null index live in the last partition, and stay there.
        if (last && !srcs.includes(m - 1)) srcs.push(m - 1);
        const refs = srcs.map((i) => {
          const key = partKey(`${name}-cut`, j * m + i);
          return { key, ref: partRef(input, i) };
        });
        for (const { key, ref } of refs)
          yield [
            key,
            kernels.task('indexRange', [
              ref,
              ix.name,
              j === 0 ? null : lo,
              last ? null : hi,
              false,
              last,
            ]),
          ];
        yield [
          partKey(name, j),
          kernels.task('concatPieces', [names, types, ...refs.map(({ key }) => ({ $ref: key }))]),
        ];
      }
    },
    `repartition to ${n} partitions at divisions (neighbouring partitions only)`,
  );
  return frame.derive(layer, n, frame.schema).withIndex({ name: ix.name, divisions: to });
}

/** The sorted union of two frames' divisions. @internal */
export function unionDivisions(a: readonly IndexValue[], b: readonly IndexValue[]): IndexValue[] {
  const all = [...a, ...b].sort(cmpIndex);
  return all.filter((v, i) => i === 0 || cmpIndex(all[i - 1], v) < 0);
}

/** The index after a row-wise step: kept unless the step drops, renames or rewrites it. @internal */
export function indexAfterStep(ix: FrameIndex | undefined, step: Step): FrameIndex | undefined {
  if (ix === undefined) return undefined;
  switch (step.op) {
    case 'filter':
      return ix;
    case 'select':
      return step.cols.includes(ix.name) ? ix : undefined;
    case 'drop':
      return step.cols.includes(ix.name) ? undefined : ix;
    case 'assign':
      return step.name === ix.name ? undefined : ix;
    case 'rename': {
      const to = step.map.find(([from]) => from === ix.name)?.[1];
      return to === undefined ? ix : { ...ix, name: to };
    }
  }
}

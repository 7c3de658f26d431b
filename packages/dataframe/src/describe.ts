// `describe()`: pandas' summary of the numeric columns as one tree reduction of sorted values
// (kernels-describe.ts), so the quantiles are exact.
import { tokenize } from '@dask-ts/graph';
import { isNumeric } from './dtypes.js';
import type { DataFrame } from './frame.js';
import { kernels } from './kernels.js';
import { NamedLayer, partKey, treeReduce } from './layers.js';
import { Scalar } from './scalar.js';
import { SKETCH_K } from './kernels-sketch.js';

export { checkQs };

/** `df.describe()`. @internal */
export function describeFrame(frame: DataFrame): DataFrame {
  const cols = frame.schema.filter(([, t]) => isNumeric(t)).map(([n]) => n);
  if (cols.length === 0)
    throw new Error(
      `DataFrame.describe: no numeric column among ${frame.columns.map((c) => `'${c}'`).join(', ')}`,
    );
  const input = frame.select(cols);
  const name = `describe-${tokenize(input.layer.name)}`;
  const layer = treeReduce(
    name,
    input.layer,
    input.npartitions,
    (ref) => kernels.task('describePartial', [ref, cols]),
    'describeCombine',
    (refs) => kernels.task('describeFinal', [cols, ...refs]),
    'describe (tree reduction of sorted values)',
  );
  const out = `${name}-out`;
  const wrapped = new NamedLayer(
    out,
    [layer],
    () => [[partKey(out, 0), kernels.task('firstOf', [[{ $ref: name }]])]],
    'describe result',
  );
  return frame.derive(wrapped, 1, [['stat', 'utf8'], ...cols.map((c) => [c, 'float64'] as const)]);
}

/**
 * How quantiles are computed: `'exact'` (every value meets in one task) or `'approx'` (a summary
 * of K + 1 points per partition; the answer's rank is within 1/K = 0.5% of `q`).
 *
 * @example
 * const o: QuantileOptions = { method: 'approx' };
 */
export interface QuantileOptions {
  readonly method?: 'exact' | 'approx';
}

function checkQs(qs: number | readonly number[], where: string): void {
  for (const q of typeof qs === 'number' ? [qs] : qs)
    if (!(q >= 0 && q <= 1))
      throw new RangeError(`${where}: q must be in [0, 1], got ${String(q)}`);
}

/**
 * Approximate quantiles of numeric columns (a record, or the one column's value when `series`):
 * a tree reduction of per-partition summaries (kernels-sketch.ts). @internal
 */
export function approxQuantile<T>(
  frame: DataFrame,
  cols: readonly string[],
  qs: number | readonly number[],
  series: boolean,
): Scalar<T> {
  const input = frame.select([...cols]);
  const key = `approx-quantile-${tokenize(input.layer.name, qs, series)}`;
  return new Scalar<T>(
    treeReduce(
      key,
      input.layer,
      input.npartitions,
      (ref) => kernels.task('sketchPartial', [ref, cols]),
      'sketchCombine',
      (refs) => kernels.task('sketchFinal', [cols, qs, series, ...refs]),
      `quantile (approximate: ${SKETCH_K + 1}-point summaries per partition, rank within 1/${SKETCH_K} of q)`,
    ),
  );
}

/**
 * Quantiles (linear interpolation, as pandas) of a numeric column: exact by default, one tree
 * reduction of sorted values, so the column's values meet in one task; or approximate. @internal
 */
export function columnQuantile<T extends number | number[]>(
  frame: DataFrame,
  name: string,
  qs: number | readonly number[],
  options: QuantileOptions = {},
): Scalar<T> {
  const t = frame.dtypes[name];
  if (!isNumeric(t)) throw new TypeError(`Series.quantile: column '${name}' is ${t}, not numeric`);
  checkQs(qs, 'Series.quantile');
  if (options.method === 'approx') return approxQuantile<T>(frame, [name], qs, true);
  if (options.method !== undefined && options.method !== 'exact')
    throw new Error(
      `Series.quantile: method must be 'exact' or 'approx', got '${String(options.method)}'`,
    );
  const input = frame.select([name]);
  const key = `quantile-${tokenize(input.layer.name, qs)}`;
  return new Scalar<T>(
    treeReduce(
      key,
      input.layer,
      input.npartitions,
      (ref) => kernels.task('describePartial', [ref, [name]]),
      'describeCombine',
      (refs) => kernels.task('quantileFinal', [name, qs, ...refs]),
      'quantile (tree reduction of sorted values)',
    ),
  );
}

// `describe()`: pandas' summary of the numeric columns as one tree reduction of sorted values
// (kernels-describe.ts), so the quantiles are exact.
import { tokenize } from '@dask-ts/graph';
import { isNumeric } from './dtypes.js';
import type { DataFrame } from './frame.js';
import { kernels } from './kernels.js';
import { NamedLayer, partKey, treeReduce } from './layers.js';
import { Scalar } from './scalar.js';

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
 * Exact quantiles (linear interpolation, as pandas) of a numeric column: one tree reduction of
 * sorted values, so the column's values meet in one task. @internal
 */
export function columnQuantile<T extends number | number[]>(
  frame: DataFrame,
  name: string,
  qs: number | readonly number[],
): Scalar<T> {
  const t = frame.dtypes[name];
  if (!isNumeric(t)) throw new TypeError(`Series.quantile: column '${name}' is ${t}, not numeric`);
  for (const q of typeof qs === 'number' ? [qs] : qs)
    if (!(q >= 0 && q <= 1))
      throw new RangeError(`Series.quantile: q must be in [0, 1], got ${String(q)}`);
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

// `describe()`: pandas' summary of the numeric columns as one tree reduction of sorted values
// (kernels-describe.ts), so the quantiles are exact.
import { tokenize } from '@dask-ts/graph';
import { isNumeric } from './dtypes.js';
import type { DataFrame } from './frame.js';
import { kernels } from './kernels.js';
import { NamedLayer, partKey, treeReduce } from './layers.js';

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

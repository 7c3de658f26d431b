// Window operations across partition edges: shift, diff, cumulative sum / product / max / min and
// rolling aggregations. A chain of small carry tasks walks the partitions in order (backwards for
// a negative shift), each passing on what the next partition needs from its neighbours: the last
// k rows of the chosen columns (shift, diff, rolling) or the running values (cumulative). Every
// partition then runs once, reading its own table and its carry, so the heavy work stays parallel.
import { tokenize, type LayerNodes } from '@dask-ts/graph';
import { isNumeric, typeOf, type DType } from './dtypes.js';
import type { DataFrame } from './frame.js';
import { kernels } from './kernels.js';
import type { CumHow, RollHow, WindowSpec } from './kernels-window.js';
import { NamedLayer, partKey, partRef } from './layers.js';

function columnsFor(
  frame: DataFrame,
  cols: readonly string[] | undefined,
  numeric: boolean,
  where: string,
): string[] {
  if (cols === undefined)
    return frame.schema.filter(([, t]) => !numeric || isNumeric(t)).map(([n]) => n);
  for (const c of cols) {
    const t = typeOf(frame.schema, c, where);
    if (numeric && !isNumeric(t))
      throw new TypeError(`${where}: column '${c}' is ${t}, not numeric`);
  }
  return [...cols];
}

/** A window operation over `frame`, its columns' types changed by `typeOf`. @internal */
export function windowed(
  frame: DataFrame,
  spec: WindowSpec,
  outType: (t: DType) => DType,
  text: string,
): DataFrame {
  const input = frame.layer;
  const n = frame.npartitions;
  const name = `${spec.op}-${tokenize(input.name, spec)}`;
  const carry = `${name}-carry`;
  const backward = spec.op !== 'cum' && spec.op !== 'rolling' && spec.periods < 0;
  const chosen = new Set(spec.cols);
  const schema = frame.schema.map(([c, t]) => [c, chosen.has(c) ? outType(t) : t] as const);
  const layer = new NamedLayer(
    name,
    [input],
    function* (): LayerNodes {
      // carry i: what partition i needs from the partitions before it (after it, backwards).
      const from = (i: number): number => (backward ? i + 1 : i - 1);
      const order = Array.from({ length: n }, (_, i) => (backward ? n - 1 - i : i));
      for (const i of order) {
        const j = from(i);
        if (j < 0 || j >= n) continue;
        const prev = from(j) < 0 || from(j) >= n ? null : { $ref: partKey(carry, j) };
        yield [partKey(carry, i), kernels.task('windowCarry', [spec, prev, partRef(input, j)])];
      }
      for (let i = 0; i < n; i++) {
        const j = from(i);
        const c = j < 0 || j >= n ? null : { $ref: partKey(carry, i) };
        yield [partKey(name, i), kernels.task('windowPart', [spec, partRef(input, i), c])];
      }
    },
    `${text} (carried across ${n} partitions)`,
  );
  return frame.derive(layer, n, schema);
}

/** `shift`. @internal */
export function shiftFrame(frame: DataFrame, periods: number, cols?: readonly string[]): DataFrame {
  if (!Number.isInteger(periods))
    throw new TypeError(`shift: periods must be an integer, got ${String(periods)}`);
  const c = columnsFor(frame, cols, false, 'DataFrame.shift');
  return windowed(frame, { op: 'shift', cols: c, periods }, (t) => t, `shift(${periods})`);
}

/** `diff`. @internal */
export function diffFrame(frame: DataFrame, periods: number, cols?: readonly string[]): DataFrame {
  if (!Number.isInteger(periods))
    throw new TypeError(`diff: periods must be an integer, got ${String(periods)}`);
  const c = columnsFor(frame, cols, true, 'DataFrame.diff');
  return windowed(frame, { op: 'diff', cols: c, periods }, () => 'float64', `diff(${periods})`);
}

/** `cumsum` / `cumprod` / `cummax` / `cummin`. @internal */
export function cumFrame(frame: DataFrame, how: CumHow, cols?: readonly string[]): DataFrame {
  const c = columnsFor(frame, cols, true, `DataFrame.cum${how}`);
  const keep = how === 'max' || how === 'min';
  return windowed(frame, { op: 'cum', cols: c, how }, (t) => (keep ? t : 'float64'), `cum${how}`);
}

/**
 * Options of `rolling`.
 *
 * @example
 * df.rolling(3, { minPeriods: 1, columns: ['a'] }).mean();
 */
export interface RollingOptions {
  /** Fewest present values a window needs for a result (default: the window size). */
  readonly minPeriods?: number;
  /** The columns to aggregate (default: the numeric ones); the others pass unchanged. */
  readonly columns?: readonly string[];
}

/**
 * Rolling windows over the rows in order (each row and the `window - 1` before it, across
 * partition edges); every aggregation gives float64 columns: a DataFrame for a DataFrame's
 * windows, a Series for a Series' (`T`).
 *
 * @example
 * await df.rolling(3).sum().compute();
 * await df.col('a').rolling(3).mean().compute(); // a Vector
 */
export class Rolling<T = DataFrame> {
  /** @internal */
  constructor(
    private readonly frame: DataFrame,
    private readonly window: number,
    private readonly options: RollingOptions,
    private readonly finish: (out: DataFrame) => T = (out) => out as T,
  ) {
    if (!Number.isInteger(window) || window < 1)
      throw new RangeError(`rolling: the window must be a positive integer, got ${String(window)}`);
    const mp = options.minPeriods ?? window;
    if (!Number.isInteger(mp) || mp < 0 || mp > window)
      throw new RangeError(
        `rolling: minPeriods must be an integer from 0 to the window (${window}), got ${String(mp)}`,
      );
  }
  private agg(how: RollHow): T {
    const cols = columnsFor(
      this.frame,
      this.options.columns,
      true,
      `rolling(${this.window}).${how}`,
    );
    const spec: WindowSpec = {
      op: 'rolling',
      cols,
      window: this.window,
      minPeriods: this.options.minPeriods ?? this.window,
      how,
    };
    return this.finish(
      windowed(this.frame, spec, () => 'float64', `rolling(${this.window}).${how}`),
    );
  }
  /** Sums over each window. @example df.rolling(3).sum() */
  sum(): T {
    return this.agg('sum');
  }
  /** Means over each window. @example df.rolling(3).mean() */
  mean(): T {
    return this.agg('mean');
  }
  /** Minima over each window. @example df.rolling(3).min() */
  min(): T {
    return this.agg('min');
  }
  /** Maxima over each window. @example df.rolling(3).max() */
  max(): T {
    return this.agg('max');
  }
  /** Present values in each window. @example df.rolling(3).count() */
  count(): T {
    return this.agg('count');
  }
}

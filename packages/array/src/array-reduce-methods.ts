// DaskArray's reductions (sum, mean, var, the nan- variants), arg-reductions and cumulative
// scans: one-line methods delegating to reductions.ts, arg-reduce.ts and cumulative.ts. Internal
// and abstract, a link of the class chain DaskArray extends (array-elementwise-methods.ts).
import type { ArrayValue, DaskArray, NdArray, WholeReduceOptions } from './array.js';
import { ArrayElementwiseMethods } from './array-elementwise-methods.js';
import { argReduction, type ArgOptions } from './arg-reduce.js';
import { cumulative, type ScanOptions } from './cumulative.js';
import type { ArgOp } from './kernels-arg.js';
import type { ReduceOp } from './kernels-reduce.js';
import type { ScanOp } from './kernels-scan.js';
import { reduction, type ReduceOptions, type VarOptions } from './reductions.js';

/** The reductions and scans of DaskArray (an internal link of its class chain; use DaskArray). */
export abstract class ArrayReduceMethods<
  R extends ArrayValue = NdArray,
> extends ArrayElementwiseMethods<R> {
  /** The sum (float64 for integers and bool). @example await x.sum().compute() */
  sum(options?: WholeReduceOptions): DaskArray<number>;
  sum(options: ReduceOptions): DaskArray;
  sum(options: ReduceOptions = {}): DaskArray<ArrayValue> {
    return this.red('sum', options);
  }
  /** The product (float64 for integers and bool). @example x.prod({ axis: 0 }) */
  prod(options?: WholeReduceOptions): DaskArray<number>;
  prod(options: ReduceOptions): DaskArray;
  prod(options: ReduceOptions = {}): DaskArray<ArrayValue> {
    return this.red('prod', options);
  }
  /** The smallest element (NaN propagates). @example x.min({ axis: -1 }) */
  min(options?: WholeReduceOptions): DaskArray<number>;
  min(options: ReduceOptions): DaskArray;
  min(options: ReduceOptions = {}): DaskArray<ArrayValue> {
    return this.red('min', options);
  }
  /** The largest element (NaN propagates). @example x.max() */
  max(options?: WholeReduceOptions): DaskArray<number>;
  max(options: ReduceOptions): DaskArray;
  max(options: ReduceOptions = {}): DaskArray<ArrayValue> {
    return this.red('max', options);
  }
  /** Whether any element is non-zero. @example await x.gt(0).any().compute() */
  any(options?: WholeReduceOptions): DaskArray<boolean>;
  any(options: ReduceOptions): DaskArray;
  any(options: ReduceOptions = {}): DaskArray<ArrayValue> {
    return this.red('any', options);
  }
  /** Whether every element is non-zero. @example x.all({ axis: 1 }) */
  all(options?: WholeReduceOptions): DaskArray<boolean>;
  all(options: ReduceOptions): DaskArray;
  all(options: ReduceOptions = {}): DaskArray<ArrayValue> {
    return this.red('all', options);
  }
  /** The mean. @example x.mean({ axis: 1 }) */
  mean(options?: WholeReduceOptions): DaskArray<number>;
  mean(options: ReduceOptions): DaskArray;
  mean(options: ReduceOptions = {}): DaskArray<ArrayValue> {
    return this.red('mean', options);
  }
  /** The variance, dividing by `n - ddof`. @example x.var({ ddof: 1 }) */
  var(options?: WholeReduceOptions): DaskArray<number>;
  var(options: VarOptions): DaskArray;
  var(options: VarOptions = {}): DaskArray<ArrayValue> {
    return this.red('var', options);
  }
  /** The standard deviation, dividing by `n - ddof`. @example x.std({ axis: 0 }) */
  std(options?: WholeReduceOptions): DaskArray<number>;
  std(options: VarOptions): DaskArray;
  std(options: VarOptions = {}): DaskArray<ArrayValue> {
    return this.red('std', options);
  }
  /** The index of the smallest element (along `axis`, or flat). @example x.argmin({ axis: 0 }) */
  argmin(options?: Omit<ArgOptions, 'axis'>): DaskArray<number>;
  argmin(options: ArgOptions): DaskArray;
  argmin(options: ArgOptions = {}): DaskArray<ArrayValue> {
    return this.arg('argmin', options);
  }
  /** The index of the largest element (along `axis`, or flat). @example x.argmax() */
  argmax(options?: Omit<ArgOptions, 'axis'>): DaskArray<number>;
  argmax(options: ArgOptions): DaskArray;
  argmax(options: ArgOptions = {}): DaskArray<ArrayValue> {
    return this.arg('argmax', options);
  }
  /** argmin ignoring NaN. @example x.nanargmin({ axis: 1 }) */
  nanargmin(options?: Omit<ArgOptions, 'axis'>): DaskArray<number>;
  nanargmin(options: ArgOptions): DaskArray;
  nanargmin(options: ArgOptions = {}): DaskArray<ArrayValue> {
    return this.arg('nanargmin', options);
  }
  /** argmax ignoring NaN. @example x.nanargmax() */
  nanargmax(options?: Omit<ArgOptions, 'axis'>): DaskArray<number>;
  nanargmax(options: ArgOptions): DaskArray;
  nanargmax(options: ArgOptions = {}): DaskArray<ArrayValue> {
    return this.arg('nanargmax', options);
  }
  /** The sum treating NaN as 0. @example x.nansum({ axis: 0 }) */
  nansum(options?: WholeReduceOptions): DaskArray<number>;
  nansum(options: ReduceOptions): DaskArray;
  nansum(options: ReduceOptions = {}): DaskArray<ArrayValue> {
    return this.red('nansum', options);
  }
  /** The product treating NaN as 1. @example x.nanprod() */
  nanprod(options?: WholeReduceOptions): DaskArray<number>;
  nanprod(options: ReduceOptions): DaskArray;
  nanprod(options: ReduceOptions = {}): DaskArray<ArrayValue> {
    return this.red('nanprod', options);
  }
  /** The minimum ignoring NaN (NaN where all are NaN). @example x.nanmin({ axis: 1 }) */
  nanmin(options?: WholeReduceOptions): DaskArray<number>;
  nanmin(options: ReduceOptions): DaskArray;
  nanmin(options: ReduceOptions = {}): DaskArray<ArrayValue> {
    return this.red('nanmin', options);
  }
  /** The maximum ignoring NaN. @example x.nanmax() */
  nanmax(options?: WholeReduceOptions): DaskArray<number>;
  nanmax(options: ReduceOptions): DaskArray;
  nanmax(options: ReduceOptions = {}): DaskArray<ArrayValue> {
    return this.red('nanmax', options);
  }
  /** The mean of the non-NaN elements. @example x.nanmean({ axis: 0 }) */
  nanmean(options?: WholeReduceOptions): DaskArray<number>;
  nanmean(options: ReduceOptions): DaskArray;
  nanmean(options: ReduceOptions = {}): DaskArray<ArrayValue> {
    return this.red('nanmean', options);
  }
  /** The variance of the non-NaN elements. @example x.nanvar({ ddof: 1 }) */
  nanvar(options?: WholeReduceOptions): DaskArray<number>;
  nanvar(options: VarOptions): DaskArray;
  nanvar(options: VarOptions = {}): DaskArray<ArrayValue> {
    return this.red('nanvar', options);
  }
  /** The standard deviation of the non-NaN elements. @example x.nanstd() */
  nanstd(options?: WholeReduceOptions): DaskArray<number>;
  nanstd(options: VarOptions): DaskArray;
  nanstd(options: VarOptions = {}): DaskArray<ArrayValue> {
    return this.red('nanstd', options);
  }
  /** Running sums along `axis` (of the flattened array without one). @example x.cumsum({ axis: 0 }) */
  cumsum(options: ScanOptions = {}): DaskArray {
    return this.scan('cumsum', options);
  }
  /** Running products along `axis`. @example x.cumprod({ axis: 1 }) */
  cumprod(options: ScanOptions = {}): DaskArray {
    return this.scan('cumprod', options);
  }
  /** Running sums treating NaN as 0. @example x.nancumsum({ axis: 0 }) */
  nancumsum(options: ScanOptions = {}): DaskArray {
    return this.scan('nancumsum', options);
  }
  /** Running products treating NaN as 1. @example x.nancumprod({ axis: 0 }) */
  nancumprod(options: ScanOptions = {}): DaskArray {
    return this.scan('nancumprod', options);
  }
  private arg(op: ArgOp, options: ArgOptions): DaskArray<ArrayValue> {
    return this.wrap(argReduction(this, op, options));
  }
  private scan(op: ScanOp, options: ScanOptions): DaskArray {
    return this.wrap(cumulative(this, op, options));
  }
  private red(op: ReduceOp, options: VarOptions): DaskArray<ArrayValue> {
    return this.wrap(reduction(this, op, options));
  }
}

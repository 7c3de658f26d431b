// The `dt` accessor of expressions and Series: calendar fields and flooring of a date32 or
// timestamp column, each one an expression node (`{ k: 'dt', fn, args }`) that kernels-dt.ts
// evaluates with integer arithmetic on day numbers. Fields are in UTC (a timestamp's time zone is
// not kept); `dayofweek` counts Monday as 0, as pandas does. Frequencies are checked when the
// expression is built.
import type { DType } from './dtypes.js';
import { freqMs } from './kernels-dt.js';

/**
 * The date functions.
 *
 * @example
 * const f: DtFn = 'year';
 */
export type DtFn =
  | 'year'
  | 'month'
  | 'day'
  | 'hour'
  | 'minute'
  | 'second'
  | 'quarter'
  | 'dayofweek'
  | 'dayofyear'
  | 'floor'
  | 'normalize'
  | 'date';

/** The type of a date function's result over a column of type `t`. @internal */
export function dtType(fn: DtFn, t: DType): DType {
  if (fn === 'floor' || fn === 'normalize') return t;
  if (fn === 'date') return 'date32';
  return 'int32';
}

/**
 * Date functions of a date32 or timestamp expression or Series (`col('t').dt`,
 * `df.col('t').dt`); a null stays null. Fields are computed in UTC.
 *
 * @example
 * df.groupby(col('when').dt.year()) // or: df.assign({ year: col('when').dt.year() })
 */
export class DtAccessor<T> {
  /** @internal */
  constructor(private readonly make: (fn: DtFn, args: readonly (string | number)[]) => T) {}

  /** The year (int32). @example col('t').dt.year() */
  year(): T {
    return this.make('year', []);
  }
  /** The month, 1-12 (int32). @example col('t').dt.month() */
  month(): T {
    return this.make('month', []);
  }
  /** The day of the month, 1-31 (int32). @example col('t').dt.day() */
  day(): T {
    return this.make('day', []);
  }
  /** The hour, 0-23 (int32; 0 for a date32). @example col('t').dt.hour() */
  hour(): T {
    return this.make('hour', []);
  }
  /** The minute, 0-59 (int32). @example col('t').dt.minute() */
  minute(): T {
    return this.make('minute', []);
  }
  /** The second, 0-59 (int32). @example col('t').dt.second() */
  second(): T {
    return this.make('second', []);
  }
  /** The quarter, 1-4 (int32). @example col('t').dt.quarter() */
  quarter(): T {
    return this.make('quarter', []);
  }
  /** The day of the week, Monday 0 to Sunday 6 (int32). @example col('t').dt.dayofweek() */
  dayofweek(): T {
    return this.make('dayofweek', []);
  }
  /** The day of the year, 1-366 (int32). @example col('t').dt.dayofyear() */
  dayofyear(): T {
    return this.make('dayofyear', []);
  }
  /**
   * Rounded down to a multiple of a fixed frequency counted from the epoch: `'D'`, `'6h'`,
   * `'15min'` (or `'T'`), `'30s'`, `'100ms'`. The result has the column's type; a date32 floored
   * to less than a day is unchanged.
   *
   * @example
   * col('t').dt.floor('15min');
   */
  floor(freq: string): T {
    if (typeof freq !== 'string')
      throw new TypeError(`dt.floor expects a frequency string, got ${typeof freq}`);
    freqMs(freq);
    return this.make('floor', [freq]);
  }
  /** Midnight of the same day (the column's type). @example col('t').dt.normalize() */
  normalize(): T {
    return this.make('normalize', []);
  }
  /** The day, as a date32. @example col('t').dt.date() */
  date(): T {
    return this.make('date', []);
  }
}

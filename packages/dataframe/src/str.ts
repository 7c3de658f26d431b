// The `str` accessor of expressions and Series: string functions of a utf8 column, each one an
// expression node (`{ k: 'str', fn, args }`) that the kernels in kernels-str.ts evaluate on the
// column's UTF-8 bytes. Literal patterns (contains, startsWith, endsWith, replace, split) are
// matched as bytes; a RegExp pattern decodes each row (the only per-row strings). Positions and
// lengths count code points, as Python does.
import type { DType } from './dtypes.js';

/**
 * The string functions.
 *
 * @example
 * const f: StrFn = 'lower';
 */
export type StrFn =
  | 'contains'
  | 'startsWith'
  | 'endsWith'
  | 'lower'
  | 'upper'
  | 'len'
  | 'replace'
  | 'slice'
  | 'split'
  | 'strip';

type StrArg = string | number | boolean | null;

/** The type of a string function's result. @internal */
export function strType(fn: StrFn): DType {
  switch (fn) {
    case 'contains':
    case 'startsWith':
    case 'endsWith':
      return 'bool';
    case 'len':
      return 'int32';
    default:
      return 'utf8';
  }
}

function text(what: string, x: unknown): string {
  if (typeof x !== 'string')
    throw new TypeError(`str.${what} expects a string, got ${x === null ? 'null' : typeof x}`);
  return x;
}

function int(what: string, x: unknown): number {
  if (typeof x !== 'number' || !Number.isInteger(x))
    throw new TypeError(`str.${what} expects an integer, got ${String(x)}`);
  return x;
}

/**
 * String functions of a utf8 expression or Series (`col('s').str`, `df.col('s').str`); a null
 * stays null.
 *
 * @example
 * df.filter(col('name').str.lower().str.contains('ann'));
 */
export class StrAccessor<T> {
  /** @internal */
  constructor(private readonly make: (fn: StrFn, args: readonly StrArg[]) => T) {}

  /**
   * Whether the string contains `pat`: a literal substring, or a RegExp (then each row is decoded).
   *
   * @example
   * col('s').str.contains('ab'); col('s').str.contains(/^a.c$/i);
   */
  contains(pat: string | RegExp): T {
    if (pat instanceof RegExp) return this.make('contains', [pat.source, pat.flags, true]);
    return this.make('contains', [text('contains', pat), '', false]);
  }
  /** Whether the string starts with `prefix`. @example col('s').str.startsWith('ab') */
  startsWith(prefix: string): T {
    return this.make('startsWith', [text('startsWith', prefix)]);
  }
  /** Whether the string ends with `suffix`. @example col('s').str.endsWith('.csv') */
  endsWith(suffix: string): T {
    return this.make('endsWith', [text('endsWith', suffix)]);
  }
  /** Lower case. @example col('s').str.lower() */
  lower(): T {
    return this.make('lower', []);
  }
  /** Upper case. @example col('s').str.upper() */
  upper(): T {
    return this.make('upper', []);
  }
  /** The length in code points (int32). @example col('s').str.len() */
  len(): T {
    return this.make('len', []);
  }
  /** Without leading and trailing whitespace. @example col('s').str.strip() */
  strip(): T {
    return this.make('strip', []);
  }
  /**
   * Every occurrence of `pat` (a literal, or a RegExp: its flags decide, `g` for all) replaced by
   * `repl`.
   *
   * @example
   * col('s').str.replace('-', '_');
   */
  replace(pat: string | RegExp, repl: string): T {
    text('replace', repl);
    if (pat instanceof RegExp) return this.make('replace', [pat.source, pat.flags, true, repl]);
    if (text('replace', pat) === '') throw new Error('str.replace: the pattern is empty');
    return this.make('replace', [pat, '', false, repl]);
  }
  /**
   * Code points `[start, stop)`; negative positions count from the end, as Python's slices.
   *
   * @example
   * col('s').str.slice(0, 3);
   */
  slice(start: number, stop?: number): T {
    return this.make('slice', [
      int('slice', start),
      stop === undefined ? null : int('slice', stop),
    ]);
  }
  /**
   * Part `part` (default 0) of the string split at `sep` (null when there are fewer parts), as
   * pandas' `s.str.split(sep).str[part]`.
   *
   * @example
   * col('path').str.split('/', 1);
   */
  split(sep: string, part = 0): T {
    if (text('split', sep) === '') throw new Error('str.split: the separator is empty');
    return this.make('split', [sep, int('split', part)]);
  }
}

// Column types and schemas. A dataframe's schema is known without computing anything: every
// operation derives its output schema from its input's when it is built. The types: float64 and
// int32 (typed arrays), bool (one byte per value in kernels, bits in Arrow), utf8 (offsets +
// bytes), date32 (days since 1970-01-01 in an Int32Array; Arrow Date32<DAY>) and timestamp
// (milliseconds since the epoch, UTC, in a Float64Array; Arrow Timestamp<MILLISECOND>, so any
// unit read from a file becomes milliseconds, fractions kept) and category (strings as int32 codes
// into a dictionary: an Arrow Dictionary<Int32, Utf8>; every partition has its own dictionary,
// kept sorted and free of duplicates, so codes order as the strings do); every column may hold
// nulls (an Arrow validity bitmap).

/**
 * The type of a column.
 *
 * @example
 * const t: DType = 'float64';
 */
export type DType = 'float64' | 'int32' | 'bool' | 'utf8' | 'date32' | 'timestamp' | 'category';

/**
 * A value of a sorted index (a division or a `loc` label): a number (dates and timestamps as
 * milliseconds since the epoch) or a string.
 *
 * @example
 * const d: IndexValue = 1700000000000;
 */
export type IndexValue = number | string;

/** Every type, in a stable order (for checks and messages). @internal */
export const DTYPE_LIST: readonly DType[] = [
  'float64',
  'int32',
  'bool',
  'utf8',
  'date32',
  'timestamp',
  'category',
];

/** Whether a type is a date or a timestamp. @internal */
export const isTemporal = (t: DType): boolean => t === 'date32' || t === 'timestamp';

/**
 * A schema: column names and their types, in column order.
 *
 * @example
 * const s: Schema = [['a', 'float64'], ['b', 'utf8']];
 */
export type Schema = readonly (readonly [string, DType])[];

/** Whether a type holds numbers. @internal */
export const isNumeric = (t: DType): boolean => t === 'float64' || t === 'int32';

/** The type of column `name`, or an error naming it and listing the columns that exist. @internal */
export function typeOf(schema: Schema, name: string, where: string): DType {
  for (const [n, t] of schema) if (n === name) return t;
  throw new Error(
    `${where}: unknown column '${name}'; the columns are ${schema.map(([n]) => `'${n}'`).join(', ') || '(none)'}`,
  );
}

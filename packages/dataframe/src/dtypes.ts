// Column types and schemas. A dataframe's schema is known without computing anything: every
// operation derives its output schema from its input's when it is built. Four types for now:
// float64 and int32 (typed arrays), bool (one byte per value in kernels, bits in Arrow) and utf8
// (offsets + bytes); every column may hold nulls (an Arrow validity bitmap).

/**
 * The type of a column.
 *
 * @example
 * const t: DType = 'float64';
 */
export type DType = 'float64' | 'int32' | 'bool' | 'utf8';

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

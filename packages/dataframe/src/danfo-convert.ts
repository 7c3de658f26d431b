// Converting between danfo DataFrames and kernel columns. Policy, in both directions one pass per
// column over danfo's column arrays (danfo stores rows; we never build per-row objects of our own):
// - danfo -> ours: the values decide the type and danfo's dtype breaks ties, because danfo infers
//   'float32' for booleans, dates or integers mixed with nulls and 'int32' for digit strings.
//   Numbers become int32 when danfo says 'int32' and every value is an integer that fits, else
//   float64; strings utf8; booleans bool; Dates (and numbers in a 'datetime' column, as
//   milliseconds) timestamp. null and undefined are nulls; NaN stays NaN in a number column, as
//   `fromColumns` keeps it (our kernels skip NaN where pandas does: aggregations, fillna, dropna,
//   isNull) and is a null elsewhere. A column of no values takes its type from the dtype. Values
//   of two kinds, or of a kind we cannot hold (objects, arrays), are an error naming the column,
//   the row and the kinds.
// - ours -> danfo: float64 'float32' (danfo's name for its float columns; values stay doubles),
//   int32 'int32' (or 'float32' when it holds nulls, as pandas upcasts), bool 'boolean', utf8 and
//   category 'string', date32 and timestamp 'datetime' (Date objects). Number nulls become NaN
//   (what danfo's isNa / fillNa / dropNa and its arithmetic expect: a null would count as 0),
//   other nulls null.
import { Table } from 'apache-arrow';
import { colsOf, isValid, utf8Of, type Col, type Utf8Col } from './columns.js';
import { decodeCategory } from './columns-cat.js';
import type { DanfoFrame, DanfoModule } from './danfo-types.js';
import { DAY_MS } from './kernels-dt.js';

type Kind = 'number' | 'string' | 'boolean' | 'Date';

/** Whether `x` is a danfo DataFrame (or something shaped like one). @internal */
export function isDanfoFrame(x: unknown): x is DanfoFrame {
  const d = x as Partial<DanfoFrame> | null;
  return (
    typeof d === 'object' &&
    d !== null &&
    Array.isArray(d.columns) &&
    Array.isArray(d.dtypes) &&
    typeof d.column === 'function'
  );
}

const kindOf = (x: unknown): Kind | string =>
  x instanceof Date ? 'Date' : Array.isArray(x) ? 'array' : x === null ? 'null' : typeof x;

const missing = (x: unknown): boolean =>
  x === null || x === undefined || (typeof x === 'number' && Number.isNaN(x));

function fail(where: string, name: string, why: string): never {
  throw new TypeError(
    `${where}: danfo column '${name}' ${why}, which @dask-ts/dataframe cannot represent`,
  );
}

/** The one kind of a column's non-missing values (undefined when there are none). */
function kindOfValues(xs: ArrayLike<unknown>, where: string, name: string): Kind | undefined {
  let kind: string | undefined;
  let first = -1;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    if (missing(x)) continue;
    const k = kindOf(x);
    if (kind === undefined) {
      kind = k;
      first = i;
    } else if (k !== kind)
      fail(where, name, `mixes ${kind} (row ${first}) and ${k} (row ${i}) values`);
  }
  if (kind !== undefined && !['number', 'string', 'boolean', 'Date'].includes(kind))
    fail(where, name, `holds ${kind} values (row ${first})`);
  return kind as Kind | undefined;
}

function bitmapOf(xs: ArrayLike<unknown>, isNull: (x: unknown) => boolean): Uint8Array | undefined {
  let valid: Uint8Array | undefined;
  for (let i = 0; i < xs.length; i++) {
    if (!isNull(xs[i])) continue;
    valid ??= new Uint8Array((xs.length + 7) >> 3).fill(0xff);
    valid[i >> 3] &= ~(1 << (i & 7));
  }
  return valid;
}

const arrayLike = (x: unknown): x is ArrayLike<unknown> =>
  typeof x === 'object' && x !== null && typeof (x as { length?: unknown }).length === 'number';

const nullish = (x: unknown): boolean => x === null || x === undefined;

function numberCol(xs: ArrayLike<unknown>, dtype: string): Col {
  const n = xs.length;
  if (xs instanceof Float64Array) return { type: 'float64', length: n, values: xs };
  if (xs instanceof Int32Array && dtype === 'int32')
    return { type: 'int32', length: n, values: xs };
  let integral = dtype === 'int32';
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = xs[i] as number | null | undefined;
    if (x === null || x === undefined) continue;
    values[i] = x;
    if (integral && !(Number.isNaN(x) || (x | 0) === x)) integral = false;
  }
  // An int32 column keeps NaN as a null (int32 has no NaN); a float column keeps NaN as NaN.
  if (integral)
    return {
      type: 'int32',
      length: n,
      values: Int32Array.from(values),
      valid: bitmapOf(xs, missing),
    };
  return { type: 'float64', length: n, values, valid: bitmapOf(xs, nullish) };
}

function timestampCol(xs: ArrayLike<unknown>): Col {
  const n = xs.length;
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = xs[i];
    values[i] = x instanceof Date ? x.getTime() : typeof x === 'number' ? x : NaN;
  }
  return { type: 'timestamp', length: n, values, valid: bitmapOf(values, missing) };
}

function boolCol(xs: ArrayLike<unknown>): Col {
  const values = new Uint8Array(xs.length);
  for (let i = 0; i < xs.length; i++) values[i] = xs[i] === true ? 1 : 0;
  return { type: 'bool', length: xs.length, values, valid: bitmapOf(xs, missing) };
}

function stringCol(xs: ArrayLike<unknown>): Col {
  // Strings and missing values only (kindOfValues checked): NaN is the one missing value to map.
  let nan = false;
  for (let i = 0; i < xs.length && !nan; i++) nan = typeof xs[i] === 'number';
  if (!nan && Array.isArray(xs)) return utf8Of(xs as (string | null | undefined)[]);
  return utf8Of(Array.from(xs, (x) => (typeof x === 'string' ? x : null)));
}

/** One danfo column as a kernel column. @internal */
export function colOfDanfo(
  xs: ArrayLike<unknown>,
  dtype: string,
  name: string,
  where: string,
): Col {
  const kind = kindOfValues(xs, where, name);
  const as =
    kind ??
    ({ string: 'string', boolean: 'boolean', datetime: 'Date' } as Record<string, Kind>)[dtype] ??
    'number';
  if (as === 'string') return stringCol(xs);
  if (as === 'boolean') return boolCol(xs);
  if (as === 'Date' || (dtype === 'datetime' && as === 'number')) return timestampCol(xs);
  return numberCol(xs, dtype);
}

/** A danfo DataFrame's columns as kernel columns (its index is not kept). @internal */
export function colsOfDanfo(frame: DanfoFrame, where: string): Map<string, Col> {
  const cols = new Map<string, Col>();
  frame.columns.forEach((name, j) => {
    // danfo 1.x keeps its columns as arrays too: `$getColumnData(name, false)` hands one out
    // as it is, where `column(name)` builds a Series (index copied and checked: ~0.5 s per 1M
    // rows). The public path stays for other versions, frame-like objects and empty frames
    // (which have no column arrays).
    const raw = (frame as { $getColumnData?: (c: string, series: boolean) => unknown })
      .$getColumnData;
    const fast: unknown = typeof raw === 'function' ? raw.call(frame, name, false) : undefined;
    const values = arrayLike(fast) ? fast : frame.shape[0] === 0 ? [] : frame.column(name).values;
    if (!arrayLike(values)) fail(where, name, 'has no array of values');
    cols.set(name, colOfDanfo(values, frame.dtypes[j] ?? '', name, where));
  });
  return cols;
}

const decoder = new TextDecoder();

/** A utf8 column as strings (null for a null): one decode of the bytes when they are ASCII. */
function stringsOf(c: Utf8Col): (string | null)[] {
  const { offsets, data } = c;
  const lo = offsets[0];
  const hi = offsets[c.length];
  let ascii = true;
  for (let k = lo; k < hi; k++)
    if (data[k] > 127) {
      ascii = false;
      break;
    }
  const out = new Array<string | null>(c.length);
  if (ascii) {
    const all = decoder.decode(data.subarray(lo, hi));
    for (let i = 0; i < c.length; i++)
      out[i] = isValid(c.valid, i) ? all.slice(offsets[i] - lo, offsets[i + 1] - lo) : null;
  } else {
    for (let i = 0; i < c.length; i++)
      out[i] = isValid(c.valid, i)
        ? decoder.decode(data.subarray(offsets[i], offsets[i + 1]))
        : null;
  }
  return out;
}

/** One kernel column as danfo values and their danfo dtype. @internal */
export function danfoOfCol(c: Col): [ArrayLike<unknown>, string] {
  const n = c.length;
  switch (c.type) {
    case 'float64':
    case 'int32': {
      // Plain arrays: danfo 1.1 transposes typed arrays wrongly.
      const out = Array.from(c.values);
      if (c.valid === undefined) return [out, c.type === 'int32' ? 'int32' : 'float32'];
      for (let i = 0; i < n; i++) if (!isValid(c.valid, i)) out[i] = NaN;
      return [out, 'float32'];
    }
    case 'bool':
      return [Array.from(c.values, (v, i) => (isValid(c.valid, i) ? v === 1 : null)), 'boolean'];
    case 'utf8':
      return [stringsOf(c), 'string'];
    case 'category':
      return [stringsOf(decodeCategory(c)), 'string'];
    case 'date32':
    case 'timestamp': {
      const scale = c.type === 'date32' ? DAY_MS : 1;
      const out = new Array<Date | null>(n);
      for (let i = 0; i < n; i++)
        out[i] = isValid(c.valid, i) ? new Date(c.values[i] * scale) : null;
      return [out, 'datetime'];
    }
  }
}

/** An Arrow table as a danfo DataFrame, built by `dfd` (danfo's module). @internal */
export function danfoOfTable<D extends DanfoFrame>(dfd: DanfoModule, t: Table): D {
  const cols = colsOf(t);
  const columns = [...cols.keys()];
  const data: Record<string, ArrayLike<unknown>> = {};
  const dtypes: string[] = [];
  for (const [name, c] of cols) {
    const [values, dtype] = danfoOfCol(c);
    data[name] = values;
    dtypes.push(dtype);
  }
  if (t.numRows === 0) return new dfd.DataFrame([], { columns, dtypes }) as D;
  return new dfd.DataFrame(data, { columns, dtypes }) as D;
}

/** Whether `x` is an Arrow table. @internal */
export const isTable = (x: unknown): x is Table => x instanceof Table;

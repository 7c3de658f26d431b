// Columns as kernels see them: typed arrays and byte buffers, never per-row objects. A `Col` is
// float64 / int32 values, bool values (one byte each), utf8 (offsets into UTF-8 bytes), date32
// (days in an Int32Array) or timestamp (milliseconds in a Float64Array), with an optional
// validity bitmap (Arrow's layout: bit i set = row i valid). A category is int32 codes into a
// utf8 dictionary (sorted, no duplicates, no nulls: the invariant every kernel relies on, so
// codes of one column compare as its strings do); concatenating categories merges dictionaries. Dates in milliseconds and timestamps
// in any unit are converted when read (one loop); date32 data is shared. A partition is an Arrow
// `Table` with one record batch; converting a column between Arrow `Data` and a `Col` copies
// nothing except bool bits (packed in Arrow) and bitmaps that start mid-byte.
import {
  Bool,
  DateDay,
  Dictionary,
  Field,
  Float64,
  Int32,
  RecordBatch,
  Schema as ArrowSchema,
  Struct,
  Table,
  TimeUnit,
  TimestampMillisecond,
  Type,
  Utf8,
  makeData,
  makeVector,
  type Data,
  type DataType,
  type Vector,
} from 'apache-arrow';
import type { DType } from './dtypes.js';
import { concatCategories, normalizeCategory } from './columns-cat.js';

/** A column in a kernel. @internal */
export type Col =
  | {
      readonly type: 'float64';
      readonly length: number;
      readonly values: Float64Array;
      readonly valid?: Uint8Array;
    }
  | {
      readonly type: 'int32';
      readonly length: number;
      readonly values: Int32Array;
      readonly valid?: Uint8Array;
    }
  | {
      readonly type: 'bool';
      readonly length: number;
      readonly values: Uint8Array;
      readonly valid?: Uint8Array;
    }
  | {
      readonly type: 'date32';
      readonly length: number;
      /** Days since 1970-01-01. */
      readonly values: Int32Array;
      readonly valid?: Uint8Array;
    }
  | {
      readonly type: 'timestamp';
      readonly length: number;
      /** Milliseconds since 1970-01-01T00:00:00Z. */
      readonly values: Float64Array;
      readonly valid?: Uint8Array;
    }
  | {
      readonly type: 'category';
      readonly length: number;
      /** Codes into `dict` (any value where the row is null). */
      readonly values: Int32Array;
      /** The categories: sorted, distinct, no nulls. */
      readonly dict: Utf8Col;
      readonly valid?: Uint8Array;
    }
  | {
      readonly type: 'utf8';
      readonly length: number;
      /** `length + 1` offsets into `data` (the first need not be 0). */
      readonly offsets: Int32Array;
      readonly data: Uint8Array;
      readonly valid?: Uint8Array;
    };

/** A utf8 column. @internal */
export type Utf8Col = Extract<Col, { type: 'utf8' }>;

/** Named columns, in order: a partition in a kernel. @internal */
export type Cols = ReadonlyMap<string, Col>;

/** Whether row `i` is valid. @internal */
export const isValid = (valid: Uint8Array | undefined, i: number): boolean =>
  valid === undefined || (valid[i >> 3] & (1 << (i & 7))) !== 0;

/** The DType of an Arrow type, or undefined when kernels do not handle it natively. @internal */
export function dtypeOfArrow(t: DataType): DType | undefined {
  switch (t.typeId) {
    case Type.Float:
      return (t as Float64).precision === 2 ? 'float64' : undefined;
    case Type.Int:
      return (t as Int32).bitWidth === 32 && (t as Int32).isSigned ? 'int32' : undefined;
    case Type.Bool:
      return 'bool';
    case Type.Utf8:
      return 'utf8';
    case Type.Dictionary: {
      const v = (t as unknown as { dictionary: DataType }).dictionary;
      return v.typeId === Type.Utf8 ? 'category' : undefined;
    }
    case Type.Date:
    case Type.DateDay:
    case Type.DateMillisecond:
      return 'date32';
    case Type.Timestamp:
    case Type.TimestampSecond:
    case Type.TimestampMillisecond:
    case Type.TimestampMicrosecond:
    case Type.TimestampNanosecond:
      return 'timestamp';
  }
  return undefined;
}

/** Milliseconds per unit of an Arrow time unit. */
const MS_PER_UNIT: Record<number, number> = {
  [TimeUnit.SECOND]: 1000,
  [TimeUnit.MILLISECOND]: 1,
  [TimeUnit.MICROSECOND]: 1e-3,
  [TimeUnit.NANOSECOND]: 1e-6,
};

const LITTLE = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
const TWO32 = 4294967296;

/**
 * 64-bit integers (Arrow's timestamps) as numbers times `scale`, read as two 32-bit halves: no
 * BigInt per value. Exact up to 2^53.
 */
function int64ToFloat(src: unknown, off: number, n: number, scale: number): Float64Array {
  const out = new Float64Array(n);
  const big = src as BigInt64Array;
  if (!LITTLE || !(big instanceof BigInt64Array)) {
    const xs = src as ArrayLike<number | bigint>;
    for (let i = 0; i < n; i++) out[i] = Number(xs[i + off]) * scale;
    return out;
  }
  const h = new Int32Array(big.buffer, big.byteOffset + off * 8, n * 2);
  for (let i = 0; i < n; i++) out[i] = (h[2 * i + 1] * TWO32 + (h[2 * i] >>> 0)) * scale;
  return out;
}

/** Numbers (rounded) as 64-bit integers, written as two 32-bit halves; NaN becomes 0. */
function floatToInt64(xs: Float64Array): BigInt64Array {
  const out = new BigInt64Array(xs.length);
  if (!LITTLE) {
    for (let i = 0; i < xs.length; i++)
      out[i] = Number.isFinite(xs[i]) ? BigInt(Math.round(xs[i])) : 0n;
    return out;
  }
  const h = new Int32Array(out.buffer);
  for (let i = 0; i < xs.length; i++) {
    const v = Number.isFinite(xs[i]) ? Math.round(xs[i]) : 0;
    const hi = Math.floor(v / TWO32);
    h[2 * i] = (v - hi * TWO32) | 0;
    h[2 * i + 1] = hi;
  }
  return out;
}

/** The typed array constructor of a non-utf8 type. @internal */
export function valuesCtor(
  type: Exclude<DType, 'utf8'>,
): Float64ArrayConstructor | Int32ArrayConstructor | Uint8ArrayConstructor {
  return type === 'float64' || type === 'timestamp'
    ? Float64Array
    : type === 'int32' || type === 'date32' || type === 'category'
      ? Int32Array
      : Uint8Array;
}

function bitmapFrom(data: Data, length: number): Uint8Array | undefined {
  const bm = data.nullBitmap;
  if (bm === undefined || bm === null || bm.length === 0 || data.nullCount === 0) return undefined;
  if (data.offset % 8 === 0) return bm.subarray(data.offset >> 3);
  const out = new Uint8Array((length + 7) >> 3);
  for (let i = 0; i < length; i++) {
    const j = i + data.offset;
    if (bm[j >> 3] & (1 << (j & 7))) out[i >> 3] |= 1 << (i & 7);
  }
  return out;
}

/** One Arrow `Data` chunk as a column (converting other numeric types to float64). @internal */
export function colOfData(data: Data): Col {
  const length = data.length;
  const valid = bitmapFrom(data, length);
  const off = data.offset;
  const dt = dtypeOfArrow(data.type);
  switch (dt) {
    case 'float64':
      return {
        type: dt,
        length,
        values: (data.values as Float64Array).subarray(off, off + length),
        valid,
      };
    case 'int32':
      return {
        type: dt,
        length,
        values: (data.values as Int32Array).subarray(off, off + length),
        valid,
      };
    case 'utf8':
      return {
        type: dt,
        length,
        offsets: (data.valueOffsets as Int32Array).subarray(off, off + length + 1),
        data: data.values as Uint8Array,
        valid,
      };
    case 'bool': {
      const bits = data.values as Uint8Array;
      const values = new Uint8Array(length);
      for (let i = 0; i < length; i++) {
        const j = i + off;
        values[i] = (bits[j >> 3] >> (j & 7)) & 1;
      }
      return { type: dt, length, values, valid };
    }
    case 'date32': {
      const unit = (data.type as unknown as { unit?: number }).unit;
      if (unit === 0)
        return {
          type: dt,
          length,
          values: (data.values as Int32Array).subarray(off, off + length),
          valid,
        };
      // Date64: milliseconds (a bigint per value).
      const src = data.values as ArrayLike<number | bigint>;
      const values = new Int32Array(length);
      for (let i = 0; i < length; i++) values[i] = Math.floor(Number(src[i + off]) / 86400000);
      return { type: dt, length, values, valid };
    }
    case 'category': {
      const dictData = data.dictionary?.data ?? [];
      const dict = (
        dictData.length === 0 ? emptyCol('utf8') : concatCols(dictData.map(colOfData), 'utf8')
      ) as Utf8Col;
      const src = data.values as ArrayLike<number>;
      // Int32 codes (what this package writes) are viewed, not copied.
      let codes: Int32Array;
      if (src instanceof Int32Array) codes = src.subarray(off, off + length);
      else {
        codes = new Int32Array(length);
        for (let i = 0; i < length; i++) codes[i] = src[i + off];
      }
      return normalizeCategory({ type: dt, length, values: codes, dict, valid });
    }
    case 'timestamp': {
      const scale = MS_PER_UNIT[(data.type as unknown as { unit: number }).unit] ?? 1;
      return { type: dt, length, values: int64ToFloat(data.values, off, length, scale), valid };
    }
  }
  if (data.type.typeId === Type.Int || data.type.typeId === Type.Float) {
    const values = new Float64Array(length);
    const src = data.values as ArrayLike<number | bigint>;
    for (let i = 0; i < length; i++) values[i] = Number(src[i + off]);
    return { type: 'float64', length, values, valid };
  }
  throw new TypeError(`Arrow type ${String(data.type)} is not supported by @dask-ts/dataframe yet`);
}

/** Concatenates columns of one type. @internal */
export function concatCols(parts: readonly Col[], type: DType): Col {
  if (type === 'category') return concatCategories(parts);
  if (parts.length === 1) return parts[0];
  const length = parts.reduce((n, c) => n + c.length, 0);
  let valid: Uint8Array | undefined;
  if (parts.some((c) => c.valid !== undefined)) {
    valid = new Uint8Array((length + 7) >> 3);
    let at = 0;
    for (const c of parts) {
      for (let i = 0; i < c.length; i++, at++)
        if (isValid(c.valid, i)) valid[at >> 3] |= 1 << (at & 7);
    }
  }
  if (type === 'utf8') {
    const us = parts as Extract<Col, { type: 'utf8' }>[];
    const bytes = us.reduce((n, c) => n + (c.offsets[c.length] - c.offsets[0]), 0);
    const data = new Uint8Array(bytes);
    const offsets = new Int32Array(length + 1);
    let row = 0;
    let pos = 0;
    for (const c of us) {
      const base = c.offsets[0];
      data.set(c.data.subarray(base, c.offsets[c.length]), pos);
      for (let i = 0; i < c.length; i++) offsets[++row] = pos + c.offsets[i + 1] - base;
      pos += c.offsets[c.length] - base;
    }
    return { type, length, offsets, data, valid };
  }
  const values = new (valuesCtor(type))(length);
  let at = 0;
  for (const c of parts as Exclude<Col, { type: 'utf8' }>[]) {
    values.set(c.values, at);
    at += c.length;
  }
  return { type, length, values, valid } as Col;
}

/** The columns of a table (one per field, chunks concatenated). @internal */
export function colsOf(table: Table): Map<string, Col> {
  const out = new Map<string, Col>();
  table.schema.fields.forEach((f, i) => {
    const v = table.getChildAt(i);
    const chunks = (v?.data ?? []).map(colOfData);
    out.set(
      f.name,
      chunks.length === 0
        ? emptyCol(dtypeOfArrow(f.type) ?? 'float64')
        : concatCols(chunks, chunks[0].type),
    );
  });
  return out;
}

/** An empty column of a type. @internal */
export function emptyCol(type: DType): Col {
  if (type === 'utf8')
    return { type, length: 0, offsets: new Int32Array(1), data: new Uint8Array(0) };
  if (type === 'category')
    return { type, length: 0, values: new Int32Array(0), dict: emptyCol('utf8') as Utf8Col };
  return { type, length: 0, values: new (valuesCtor(type))(0) } as Col;
}

function countNulls(valid: Uint8Array | undefined, length: number): number {
  if (valid === undefined) return 0;
  let n = 0;
  for (let i = 0; i < length; i++) if (!isValid(valid, i)) n++;
  return n;
}

/** A column as Arrow `Data` (zero-copy except bool bits). @internal */
export function dataOfCol(c: Col): Data {
  const nullCount = countNulls(c.valid, c.length);
  const nullBitmap = nullCount === 0 ? undefined : c.valid;
  switch (c.type) {
    case 'float64':
      return makeData({
        type: new Float64(),
        length: c.length,
        nullCount,
        data: c.values,
        nullBitmap,
      });
    case 'int32':
      return makeData({
        type: new Int32(),
        length: c.length,
        nullCount,
        data: c.values,
        nullBitmap,
      });
    case 'date32':
      return makeData({
        type: new DateDay(),
        length: c.length,
        nullCount,
        data: c.values,
        nullBitmap,
      });
    case 'category':
      return makeData({
        type: new Dictionary(new Utf8(), new Int32()),
        length: c.length,
        nullCount,
        data: c.values,
        nullBitmap,
        dictionary: makeVector(dataOfCol(c.dict)) as Vector<Utf8>,
      });
    case 'timestamp': {
      const data = floatToInt64(c.values);
      return makeData({
        type: new TimestampMillisecond(),
        length: c.length,
        nullCount,
        data,
        nullBitmap,
      });
    }
    case 'bool': {
      const bits = new Uint8Array((c.length + 7) >> 3);
      for (let i = 0; i < c.length; i++) if (c.values[i]) bits[i >> 3] |= 1 << (i & 7);
      return makeData({ type: new Bool(), length: c.length, nullCount, data: bits, nullBitmap });
    }
    case 'utf8': {
      let offsets = c.offsets;
      if (offsets[0] !== 0) {
        const base = offsets[0];
        offsets = offsets.map((o) => o - base);
        return makeData({
          type: new Utf8(),
          length: c.length,
          nullCount,
          valueOffsets: offsets,
          data: c.data.subarray(base, base + offsets[c.length]),
          nullBitmap,
        });
      }
      return makeData({
        type: new Utf8(),
        length: c.length,
        nullCount,
        valueOffsets: offsets,
        data: c.data,
        nullBitmap,
      });
    }
  }
}

/** A column as an Arrow `Vector`. @internal */
export function vectorOfCol(c: Col): Vector {
  return makeVector(dataOfCol(c));
}

/** Named columns as an Arrow table with one record batch. @internal */
export function tableOf(cols: Cols): Table {
  const names = [...cols.keys()];
  return tableFromData(names, [[...cols.values()].map(dataOfCol)]);
}

/** A table from its columns' Arrow data, batch by batch (column order kept). @internal */
export function tableFromData(
  names: readonly string[],
  batches: readonly (readonly Data[])[],
): Table {
  const types = batches[0]?.map((d) => d.type) ?? [];
  const schema = new ArrowSchema(names.map((n, i) => new Field(n, types[i], true)));
  if (batches.length === 0) return new Table(schema);
  return new Table(
    schema,
    batches.map(
      (children) =>
        new RecordBatch(
          schema,
          makeData({
            type: new Struct(schema.fields),
            length: children[0]?.length ?? 0,
            nullCount: 0,
            children: [...children],
          }),
        ),
    ),
  );
}

const encoder = new TextEncoder();

/** Strings (or nulls) as a utf8 column, built with `TextEncoder.encodeInto`. @internal */
export function utf8Of(xs: readonly (string | null | undefined)[]): Col {
  const n = xs.length;
  const offsets = new Int32Array(n + 1);
  let data = new Uint8Array(Math.max(16, n * 8));
  let valid: Uint8Array | undefined;
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const s = xs[i];
    if (s === null || s === undefined) {
      valid ??= new Uint8Array((n + 7) >> 3).fill(0xff);
      valid[i >> 3] &= ~(1 << (i & 7));
    } else {
      if (typeof s !== 'string')
        throw new TypeError(`expected a string at row ${i}, got ${typeof s}`);
      // A UTF-16 code unit takes at most 3 bytes in UTF-8.
      if (pos + s.length * 3 > data.length) {
        const grown = new Uint8Array(Math.max(data.length * 2, pos + s.length * 3));
        grown.set(data.subarray(0, pos));
        data = grown;
      }
      pos += encoder.encodeInto(s, data.subarray(pos)).written;
    }
    offsets[i + 1] = pos;
  }
  return { type: 'utf8', length: n, offsets, data: data.subarray(0, pos), valid };
}

// Tables read from files as the kernels' columns. Policy: what other writers put in Arrow and
// Parquet files maps onto our types - any integer or float column becomes float64 (int32 stays
// int32), dictionary-encoded and large strings become utf8 (a file's dictionary is a storage
// detail; categories come from astype('category') or a dtype), bool stays bool, dates and
// timestamps of any unit become date32 / timestamp - and anything else is refused with an error naming the file and the column. A column read with a type other
// than the dataframe's schema says (a file written as int64 where the first file had int32) is
// converted when no value changes, refused otherwise.
import { Type, type Data, type DataType, type Table } from 'apache-arrow';
import {
  colOfData,
  concatCols,
  dtypeOfArrow,
  emptyCol,
  isValid,
  utf8Of,
  type Col,
} from './columns.js';
import type { DType, Schema } from './dtypes.js';
import { encodeCategory } from './columns-cat.js';

/** The dataframe type of an Arrow type, or undefined when it has none. @internal */
export function dtypeOfFileType(t: DataType): DType | undefined {
  if (t.typeId === Type.Dictionary) {
    // Files' dictionaries (Parquet's dictionary pages) are a storage detail: read as strings.
    const v = (t as unknown as { dictionary: DataType }).dictionary;
    return v.typeId === Type.Utf8 || v.typeId === Type.LargeUtf8 ? 'utf8' : undefined;
  }
  const d = dtypeOfArrow(t);
  if (d !== undefined) return d;
  switch (t.typeId) {
    case Type.Int:
    case Type.Float:
      return 'float64';
    case Type.LargeUtf8:
      return 'utf8';
  }
  return undefined;
}

/** The schema of an Arrow schema's fields, or an error naming the first unsupported column. @internal */
export function schemaOfFields(
  fields: readonly { readonly name: string; readonly type: DataType }[],
  where: string,
): Schema {
  return fields.map((f) => {
    const t = dtypeOfFileType(f.type);
    if (t === undefined)
      throw new TypeError(
        `${where}: column '${f.name}' has type ${String(f.type)}, which @dask-ts/dataframe cannot hold; leave it out with { columns: [...] }`,
      );
    return [f.name, t] as const;
  });
}

function stringsOf(d: Data): (string | null)[] {
  const out: (string | null)[] = [];
  const dec = new TextDecoder();
  const offs = d.valueOffsets as ArrayLike<number | bigint>;
  const bytes = d.values as Uint8Array;
  for (let i = 0; i < d.length; i++) {
    const j = i + d.offset;
    if (d.nullCount > 0 && !isValid(d.nullBitmap, j)) out.push(null);
    else out.push(dec.decode(bytes.subarray(Number(offs[j]), Number(offs[j + 1]))));
  }
  return out;
}

function colOfFileData(d: Data): Col {
  if (d.type.typeId === Type.LargeUtf8) return utf8Of(stringsOf(d));
  if (d.type.typeId === Type.Dictionary) {
    const dict = (d.dictionary?.data ?? []).flatMap(stringsOf);
    const idx = d.values as ArrayLike<number | bigint>;
    const xs: (string | null)[] = [];
    for (let i = 0; i < d.length; i++) {
      const j = i + d.offset;
      xs.push(d.nullCount > 0 && !isValid(d.nullBitmap, j) ? null : dict[Number(idx[j])]);
    }
    return utf8Of(xs);
  }
  return colOfData(d);
}

function coerce(c: Col, type: DType, where: string, name: string): Col {
  if (c.type === type) return c;
  if (type === 'category' && c.type === 'utf8') return encodeCategory(c);
  if (type === 'float64' && c.type === 'int32')
    return { type, length: c.length, values: Float64Array.from(c.values), valid: c.valid };
  if (type === 'int32' && c.type === 'float64') {
    const values = new Int32Array(c.length);
    for (let i = 0; i < c.length; i++) {
      values[i] = c.values[i];
      if (values[i] !== c.values[i] && isValid(c.valid, i))
        throw new TypeError(
          `${where}: column '${name}' holds ${c.values[i]}, which is not an int32 as the schema says; read it with { dtype: { '${name}': 'float64' } }`,
        );
    }
    return { type, length: c.length, values, valid: c.valid };
  }
  throw new TypeError(`${where}: column '${name}' is ${c.type} here but ${type} in the schema`);
}

/**
 * The columns `names` of a table read from a file, with the types `types` (an error naming the
 * file and the column when one is missing or cannot take its type). @internal
 */
export function colsOfFileTable(
  t: Table,
  names: readonly string[],
  types: readonly DType[],
  where: string,
): Map<string, Col> {
  const out = new Map<string, Col>();
  names.forEach((name, k) => {
    const i = t.schema.fields.findIndex((f) => f.name === name);
    if (i < 0)
      throw new Error(
        `${where}: no column '${name}'; the file's columns are ${t.schema.fields.map((f) => `'${f.name}'`).join(', ')}`,
      );
    const f = t.schema.fields[i];
    if (dtypeOfFileType(f.type) === undefined)
      throw new TypeError(
        `${where}: column '${name}' has type ${String(f.type)}, which cannot be read`,
      );
    const chunks = (t.getChildAt(i)?.data ?? []).map(colOfFileData);
    const c = chunks.length === 0 ? emptyCol(types[k]) : concatCols(chunks, chunks[0].type);
    out.set(name, coerce(c, types[k], where, name));
  });
  return out;
}

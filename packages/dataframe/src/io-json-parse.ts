// JSON records to and from typed columns. Policy: a JSON-lines block holds one object per line
// (blank lines skipped); a plain JSON file holds an array of objects. A column's type is inferred
// from a sample: numbers that are all int32 integers make int32, other numbers float64, booleans
// bool, strings utf8; a column mixing kinds, or holding objects or arrays, is utf8 (non-strings as
// their JSON text); a column that is always null is float64. A missing key or `null` is a null.
// A value the column's type cannot hold is an error naming the file, the line and the column.
import { isValid, utf8Of, valuesCtor, type Col, type Cols, type Utf8Col } from './columns.js';
import { parseTemporal } from './kernels-dt.js';
import { encodeCategory } from './columns-cat.js';
import type { DType, Schema } from './dtypes.js';

const decoder = new TextDecoder();
type Rec = Readonly<Record<string, unknown>>;

/** The records of bytes [begin, limit) (JSON lines: the lines that start there), with line numbers. */
function parseRecords(
  bytes: Uint8Array,
  begin: number,
  limit: number,
  lines: boolean,
  where: string,
): { recs: Rec[]; line: number[] } {
  const recs: Rec[] = [];
  const line: number[] = [];
  const bad = (n: number, why: string): Error =>
    new SyntaxError(`${where}: ${n === 0 ? 'the file' : `line ${n}`} ${why}`);
  if (!lines) {
    let all: unknown;
    try {
      all = JSON.parse(decoder.decode(bytes.subarray(begin, limit)));
    } catch (err) {
      throw bad(0, `is not valid JSON (${String(err)})`);
    }
    if (!Array.isArray(all))
      throw bad(0, 'is not a JSON array of objects (pass { lines: true } for JSON lines)');
    all.forEach((r, i) => {
      if (r === null || typeof r !== 'object' || Array.isArray(r))
        throw bad(0, `holds a non-object at index ${i}`);
      recs.push(r as Rec);
      line.push(i + 1);
    });
    return { recs, line };
  }
  let i = begin;
  let n = 0;
  while (i < limit && i < bytes.length) {
    let e = bytes.indexOf(10, i);
    if (e < 0) e = bytes.length;
    n++;
    const text = decoder.decode(bytes.subarray(i, e)).trim();
    i = e + 1;
    if (text === '') continue;
    let r: unknown;
    try {
      r = JSON.parse(text);
    } catch (err) {
      throw bad(n, `of the block is not valid JSON (${String(err)}): ${text.slice(0, 60)}`);
    }
    if (r === null || typeof r !== 'object' || Array.isArray(r))
      throw bad(n, 'of the block is not a JSON object');
    recs.push(r as Rec);
    line.push(n);
  }
  return { recs, line };
}

function kindOf(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) && (v | 0) === v ? 'int' : 'float';
  return typeof v === 'object' ? 'object' : typeof v;
}

/** The columns and inferred types of sample records (in order of first appearance). @internal */
export function inferJsonSchema(
  bytes: Uint8Array,
  begin: number,
  limit: number,
  lines: boolean,
  where: string,
): Schema {
  const { recs } = parseRecords(bytes, begin, limit, lines, where);
  const kinds = new Map<string, Set<string>>();
  for (const r of recs)
    for (const [k, v] of Object.entries(r)) {
      let s = kinds.get(k);
      if (s === undefined) kinds.set(k, (s = new Set()));
      if (v !== null && v !== undefined) s.add(kindOf(v));
    }
  return [...kinds].map(([k, s]) => {
    const only = s.size === 1 ? [...s][0] : undefined;
    let t: DType = 'utf8';
    if (s.size === 0) t = 'float64';
    else if (only === 'int') t = 'int32';
    else if ([...s].every((x) => x === 'int' || x === 'float')) t = 'float64';
    else if (only === 'boolean') t = 'bool';
    return [k, t] as const;
  });
}

function colOfValues(
  recs: readonly Rec[],
  name: string,
  type: DType,
  line: readonly number[],
  where: string,
): Col {
  const n = recs.length;
  if (type === 'category')
    return encodeCategory(colOfValues(recs, name, 'utf8', line, where) as Utf8Col);
  if (type === 'utf8')
    return utf8Of(
      recs.map((r) => {
        const v = r[name];
        return v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v);
      }),
    );
  if (type === 'date32' || type === 'timestamp') {
    // ISO 8601 strings; anything else is an error naming the line.
    const text = utf8Of(
      recs.map((r) => {
        const v = r[name];
        return typeof v === 'string' ? v : null;
      }),
    );
    const out = parseTemporal(text as Extract<Col, { type: 'utf8' }>, type);
    for (let i = 0; i < n; i++) {
      const v = recs[i][name];
      if (v !== null && v !== undefined && !isValid(out.valid, i))
        throw new TypeError(
          `${where}: column '${name}' is ${type} but line ${line[i]} holds ${JSON.stringify(v)?.slice(0, 40)}, which is not an ISO 8601 date`,
        );
    }
    return out;
  }
  let valid: Uint8Array | undefined;
  const values = new (valuesCtor(type))(n);
  for (let i = 0; i < n; i++) {
    const v = recs[i][name];
    if (v === null || v === undefined) {
      valid ??= new Uint8Array((n + 7) >> 3).fill(0xff);
      valid[i >> 3] &= ~(1 << (i & 7));
      continue;
    }
    const ok =
      type === 'bool'
        ? typeof v === 'boolean'
        : typeof v === 'number' && (type === 'float64' || (v | 0) === v);
    if (!ok)
      throw new TypeError(
        `${where}: column '${name}' is ${type} but line ${line[i]} holds ${JSON.stringify(v)?.slice(0, 40)}; pass readJson(..., { dtype: { '${name}': '${type === 'int32' ? 'float64' : 'utf8'}' } })`,
      );
    values[i] = v === true ? 1 : v === false ? 0 : (v as number);
  }
  return { type, length: n, values, valid } as Col;
}

/** Typed columns of the records in bytes [begin, limit). @internal */
export function jsonBlockCols(
  bytes: Uint8Array,
  begin: number,
  limit: number,
  lines: boolean,
  names: readonly string[],
  types: readonly DType[],
  where: string,
): Map<string, Col> {
  const { recs, line } = parseRecords(bytes, begin, limit, lines, where);
  return new Map(names.map((c, i) => [c, colOfValues(recs, c, types[i], line, where)]));
}

/** A value of a column as plain JS (null for nulls). @internal */
export function valueAt(c: Col, i: number): number | string | boolean | null {
  if (!isValid(c.valid, i)) return null;
  switch (c.type) {
    case 'utf8':
      return decoder.decode(c.data.subarray(c.offsets[i], c.offsets[i + 1]));
    case 'bool':
      return c.values[i] !== 0;
    default:
      return c.values[i];
  }
}

/** Columns as records (plain objects, nulls as null). @internal */
export function recordsOf(
  cols: Cols,
  n: number,
): Record<string, number | string | boolean | null>[] {
  const out: Record<string, number | string | boolean | null>[] = [];
  const entries = [...cols];
  for (let i = 0; i < n; i++) {
    const r: Record<string, number | string | boolean | null> = {};
    for (const [name, c] of entries) r[name] = valueAt(c, i);
    out.push(r);
  }
  return out;
}

/** Records as JSON lines (a newline after each). @internal */
export function toJsonLines(recs: readonly Rec[]): string {
  let s = '';
  for (const r of recs) s += `${JSON.stringify(r)}\n`;
  return s;
}

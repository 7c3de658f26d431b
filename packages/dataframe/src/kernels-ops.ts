// Row-wise kernels behind astype, fillna, isin and where / mask: loops over typed arrays and
// validity bitmaps. A float64 NaN counts as null where pandas treats it so (fillna, dropna,
// isNull); casting float64 to int32 truncates and makes NaN / infinities null; text that does not
// parse as the target type becomes null. Dates and timestamps convert to and from ISO 8601 text, to
// each other, and to and from numbers (days for a date32, milliseconds for a timestamp).
import { isValid, valuesCtor, type Col, type Utf8Col } from './columns.js';
import { decodeCategory, encodeCategory } from './columns-cat.js';
import { DAY_MS, formatTemporal, parseTemporal } from './kernels-dt.js';
import type { DType } from './dtypes.js';
import type { Literal } from './expr.js';
import { Utf8Builder } from './kernels-str.js';
import { parseNumber } from './csv-parse.js';
import { isinNumbers } from './kernels-isin.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Whether row `i` holds a value (valid and, for float64, not NaN). @internal */
export function present(c: Col, i: number): boolean {
  if (!isValid(c.valid, i)) return false;
  return c.type !== 'float64' || !Number.isNaN(c.values[i]);
}

/** A bitmap with row i set where `keep(i)`, or undefined when all are set. @internal */
export function bitmap(n: number, keep: (i: number) => boolean): Uint8Array | undefined {
  let out: Uint8Array | undefined;
  for (let i = 0; i < n; i++) {
    if (keep(i)) continue;
    out ??= new Uint8Array((n + 7) >> 3).fill(0xff);
    out[i >> 3] &= ~(1 << (i & 7));
  }
  return out;
}

/** A column of `n` nulls. @internal */
export function allNull(type: DType, n: number): Col {
  const valid = new Uint8Array((n + 7) >> 3);
  if (type === 'utf8')
    return { type, length: n, offsets: new Int32Array(n + 1), data: new Uint8Array(0), valid };
  if (type === 'category')
    return {
      type,
      length: n,
      values: new Int32Array(n),
      dict: allNull('utf8', 0) as Utf8Col,
      valid,
    };
  return { type, length: n, values: new (valuesCtor(type))(n), valid } as Col;
}

function parseText(c: Extract<Col, { type: 'utf8' }>, to: 'float64' | 'int32' | 'bool'): Col {
  const n = c.length;
  const values =
    to === 'float64' ? new Float64Array(n) : to === 'int32' ? new Int32Array(n) : new Uint8Array(n);
  const ok = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (!isValid(c.valid, i)) continue;
    const from = c.offsets[i];
    const to_ = c.offsets[i + 1];
    if (to === 'bool') {
      const l = decoder.decode(c.data.subarray(from, to_)).trim().toLowerCase();
      if (l === 'true' || l === '1') {
        values[i] = 1;
        ok[i] = 1;
      } else if (l === 'false' || l === '0') ok[i] = 1;
      continue;
    }
    // Numbers are parsed from the bytes (the CSV reader's parser).
    const x = parseNumber(c.data, from, to_);
    if (Number.isNaN(x)) continue;
    if (to === 'int32' && !(Number.isInteger(x) && (x | 0) === x)) continue;
    values[i] = x;
    ok[i] = 1;
  }
  return { type: to, length: n, values, valid: bitmap(n, (i) => ok[i] === 1) } as Col;
}

/** A column converted to another type. @internal */
export function castCol(c: Col, to: DType): Col {
  if (c.type === to) return c;
  if (c.type === 'category') return castCol(decodeCategory(c), to);
  if (to === 'category') return encodeCategory(castCol(c, 'utf8') as Utf8Col);
  const n = c.length;
  if (c.type === 'utf8' && (to === 'date32' || to === 'timestamp')) return parseTemporal(c, to);
  if (c.type === 'utf8') return parseText(c, to as 'float64' | 'int32' | 'bool');
  if (to === 'utf8' && (c.type === 'date32' || c.type === 'timestamp')) return formatTemporal(c);
  if (c.type === 'date32' && to === 'timestamp') {
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = c.values[i] * DAY_MS;
    return { type: to, length: n, values, valid: c.valid };
  }
  if (to === 'date32' || to === 'timestamp') {
    // From numbers: days or milliseconds; a timestamp's day is its floor.
    const values = new (valuesCtor(to))(n);
    const src = c.values;
    const k = c.type === 'timestamp' ? DAY_MS : 1;
    for (let i = 0; i < n; i++) values[i] = to === 'date32' ? Math.floor(src[i] / k) : src[i];
    return {
      type: to,
      length: n,
      values,
      valid: bitmap(n, (i) => isValid(c.valid, i) && Number.isFinite(src[i])),
    } as Col;
  }
  if (to === 'utf8') {
    const b = new Utf8Builder(n, n * 4);
    for (let i = 0; i < n; i++) {
      if (!isValid(c.valid, i)) b.nul();
      else {
        const x = c.values[i];
        if (c.type === 'bool') b.text(x ? 'true' : 'false');
        else if (c.type === 'int32') {
          b.text(String(x));
        } else {
          const bytes = encoder.encode(String(x));
          b.append(bytes, 0, bytes.length);
        }
        b.end();
      }
    }
    return b.done();
  }
  if (to === 'float64')
    return { type: to, length: n, values: Float64Array.from(c.values), valid: c.valid };
  if (to === 'int32') {
    const values = new Int32Array(n);
    const src = c.values;
    for (let i = 0; i < n; i++) values[i] = Math.trunc(src[i]) | 0;
    if (c.type !== 'float64') return { type: to, length: n, values, valid: c.valid };
    return {
      type: to,
      length: n,
      values,
      valid: bitmap(n, (i) => isValid(c.valid, i) && Number.isFinite(src[i])),
    };
  }
  // to bool: non-zero is true; NaN is null.
  const values = new Uint8Array(n);
  for (let i = 0; i < n; i++) values[i] = c.values[i] !== 0 ? 1 : 0;
  return {
    type: 'bool',
    length: n,
    values,
    valid: c.type === 'float64' ? bitmap(n, (i) => present(c, i)) : c.valid,
  };
}

/** Picks `a` where `useA(i)`, else `b` (same type). @internal */
export function choose(a: Col, b: Col, useA: (i: number) => boolean): Col {
  const n = a.length;
  const valid = bitmap(n, (i) => (useA(i) ? isValid(a.valid, i) : isValid(b.valid, i)));
  if (a.type === 'utf8') {
    const bb = b as Extract<Col, { type: 'utf8' }>;
    const out = new Utf8Builder(n, a.offsets[n] - a.offsets[0]);
    for (let i = 0; i < n; i++) {
      const src = useA(i) ? a : bb;
      out.append(src.data, src.offsets[i], src.offsets[i + 1]);
      out.end();
    }
    const r = out.done();
    return { ...r, valid };
  }
  const av = a.values;
  const bv = (b as typeof a).values;
  const values = new (av.constructor as new (n: number) => typeof av)(n);
  for (let i = 0; i < n; i++) values[i] = useA(i) ? av[i] : bv[i];
  return { ...a, length: n, values, valid } as Col;
}

/** `x` with nulls (and NaN) replaced by `value`'s rows (both of one type). @internal */
export function fillCol(x: Col, value: Col): Col {
  return choose(x, value, (i) => present(x, i));
}

/** Rows of `then` where `cond` is true, else rows of `other` (same type). @internal */
export function condCol(cond: Col, then: Col, other: Col): Col {
  const c = cond as Extract<Col, { type: 'bool' }>;
  return choose(then, other, (i) => c.values[i] === 1 && isValid(c.valid, i));
}

/** Whether each row is one of `values` (a null never is). @internal */
export function isinCol(x: Col, values: readonly Literal[]): Col {
  const n = x.length;
  const out = new Uint8Array(n);
  if (x.type === 'utf8') {
    const pats = values
      .filter((v): v is string => typeof v === 'string')
      .map((v) => encoder.encode(v));
    for (let i = 0; i < n; i++) {
      if (!isValid(x.valid, i)) continue;
      const s = x.offsets[i];
      const len = x.offsets[i + 1] - s;
      for (const p of pats) {
        if (p.length !== len) continue;
        let k = 0;
        while (k < len && x.data[s + k] === p[k]) k++;
        if (k === len) {
          out[i] = 1;
          break;
        }
      }
    }
  } else {
    isinNumbers(x.values.subarray(0, n), x.valid, values, out);
  }
  return { type: 'bool', length: n, values: out };
}

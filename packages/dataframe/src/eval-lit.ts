// The commonest operators of filters and derived columns, a numeric column against a number
// literal (`l_quantity < 24`, `1 - l_discount`, `l_shipdate >= '1994-01-01'`), as loops that each
// see one typed array type and a scalar: no broadcast array of the literal, no polymorphic element
// access. Policy: only what gives exactly the general path's answer is taken here (float64 with
// any number; int32 and date32 compared with a number; date32 with a date literal, compared in
// days; two columns of one of these types compared); anything else returns undefined and the
// general path (eval.ts) runs. Comparisons store `+(a < b)`, not `a < b ? 1 : 0`: V8 compiles
// the latter to a branch, which mispredicts on unsorted data (4x slower here).
import type { BinOp } from './expr.js';
import type { Col } from './columns.js';
import { DAY_MS, parseDateText } from './kernels-dt.js';

type Lit = { readonly lit: number | string | boolean; readonly ts?: true };
type Cmp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

/** The operator seen from the other side (`5 < x` is `x > 5`). */
const FLIP: Readonly<Record<Cmp, Cmp>> = {
  eq: 'eq',
  ne: 'ne',
  lt: 'gt',
  le: 'ge',
  gt: 'lt',
  ge: 'le',
};

const isCmp = (op: BinOp): op is Cmp =>
  op === 'eq' || op === 'ne' || op === 'lt' || op === 'le' || op === 'gt' || op === 'ge';

function cmpF64(op: Cmp, x: Float64Array, y: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  switch (op) {
    case 'eq':
      for (let i = 0; i < n; i++) out[i] = +(x[i] === y);
      break;
    case 'ne':
      for (let i = 0; i < n; i++) out[i] = +(x[i] !== y);
      break;
    case 'lt':
      for (let i = 0; i < n; i++) out[i] = +(x[i] < y);
      break;
    case 'le':
      for (let i = 0; i < n; i++) out[i] = +(x[i] <= y);
      break;
    case 'gt':
      for (let i = 0; i < n; i++) out[i] = +(x[i] > y);
      break;
    case 'ge':
      for (let i = 0; i < n; i++) out[i] = +(x[i] >= y);
      break;
  }
  return out;
}

function cmpI32(op: Cmp, x: Int32Array, y: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  switch (op) {
    case 'eq':
      for (let i = 0; i < n; i++) out[i] = +(x[i] === y);
      break;
    case 'ne':
      for (let i = 0; i < n; i++) out[i] = +(x[i] !== y);
      break;
    case 'lt':
      for (let i = 0; i < n; i++) out[i] = +(x[i] < y);
      break;
    case 'le':
      for (let i = 0; i < n; i++) out[i] = +(x[i] <= y);
      break;
    case 'gt':
      for (let i = 0; i < n; i++) out[i] = +(x[i] > y);
      break;
    case 'ge':
      for (let i = 0; i < n; i++) out[i] = +(x[i] >= y);
      break;
  }
  return out;
}

/** `x op y` (or `y op x` when `litFirst`) for a float64 column and a number. */
function arithF64(
  op: BinOp,
  x: Float64Array,
  y: number,
  n: number,
  litFirst: boolean,
): Float64Array {
  const out = new Float64Array(n);
  if (op === 'add') for (let i = 0; i < n; i++) out[i] = x[i] + y;
  else if (op === 'mul') for (let i = 0; i < n; i++) out[i] = x[i] * y;
  else if (op === 'sub' && !litFirst) for (let i = 0; i < n; i++) out[i] = x[i] - y;
  else if (op === 'sub') for (let i = 0; i < n; i++) out[i] = y - x[i];
  else if (!litFirst) for (let i = 0; i < n; i++) out[i] = x[i] / y;
  else for (let i = 0; i < n; i++) out[i] = y / x[i];
  return out;
}

/**
 * A literal as days for comparing with a date32 column (a date string or milliseconds).
 * @internal
 */
export function litDays(l: Lit): number | undefined {
  if (typeof l.lit === 'string') {
    const ms = parseDateText(l.lit);
    return Number.isFinite(ms) ? ms / DAY_MS : undefined;
  }
  if (typeof l.lit === 'number' && l.ts === true) return l.lit / DAY_MS;
  return undefined;
}

/** Comparison of two columns of one type (float64, int32 or date32: days order as dates). */
function sameTypeCmp(op: Cmp, a: Col, b: Col, n: number): Col | undefined {
  if (a.type !== b.type || a.length !== n || b.length !== n) return undefined;
  if (a.type !== 'float64' && a.type !== 'int32' && a.type !== 'date32') return undefined;
  const x = a.values;
  const y = (b as typeof a).values;
  const out = new Uint8Array(n);
  if (x instanceof Float64Array && y instanceof Float64Array) cmpColsF64(op, x, y, out);
  else cmpColsI32(op, x as Int32Array, y as Int32Array, out);
  let valid = a.valid ?? b.valid;
  if (a.valid !== undefined && b.valid !== undefined) {
    valid = new Uint8Array((n + 7) >> 3);
    for (let i = 0; i < valid.length; i++) valid[i] = a.valid[i] & b.valid[i];
  }
  return { type: 'bool', length: n, values: out, valid };
}

function cmpColsF64(op: Cmp, x: Float64Array, y: Float64Array, out: Uint8Array): void {
  const n = out.length;
  if (op === 'eq') for (let i = 0; i < n; i++) out[i] = +(x[i] === y[i]);
  else if (op === 'ne') for (let i = 0; i < n; i++) out[i] = +(x[i] !== y[i]);
  else if (op === 'lt') for (let i = 0; i < n; i++) out[i] = +(x[i] < y[i]);
  else if (op === 'le') for (let i = 0; i < n; i++) out[i] = +(x[i] <= y[i]);
  else if (op === 'gt') for (let i = 0; i < n; i++) out[i] = +(x[i] > y[i]);
  else for (let i = 0; i < n; i++) out[i] = +(x[i] >= y[i]);
}

function cmpColsI32(op: Cmp, x: Int32Array, y: Int32Array, out: Uint8Array): void {
  const n = out.length;
  if (op === 'eq') for (let i = 0; i < n; i++) out[i] = +(x[i] === y[i]);
  else if (op === 'ne') for (let i = 0; i < n; i++) out[i] = +(x[i] !== y[i]);
  else if (op === 'lt') for (let i = 0; i < n; i++) out[i] = +(x[i] < y[i]);
  else if (op === 'le') for (let i = 0; i < n; i++) out[i] = +(x[i] <= y[i]);
  else if (op === 'gt') for (let i = 0; i < n; i++) out[i] = +(x[i] > y[i]);
  else for (let i = 0; i < n; i++) out[i] = +(x[i] >= y[i]);
}

/**
 * `a op b` when one side is a float64 / int32 / date32 column and the other a literal this file
 * handles, or both are columns of one of those types compared; undefined otherwise. @internal
 */
export function litBinary(op: BinOp, a: Col | Lit, b: Col | Lit, n: number): Col | undefined {
  const litFirst = 'lit' in a;
  if (!litFirst && !('lit' in b)) return isCmp(op) ? sameTypeCmp(op, a, b, n) : undefined;
  if (litFirst === 'lit' in b) return undefined;
  const c = (litFirst ? b : a) as Col;
  const l = (litFirst ? a : b) as Lit;
  if (c.length !== n) return undefined;
  const valid = c.valid;
  if (c.type === 'date32') {
    if (!isCmp(op)) return undefined;
    const days = litDays(l);
    if (days === undefined) return undefined;
    const values = cmpI32(litFirst ? FLIP[op] : op, c.values, days, n);
    return { type: 'bool', length: n, values, valid };
  }
  if (typeof l.lit !== 'number' || l.ts === true) return undefined;
  if (c.type === 'float64') {
    if (isCmp(op)) {
      const values = cmpF64(litFirst ? FLIP[op] : op, c.values, l.lit, n);
      return { type: 'bool', length: n, values, valid };
    }
    if (op === 'add' || op === 'sub' || op === 'mul' || op === 'div') {
      const values = arithF64(op, c.values, l.lit, n, litFirst);
      return { type: 'float64', length: n, values, valid };
    }
    return undefined;
  }
  if (c.type === 'int32' && isCmp(op)) {
    const values = cmpI32(litFirst ? FLIP[op] : op, c.values, l.lit, n);
    return { type: 'bool', length: n, values, valid };
  }
  return undefined;
}

/** `a and b` / `a or b` of two bool columns without nulls; undefined otherwise. @internal */
export function plainLogic(op: BinOp, a: Col | Lit, b: Col | Lit, n: number): Col | undefined {
  if ((op !== 'and' && op !== 'or') || 'lit' in a || 'lit' in b) return undefined;
  if (a.type !== 'bool' || b.type !== 'bool' || a.valid !== undefined || b.valid !== undefined)
    return undefined;
  const x = a.values;
  const y = b.values;
  const values = new Uint8Array(n);
  if (op === 'and') for (let i = 0; i < n; i++) values[i] = x[i] & y[i];
  else for (let i = 0; i < n; i++) values[i] = x[i] | y[i];
  return { type: 'bool', length: n, values };
}

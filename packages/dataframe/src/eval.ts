// Evaluating expressions in kernels: loops over typed arrays, one output array per operator, with
// validity bitmaps combined (a null operand makes a null result). Literals broadcast. Strings are
// compared as UTF-8 bytes (code point order), without decoding them. Dates and timestamps compare
// as milliseconds (a date is its midnight), with string literals parsed once per evaluation. A
// category column takes part in operators, string functions and isin as its strings (utf8). A
// numeric column against a number literal, and and / or without nulls, take eval-lit.ts's loops;
// arithmetic of two or more operators over float64 columns is one fused loop (eval-fused.ts).
import { typeExpr, type BinOp, type ExprSpec } from './expr.js';
import { isValid, type Col, type Cols } from './columns.js';
import type { Schema } from './dtypes.js';
import { allNull, castCol, condCol, fillCol, isinCol, present } from './kernels-ops.js';
import { strCol } from './kernels-str.js';
import { DAY_MS, dtCol, parseDateText } from './kernels-dt.js';
import { plainCol } from './columns-cat.js';
import { compareCats, viaDict } from './eval-cat.js';
import { litBinary, plainLogic } from './eval-lit.js';
import { fusedArith } from './eval-fused.js';

const CMP: ReadonlySet<string> = new Set(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);
const ARITH: ReadonlySet<string> = new Set(['add', 'sub', 'mul', 'div']);

type Lit = { readonly lit: number | string | boolean; readonly ts?: true; readonly float?: true };
type Val = Col | Lit;

const encoder = new TextEncoder();

/** Evaluates an expression to a column of `n` rows. @internal */
export function evalExpr(spec: ExprSpec, cols: Cols, n: number): Col {
  const v = evalVal(spec, cols, n);
  if ('lit' in v && v.ts === true)
    return { type: 'timestamp', length: n, values: new Float64Array(n).fill(v.lit as number) };
  return 'lit' in v ? broadcast(v.lit, n) : v;
}

function broadcast(x: number | string | boolean, n: number): Col {
  if (typeof x === 'number')
    return { type: 'float64', length: n, values: new Float64Array(n).fill(x) };
  if (typeof x === 'boolean')
    return { type: 'bool', length: n, values: new Uint8Array(n).fill(x ? 1 : 0) };
  const bytes = encoder.encode(x);
  const data = new Uint8Array(bytes.length * n);
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    data.set(bytes, i * bytes.length);
    offsets[i + 1] = (i + 1) * bytes.length;
  }
  return { type: 'utf8', length: n, offsets, data };
}

function evalVal(spec: ExprSpec, cols: Cols, n: number): Val {
  switch (spec.k) {
    case 'col': {
      const c = cols.get(spec.name);
      if (c === undefined)
        throw new Error(
          `unknown column '${spec.name}' in a partition with ${[...cols.keys()].join(', ')}`,
        );
      return c;
    }
    case 'lit':
      return spec.float === true ? { lit: spec.value, float: true } : { lit: spec.value };
    case 'ts':
      return { lit: spec.ms, ts: true };
    case 'scalar':
      // Its value is substituted when the step is given it (scalar-steps.ts).
      throw new Error(
        `the lazy scalar '${spec.key}' reached a kernel without its value: only row-wise steps (filter, assign) take lazy scalars`,
      );
    case 'dt':
      return dtCol(spec.fn, evalExpr(spec.x, cols, n), spec.args);
    case 'isNull': {
      const x = evalExpr(spec.x, cols, n);
      const values = new Uint8Array(n);
      for (let i = 0; i < n; i++) values[i] = present(x, i) ? 0 : 1;
      return { type: 'bool', length: n, values };
    }
    case 'null':
      return allNull(spec.type, n);
    case 'cast':
      return castCol(evalExpr(spec.x, cols, n), spec.to);
    case 'isin': {
      const x = evalExpr(spec.x, cols, n);
      if (x.type !== 'category') return isinCol(x, spec.values);
      // A null is in no list: false, not null (as isinCol answers).
      const r = viaDict(x, (d) => isinCol(d, spec.values)) as Extract<Col, { type: 'bool' }>;
      if (r.valid === undefined) return r;
      const values = new Uint8Array(n);
      for (let i = 0; i < n; i++) values[i] = isValid(r.valid, i) ? r.values[i] : 0;
      return { type: 'bool', length: n, values };
    }
    case 'str': {
      const x = evalExpr(spec.x, cols, n);
      return x.type === 'category'
        ? viaDict(x, (d) => strCol(spec.fn, d, spec.args))
        : strCol(spec.fn, x, spec.args);
    }
    case 'fill': {
      // The result's type is the one the expression was built with (numbers widened as needed).
      const t = typeExpr(spec, schemaOf(cols), 'fillna');
      return fillCol(
        castCol(evalExpr(spec.x, cols, n), t),
        castCol(evalExpr(spec.value, cols, n), t),
      );
    }
    case 'cond': {
      const t = typeExpr(spec, schemaOf(cols), 'where');
      return condCol(
        evalExpr(spec.cond, cols, n),
        castCol(evalExpr(spec.then, cols, n), t),
        castCol(evalExpr(spec.else, cols, n), t),
      );
    }
    case 'not': {
      const x = evalExpr(spec.x, cols, n) as Extract<Col, { type: 'bool' }>;
      const values = new Uint8Array(n);
      for (let i = 0; i < n; i++) values[i] = +(x.values[i] === 0);
      return { type: 'bool', length: n, values, valid: x.valid };
    }
    case 'bin': {
      const fused = ARITH.has(spec.op) ? fusedArith(spec, cols, n) : undefined;
      if (fused !== undefined) return fused;
      const l = evalVal(spec.l, cols, n);
      const r = evalVal(spec.r, cols, n);
      // A category against a literal: the operator runs on its categories only.
      if (!('lit' in l) && l.type === 'category' && 'lit' in r)
        return viaDict(l, (d) => binary(spec.op, d, r, d.length));
      if (!('lit' in r) && r.type === 'category' && 'lit' in l)
        return viaDict(r, (d) => binary(spec.op, l, d, d.length));
      if (!('lit' in l) && !('lit' in r) && l.type === 'category' && r.type === 'category')
        if (CMP.has(spec.op)) return compareCats(spec.op, l, r, n);
      return (
        litBinary(spec.op, l, r, n) ??
        plainLogic(spec.op, l, r, n) ??
        binary(spec.op, plainVal(l), plainVal(r), n)
      );
    }
  }
}

/** Categories take part in operators as their strings. */
const plainVal = (v: Val): Val => ('lit' in v ? v : plainCol(v));

function schemaOf(cols: Cols): Schema {
  return [...cols].map(([name, c]) => [name, c.type] as const);
}

/** Whether an operand is int32 (a column) or an integer literal that fits int32. */
const intOperand = (v: Val): boolean =>
  'lit' in v
    ? v.float !== true && typeof v.lit === 'number' && (v.lit | 0) === v.lit
    : v.type === 'int32';

function andValid(a: Val, b: Val, n: number): Uint8Array | undefined {
  const va = 'lit' in a ? undefined : a.valid;
  const vb = 'lit' in b ? undefined : b.valid;
  if (va === undefined) return vb;
  if (vb === undefined) return va;
  const out = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < out.length; i++) out[i] = va[i] & vb[i];
  return out;
}

type Num = ArrayLike<number>;
const numbers = (v: Val, n: number): Num =>
  'lit' in v ? new Float64Array(n).fill(v.lit as number) : (v as { values: Num }).values;

/** Three-valued and / or (as SQL and pandas' nullable booleans): a known answer wins over null. */
function logic(op: 'and' | 'or', a: Val, b: Val, n: number): Col {
  const x = numbers(a, n);
  const y = numbers(b, n);
  const va = 'lit' in a ? undefined : a.valid;
  const vb = 'lit' in b ? undefined : b.valid;
  const values = new Uint8Array(n);
  let valid: Uint8Array | undefined;
  const decisive = op === 'and' ? 0 : 1;
  for (let i = 0; i < n; i++) {
    const ka = isValid(va, i);
    const kb = isValid(vb, i);
    const p = ka ? (x[i] ? 1 : 0) : -1;
    const q = kb ? (y[i] ? 1 : 0) : -1;
    if (p === decisive || q === decisive) values[i] = decisive;
    else if (ka && kb) values[i] = 1 - decisive;
    else {
      valid ??= new Uint8Array((n + 7) >> 3).fill(0xff);
      valid[i >> 3] &= ~(1 << (i & 7));
    }
  }
  return { type: 'bool', length: n, values, valid };
}

function binary(op: BinOp, a: Val, b: Val, n: number): Col {
  if (op === 'and' || op === 'or') return logic(op, a, b, n);
  if (temporal(a) || temporal(b)) {
    a = asMs(a);
    b = asMs(b);
  }
  const valid = andValid(a, b, n);
  const ta = 'lit' in a ? typeof a.lit : a.type;
  if (ta === 'utf8' || ta === 'string') return compareStrings(op, a, b, n, valid);
  const x = numbers(a, n);
  const y = numbers(b, n);
  if (
    (op === 'add' || op === 'sub' || op === 'mul') &&
    intOperand(a) &&
    intOperand(b) &&
    !('lit' in a && 'lit' in b)
  ) {
    // pandas keeps int32 with int32 (wrapping on overflow, as numpy does).
    const values = new Int32Array(n);
    if (op === 'add') for (let i = 0; i < n; i++) values[i] = (x[i] + y[i]) | 0;
    else if (op === 'sub') for (let i = 0; i < n; i++) values[i] = (x[i] - y[i]) | 0;
    else for (let i = 0; i < n; i++) values[i] = Math.imul(x[i], y[i]);
    return { type: 'int32', length: n, values, valid };
  }
  if (op === 'add' || op === 'sub' || op === 'mul' || op === 'div') {
    const values = new Float64Array(n);
    switch (op) {
      case 'add':
        for (let i = 0; i < n; i++) values[i] = x[i] + y[i];
        break;
      case 'sub':
        for (let i = 0; i < n; i++) values[i] = x[i] - y[i];
        break;
      case 'mul':
        for (let i = 0; i < n; i++) values[i] = x[i] * y[i];
        break;
      case 'div':
        for (let i = 0; i < n; i++) values[i] = x[i] / y[i];
        break;
    }
    return { type: 'float64', length: n, values, valid };
  }
  const values = new Uint8Array(n);
  switch (op) {
    case 'eq':
      for (let i = 0; i < n; i++) values[i] = +(x[i] === y[i]);
      break;
    case 'ne':
      for (let i = 0; i < n; i++) values[i] = +(x[i] !== y[i]);
      break;
    case 'gt':
      for (let i = 0; i < n; i++) values[i] = +(x[i] > y[i]);
      break;
    case 'ge':
      for (let i = 0; i < n; i++) values[i] = +(x[i] >= y[i]);
      break;
    case 'lt':
      for (let i = 0; i < n; i++) values[i] = +(x[i] < y[i]);
      break;
    case 'le':
      for (let i = 0; i < n; i++) values[i] = +(x[i] <= y[i]);
      break;
  }
  return { type: 'bool', length: n, values, valid };
}

const temporal = (v: Val): boolean =>
  'lit' in v ? v.ts === true : v.type === 'date32' || v.type === 'timestamp';

/** A temporal operand (or a string literal compared with one) as milliseconds. */
function asMs(v: Val): Val {
  if ('lit' in v) return typeof v.lit === 'string' ? { lit: parseDateText(v.lit) } : v;
  if (v.type === 'date32') {
    const values = new Float64Array(v.length);
    for (let i = 0; i < v.length; i++) values[i] = v.values[i] * DAY_MS;
    return { type: 'float64', length: v.length, values, valid: v.valid };
  }
  return v.type === 'timestamp' ? { ...v, type: 'float64' } : v;
}

/** Bytes of row i of a utf8 operand: [data, start, end]. */
function strAccess(v: Val): (i: number) => [Uint8Array, number, number] {
  if ('lit' in v) {
    const bytes = encoder.encode(v.lit as string);
    const r: [Uint8Array, number, number] = [bytes, 0, bytes.length];
    return () => r;
  }
  const c = v as Extract<Col, { type: 'utf8' }>;
  const r: [Uint8Array, number, number] = [c.data, 0, 0];
  return (i) => {
    r[1] = c.offsets[i]!;
    r[2] = c.offsets[i + 1]!;
    return r;
  };
}

function compareBytes(
  a: Uint8Array,
  as: number,
  ae: number,
  b: Uint8Array,
  bs: number,
  be: number,
): number {
  const la = ae - as;
  const lb = be - bs;
  const m = la < lb ? la : lb;
  for (let k = 0; k < m; k++) {
    const d = a[as + k] - b[bs + k];
    if (d !== 0) return d;
  }
  return la - lb;
}

function compareStrings(op: BinOp, a: Val, b: Val, n: number, valid: Uint8Array | undefined): Col {
  const ga = strAccess(a);
  const gb = strAccess(b);
  const values = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const [da, as, ae] = ga(i);
    const [db, bs, be] = gb(i);
    const c = compareBytes(da, as, ae, db, bs, be);
    let r: boolean;
    switch (op) {
      case 'eq':
        r = c === 0;
        break;
      case 'ne':
        r = c !== 0;
        break;
      case 'gt':
        r = c > 0;
        break;
      case 'ge':
        r = c >= 0;
        break;
      case 'lt':
        r = c < 0;
        break;
      case 'le':
        r = c <= 0;
        break;
      default:
        throw new TypeError(`operator ${op} does not apply to strings`);
    }
    values[i] = r ? 1 : 0;
  }
  return { type: 'bool', length: n, values, valid };
}

// A filter's condition evaluated straight to the rows it keeps, as a selection vector (sorted row
// indices), without a boolean column per operator. Policy: the condition is split into its
// `and`-ed parts; the parts that compare a float64 / int32 / date32 column with a number or date
// literal, or two such columns of one type, run first, each as one loop that writes the rows it
// keeps (the first over every row, each later one only over the rows still kept, compacting the
// selection in place), in the order written. Every other part is evaluated by the general path
// (eval.ts) on the kept rows only (its columns gathered first when under half the rows remain),
// and its true, non-null rows stay. A null never passes (as filters treat null conditions). The
// loops store the comparison as a number added to the cursor: no branch on the data.
import { columnsOf, type ExprSpec } from './expr.js';
import { evalExpr } from './eval.js';
import { litDays } from './eval-lit.js';
import type { Col, Cols } from './columns.js';
import { take } from './take.js';

type Cmp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';
type Nums = Float64Array | Int32Array;

const FLIP: Readonly<Record<Cmp, Cmp>> = {
  eq: 'eq',
  ne: 'ne',
  lt: 'gt',
  le: 'ge',
  gt: 'lt',
  ge: 'le',
};

const isCmp = (op: string): op is Cmp =>
  op === 'eq' || op === 'ne' || op === 'lt' || op === 'le' || op === 'gt' || op === 'ge';

/** A part this file's loops evaluate: `x op y` with `y` a number or a column's values. */
interface Fast {
  readonly op: Cmp;
  readonly x: Nums;
  readonly y: number | Nums;
  readonly valid: readonly (Uint8Array | undefined)[];
}

/** The `and`-ed parts of a condition, in the order written. @internal */
export function conjuncts(spec: ExprSpec, out: ExprSpec[] = []): ExprSpec[] {
  if (spec.k === 'bin' && spec.op === 'and') {
    conjuncts(spec.l, out);
    conjuncts(spec.r, out);
  } else out.push(spec);
  return out;
}

/** A literal as a number comparable with column `c`'s values, or undefined. */
function litFor(c: Col, l: ExprSpec): number | undefined {
  const lit =
    l.k === 'lit' ? { lit: l.value } : l.k === 'ts' ? { lit: l.ms, ts: true as const } : undefined;
  if (lit === undefined) return undefined;
  if (c.type === 'date32') return litDays(lit);
  if ((c.type === 'float64' || c.type === 'int32') && typeof lit.lit === 'number' && !lit.ts)
    return lit.lit;
  return undefined;
}

const numeric = (c: Col | undefined, n: number): c is Extract<Col, { values: Nums }> =>
  c !== undefined &&
  c.length === n &&
  (c.type === 'float64' || c.type === 'int32' || c.type === 'date32');

/** The part as a fast comparison, or undefined when the general path must evaluate it. */
function fastOf(spec: ExprSpec, cols: Cols, n: number): Fast | undefined {
  if (spec.k !== 'bin' || !isCmp(spec.op)) return undefined;
  const a = spec.l.k === 'col' ? cols.get(spec.l.name) : undefined;
  const b = spec.r.k === 'col' ? cols.get(spec.r.name) : undefined;
  if (numeric(a, n) && numeric(b, n)) {
    if (a.type !== b.type) return undefined;
    return { op: spec.op, x: a.values, y: b.values, valid: [a.valid, b.valid] };
  }
  if (numeric(a, n) && b === undefined) {
    const y = litFor(a, spec.r);
    return y === undefined ? undefined : { op: spec.op, x: a.values, y, valid: [a.valid] };
  }
  if (numeric(b, n) && a === undefined) {
    const y = litFor(b, spec.l);
    return y === undefined ? undefined : { op: FLIP[spec.op], x: b.values, y, valid: [b.valid] };
  }
  return undefined;
}

/** Every row index `[0, n)`, with one spare slot. */
function allRows(n: number): Int32Array {
  const idx = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) idx[i] = i;
  return idx;
}

/** Keeps the rows of `sel` (its first `m`) where `x op y`; returns how many remain. */
function keepLit(op: Cmp, x: Nums, y: number, sel: Int32Array, m: number): number {
  return x instanceof Float64Array ? keepF64(op, x, y, sel, m) : keepI32(op, x, y, sel, m);
}

/** {@link keepLit} over float64 values (one loop per array type keeps each monomorphic). */
function keepF64(op: Cmp, x: Float64Array, y: number, sel: Int32Array, m: number): number {
  let j = 0;
  switch (op) {
    case 'lt':
      for (let k = 0; k < m; k++) {
        const i = sel[k];
        sel[j] = i;
        j += +(x[i] < y);
      }
      break;
    case 'le':
      for (let k = 0; k < m; k++) {
        const i = sel[k];
        sel[j] = i;
        j += +(x[i] <= y);
      }
      break;
    case 'gt':
      for (let k = 0; k < m; k++) {
        const i = sel[k];
        sel[j] = i;
        j += +(x[i] > y);
      }
      break;
    case 'ge':
      for (let k = 0; k < m; k++) {
        const i = sel[k];
        sel[j] = i;
        j += +(x[i] >= y);
      }
      break;
    case 'eq':
      for (let k = 0; k < m; k++) {
        const i = sel[k];
        sel[j] = i;
        j += +(x[i] === y);
      }
      break;
    case 'ne':
      for (let k = 0; k < m; k++) {
        const i = sel[k];
        sel[j] = i;
        j += +(x[i] !== y);
      }
      break;
  }
  return j;
}

/** {@link keepLit} over int32 values. */
function keepI32(op: Cmp, x: Int32Array, y: number, sel: Int32Array, m: number): number {
  let j = 0;
  switch (op) {
    case 'lt':
      for (let k = 0; k < m; k++) {
        const i = sel[k];
        sel[j] = i;
        j += +(x[i] < y);
      }
      break;
    case 'le':
      for (let k = 0; k < m; k++) {
        const i = sel[k];
        sel[j] = i;
        j += +(x[i] <= y);
      }
      break;
    case 'gt':
      for (let k = 0; k < m; k++) {
        const i = sel[k];
        sel[j] = i;
        j += +(x[i] > y);
      }
      break;
    case 'ge':
      for (let k = 0; k < m; k++) {
        const i = sel[k];
        sel[j] = i;
        j += +(x[i] >= y);
      }
      break;
    case 'eq':
      for (let k = 0; k < m; k++) {
        const i = sel[k];
        sel[j] = i;
        j += +(x[i] === y);
      }
      break;
    case 'ne':
      for (let k = 0; k < m; k++) {
        const i = sel[k];
        sel[j] = i;
        j += +(x[i] !== y);
      }
      break;
  }
  return j;
}

/** The first comparison over every row: writes the kept rows into `idx`; returns their count. */
function firstLit(op: Cmp, x: Nums, y: number, idx: Int32Array, n: number): number {
  return x instanceof Float64Array ? firstF64(op, x, y, idx, n) : firstI32(op, x, y, idx, n);
}

/** {@link firstLit} over float64 values. */
function firstF64(op: Cmp, x: Float64Array, y: number, idx: Int32Array, n: number): number {
  let j = 0;
  switch (op) {
    case 'lt':
      for (let i = 0; i < n; i++) {
        idx[j] = i;
        j += +(x[i] < y);
      }
      break;
    case 'le':
      for (let i = 0; i < n; i++) {
        idx[j] = i;
        j += +(x[i] <= y);
      }
      break;
    case 'gt':
      for (let i = 0; i < n; i++) {
        idx[j] = i;
        j += +(x[i] > y);
      }
      break;
    case 'ge':
      for (let i = 0; i < n; i++) {
        idx[j] = i;
        j += +(x[i] >= y);
      }
      break;
    case 'eq':
      for (let i = 0; i < n; i++) {
        idx[j] = i;
        j += +(x[i] === y);
      }
      break;
    case 'ne':
      for (let i = 0; i < n; i++) {
        idx[j] = i;
        j += +(x[i] !== y);
      }
      break;
  }
  return j;
}

/** {@link firstLit} over int32 values. */
function firstI32(op: Cmp, x: Int32Array, y: number, idx: Int32Array, n: number): number {
  let j = 0;
  switch (op) {
    case 'lt':
      for (let i = 0; i < n; i++) {
        idx[j] = i;
        j += +(x[i] < y);
      }
      break;
    case 'le':
      for (let i = 0; i < n; i++) {
        idx[j] = i;
        j += +(x[i] <= y);
      }
      break;
    case 'gt':
      for (let i = 0; i < n; i++) {
        idx[j] = i;
        j += +(x[i] > y);
      }
      break;
    case 'ge':
      for (let i = 0; i < n; i++) {
        idx[j] = i;
        j += +(x[i] >= y);
      }
      break;
    case 'eq':
      for (let i = 0; i < n; i++) {
        idx[j] = i;
        j += +(x[i] === y);
      }
      break;
    case 'ne':
      for (let i = 0; i < n; i++) {
        idx[j] = i;
        j += +(x[i] !== y);
      }
      break;
  }
  return j;
}

/** Keeps the rows of `sel` (its first `m`) where `x[i] op y[i]`; returns how many remain. */
function keepCols(op: Cmp, x: Nums, y: Nums, sel: Int32Array, m: number): number {
  return x instanceof Float64Array
    ? keepColsF64(op, x, y as Float64Array, sel, m)
    : keepColsI32(op, x, y as Int32Array, sel, m);
}

/** {@link keepCols} over float64 values. */
function keepColsF64(
  op: Cmp,
  x: Float64Array,
  y: Float64Array,
  sel: Int32Array,
  m: number,
): number {
  let j = 0;
  switch (op) {
    case 'lt':
      for (let k = 0; k < m; k++) {
        const i = sel[k];
        sel[j] = i;
        j += +(x[i] < y[i]);
      }
      break;
    case 'le':
      for (let k = 0; k < m; k++) {
        const i = sel[k];
        sel[j] = i;
        j += +(x[i] <= y[i]);
      }
      break;
    case 'gt':
      for (let k = 0; k < m; k++) {
        const i = sel[k];
        sel[j] = i;
        j += +(x[i] > y[i]);
      }
      break;
    case 'ge':
      for (let k = 0; k < m; k++) {
        const i = sel[k];
        sel[j] = i;
        j += +(x[i] >= y[i]);
      }
      break;
    case 'eq':
      for (let k = 0; k < m; k++) {
        const i = sel[k];
        sel[j] = i;
        j += +(x[i] === y[i]);
      }
      break;
    case 'ne':
      for (let k = 0; k < m; k++) {
        const i = sel[k];
        sel[j] = i;
        j += +(x[i] !== y[i]);
      }
      break;
  }
  return j;
}

/** {@link keepCols} over int32 values. */
function keepColsI32(op: Cmp, x: Int32Array, y: Int32Array, sel: Int32Array, m: number): number {
  let j = 0;
  switch (op) {
    case 'lt':
      for (let k = 0; k < m; k++) {
        const i = sel[k];
        sel[j] = i;
        j += +(x[i] < y[i]);
      }
      break;
    case 'le':
      for (let k = 0; k < m; k++) {
        const i = sel[k];
        sel[j] = i;
        j += +(x[i] <= y[i]);
      }
      break;
    case 'gt':
      for (let k = 0; k < m; k++) {
        const i = sel[k];
        sel[j] = i;
        j += +(x[i] > y[i]);
      }
      break;
    case 'ge':
      for (let k = 0; k < m; k++) {
        const i = sel[k];
        sel[j] = i;
        j += +(x[i] >= y[i]);
      }
      break;
    case 'eq':
      for (let k = 0; k < m; k++) {
        const i = sel[k];
        sel[j] = i;
        j += +(x[i] === y[i]);
      }
      break;
    case 'ne':
      for (let k = 0; k < m; k++) {
        const i = sel[k];
        sel[j] = i;
        j += +(x[i] !== y[i]);
      }
      break;
  }
  return j;
}

/** Keeps the rows of `sel` (its first `m`) whose bit is set in `valid`. */
function keepValid(valid: Uint8Array, sel: Int32Array, m: number): number {
  let j = 0;
  for (let k = 0; k < m; k++) {
    const i = sel[k];
    sel[j] = i;
    j += (valid[i >> 3] >> (i & 7)) & 1;
  }
  return j;
}

/** Keeps the rows of `sel` where the bool column `mask` (indexed by position in `sel`) is true. */
function keepMask(mask: Col, sel: Int32Array, m: number): number {
  if (mask.type !== 'bool') throw new TypeError(`filter: the condition is ${mask.type}, not bool`);
  const v = mask.values;
  const valid = mask.valid;
  let j = 0;
  for (let k = 0; k < m; k++) {
    sel[j] = sel[k];
    j += valid === undefined ? +(v[k] !== 0) : +(v[k] !== 0) & (valid[k >> 3] >> (k & 7));
  }
  return j;
}

/**
 * The rows a filter with condition `spec` keeps among the `n` rows of `cols`, in order, or
 * undefined when it keeps them all. @internal
 */
export function filterRows(spec: ExprSpec, cols: Cols, n: number): Int32Array | undefined {
  const parts = conjuncts(spec);
  const fast: Fast[] = [];
  const slow: ExprSpec[] = [];
  for (const p of parts) {
    const f = fastOf(p, cols, n);
    if (f === undefined) slow.push(p);
    else fast.push(f);
  }
  let sel: Int32Array | undefined;
  let m = n;
  for (const f of fast) {
    if (sel === undefined && typeof f.y === 'number') {
      sel = new Int32Array(n + 1);
      m = firstLit(f.op, f.x, f.y, sel, n);
    } else {
      sel ??= allRows(n);
      m =
        typeof f.y === 'number'
          ? keepLit(f.op, f.x, f.y, sel, m)
          : keepCols(f.op, f.x, f.y, sel, m);
    }
    for (const v of f.valid) if (v !== undefined) m = keepValid(v, sel, m);
  }
  for (const p of slow) {
    if (sel === undefined) {
      sel = allRows(n);
      m = keepMask(evalExpr(p, cols, n), sel, n);
      continue;
    }
    if (m === 0) break;
    let sub: Cols = cols;
    let rows = n;
    const at = sel.subarray(0, m);
    if (m < n / 2) {
      const narrow = new Map<string, Col>();
      for (const name of columnsOf(p)) {
        const c = cols.get(name);
        if (c !== undefined) narrow.set(name, take(c, at));
      }
      sub = narrow;
      rows = m;
    }
    const mask = evalExpr(p, sub, rows);
    m = rows === n ? keepMaskAt(mask, sel, m) : keepMask(mask, sel, m);
  }
  if (sel === undefined || m === n) return undefined;
  return sel.subarray(0, m);
}

/** Keeps the rows of `sel` where the bool column `mask` (indexed by row) is true. */
function keepMaskAt(mask: Col, sel: Int32Array, m: number): number {
  if (mask.type !== 'bool') throw new TypeError(`filter: the condition is ${mask.type}, not bool`);
  const v = mask.values;
  const valid = mask.valid;
  let j = 0;
  for (let k = 0; k < m; k++) {
    const i = sel[k];
    sel[j] = i;
    j += valid === undefined ? +(v[i] !== 0) : +(v[i] !== 0) & (valid[i >> 3] >> (i & 7));
  }
  return j;
}

// The elementwise kernel: one task per block evaluates a small expression tree (inputs, numbers
// and operations, each with its result dtype) over that block's input chunks, with NumPy's
// broadcasting. A chain of elementwise operations becomes one tree (blockwise fusion), so it is
// one task per block. Over compact chunks of one shape the tree runs as one compiled loop
// (expr-compile.ts); otherwise it is evaluated one operation at a time over whole chunks, each a
// plain loop over typed arrays (compact operands of the output's shape take a flat loop, any
// other strides the row walk). Integer results wrap as NumPy's do (the typed array's store wraps;
// int32 products use Math.imul); a bool result is 0 or 1.
import { isBig, type Dtype, type TypedArray } from './dtype.js';
import { bigOf, compactCopy, forRows, isBigData, isCompact, makeNd, type Nd } from './nd.js';
import { BINARY, rint, UNARY, type F1, type F2 } from './elementwise-ops.js';
import { compiledBlock } from './expr-compile.js';

/**
 * The names of the elementwise operations, by arity.
 *
 * @example
 * const op: UnaryOp = 'sqrt';
 */
export type UnaryOp =
  | 'neg'
  | 'abs'
  | 'sqrt'
  | 'exp'
  | 'log'
  | 'sin'
  | 'cos'
  | 'astype'
  | FloatUnaryOp
  | 'sign'
  | 'square'
  | 'isnan'
  | 'isfinite'
  | 'isinf'
  | 'logicalNot';
/** Unary operations whose result is a float (floatResultType). @example const op: FloatUnaryOp = 'tan'; */
export type FloatUnaryOp =
  | 'tan'
  | 'arcsin'
  | 'arccos'
  | 'arctan'
  | 'sinh'
  | 'cosh'
  | 'tanh'
  | 'log1p'
  | 'expm1'
  | 'log2'
  | 'log10'
  | 'floor'
  | 'ceil'
  | 'trunc'
  | 'rint';
/** @example const op: BinaryOp = 'add'; */
export type BinaryOp =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'pow'
  | 'mod'
  | 'maximum'
  | 'minimum'
  | 'eq'
  | 'ne'
  | 'lt'
  | 'le'
  | 'gt'
  | 'ge'
  | 'floorDivide'
  | 'arctan2'
  | 'hypot'
  | 'round'
  | 'logicalAnd'
  | 'logicalOr'
  | 'logicalXor';
/** @example const op: ElementwiseOp = 'where'; */
export type ElementwiseOp = UnaryOp | BinaryOp | 'where';

/**
 * An expression over a block's input chunks: input `i`, a number `c`, or an operation whose
 * result has dtype `t`.
 *
 * @example
 * const e: Expr = { op: 'add', a: [{ i: 0 }, { c: 1 }], t: 'float64' };
 */
export type Expr =
  | { readonly i: number }
  | { readonly c: number }
  | { readonly op: ElementwiseOp; readonly a: readonly Expr[]; readonly t: Dtype };

type Value = Nd | number;

const COMPARISON = new Set<BinaryOp>([
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'logicalAnd',
  'logicalOr',
  'logicalXor',
]);

/**
 * The elementwise kernel: evaluates `expr` over the chunks of one block.
 *
 * @example
 * blockwise({ op: 'mul', a: [{ i: 0 }, { i: 1 }], t: 'float64' }, x, y);
 */
export function blockwise(expr: Expr, ...chunks: Nd[]): Nd {
  const compiled = compiledBlock(expr, chunks);
  if (compiled !== null) return compiled;
  const v = evaluate(expr, chunks);
  if (typeof v === 'number') throw new TypeError('blockwise: the expression reads no chunk');
  // The result must own its buffer: an expression that is just an input is copied.
  if (!chunks.includes(v)) return v;
  return isBigData(v.data) ? compactCopy(v) : (apply([v], (x) => x, dtypeOfChunk(v)) as Nd);
}

function dtypeOfChunk(a: Nd): Dtype {
  return a.dtype;
}

function evaluate(e: Expr, chunks: readonly Nd[]): Value {
  if ('i' in e) return chunks[e.i];
  if ('c' in e) return e.c;
  const args = e.a.map((x) => evaluate(x, chunks));
  if (isBig(e.t) || args.some((a) => typeof a !== 'number' && isBigData(a.data))) {
    return applyBig(args, e.op, e.t);
  }
  if (e.op === 'where') {
    const [c, a, b] = args;
    return apply([c, a, b], null, e.t, (p, x, y) => (p !== 0 ? x : y));
  }
  if (args.length === 1) {
    const f = UNARY[e.op as UnaryOp];
    return apply(args, f, e.t);
  }
  const op = e.op as BinaryOp;
  let f = BINARY[op];
  if (op === 'mul' && (e.t === 'int32' || e.t === 'uint32')) f = Math.imul;
  return apply(args, null, e.t, undefined, f, op);
}

/** The shape the operands broadcast to (checked when the expression was built). */
function broadcastShape(args: readonly Value[]): number[] {
  let n = 0;
  for (const a of args) if (typeof a !== 'number') n = Math.max(n, a.shape.length);
  const out = new Array<number>(n).fill(1);
  for (const a of args) {
    if (typeof a === 'number') continue;
    const pad = n - a.shape.length;
    a.shape.forEach((s, i) => {
      if (s !== 1) out[pad + i] = s;
    });
  }
  return out;
}

/** An operand's strides over the output shape (0 where it broadcasts). */
function stridesOver(a: Nd, shape: readonly number[]): number[] {
  const pad = shape.length - a.shape.length;
  return shape.map((s, i) =>
    i < pad || (a.shape[i - pad] === 1 && s !== 1) ? 0 : a.stride[i - pad],
  );
}

function sameShape(a: Nd, shape: readonly number[]): boolean {
  return a.shape.length === shape.length && a.shape.every((s, i) => s === shape[i]);
}

/**
 * Applies a 1-, 2- or 3-ary function elementwise over broadcast operands into a new compact
 * chunk of dtype `t`.
 */
function apply(
  args: readonly Value[],
  f1: F1 | null,
  t: Dtype,
  f3?: (a: number, b: number, c: number) => number,
  f2?: F2,
  op?: BinaryOp,
): Value {
  if (args.every((a) => typeof a === 'number')) {
    const xs = args as number[];
    const v = f3 ? f3(xs[0], xs[1], xs[2]) : f2 ? f2(xs[0], xs[1]) : f1!(xs[0]);
    return t === 'bool' ? (v !== 0 ? 1 : 0) : v;
  }
  const shape = broadcastShape(args);
  const out = makeNd(t, shape);
  const d = out.data;
  const n = d.length;
  const bool = t === 'bool';
  // Flat loops: every array operand compact and of the output's shape.
  const flat = args.every((a) => typeof a === 'number' || (isCompact(a) && sameShape(a, shape)));
  // Flat loops store the raw result: fine for every dtype but bool, where only comparisons
  // (already 0 or 1) may take them (an arithmetic NaN must become 1, not the store's 0).
  if (flat && f2 !== undefined && op !== undefined && (!bool || COMPARISON.has(op))) {
    if (flatBinary(op, f2, args[0], args[1], d, n)) return out;
  }
  // A number is an operand of one element and stride 0: every loop reads arrays only.
  const arrays = args.map((a) => (typeof a === 'number' ? Float64Array.of(a) : a.data));
  const ops = args.map((a) =>
    typeof a === 'number'
      ? { stride: shape.map(() => 0), offset: 0 }
      : { stride: stridesOver(a, shape), offset: a.offset },
  );
  const last = shape.length - 1;
  const len = shape.length === 0 ? 1 : shape[last];
  const inner = ops.map((o) => (last < 0 ? 0 : o.stride[last]));
  let k = 0;
  const [A, B, C] = arrays;
  const [sa, sb, sc] = inner;
  forRows(shape, ops, (o) => {
    // Locals in the loops (the closure's variables would not stay in registers).
    const out = d;
    let j = k;
    let p = o[0];
    if (f3 !== undefined) {
      let q = o[1];
      let r = o[2];
      for (let i = 0; i < len; i++, p += sa, q += sb, r += sc) {
        const v = f3(A[p], B[q], C[r]);
        out[j++] = bool ? (v !== 0 ? 1 : 0) : v;
      }
    } else if (f2 !== undefined) {
      let q = o[1];
      for (let i = 0; i < len; i++, p += sa, q += sb) {
        const v = f2(A[p], B[q]);
        out[j++] = bool ? (v !== 0 ? 1 : 0) : v;
      }
    } else {
      for (let i = 0; i < len; i++, p += sa) {
        const v = f1!(A[p]);
        out[j++] = bool ? (v !== 0 ? 1 : 0) : v;
      }
    }
    k = j;
  });
  return out;
}

/** Plain loops for the common arithmetic over flat operands; false when there is none. */
function flatBinary(op: BinaryOp, f: F2, x: Value, y: Value, d: TypedArray, n: number): boolean {
  if (typeof x !== 'number' && typeof y !== 'number') {
    const a = x.data;
    const b = y.data;
    switch (op) {
      case 'add':
        for (let i = 0; i < n; i++) d[i] = a[i] + b[i];
        return true;
      case 'sub':
        for (let i = 0; i < n; i++) d[i] = a[i] - b[i];
        return true;
      case 'mul':
        if (f === Math.imul) for (let i = 0; i < n; i++) d[i] = Math.imul(a[i], b[i]);
        else for (let i = 0; i < n; i++) d[i] = a[i] * b[i];
        return true;
      case 'div':
        for (let i = 0; i < n; i++) d[i] = a[i] / b[i];
        return true;
      default:
        for (let i = 0; i < n; i++) d[i] = f(a[i], b[i]);
        return true;
    }
  }
  if (typeof x !== 'number' && typeof y === 'number') {
    const a = x.data;
    if (op === 'add') for (let i = 0; i < n; i++) d[i] = a[i] + y;
    else if (op === 'mul' && f !== Math.imul) for (let i = 0; i < n; i++) d[i] = a[i] * y;
    else for (let i = 0; i < n; i++) d[i] = f(a[i], y);
    return true;
  }
  if (typeof x === 'number' && typeof y !== 'number') {
    const b = y.data;
    for (let i = 0; i < n; i++) d[i] = f(x, b[i]);
    return true;
  }
  return false;
}

type Big = bigint;

/** The operations on 64-bit integers, in bigints (the typed array's store wraps to 64 bits). */
const BIG: Partial<Record<ElementwiseOp, (...xs: Big[]) => Big>> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  neg: (a) => -a,
  abs: (a) => (a < 0n ? -a : a),
  maximum: (a, b) => (a > b ? a : b),
  minimum: (a, b) => (a < b ? a : b),
  astype: (a) => a,
  eq: (a, b) => (a === b ? 1n : 0n),
  ne: (a, b) => (a !== b ? 1n : 0n),
  lt: (a, b) => (a < b ? 1n : 0n),
  le: (a, b) => (a <= b ? 1n : 0n),
  gt: (a, b) => (a > b ? 1n : 0n),
  ge: (a, b) => (a >= b ? 1n : 0n),
  where: (c, a, b) => (c !== 0n ? a : b),
  // NumPy's integer floor division and remainder: floor semantics, and 0 (not an error) for a
  // zero divisor, as NumPy gives (with a RuntimeWarning there; nothing is printed here).
  floorDivide: (a, b) => {
    if (b === 0n) return 0n;
    const q = a / b;
    return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
  },
  mod: (a, b) => {
    if (b === 0n) return 0n;
    const r = a % b;
    return r !== 0n && r < 0n !== b < 0n ? r + b : r;
  },
  pow: bigPow,
  sign: (a) => (a > 0n ? 1n : a < 0n ? -1n : 0n),
  square: (a) => a * a,
  round: (a, d) => bigRound(a, d),
  isnan: () => 0n,
  isinf: () => 0n,
  isfinite: () => 1n,
  logicalNot: (a) => (a === 0n ? 1n : 0n),
  logicalAnd: (a, b) => (a !== 0n && b !== 0n ? 1n : 0n),
  logicalOr: (a, b) => (a !== 0n || b !== 0n ? 1n : 0n),
  logicalXor: (a, b) => ((a !== 0n) !== (b !== 0n) ? 1n : 0n),
};

const M64 = 2n ** 64n;

/** `a ** b` modulo 2^64 (square and multiply); a negative exponent is NumPy's error. */
function bigPow(a: Big, b: Big): Big {
  if (b < 0n) throw new RangeError('pow: integers to negative integer powers are not allowed');
  let r = 1n;
  let base = ((a % M64) + M64) % M64;
  for (let e = b; e > 0n; e >>= 1n) {
    if (e & 1n) r = (r * base) % M64;
    base = (base * base) % M64;
  }
  return r;
}

/**
 * An integer rounded to `-d` decimals (d < 0: to tens, hundreds...): NumPy goes through float64
 * (divide, round half to even, multiply), so past 2^53 the result is float64's; so here.
 */
function bigRound(a: Big, d: Big): Big {
  if (d >= 0n) return a;
  const p = 10 ** Number(-d);
  return bigOf(rint(Number(a) / p) * p);
}

const isFloatData = (d: unknown): boolean => {
  const tag = Object.prototype.toString.call(d);
  return tag === '[object Float64Array]' || tag === '[object Float32Array]';
};

/**
 * One operation where a 64-bit integer is an operand or the result: in bigints when the result
 * is int64 / uint64, or a comparison of integers only; in numbers otherwise (the bigints
 * converted, as NumPy converts int64 to float64).
 */
function applyBig(args: readonly Value[], op: ElementwiseOp, t: Dtype): Value {
  const inBig =
    isBig(t) ||
    (t === 'bool' &&
      args.every((a) => (typeof a === 'number' ? Number.isInteger(a) : !isFloatData(a.data))));
  const f = inBig
    ? BIG[op]
    : op === 'where'
      ? (c: number, a: number, b: number) => (c !== 0 ? a : b)
      : args.length === 1
        ? UNARY[op as UnaryOp]
        : BINARY[op as BinaryOp];
  if (f === undefined) throw new TypeError(`${op} does not support int64 or uint64 operands`);
  const g = f as (...xs: (number | bigint)[]) => number | bigint;
  const shape = broadcastShape(args);
  const out = makeNd(t, shape);
  const d = out.data as unknown as { [i: number]: number | bigint };
  const conv = (v: number | bigint): number | bigint =>
    inBig ? (typeof v === 'bigint' ? v : bigOf(v)) : Number(v);
  const store = (v: number | bigint): number | bigint =>
    isBig(t) ? (typeof v === 'bigint' ? v : bigOf(v)) : t === 'bool' ? (v ? 1 : 0) : Number(v);
  if (args.every((a) => typeof a === 'number')) return Number(g(...args.map(conv)));
  const arrays = args.map((a) =>
    typeof a === 'number' ? [conv(a)] : (a.data as unknown as (number | bigint)[]),
  );
  const ops = args.map((a) =>
    typeof a === 'number'
      ? { stride: shape.map(() => 0), offset: 0 }
      : { stride: stridesOver(a, shape), offset: a.offset },
  );
  const last = shape.length - 1;
  const len = shape.length === 0 ? 1 : shape[last];
  const inner = ops.map((o) => (last < 0 ? 0 : o.stride[last]));
  const xs = new Array<number | bigint>(args.length);
  let k = 0;
  forRows(shape, ops, (o) => {
    const p = o.slice();
    for (let i = 0; i < len; i++) {
      for (let j = 0; j < p.length; j++) {
        xs[j] = conv(arrays[j][p[j]]);
        p[j] += inner[j];
      }
      d[k++] = store(g(...xs));
    }
  });
  return out;
}

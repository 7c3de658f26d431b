// The elementwise operations on numbers, by name: the functions both the interpreter
// (kernels-elementwise.ts) and the expression compiler (expr-compile.ts) call, so the two give
// the same values. NumPy's semantics where JavaScript's differ: `mod` takes the divisor's sign,
// `rint` and `round` round half to even, `maximum` / `minimum` propagate NaN, comparisons and
// logical operations give 0 or 1.
import type { BinaryOp, UnaryOp } from './kernels-elementwise.js';

/** A unary operation on numbers. @example const f: F1 = Math.sqrt; */
export type F1 = (x: number) => number;
/** A binary operation on numbers. @example const f: F2 = (a, b) => a + b; */
export type F2 = (x: number, y: number) => number;

/** The unary operations on numbers (exported for the expression compiler, expr-compile.ts). @example UNARY.sin(0); // 0 */
export const UNARY: Record<UnaryOp, F1> = {
  neg: (x) => -x,
  abs: Math.abs,
  sqrt: Math.sqrt,
  exp: Math.exp,
  log: Math.log,
  sin: Math.sin,
  cos: Math.cos,
  astype: (x) => x,
  tan: Math.tan,
  arcsin: Math.asin,
  arccos: Math.acos,
  arctan: Math.atan,
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
  log1p: Math.log1p,
  expm1: Math.expm1,
  log2: Math.log2,
  log10: Math.log10,
  floor: Math.floor,
  ceil: Math.ceil,
  trunc: Math.trunc,
  rint,
  sign: Math.sign,
  square: (x) => x * x,
  isnan: (x) => (x !== x ? 1 : 0),
  isfinite: (x) => (Number.isFinite(x) ? 1 : 0),
  isinf: (x) => (x === Infinity || x === -Infinity ? 1 : 0),
  logicalNot: (x) => (x === 0 ? 1 : 0),
};

/** Rounds half to even (NumPy's `rint`). @example rint(2.5); // 2 */
export function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** NumPy's `round(x, decimals)`: scaled, rounded half to even, scaled back. */
function around(x: number, decimals: number): number {
  if (decimals >= 0) {
    const p = 10 ** decimals;
    return rint(x * p) / p;
  }
  const p = 10 ** -decimals;
  return rint(x / p) * p;
}

function mod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

/** The binary operations on numbers (exported for the expression compiler). @example BINARY.add(1, 2); // 3 */
export const BINARY: Record<BinaryOp, F2> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  mod,
  maximum: (a, b) => (a !== a || b !== b ? NaN : a > b ? a : b),
  minimum: (a, b) => (a !== a || b !== b ? NaN : a < b ? a : b),
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
  floorDivide: (a, b) => Math.floor(a / b),
  arctan2: Math.atan2,
  hypot: Math.hypot,
  round: around,
  logicalAnd: (a, b) => (a !== 0 && b !== 0 ? 1 : 0),
  logicalOr: (a, b) => (a !== 0 || b !== 0 ? 1 : 0),
  logicalXor: (a, b) => ((a !== 0) !== (b !== 0) ? 1 : 0),
};

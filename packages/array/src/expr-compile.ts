// The expression compiler: a fused elementwise expression (a tree of the kernel's own operations,
// never user text) becomes one JavaScript loop that computes every operation of an element before
// moving to the next, with no intermediate arrays: what numexpr does for NumPy. Each operation
// calls the very function the interpreter (kernels-elementwise.ts) uses, from a call site of its
// own, so V8 inlines it and the results are the interpreter's, bit for bit. An intermediate is
// rounded as the interpreter's store rounds it (Math.fround for float32, 0 or 1 for bool); an
// expression with an integer result anywhere (wrapping, int32 products) is not compiled and the
// caller interprets it. Compiled loops are cached per expression, per thread.
import { isBig, type TypedArray } from './dtype.js';
import { BINARY, UNARY } from './elementwise-ops.js';
import type { BinaryOp, Expr, UnaryOp } from './kernels-elementwise.js';
import { isBigData, isCompact, makeNd, type Nd } from './nd.js';

/**
 * A compiled expression: writes `out[j]` for `j < n` from `ins[k][offs[k] + j]`.
 *
 * @example
 * const f = compileExpr({ op: 'sin', a: [{ i: 0 }], t: 'float64' });
 * f?.([x], [0], out, x.length);
 */
export type CompiledExpr = (
  ins: readonly TypedArray[],
  offs: readonly number[],
  out: TypedArray,
  n: number,
) => void;

type Fn = (...xs: number[]) => number;

const cache = new Map<string, CompiledExpr | null>();

/** The cache key of an expression (JSON would write NaN, Infinity and -0 as null or 0). */
function keyOf(e: Expr): string {
  if ('i' in e) return `i${e.i}`;
  if ('c' in e) return Object.is(e.c, -0) ? 'c-0' : `c${e.c}`;
  return `${e.op}:${e.t}(${e.a.map(keyOf).join(',')})`;
}

/** The inputs an expression reads (largest index + 1). */
function arity(e: Expr): number {
  if ('i' in e) return e.i + 1;
  if ('c' in e) return 0;
  return Math.max(0, ...e.a.map(arity));
}

/** The code of `e`'s loop, or null when `e` cannot be compiled. */
function generate(e: Expr): { body: string; fns: Fn[]; consts: number[] } | null {
  const fns: Fn[] = [];
  const consts: number[] = [];
  const lines: string[] = [];
  let next = 0;
  const visit = (x: Expr): string | null => {
    if ('i' in x) return `x${x.i}`;
    if ('c' in x) {
      consts.push(x.c);
      return `C${consts.length - 1}`;
    }
    if (x.t !== 'float64' && x.t !== 'float32' && x.t !== 'bool') return null;
    const args: string[] = [];
    for (const a of x.a) {
      const v = visit(a);
      if (v === null) return null;
      args.push(v);
    }
    let call: string;
    if (x.op === 'where') {
      call = `(${args[0]} !== 0 ? ${args[1]} : ${args[2]})`;
    } else {
      const f = args.length === 1 ? UNARY[x.op as UnaryOp] : BINARY[x.op as BinaryOp];
      if (f === undefined) return null;
      fns.push(f);
      call = `F${fns.length - 1}(${args.join(', ')})`;
    }
    if (x.t === 'float32') call = `Math.fround(${call})`;
    else if (x.t === 'bool') call = `(${call} !== 0 ? 1 : 0)`;
    const v = `v${next++}`;
    lines.push(`      const ${v} = ${call};`);
    return v;
  };
  const root = visit(e);
  if (root === null || 'i' in e || 'c' in e) return null;
  const k = arity(e);
  const head: string[] = [];
  const reads: string[] = [];
  for (let i = 0; i < k; i++) {
    head.push(`    const I${i} = ins[${i}], o${i} = offs[${i}];`);
    reads.push(`      const x${i} = I${i}[o${i} + j];`);
  }
  const body = [
    '"use strict";',
    ...fns.map((_, i) => `const F${i} = F[${i}];`),
    ...consts.map((_, i) => `const C${i} = C[${i}];`),
    'return function compiledExpr(ins, offs, out, n) {',
    ...head,
    '    for (let j = 0; j < n; j++) {',
    ...reads,
    ...lines,
    `      out[j] = ${root};`,
    '    }',
    '};',
  ].join('\n');
  return { body, fns, consts };
}

/**
 * The compiled loop of `expr` (cached), or null when it has an integer result anywhere, or is
 * only an input or a number.
 *
 * @example
 * const f = compileExpr({ op: 'add', a: [{ i: 0 }, { c: 1 }], t: 'float64' });
 * const out = new Float64Array(3);
 * f?.([Float64Array.of(1, 2, 3)], [0], out, 3); // out: [2, 3, 4]
 */
export function compileExpr(expr: Expr): CompiledExpr | null {
  const key = keyOf(expr);
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const code = generate(expr);
  let compiled: CompiledExpr | null = null;
  if (code !== null) {
    // The code is made from the operation table above and numbers passed as values: no text
    // from outside reaches it.
    const factory = new Function('F', 'C', code.body) as (
      f: readonly Fn[],
      c: readonly number[],
    ) => CompiledExpr;
    compiled = factory(code.fns, code.consts);
  }
  // Expressions are few; a long-lived worker meeting many drops the old ones.
  if (cache.size >= 256) cache.clear();
  cache.set(key, compiled);
  return compiled;
}

/**
 * The block `expr` gives over `chunks` by its compiled loop, or null when that loop does not
 * apply (the expression is not compiled, or a chunk is strided, broadcast or 64-bit integer):
 * then the interpreter makes it.
 *
 * @example
 * const out = compiledBlock({ op: 'sin', a: [{ i: 0 }], t: 'float64' }, [chunk]) ?? interpret();
 */
export function compiledBlock(expr: Expr, chunks: readonly Nd[]): Nd | null {
  if (!('op' in expr) || isBig(expr.t) || chunks.length === 0) return null;
  const shape = chunks[0].shape;
  for (const c of chunks) {
    if (!isCompact(c) || isBigData(c.data) || c.shape.length !== shape.length) return null;
    if (c.shape.some((n, a) => n !== shape[a])) return null;
  }
  const f = compileExpr(expr);
  if (f === null) return null;
  const out = makeNd(expr.t, shape);
  f(
    chunks.map((c) => c.data),
    chunks.map(() => 0),
    out.data,
    out.data.length,
  );
  return out;
}

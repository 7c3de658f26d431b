// Arithmetic over float64 columns fused into one loop: `price * (1 - disc) * (1 + tax)` is one
// pass writing one output array, not one array per operator (the intermediate arrays cost more
// than the arithmetic: each is fresh memory to fill, then garbage). Policy: taken only where the
// per-operator path (eval.ts) would give a float64 at every node — every leaf a float64 column or
// a number literal, every node below at least one column, operators + - * / — and where there are
// at least two operators (one operator is already one loop). JavaScript rounds every operation to
// a double and never contracts a * b + c, so the fused loop's values are the per-operator path's,
// bit for bit; a row is null where any column is (the same AND of validity bitmaps). The loop is
// compiled once per expression shape with `new Function`, from our operator tokens and indexes
// only (literal values are arguments, so a new threshold compiles nothing), and each shape's
// function sees one array type. Where code generation is disallowed
// (`--disallow-code-generation-from-strings`), the per-operator path runs.
import type { Col, Cols } from './columns.js';
import type { ExprSpec } from './expr.js';

/** The fused loop of one shape: `out[i] = f(c[0][i], ..., k[0], ...)` for i < n. */
type Kernel = (
  out: Float64Array,
  n: number,
  c: readonly Float64Array[],
  k: readonly number[],
) => void;

const OPS: Readonly<Record<string, string>> = { add: '+', sub: '-', mul: '*', div: '/' };

/** Compiled loops by shape; cleared when it holds too many (shapes come from user code). */
const kernels = new Map<string, Kernel>();
const MAX_KERNELS = 256;
let canCompile = true;

/** What a walk of the tree collected: the operand arrays, bitmaps and literals, operator count. */
interface Leaves {
  readonly refs: Col[];
  readonly cols: Float64Array[];
  readonly valids: Uint8Array[];
  readonly lits: number[];
  ops: number;
}

/**
 * The loop body's expression for `spec` (`(c0[i] * (k0 - c1[i]))`), with whether a column is
 * below it, or undefined when the subtree is not fusable.
 */
function source(spec: ExprSpec, cols: Cols, acc: Leaves): [string, boolean] | undefined {
  switch (spec.k) {
    case 'col': {
      const c = cols.get(spec.name);
      if (c === undefined || c.type !== 'float64') return undefined;
      let j = acc.refs.indexOf(c);
      if (j < 0) {
        j = acc.refs.push(c) - 1;
        acc.cols.push(c.values);
        if (c.valid !== undefined) acc.valids.push(c.valid);
      }
      return [`c${j}[i]`, true];
    }
    case 'lit':
      if (typeof spec.value !== 'number') return undefined;
      return [`k${acc.lits.push(spec.value) - 1}`, false];
    case 'bin': {
      const op = OPS[spec.op];
      if (op === undefined) return undefined;
      const l = source(spec.l, cols, acc);
      const r = l && source(spec.r, cols, acc);
      if (l === undefined || r === undefined || !(l[1] || r[1])) return undefined;
      acc.ops++;
      return [`(${l[0]} ${op} ${r[0]})`, true];
    }
    default:
      return undefined;
  }
}

function compile(body: string, nc: number, nk: number): Kernel | undefined {
  const key = `${nc}:${nk}:${body}`;
  const hit = kernels.get(key);
  if (hit !== undefined || !canCompile) return hit;
  let lets = '';
  for (let j = 0; j < nc; j++) lets += `const c${j} = c[${j}];`;
  for (let j = 0; j < nk; j++) lets += `const k${j} = k[${j}];`;
  let f: Kernel;
  try {
    f = new Function(
      'out',
      'n',
      'c',
      'k',
      `'use strict';${lets}for (let i = 0; i < n; i++) out[i] = ${body};`,
    ) as Kernel;
  } catch {
    canCompile = false;
    return undefined;
  }
  if (kernels.size >= MAX_KERNELS) kernels.clear();
  kernels.set(key, f);
  return f;
}

/** The AND of validity bitmaps (undefined: no nulls; one bitmap is returned as it is). */
function allValid(valids: readonly Uint8Array[], n: number): Uint8Array | undefined {
  if (valids.length <= 1) return valids[0];
  const out = new Uint8Array((n + 7) >> 3).fill(0xff);
  for (const v of valids) for (let i = 0; i < out.length; i++) out[i] &= v[i];
  return out;
}

/**
 * `spec` over `n` rows in one fused loop, or undefined where the per-operator path must run
 * (see the policy above).
 * @internal
 */
export function fusedArith(spec: ExprSpec, cols: Cols, n: number): Col | undefined {
  const acc: Leaves = { refs: [], cols: [], valids: [], lits: [], ops: 0 };
  const src = source(spec, cols, acc);
  if (src === undefined || acc.ops < 2) return undefined;
  const kernel = compile(src[0], acc.cols.length, acc.lits.length);
  if (kernel === undefined) return undefined;
  const values = new Float64Array(n);
  kernel(values, n, acc.cols, acc.lits);
  return { type: 'float64', length: n, values, valid: allValid(acc.valids, n) };
}

/** How many loop shapes are compiled (for tests). @internal */
export function fusedShapes(): number {
  return kernels.size;
}

// The linear algebra operations of NumPy's and dask.array's `linalg`, on array descriptions.
// cholesky works on one block: the operands are rechunked to a single block (they must fit in
// one task's memory), and the result is cut back into the input's chunks; so do solve and inv of
// a one-block matrix, and of a matrix of many blocks they go through the blocked LU
// (linalg-lu.ts). qr and svd
// are dask's tall-and-skinny algorithms (TSQR): the columns are one block, every row block gets
// its own QR, one task factors the stacked R factors, and each block of Q (or U) is its row
// block's Q times its slice of the second Q; svd adds the SVD of the small R. Wide matrices take
// the SVD of their transpose. norm is built from elementwise operations and reductions (its 2
// and nuclear matrix norms from the singular values). Results are float32 for float32 operands,
// float64 otherwise. Shape errors use NumPy's words and are raised when the expression is built;
// singular and non-positive-definite matrices fail when computed.
import { tokenize } from '@dask-ts/graph';
import { blockShape, formatShape, offsets, shapeOf } from './chunks.js';
import type { Dtype } from './dtype.js';
import { binary, unary } from './elementwise.js';
import { linalgKernels } from './linalg-kernels.js';
import { BlockLayer, sourceLayer, type ArrayLayer } from './layers.js';
import { kernels } from './kernels.js';
import { solveBlocked } from './linalg-lu.js';
import { normalizeAxes, reduction } from './reductions.js';
import { rechunk } from './rechunk.js';
import { reshape, transpose } from './shape-ops.js';
import type { ArraySpec } from './spec.js';

const floatOf = (t: Dtype): Dtype => (t === 'float32' ? 'float32' : 'float64');

function square(a: ArraySpec, op: string): number {
  const s = shapeOf(a.chunks);
  if (s.length !== 2) {
    throw new RangeError(
      `${op}: LinAlgError: ${s.length}-dimensional array given (shape ${formatShape(s)}); array must be two-dimensional`,
    );
  }
  if (s[0] !== s[1]) {
    throw new RangeError(
      `${op}: LinAlgError: Last 2 dimensions of the array must be square (shape ${formatShape(s)})`,
    );
  }
  return s[0];
}

const whole = (x: ArraySpec): ArraySpec =>
  rechunk(
    x,
    x.chunks.map(() => -1),
  );

/**
 * A one-block result of `args(refs)` over the single blocks of `inputs`, cut like `like`.
 *
 * @example
 * oneBlock('inv', [a], [n, n], 'float64', a.chunks, (refs) => linalgKernels.task('inv', [refs[0], 'float64']));
 */
export function oneBlock(
  op: string,
  inputs: readonly ArraySpec[],
  shape: readonly number[],
  dtype: Dtype,
  like: ArraySpec['chunks'],
  args: (refs: readonly { $ref: string }[]) => ReturnType<typeof linalgKernels.task>,
  extra: unknown = null,
): ArraySpec {
  const ws = inputs.map(whole);
  const layer = new BlockLayer(
    `${op}-${tokenize(
      ws.map((w) => w.layer.name),
      extra,
    )}`,
    ws.map((w) => w.layer),
    shape.map(() => 1),
    () => ws.map((w, k) => [k, w.chunks.map(() => 0)] as const),
    (_idx, refs) => args(refs),
  );
  const single: ArraySpec = { layer, chunks: shape.map((s) => [s]), dtype };
  return rechunk(
    single,
    like.map((c) => [...c]),
  );
}

/**
 * Solves `a x = b` (a square; b a vector or a matrix of a's rows), in one block.
 *
 * @example
 * solve(a, b);
 */
export function solve(a: ArraySpec, b: ArraySpec): ArraySpec {
  const n = square(a, 'solve');
  const sb = shapeOf(b.chunks);
  if ((sb.length !== 1 && sb.length !== 2) || sb[0] !== n) {
    throw new RangeError(
      `solve: b of shape ${formatShape(sb)} does not match a of shape ${formatShape([n, n])}; b must have ${n} rows and 1 or 2 dimensions`,
    );
  }
  const t = floatOf(a.dtype === 'float32' && b.dtype === 'float32' ? 'float32' : 'float64');
  if (a.chunks.some((c) => c.length > 1)) return unary('astype', solveBlocked(a, b), t);
  return oneBlock('solve', [a, b], sb, t, b.chunks, (refs) =>
    linalgKernels.task('solve', [refs[0], refs[1], t]),
  );
}

/**
 * The inverse of a square matrix, in one block.
 *
 * @example
 * inv(a);
 */
export function inv(a: ArraySpec): ArraySpec {
  const n = square(a, 'inv');
  const t = floatOf(a.dtype);
  if (a.chunks.some((c) => c.length > 1)) {
    const cuts = a.chunks[0].map((c) => c);
    const chunks = [cuts, cuts];
    const eye = sourceLayer(`inv-eye-${tokenize(n, chunks)}`, [cuts.length, cuts.length], (idx) =>
      kernels.task('eye', [
        'float64',
        blockShape(chunks, idx),
        offsets(cuts)[idx[0]],
        offsets(cuts)[idx[1]],
        0,
      ]),
    );
    const x = solveBlocked(a, { layer: eye, chunks, dtype: 'float64' });
    return unary(
      'astype',
      rechunk(
        x,
        a.chunks.map((c) => c.slice()),
      ),
      t,
    );
  }
  return oneBlock('inv', [a], [n, n], t, a.chunks, (refs) =>
    linalgKernels.task('inv', [refs[0], t]),
  );
}

/**
 * The Cholesky factor of a symmetric positive-definite matrix, in one block: upper triangular
 * `U` with `a = U^T U` by default (dask.array's default), lower `L` with `a = L L^T` (NumPy's)
 * when `lower`.
 *
 * @example
 * cholesky(a, true);
 */
export function cholesky(a: ArraySpec, lower = false): ArraySpec {
  const n = square(a, 'cholesky');
  const t = floatOf(a.dtype);
  return oneBlock(
    'cholesky',
    [a],
    [n, n],
    t,
    a.chunks,
    (refs) => linalgKernels.task('cholesky', [refs[0], lower, t]),
    lower,
  );
}

/** TSQR's shared layers over a tall matrix: the row blocks' factors and their reduction. */
interface Tsqr {
  readonly src: ArraySpec;
  readonly n: number;
  readonly blocks: ArrayLayer;
  readonly reduced: ArrayLayer;
  readonly token: string;
}

function tsqr(a: ArraySpec, op: string): Tsqr {
  const s = shapeOf(a.chunks);
  if (s.length !== 2) {
    throw new RangeError(
      `${op}: LinAlgError: ${s.length}-dimensional array given (shape ${formatShape(s)}); array must be two-dimensional`,
    );
  }
  const [m, n] = s;
  if (m < n || n === 0) {
    throw new RangeError(
      `${op}: tall-and-skinny QR needs at least as many rows as columns and one column or more (shape ${formatShape(s)})`,
    );
  }
  // One block of columns, and row blocks of at least n rows.
  const rows: number[] = [];
  for (const c of a.chunks[0]) {
    if (rows.length > 0 && (c < n || rows[rows.length - 1] < n)) rows[rows.length - 1] += c;
    else rows.push(c);
  }
  const src = rechunk(a, [rows, -1]);
  const nb = src.chunks[0].length;
  const token = tokenize(src.layer.name, op);
  const blocks = new BlockLayer(
    `tsqr-block-${token}`,
    [src.layer],
    [nb, 1],
    (idx) => [[0, [idx[0], 0]]],
    (_idx, [r]) => linalgKernels.task('tsqrBlock', [r]),
  );
  const reduced = new BlockLayer(
    `tsqr-reduce-${token}`,
    [blocks],
    [1],
    () => Array.from({ length: nb }, (_, i) => [0, [i, 0]] as const),
    (_idx, refs) => linalgKernels.task('tsqrReduce', [n, ...refs]),
  );
  return { src, n, blocks, reduced, token };
}

/**
 * The reduced QR decomposition of a tall-and-skinny matrix by TSQR: `[q, r]`, q of a's shape
 * (in a's row blocks) with orthonormal columns, r square and upper triangular.
 *
 * @example
 * const [q, r] = qr(a);
 */
export function qr(a: ArraySpec): [ArraySpec, ArraySpec] {
  const { src, n, blocks, reduced, token } = tsqr(a, 'qr');
  const t = floatOf(a.dtype);
  const q = new BlockLayer(
    `qr-q-${token}`,
    [blocks, reduced],
    [src.chunks[0].length, 1],
    (idx) => [
      [0, [idx[0], 0]],
      [1, [0]],
    ],
    (idx, [b, r]) => linalgKernels.task('tsqrQ', [idx[0], n, b, r, t]),
  );
  const r = new BlockLayer(
    `qr-r-${token}`,
    [reduced],
    [1, 1],
    () => [[0, [0]]],
    (_idx, [red]) => linalgKernels.task('tsqrR', [n, red, t]),
  );
  return [
    { layer: q, chunks: [src.chunks[0], [n]], dtype: t },
    { layer: r, chunks: [[n], [n]], dtype: t },
  ];
}

/**
 * The reduced singular value decomposition `[u, s, vt]` of a tall-and-skinny (or, through its
 * transpose, short-and-wide) matrix by TSQR: `a = u @ diag(s) @ vt`, s descending.
 *
 * @example
 * const [u, s, vt] = svd(a);
 */
export function svd(a: ArraySpec): [ArraySpec, ArraySpec, ArraySpec] {
  const sa = shapeOf(a.chunks);
  if (sa.length === 2 && sa[0] < sa[1]) {
    const [u, s, vt] = svd(transpose(a));
    return [transpose(vt), s, transpose(u)];
  }
  const { src, n, blocks, reduced, token } = tsqr(a, 'svd');
  const t = floatOf(a.dtype);
  const small = new BlockLayer(
    `svd-small-${token}`,
    [reduced],
    [1],
    () => [[0, [0]]],
    (_idx, [red]) => linalgKernels.task('svdOfR', [n, red]),
  );
  const u = new BlockLayer(
    `svd-u-${token}`,
    [blocks, reduced, small],
    [src.chunks[0].length, 1],
    (idx) => [
      [0, [idx[0], 0]],
      [1, [0]],
      [2, [0]],
    ],
    (idx, [b, r, sv]) => linalgKernels.task('svdU', [idx[0], n, b, r, sv, t]),
  );
  const s = new BlockLayer(
    `svd-s-${token}`,
    [small],
    [1],
    () => [[0, [0]]],
    (_idx, [sv]) => linalgKernels.task('svdS', [n, sv, t]),
  );
  const vt = new BlockLayer(
    `svd-vt-${token}`,
    [small],
    [1, 1],
    () => [[0, [0]]],
    (_idx, [sv]) => linalgKernels.task('svdVt', [n, sv, t]),
  );
  return [
    { layer: u, chunks: [src.chunks[0], [n]], dtype: t },
    { layer: s, chunks: [[n]], dtype: t },
    { layer: vt, chunks: [[n], [n]], dtype: t },
  ];
}

/**
 * The order of a norm: a number (`Infinity` and `-Infinity` included), `'fro'` or `'nuc'`.
 *
 * @example
 * const o: NormOrd = 'fro';
 */
export type NormOrd = number | 'fro' | 'nuc';

/**
 * Options of `norm`.
 *
 * @example
 * norm(x, { ord: 1, axis: 0 });
 */
export interface NormOptions {
  /** The order (default: 2 for vectors, Frobenius for matrices). */
  readonly ord?: NormOrd;
  /** One axis (vector norms) or two (matrix norms); default: all of a 1-d or 2-d array. */
  readonly axis?: number | readonly [number, number];
  /** Keep the reduced axes with length 1. */
  readonly keepdims?: boolean;
}

/** `x` without the axes `axes` (of length 1). */
function drop(x: ArraySpec, axes: readonly number[]): ArraySpec {
  const s = shapeOf(x.chunks);
  return reshape(
    x,
    s.filter((_, i) => !axes.includes(i)),
  );
}

/**
 * NumPy's `linalg.norm`: vector norms along one axis, matrix norms over two.
 *
 * @example
 * norm(x); // the Frobenius norm of a matrix, the 2-norm of a vector
 */
export function norm(x: ArraySpec, options: NormOptions = {}): ArraySpec {
  const nd = x.chunks.length;
  const { ord, keepdims = false } = options;
  const t = floatOf(x.dtype);
  const f = (v: ArraySpec): ArraySpec => (v.dtype === t ? v : unary('astype', v, t));
  const abs = f(unary('abs', x));
  if (options.axis === undefined && ord === undefined) {
    const sq = reduction(binary('mul', abs, abs), 'sum', { keepdims });
    return unary('sqrt', sq);
  }
  const axes = normalizeAxes(options.axis === undefined ? undefined : options.axis, nd, 'norm');
  if (options.axis === undefined && nd > 2) {
    throw new RangeError(`norm: improper number of dimensions to norm (${nd}) with ord ${ord}`);
  }
  const given = typeof options.axis === 'number' ? [options.axis] : options.axis;
  // The axes in the order given (normalizeAxes checked them, and sorts).
  const order = given === undefined ? axes : given.map((a) => (a < 0 ? a + nd : a));
  if (order.length === 1) {
    const axis = order[0];
    const red = (op: 'sum' | 'max' | 'min', v: ArraySpec): ArraySpec =>
      reduction(v, op, { axis, keepdims });
    if (ord === undefined || ord === 2) {
      return unary('sqrt', red('sum', binary('mul', abs, abs)));
    }
    if (ord === Infinity) return red('max', abs);
    if (ord === -Infinity) return red('min', abs);
    if (ord === 0) return red('sum', f(binary('ne', x, 0)));
    if (ord === 1) return red('sum', abs);
    if (typeof ord === 'number') {
      return binary('pow', red('sum', binary('pow', abs, ord)), 1 / ord);
    }
    throw new RangeError(`norm: invalid norm order '${ord}' for vectors`);
  }
  if (order.length !== 2) {
    throw new RangeError(
      `norm: improper number of dimensions to norm (axis ${JSON.stringify(options.axis)})`,
    );
  }
  const [r, c] = order;
  const both = [r, c].sort((p, q) => p - q);
  const finish = (v: ArraySpec): ArraySpec => (keepdims ? v : drop(v, both));
  if (ord === undefined || ord === 'fro') {
    return finish(
      unary('sqrt', reduction(binary('mul', abs, abs), 'sum', { axis: both, keepdims: true })),
    );
  }
  if (ord === 1 || ord === -1 || ord === Infinity || ord === -Infinity) {
    const [inner, outer] = ord === 1 || ord === -1 ? [r, c] : [c, r];
    const sums = reduction(abs, 'sum', { axis: inner, keepdims: true });
    return finish(reduction(sums, ord > 0 ? 'max' : 'min', { axis: outer, keepdims: true }));
  }
  if (ord === 2 || ord === -2 || ord === 'nuc') {
    if (nd !== 2) {
      throw new RangeError(
        `norm: ord ${ord} over two axes needs a 2-d array (got ${nd} dimensions)`,
      );
    }
    const src = r === 0 ? x : transpose(x);
    const s = svd(src)[1];
    const v = reduction(s, ord === 2 ? 'max' : ord === -2 ? 'min' : 'sum', {});
    return keepdims ? reshape(v, [1, 1]) : v;
  }
  throw new RangeError(`norm: invalid norm order '${ord}' for matrices`);
}

// Blocked LU and what is built on it, for square matrices of many blocks: `lu` (a = P L U, as
// scipy's and dask.array's), `det`, `solveTriangular`, and multi-block `solve` and `inv`. The
// matrix is cut into column panels (all rows, a's column blocks); step k is one task reading
// panel k and the steps before it (linalg-lu-blocks.ts), so memory per task is one panel plus
// the multipliers of the panels before (the last step reads all of L: the matrix must fit in one
// worker's memory, though no task but the last holds it whole), and pivoting runs over the whole
// height. Each step is
// its own layer (a layer cannot read itself); so is each block row of a triangular solve. The
// factors come back in a's blocks. Shapes are checked when the expression is built.
import { tokenize } from '@dask-ts/graph';
import { formatShape, offsets, shapeOf, type Chunks } from './chunks.js';
import { kernels } from './kernels.js';
import { linalgKernels } from './linalg-kernels.js';
import { BlockLayer, type ArrayLayer, type BlockInput } from './layers.js';
import { matmul } from './matmul.js';
import { rechunk } from './rechunk.js';
import { transpose } from './shape-ops.js';
import type { ArraySpec } from './spec.js';

function squareOf(a: ArraySpec, op: string): number {
  const s = shapeOf(a.chunks);
  if (s.length !== 2 || s[0] !== s[1]) {
    throw new RangeError(
      `${op}: LinAlgError: expected a square matrix, got shape ${formatShape(s)}${s.length === 2 ? '' : ` (${s.length} dimensions)`}`,
    );
  }
  return s[0];
}

/** The LU steps of a square matrix, one layer each, over a's column blocks. */
interface Steps {
  readonly n: number;
  readonly cols: readonly number[];
  readonly steps: readonly ArrayLayer[];
  readonly token: string;
}

function luSteps(a: ArraySpec, op: string): Steps {
  const n = squareOf(a, op);
  const cols = a.chunks[1].filter((c) => c > 0);
  const panels = rechunk(a, [[n], cols.length > 0 ? cols : [n]]);
  const starts = offsets(cols);
  const token = tokenize(panels.layer.name, 'lu');
  const steps: ArrayLayer[] = [];
  cols.forEach((_, k) => {
    const prev = steps.slice();
    steps.push(
      new BlockLayer(
        `lu-step-${k}-${token}`,
        [panels.layer, ...prev],
        [1],
        () => [[0, [0, k]], ...prev.map((_p, j) => [j + 1, [0]] as const)],
        (_idx, refs) => linalgKernels.task('luStep', [starts[k], ...refs]),
      ),
    );
  });
  return { n, cols, steps, token };
}

/** A matrix made of column panels [n x cols[k]], one task each, cut back into `like`. */
function panels(
  s: Steps,
  name: string,
  inputs: (k: number) => BlockInput[],
  node: (k: number, refs: readonly { $ref: string }[]) => ReturnType<typeof linalgKernels.task>,
  like: Chunks,
): ArraySpec {
  const layer = new BlockLayer(
    `${name}-${s.token}`,
    s.steps,
    [1, s.cols.length],
    (idx) => inputs(idx[1]),
    (idx, refs) => node(idx[1], refs),
  );
  const spec: ArraySpec = { layer, chunks: [[s.n], s.cols.slice()], dtype: 'float64' };
  return rechunk(
    spec,
    like.map((c) => c.slice()),
  );
}

/**
 * The LU decomposition with partial pivoting of a square matrix of any blocks: `[p, l, u]` with
 * `a = p @ l @ u`, l unit lower triangular, u upper triangular, all in a's blocks.
 *
 * @example
 * const [p, l, u] = lu(a);
 */
export function lu(a: ArraySpec): [ArraySpec, ArraySpec, ArraySpec] {
  const s = luSteps(a, 'lu');
  if (s.n === 0) throw new RangeError('lu: LinAlgError: the matrix is empty (shape (0, 0))');
  const last = s.steps.length - 1;
  const starts = offsets(s.cols);
  const like = a.chunks;
  const p = panels(
    s,
    'lu-p',
    () => [[last, [0]]],
    (k, [r]) => linalgKernels.task('luP', [r, starts[k], s.cols[k]]),
    like,
  );
  const l = panels(
    s,
    'lu-l',
    (k) => [
      [k, [0]],
      [last, [0]],
    ],
    (_k, refs) => linalgKernels.task('luL', [refs[0], refs[refs.length - 1]]),
    like,
  );
  const u = panels(
    s,
    'lu-u',
    (k) => [[k, [0]]],
    (_k, [r]) => linalgKernels.task('luU', [r]),
    like,
  );
  return [p, l, u];
}

/**
 * The determinant of a square matrix of any blocks (from its LU), a 0-d float64 array.
 *
 * @example
 * det(a);
 */
export function det(a: ArraySpec): ArraySpec {
  const s = luSteps(a, 'det');
  if (s.n === 0) {
    const layer = new BlockLayer(
      `det-${s.token}`,
      [],
      [],
      () => [],
      () => kernels.task('full', ['float64', [], 1]),
    );
    return { layer, chunks: [], dtype: 'float64' };
  }
  const layer = new BlockLayer(
    `det-${s.token}`,
    s.steps,
    [],
    () => s.steps.map((_l, j) => [j, [0]] as const),
    (_idx, refs) => linalgKernels.task('luDet', refs),
  );
  return { layer, chunks: [], dtype: 'float64' };
}

/**
 * Solves `t x = b` for triangular `t` (square, any blocks) by blocks: forward substitution when
 * `lower`, back substitution otherwise; `unit`: t's diagonal is taken as ones. b is a vector or
 * a matrix of t's rows; x comes in b's blocks.
 *
 * @example
 * solveTriangular(l, b, { lower: true });
 */
export function solveTriangular(
  t: ArraySpec,
  b: ArraySpec,
  options: { readonly lower?: boolean; readonly unit?: boolean } = {},
): ArraySpec {
  const n = squareOf(t, 'solveTriangular');
  const sb = shapeOf(b.chunks);
  if ((sb.length !== 1 && sb.length !== 2) || sb[0] !== n) {
    throw new RangeError(
      `solveTriangular: b of shape ${formatShape(sb)} does not match a of shape ${formatShape([n, n])}; b must have ${n} rows and 1 or 2 dimensions`,
    );
  }
  const lower = options.lower ?? false;
  const unit = options.unit ?? false;
  const cuts = t.chunks[0].filter((c) => c > 0);
  const rows = cuts.length > 0 ? cuts : [n];
  const ts = rechunk(t, [rows, rows]);
  const bs = rechunk(b, sb.length === 1 ? [rows] : [rows, b.chunks[1].slice()]);
  const nb = rows.length;
  const ncb = sb.length === 1 ? 1 : bs.chunks[1].length;
  const token = tokenize(ts.layer.name, bs.layer.name, lower, unit);
  const at = (c: number): number[] => (sb.length === 1 ? [] : [c]);
  // Block rows in the order they are solved; row i reads the rows solved before it.
  const order = Array.from({ length: nb }, (_, q) => (lower ? q : nb - 1 - q));
  const solved = new Map<number, ArrayLayer>();
  for (const i of order) {
    const before = [...solved.entries()];
    const layer = new BlockLayer(
      `tri-${i}-${token}`,
      [ts.layer, bs.layer, ...before.map(([, l]) => l)],
      sb.length === 1 ? [1] : [1, ncb],
      (idx) => {
        const c = idx.length > 1 ? idx[1] : 0;
        const ins: BlockInput[] = [
          [0, [i, i]],
          [1, [i, ...at(c)]],
        ];
        before.forEach(([j], k) => ins.push([0, [i, j]], [k + 2, [0, ...at(c)]]));
        return ins;
      },
      (_idx, refs) => linalgKernels.task('triSolve', [lower, unit, ...refs]),
    );
    solved.set(i, layer);
  }
  const rowLayers = Array.from({ length: nb }, (_, i) => solved.get(i) as ArrayLayer);
  const layer = new BlockLayer(
    `solve-triangular-${token}`,
    rowLayers,
    sb.length === 1 ? [nb] : [nb, ncb],
    (idx) => [[idx[0], [0, ...idx.slice(1)]]],
    (idx, [r]) =>
      kernels.task('reshape', [
        r,
        sb.length === 1 ? [rows[idx[0]]] : [rows[idx[0]], bs.chunks[1][idx[1]]],
      ]),
  );
  const out: ArraySpec = { layer, chunks: bs.chunks, dtype: 'float64' };
  return rechunk(
    out,
    b.chunks.map((c) => c.slice()),
  );
}

/**
 * Solves `a x = b` for a square matrix of many blocks through its LU: `x = U^-1 L^-1 P^T b`.
 *
 * @example
 * solveBlocked(a, b);
 */
export function solveBlocked(a: ArraySpec, b: ArraySpec): ArraySpec {
  const [p, l, u] = lu(a);
  const pb = matmul(transpose(p, [1, 0]), b, {});
  const y = solveTriangular(l, pb, { lower: true, unit: true });
  const x = solveTriangular(u, y, { lower: false });
  return rechunk(
    x,
    b.chunks.map((c) => c.slice()),
  );
}

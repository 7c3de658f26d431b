// tensordot, matmul, dot, outer and einsum as dask.array builds them: a blockwise contraction. The axes
// are labelled as in einsum (matmul-contract.ts); summed axes are rechunked to a common cutting
// on both sides, and so are batch axes that both operands cut. Each output block sums, over the
// blocks of the summed axes, the products of the blocks that meet there: groups of `splitEvery`
// products are one task each (the kernel accumulates them in one buffer), and the groups'
// float64 partial sums are added in a tree, `splitEvery` at a time; the last step casts to the
// result dtype (NumPy's promotion: bool with bool stays bool). Shape errors use NumPy's words and
// are raised when the expression is built.
import { tokenize } from '@dask-ts/graph';
import { blockIndices, commonSizes, formatShape, sameChunks, shapeOf } from './chunks.js';
import { resultType, type Dtype } from './dtype.js';
import { binary } from './elementwise.js';
import { linalgKernels } from './linalg-kernels.js';
import { BlockLayer, type ArrayLayer, type BlockInput } from './layers.js';
import { labelGroups, type Contraction } from './matmul-contract.js';
import { rechunk } from './rechunk.js';
import { reduction } from './reductions.js';
import { reshape, transpose } from './shape-ops.js';
import type { ArraySpec } from './spec.js';

/**
 * Options of the contractions.
 *
 * @example
 * matmul(a, b, { splitEvery: 8 });
 */
export interface ContractOptions {
  /** Products summed by one task, and partial sums added by one task (default 4). */
  readonly splitEvery?: number;
}

/**
 * The contraction `c` of `a` and `b` (labels per axis, see matmul-contract.ts), lengths checked
 * by the caller, except that batch lengths must be equal or 1.
 *
 * @example
 * contraction(a, b, { a: [0, 1], b: [1, 2], out: [0, 2] }, 'matmul');
 */
export function contraction(
  a: ArraySpec,
  b: ArraySpec,
  c: Contraction,
  op: string,
  options: ContractOptions = {},
): ArraySpec {
  const split = options.splitEvery ?? 4;
  if (!Number.isInteger(split) || split < 2) {
    throw new RangeError(`${op}: splitEvery must be an integer of at least 2, got ${split}`);
  }
  const g = labelGroups(c);
  const shapeA = shapeOf(a.chunks);
  const shapeB = shapeOf(b.chunks);
  // Unify the cuttings of the labels both operands cut.
  const wantA: (readonly number[])[] = [...a.chunks];
  const wantB: (readonly number[])[] = [...b.chunks];
  for (const l of [...g.batch, ...g.summed]) {
    const i = c.a.indexOf(l);
    const j = c.b.indexOf(l);
    if (shapeA[i] === 1 && shapeB[j] !== 1 && g.batch.includes(l)) continue;
    if (shapeB[j] === 1 && shapeA[i] !== 1 && g.batch.includes(l)) continue;
    const common = commonSizes(a.chunks[i], b.chunks[j]);
    wantA[i] = common;
    wantB[j] = common;
  }
  const ra = sameChunks(wantA, a.chunks) ? a : rechunk(a, wantA);
  const rb = sameChunks(wantB, b.chunks) ? b : rechunk(b, wantB);
  const lenA = (l: number): number => shapeA[c.a.indexOf(l)] ?? 1;
  const chunksOf = (l: number): readonly number[] => {
    const i = c.a.indexOf(l);
    const j = c.b.indexOf(l);
    if (i >= 0 && (j < 0 || lenA(l) !== 1 || shapeB[j] === 1)) return ra.chunks[i];
    return rb.chunks[j];
  };
  const outChunks = c.out.map((l) => [...chunksOf(l)]);
  const outGrid = outChunks.map((ch) => ch.length);
  const summedGrid = g.summed.map((l) => ra.chunks[c.a.indexOf(l)].length);
  const tuples = [...blockIndices(summedGrid)];
  if (summedGrid.length === 0) tuples.splice(0, tuples.length, []);
  const dtype: Dtype = resultType(a.dtype, b.dtype);
  const token = tokenize(ra.layer.name, rb.layer.name, c, op, split);
  const blockOf = (
    own: readonly number[],
    spec: ArraySpec,
    out: readonly number[],
    t: readonly number[],
  ): number[] =>
    own.map((l, axis) => {
      if (spec.chunks[axis].length === 1) return 0;
      const s = g.summed.indexOf(l);
      return s >= 0 ? t[s] : out[c.out.indexOf(l)];
    });
  const groups = Math.ceil(tuples.length / split);
  const inputsOf = (out: readonly number[], group: number): BlockInput[] =>
    tuples
      .slice(group * split, group * split + split)
      .flatMap((t) => [
        [0, blockOf(c.a, ra, out, t)] as const,
        [1, blockOf(c.b, rb, out, t)] as const,
      ]);
  let layer: ArrayLayer;
  let grid = groups;
  if (groups === 1) {
    layer = new BlockLayer(
      `${op}-${token}`,
      [ra.layer, rb.layer],
      outGrid,
      (idx) => inputsOf(idx, 0),
      (_idx, refs) => linalgKernels.task('contract', [c, dtype, ...refs]),
    );
  } else {
    layer = new BlockLayer(
      `${op}-partial-${token}`,
      [ra.layer, rb.layer],
      [...outGrid, groups],
      (idx) => inputsOf(idx.slice(0, -1), idx[idx.length - 1]),
      (_idx, refs) => linalgKernels.task('contract', [c, null, ...refs]),
    );
    let level = 0;
    while (grid > 1) {
      const next = Math.ceil(grid / split);
      const from = layer;
      const count = grid;
      const last = next === 1;
      layer = new BlockLayer(
        last ? `${op}-${token}` : `${op}-sum${++level}-${token}`,
        [from],
        last ? outGrid : [...outGrid, next],
        (idx) => {
          const out = last ? idx : idx.slice(0, -1);
          const j = last ? 0 : idx[idx.length - 1];
          const ins: BlockInput[] = [];
          for (let q = j * split; q < Math.min(count, j * split + split); q++) {
            ins.push([0, [...out, q]]);
          }
          return ins;
        },
        (_idx, refs) => linalgKernels.task('sumParts', [last ? dtype : null, ...refs]),
      );
      grid = next;
    }
  }
  return { layer, chunks: outChunks, dtype };
}

function checkNdim(x: ArraySpec, op: string, which: number, min: number): void {
  if (x.chunks.length < min) {
    throw new RangeError(
      `${op}: Input operand ${which} does not have enough dimensions (has ${x.chunks.length}, gufunc core with signature (n?,k),(k,m?)->(n?,m?) requires ${min})`,
    );
  }
}

/**
 * NumPy's `matmul` (`a @ b`): 1-d operands are a row (a) or a column (b) vector, dropped from
 * the result; leading (batch) axes broadcast.
 *
 * @example
 * matmul(a, b); // (n, k) @ (k, m) -> (n, m)
 */
export function matmul(a: ArraySpec, b: ArraySpec, options: ContractOptions = {}): ArraySpec {
  checkNdim(a, 'matmul', 0, 1);
  checkNdim(b, 'matmul', 1, 1);
  const sa = shapeOf(a.chunks);
  const sb = shapeOf(b.chunks);
  const ka = sa[sa.length - 1];
  const kb = sb.length === 1 ? sb[0] : sb[sb.length - 2];
  if (ka !== kb) {
    throw new RangeError(
      `matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature (n?,k),(k,m?)->(n?,m?) (size ${kb} is different from ${ka})`,
    );
  }
  const nbatch = Math.max(sa.length - 2, sb.length - 2, 0);
  const batchA = Math.max(sa.length - 2, 0);
  const batchB = Math.max(sb.length - 2, 0);
  for (let i = 0; i < nbatch; i++) {
    const la = i - (nbatch - batchA);
    const lb = i - (nbatch - batchB);
    const x = la >= 0 ? sa[la] : 1;
    const y = lb >= 0 ? sb[lb] : 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw new RangeError(
        `matmul: operands could not be broadcast together with shapes ${formatShape(sa)} ${formatShape(sb)} (batch axes ${formatShape(sa.slice(0, batchA))} and ${formatShape(sb.slice(0, batchB))})`,
      );
    }
  }
  const [M, K, N] = [nbatch, nbatch + 1, nbatch + 2];
  const batch = (own: number): number[] => Array.from({ length: own }, (_, i) => nbatch - own + i);
  const la = sa.length === 1 ? [K] : [...batch(batchA), M, K];
  const lb = sb.length === 1 ? [K] : [...batch(batchB), K, N];
  const out = [...batch(nbatch)];
  if (sa.length > 1) out.push(M);
  if (sb.length > 1) out.push(N);
  return contraction(a, b, { a: la, b: lb, out }, 'matmul', options);
}

/**
 * NumPy's `tensordot`: sums the products over `axes` — a count n (the last n axes of a with the
 * first n of b) or a pair of lists of axes.
 *
 * @example
 * tensordot(a, b, [[1, 2], [0, 1]]);
 */
export function tensordot(
  a: ArraySpec,
  b: ArraySpec,
  axes: number | readonly [number | readonly number[], number | readonly number[]] = 2,
  options: ContractOptions = {},
): ArraySpec {
  const sa = shapeOf(a.chunks);
  const sb = shapeOf(b.chunks);
  let xa: number[];
  let xb: number[];
  if (typeof axes === 'number') {
    if (!Number.isInteger(axes) || axes < 0 || axes > sa.length || axes > sb.length) {
      throw new RangeError(
        `tensordot: axes ${axes} must be a count of at most ${Math.min(sa.length, sb.length)} for shapes ${formatShape(sa)} and ${formatShape(sb)}`,
      );
    }
    xa = Array.from({ length: axes }, (_, i) => sa.length - axes + i);
    xb = Array.from({ length: axes }, (_, i) => i);
  } else {
    xa = typeof axes[0] === 'number' ? [axes[0]] : [...axes[0]];
    xb = typeof axes[1] === 'number' ? [axes[1]] : [...axes[1]];
  }
  const norm = (list: number[], nd: number, which: string): number[] =>
    list.map((x) => {
      if (!Number.isInteger(x) || x < -nd || x >= nd) {
        throw new RangeError(
          `tensordot: axis ${x} is out of bounds for ${which} of dimension ${nd}`,
        );
      }
      return x < 0 ? x + nd : x;
    });
  xa = norm(xa, sa.length, 'array a');
  xb = norm(xb, sb.length, 'array b');
  if (
    xa.length !== xb.length ||
    xa.some((x, i) => sa[x] !== sb[xb[i]]) ||
    new Set(xa).size !== xa.length ||
    new Set(xb).size !== xb.length
  ) {
    throw new RangeError(
      `tensordot: shape-mismatch for sum: axes [${xa.join(', ')}] of ${formatShape(sa)} and [${xb.join(', ')}] of ${formatShape(sb)}`,
    );
  }
  // Labels: a's axes 0..na-1; b's summed axes take a's labels, its others na + j.
  const la = sa.map((_, i) => i);
  const lb = sb.map((_, j) => {
    const k = xb.indexOf(j);
    return k >= 0 ? xa[k] : sa.length + j;
  });
  const out = [...la.filter((l) => !xa.includes(l)), ...lb.filter((l) => l >= sa.length)];
  return contraction(a, b, { a: la, b: lb, out }, 'tensordot', options);
}

/**
 * NumPy's `dot`: a product with a number for 0-d operands, an inner product of vectors,
 * otherwise a sum over the last axis of a and the second-to-last of b (the last, for 1-d b).
 *
 * @example
 * dot(v, w); // a 0-d array
 */
export function dot(a: ArraySpec, b: ArraySpec, options: ContractOptions = {}): ArraySpec {
  const sa = shapeOf(a.chunks);
  const sb = shapeOf(b.chunks);
  if (sa.length === 0 || sb.length === 0) return binary('mul', a, b);
  const ia = sa.length - 1;
  const ib = Math.max(sb.length - 2, 0);
  if (sa[ia] !== sb[ib]) {
    throw new RangeError(
      `dot: shapes ${formatShape(sa)} and ${formatShape(sb)} not aligned: ${sa[ia]} (dim ${ia}) != ${sb[ib]} (dim ${ib})`,
    );
  }
  return tensordot(a, b, [[ia], [ib]], options);
}

/**
 * NumPy's `outer`: `out[i, j] = a.ravel()[i] * b.ravel()[j]`.
 *
 * @example
 * outer(x, y); // (n, m)
 */
export function outer(a: ArraySpec, b: ArraySpec): ArraySpec {
  const flat = (x: ArraySpec): ArraySpec => (x.chunks.length === 1 ? x : reshape(x, [-1]));
  return contraction(flat(a), flat(b), { a: [0], b: [1], out: [0, 1] }, 'outer');
}

/** The first label of the axes an ellipsis stands for (letters are their char codes). */
const ELLIPSIS = 0x10000;

/** A label as written: its letter, or '...' for an axis of an ellipsis. */
const labelName = (l: number): string => (l >= ELLIPSIS ? '...' : String.fromCharCode(l));

/**
 * The labels of einsum subscripts: a letter per axis, and for '...' the broadcast axes,
 * right-aligned across the operands; the implicit output puts them first (NumPy's rules).
 */
function parseSubscripts(
  subscripts: string,
  ndims: readonly number[],
): { inputs: number[][]; out: number[] } {
  const spec = subscripts.replace(/\s+/g, '');
  const fail = (why: string): never => {
    throw new RangeError(`einsum: ${why} in subscripts '${subscripts}'`);
  };
  const [lhs, rhs] = spec.includes('->') ? spec.split('->') : [spec, undefined];
  const terms = lhs.split(',');
  if (terms.length !== ndims.length) {
    fail(`${terms.length} operand subscripts for ${ndims.length} operands`);
  }
  const code = (ch: string): number => {
    if (!/^[a-zA-Z]$/.test(ch)) fail(`invalid subscript '${ch}'`);
    return ch.charCodeAt(0);
  };
  const dots = (t: string): boolean => {
    const n = t.split('...').length - 1;
    if (n > 1 || (n === 0 && t.includes('.'))) fail(`'${t}' must hold at most one '...'`);
    return n === 1;
  };
  // The axes an ellipsis stands for, right-aligned across operands (NumPy broadcasting).
  const spans = terms.map((t, k) => (dots(t) ? ndims[k] - (t.length - 3) : 0));
  spans.forEach((e, k) => {
    if (e < 0) fail(`operand ${k} has ${ndims[k]} dimensions, fewer than '${terms[k]}' names`);
  });
  const width = Math.max(0, ...spans);
  const ell = (from: number, count: number): number[] =>
    Array.from({ length: count }, (_, i) => ELLIPSIS + from + i);
  const inputs = terms.map((t, k) => {
    const [head, tail] = dots(t) ? t.split('...') : [t, ''];
    if (!dots(t) && t.length !== ndims[k]) {
      fail(`operand ${k} has ${ndims[k]} dimensions but subscripts '${t}' name ${t.length}`);
    }
    const ls = [...[...head].map(code), ...ell(width - spans[k], spans[k]), ...[...tail].map(code)];
    if (new Set(ls).size !== ls.length) fail(`repeated subscript in '${t}' (diagonals)`);
    return ls;
  });
  let out: number[];
  if (rhs === undefined) {
    const count = new Map<number, number>();
    for (const l of inputs.flat()) count.set(l, (count.get(l) ?? 0) + 1);
    const letters = [...count.keys()].filter((l) => l < ELLIPSIS && count.get(l) === 1);
    out = [...ell(0, width), ...letters.sort((a, b) => a - b)];
  } else {
    if (!dots(rhs) && width > 0) {
      fail(
        `the ellipsis ('...') of the operands stands for ${width} axes but the output '${rhs}' has none`,
      );
    }
    const [head, tail] = dots(rhs) ? rhs.split('...') : [rhs, ''];
    out = [...[...head].map(code), ...ell(0, width), ...[...tail].map(code)];
    if (new Set(out).size !== out.length) fail(`repeated output subscript in '${rhs}'`);
    for (const l of out) {
      if (!inputs.some((ls) => ls.includes(l))) {
        fail(`output subscript '${labelName(l)}' appears in no operand`);
      }
    }
  }
  return { inputs, out };
}

/**
 * NumPy's `einsum` over one or two operands, without repeated subscripts within an operand:
 * `'ij,jk->ik'` (a matrix product), `'bij,bjk->bik'` (batched), `'...ij,...jk->...ik'` (an
 * ellipsis stands for the axes the operands broadcast over), `'ij->ji'`, `'ij->'`, implicit
 * output (`'ij,jk'`: the ellipsis axes, then the subscripts that appear once, sorted). Labels of one operand
 * that the output lacks are summed first; the rest is one contraction.
 *
 * @example
 * einsum('ij,jk->ik', a, b);
 */
export function einsum(
  subscripts: string,
  operands: readonly ArraySpec[],
  options: ContractOptions = {},
): ArraySpec {
  if (operands.length < 1 || operands.length > 2) {
    throw new RangeError(`einsum: ${operands.length} operands; one or two are supported`);
  }
  const shapes = operands.map((o) => shapeOf(o.chunks));
  const { inputs, out } = parseSubscripts(
    subscripts,
    shapes.map((s) => s.length),
  );
  const len = new Map<number, number>();
  inputs.forEach((ls, k) =>
    ls.forEach((l, i) => {
      const n = shapes[k][i];
      const had = len.get(l);
      const broadcasts = (had === 1 || n === 1) && out.includes(l);
      if (had !== undefined && had !== n && !broadcasts) {
        throw new RangeError(
          `einsum: operands could not be broadcast together with remapped shapes: subscript '${labelName(l)}' has lengths ${had} and ${n} (shapes ${shapes.map(formatShape).join(' ')})`,
        );
      }
      len.set(l, Math.max(had ?? 1, n));
    }),
  );
  // Sum first the labels only one operand has and the output lacks.
  const reduced = operands.map((o, k) => {
    const others = inputs.filter((_, j) => j !== k).flat();
    const axes = inputs[k].flatMap((l, i) => (!out.includes(l) && !others.includes(l) ? [i] : []));
    if (axes.length === 0) return { x: o, labels: inputs[k] };
    const x = reduction(o, 'sum', { axis: axes });
    return { x, labels: inputs[k].filter((_, i) => !axes.includes(i)) };
  });
  if (reduced.length === 1) {
    const [{ x, labels }] = reduced;
    return transpose(
      x,
      out.map((l) => labels.indexOf(l)),
    );
  }
  const [a, b] = reduced;
  return contraction(a.x, b.x, { a: a.labels, b: b.labels, out }, 'einsum', options);
}

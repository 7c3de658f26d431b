// Joining arrays: `concatenate` along an existing axis, `stack` along a new one and `block` from
// nested lists (NumPy's). The output's blocks are the inputs' blocks side by side along the axis
// (nothing is rechunked along it); the other axes are cut at every boundary of every input, and
// each block is cast to the promoted dtype. Errors name the shapes that do not fit.
import { tokenize } from '@dask-ts/graph';
import { commonSizes, formatShape, sameChunks, shapeOf } from './chunks.js';
import { resultType, type Dtype } from './dtype.js';
import { kernels } from './kernels.js';
import { BlockLayer } from './layers.js';
import { rechunk } from './rechunk.js';
import { getitem } from './slicing.js';
import type { ArraySpec } from './spec.js';

function axisOf(axis: number, ndim: number, op: string): number {
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) {
    throw new RangeError(`${op}: axis ${axis} is out of bounds for array of dimension ${ndim}`);
  }
  return axis < 0 ? axis + ndim : axis;
}

/**
 * The arrays joined along `axis` (NumPy's `concatenate`).
 *
 * @example
 * concatenateSpecs([x, y], 0);
 */
export function concatenateSpecs(
  arrays: readonly ArraySpec[],
  axis = 0,
  op = 'concatenate',
): ArraySpec {
  if (arrays.length === 0) throw new RangeError(`${op}: need at least one array to concatenate`);
  const ndim = arrays[0].chunks.length;
  if (ndim === 0) throw new RangeError(`${op}: zero-dimensional arrays cannot be concatenated`);
  const ax = axisOf(axis, ndim, op);
  const shapes = arrays.map((a) => shapeOf(a.chunks));
  shapes.forEach((s, k) => {
    if (s.length !== ndim) {
      throw new RangeError(
        `${op}: all the input arrays must have same number of dimensions, but the array at index 0 has ${ndim} dimension(s) and the array at index ${k} has ${s.length} dimension(s)`,
      );
    }
    s.forEach((len, a) => {
      if (a !== ax && len !== shapes[0][a]) {
        throw new RangeError(
          `${op}: all the input array dimensions except for the concatenation axis must match exactly, but along dimension ${a}, the array at index 0 has size ${shapes[0][a]} and the array at index ${k} has size ${len} (shapes ${shapes.map(formatShape).join(', ')})`,
        );
      }
    });
  });
  const dtype: Dtype = arrays.map((a) => a.dtype).reduce((p, q) => resultType(p, q));
  if (arrays.length === 1) return arrays[0];
  const cuts = shapes[0].map((_, a) =>
    a === ax ? [] : arrays.map((x) => x.chunks[a]).reduce((p, q) => commonSizes(p, q)),
  );
  const aligned = arrays.map((x) => {
    const want = x.chunks.map((c, a) => (a === ax ? c : cuts[a]));
    return sameChunks(want, x.chunks) ? x : rechunk(x, want);
  });
  const owner: [number, number][] = [];
  aligned.forEach((x, k) => x.chunks[ax].forEach((_, b) => owner.push([k, b])));
  const chunks = cuts.map((c, a) => (a === ax ? aligned.flatMap((x) => x.chunks[ax]) : c));
  const name = `${op}-${tokenize(
    aligned.map((x) => x.layer.name),
    ax,
    dtype,
  )}`;
  const layer = new BlockLayer(
    name,
    aligned.map((x) => x.layer),
    chunks.map((c) => c.length),
    (idx) => {
      const [k, b] = owner[idx[ax]];
      return [[k, idx.map((v, a) => (a === ax ? b : v))]];
    },
    (_idx, [r]) => kernels.task('blockwise', [{ op: 'astype', a: [{ i: 0 }], t: dtype }, r]),
  );
  return { layer, chunks, dtype };
}

/**
 * `x` with a new axis of length 1 at `axis`.
 *
 * @example
 * expandDimsSpec(x, 0);
 */
export function expandDimsSpec(x: ArraySpec, axis: number, op = 'expandDims'): ArraySpec {
  const ndim = x.chunks.length + 1;
  const ax = axisOf(axis, ndim, op);
  const items = Array.from({ length: ndim }, (_, a) => (a === ax ? null : {}));
  return getitem(x, items);
}

/**
 * The arrays (all of one shape) joined along a new axis `axis` (NumPy's `stack`).
 *
 * @example
 * stackSpecs([x, y], 0);
 */
export function stackSpecs(arrays: readonly ArraySpec[], axis = 0): ArraySpec {
  if (arrays.length === 0) throw new RangeError('stack: need at least one array to stack');
  const shapes = arrays.map((a) => shapeOf(a.chunks));
  shapes.forEach((s, k) => {
    if (s.length !== shapes[0].length || s.some((v, a) => v !== shapes[0][a])) {
      throw new RangeError(
        `stack: all input arrays must have the same shape, but the array at index 0 has shape ${formatShape(shapes[0])} and the array at index ${k} has shape ${formatShape(s)}`,
      );
    }
  });
  const ax = axisOf(axis, shapes[0].length + 1, 'stack');
  return concatenateSpecs(
    arrays.map((a) => expandDimsSpec(a, ax, 'stack')),
    ax,
    'stack',
  );
}

/**
 * Nested lists of arrays joined along the last axes (NumPy's `block`): the innermost lists along
 * the last axis, the lists of those along the one before, and so on.
 *
 * @example
 * blockSpecs([[a, b], [c, d]]);
 */
export function blockSpecs(nested: unknown, isArray: (v: unknown) => v is ArraySpec): ArraySpec {
  const depthOf = (v: unknown, path: string): number => {
    if (isArray(v)) return 0;
    if (!Array.isArray(v) || v.length === 0) {
      throw new TypeError(`block: ${path} must be an array or a non-empty list of them`);
    }
    const ds = v.map((w, i) => depthOf(w, `${path}[${i}]`));
    if (ds.some((d) => d !== ds[0])) {
      throw new RangeError(
        `block: list depths are mismatched: ${path} holds lists of depths ${ds.join(', ')}`,
      );
    }
    return ds[0] + 1;
  };
  const depth = depthOf(nested, 'arrays');
  const leaves: ArraySpec[] = [];
  const collect = (v: unknown): void => {
    if (isArray(v)) leaves.push(v);
    else (v as unknown[]).forEach(collect);
  };
  collect(nested);
  const ndim = Math.max(depth, ...leaves.map((l) => l.chunks.length));
  const lift = (x: ArraySpec): ArraySpec => {
    let out = x;
    while (out.chunks.length < ndim) out = expandDimsSpec(out, 0, 'block');
    return out;
  };
  const join = (v: unknown, level: number): ArraySpec => {
    if (isArray(v)) return lift(v);
    const parts = (v as unknown[]).map((w) => join(w, level + 1));
    return concatenateSpecs(parts, ndim - depth + level, 'block');
  };
  return join(nested, 0);
}

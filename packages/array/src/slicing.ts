// Basic indexing, NumPy's: integers (the axis is dropped; negative counts from the end), slices
// with any step (negative too), new axes and one ellipsis, in an explicit form or a compact
// string (`'0:10, ::2'`, `'-1, ..., None'`). Each output block is cut from one input block, so
// the layer's blocks read only the blocks the index touches, and the optimizer's culling keeps
// every other block of the input from ever becoming a task (slice pushdown).
import { tokenize } from '@dask-ts/graph';
import { formatShape, offsets, shapeOf } from './chunks.js';
import type { AxisIndex } from './kernels-index.js';
import { kernels } from './kernels.js';
import { BlockLayer } from './layers.js';
import type { ArraySpec } from './spec.js';

/**
 * A slice `start:stop:step` (each optional, negative counting from the end, as in Python).
 *
 * @example
 * const everyOther: Slice = { step: 2 };
 */
export interface Slice {
  readonly start?: number | null;
  readonly stop?: number | null;
  readonly step?: number | null;
}

/**
 * One item of an index: an integer, a slice, `null` (a new axis, NumPy's `newaxis`) or `'...'`.
 *
 * @example
 * const index: IndexItem[] = [slice(0, 10), '...', null, -1];
 */
export type IndexItem = number | Slice | null | '...';

/**
 * A slice (Python's `slice(start, stop, step)`).
 *
 * @example
 * x.at([slice(null, null, -1), 0]); // x[::-1, 0]
 */
export function slice(start?: number | null, stop?: number | null, step?: number | null): Slice {
  return { start, stop, step };
}

/**
 * NumPy's `newaxis` (`null`).
 *
 * @example
 * x.at([newaxis, '...']); // x[None, ...]
 */
export const newaxis = null;

function parseInt10(text: string, whole: string): number {
  if (!/^[+-]?\d+$/.test(text)) {
    throw new SyntaxError(
      `at: cannot parse ${JSON.stringify(text)} in index ${JSON.stringify(whole)}`,
    );
  }
  return Number(text);
}

/**
 * The items of an index string such as `'0:10, ::2, None, ...'`.
 *
 * @example
 * parseIndex('1:, -1'); // [{ start: 1, stop: null, step: null }, -1]
 */
export function parseIndex(text: string): IndexItem[] {
  if (text.trim() === '') return [];
  return text.split(',').map((raw) => {
    const p = raw.trim();
    if (p === '...' || p === 'Ellipsis') return '...';
    if (p === 'None' || p === 'newaxis' || p === 'null') return null;
    if (p.includes(':')) {
      const parts = p.split(':').map((s) => s.trim());
      if (parts.length > 3)
        throw new SyntaxError(
          `at: too many ':' in ${JSON.stringify(p)} of index ${JSON.stringify(text)}`,
        );
      const [a, b, c] = parts.map((s) => (s === '' ? null : parseInt10(s, text)));
      return { start: a, stop: b ?? null, step: c ?? null };
    }
    return parseInt10(p, text);
  });
}

/** One output axis of a slice: for each output block, its input block and local slice. */
interface SlicedAxis {
  readonly blocks: {
    readonly block: number;
    readonly start: number;
    readonly step: number;
    readonly count: number;
  }[];
}

/** A normalized slice of an axis of length `n`: Python's `slice.indices` and the length. */
function indices(
  s: Slice,
  n: number,
  axis: number,
): { start: number; step: number; count: number } {
  const step = s.step ?? 1;
  if (!Number.isInteger(step) || step === 0)
    throw new RangeError(`at: slice step along axis ${axis} cannot be ${step}`);
  for (const v of [s.start, s.stop]) {
    if (v !== null && v !== undefined && !Number.isInteger(v)) {
      throw new TypeError(`at: slice bounds along axis ${axis} must be integers, got ${v}`);
    }
  }
  const norm = (v: number | null | undefined, dflt: number, lo: number, hi: number): number => {
    if (v === null || v === undefined) return dflt;
    const w = v < 0 ? v + n : v;
    return Math.min(hi, Math.max(lo, w));
  };
  if (step > 0) {
    const start = norm(s.start, 0, 0, n);
    const stop = norm(s.stop, n, 0, n);
    return { start, step, count: Math.max(0, Math.ceil((stop - start) / step)) };
  }
  const start = norm(s.start, n - 1, -1, n - 1);
  const stop = norm(s.stop, -1, -1, n - 1);
  return { start, step, count: Math.max(0, Math.ceil((start - stop) / -step)) };
}

/** Cuts a normalized slice along an axis of blocks `sizes` into per-block pieces. */
function sliceAxis(
  sizes: readonly number[],
  s: { start: number; step: number; count: number },
): SlicedAxis {
  const off = offsets(sizes);
  const { start, step, count } = s;
  const blocks: SlicedAxis['blocks'] = [];
  if (count > 0) {
    const order = step > 0 ? sizes.map((_, b) => b) : sizes.map((_, b) => sizes.length - 1 - b);
    for (const b of order) {
      const lo = off[b];
      const hi = off[b + 1];
      let k0: number;
      let k1: number;
      if (step > 0) {
        k0 = Math.max(0, Math.ceil((lo - start) / step));
        k1 = Math.min(count - 1, Math.ceil((hi - start) / step) - 1);
      } else {
        k0 = Math.max(0, Math.floor((start - hi) / -step) + 1);
        k1 = Math.min(count - 1, Math.floor((start - lo) / -step));
      }
      if (k0 <= k1)
        blocks.push({ block: b, start: start + k0 * step - lo, step, count: k1 - k0 + 1 });
    }
  }
  if (blocks.length === 0) blocks.push({ block: 0, start: 0, step: 1, count: 0 });
  return { blocks };
}

type Resolved =
  | { readonly kind: 'int'; readonly block: number; readonly local: number }
  | { readonly kind: 'slice'; readonly axis: SlicedAxis }
  | { readonly kind: 'new' };

/**
 * `x` indexed by `index` (see {@link IndexItem}); `x` itself when the index selects everything.
 *
 * @example
 * getitem(x, parseIndex('::2, 10:'));
 */
export function getitem(x: ArraySpec, index: readonly IndexItem[]): ArraySpec {
  const shape = shapeOf(x.chunks);
  const ndim = shape.length;
  const ellipses = index.filter((i) => i === '...').length;
  if (ellipses > 1) throw new SyntaxError(`at: an index can only have a single ellipsis ('...')`);
  const used = index.filter((i) => i !== null && i !== '...').length;
  if (used > ndim) {
    throw new RangeError(
      `at: too many indices for array: array of shape ${formatShape(shape)} is ${ndim}-dimensional, but ${used} were indexed`,
    );
  }
  const full: Slice = {};
  const items: (number | Slice | null)[] = [];
  for (const it of index) {
    if (it === '...') for (let k = 0; k < ndim - used; k++) items.push(full);
    else items.push(it);
  }
  if (ellipses === 0) for (let k = 0; k < ndim - used; k++) items.push(full);
  let axis = 0;
  const resolved: Resolved[] = items.map((it) => {
    if (it === null) return { kind: 'new' };
    const a = axis++;
    const n = shape[a];
    if (typeof it === 'number') {
      if (!Number.isInteger(it) || it < -n || it >= n) {
        throw new RangeError(`at: index ${it} is out of bounds for axis ${a} with size ${n}`);
      }
      const i = it < 0 ? it + n : it;
      const off = offsets(x.chunks[a]);
      let b = 0;
      while (off[b + 1] <= i) b++;
      return { kind: 'int', block: b, local: i - off[b] };
    }
    if (typeof it !== 'object') throw new TypeError(`at: cannot index with ${String(it)}`);
    return { kind: 'slice', axis: sliceAxis(x.chunks[a], indices(it, n, a)) };
  });
  const identity = resolved.every(
    (r, a) =>
      r.kind === 'slice' &&
      r.axis.blocks.length === x.chunks[a].length &&
      r.axis.blocks.every(
        (p, b) => p.block === b && p.step === 1 && p.start === 0 && p.count === x.chunks[a][b],
      ),
  );
  if (identity && resolved.length === ndim) return x;
  const outAxes = resolved.filter((r) => r.kind !== 'int');
  const chunks = outAxes.map((r) => (r.kind === 'new' ? [1] : r.axis.blocks.map((p) => p.count)));
  const name = `getitem-${tokenize(x.layer.name, items)}`;
  const plan = (idx: readonly number[]): { input: number[]; spec: AxisIndex[] } => {
    const input: number[] = [];
    const spec: AxisIndex[] = [];
    let o = 0;
    for (const r of resolved) {
      if (r.kind === 'new') {
        o++;
        spec.push(null);
      } else if (r.kind === 'int') {
        input.push(r.block);
        spec.push(r.local);
      } else {
        const p = r.axis.blocks[idx[o++]];
        input.push(p.block);
        spec.push({ start: p.start, step: p.step, count: p.count });
      }
    }
    return { input, spec };
  };
  const layer = new BlockLayer(
    name,
    [x.layer],
    chunks.map((c) => c.length),
    (idx) => [[0, plan(idx).input]],
    (idx, [r]) => kernels.task('getitem', [r, plan(idx).spec]),
  );
  return { layer, chunks, dtype: x.dtype };
}

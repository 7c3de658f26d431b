// The kernels that call user functions on blocks (mapBlocks, blockwise, mapOverlap, custom
// reductions). A user function arrives as the collection kit's function argument (an inline call
// that evaluated to the function, or a module/builtin reference resolved here by `withFns`). What
// it returns is checked against what the array promised when it was built (the block's shape) and
// made a compact chunk of the promised dtype owning its buffer: a function that returns one of
// its inputs (or a view of one) gets a copy, so no two held chunks share a buffer.
import ndarray from 'ndarray';
import { withFns } from '@dask-ts/graph/kernels';
import { allocate, dtypeOfTypedArray, type Dtype, type TypedArray } from './dtype.js';
import { compactCopy, copyRegion, isCompact, makeNd, sizeOfShape, type Nd } from './nd.js';

/**
 * What a block function receives after its blocks: where the block is.
 *
 * @example
 * x.mapBlocks((b, info) => b, { dtype: 'float64' }); // info.blockId: [0, 1]
 */
export interface BlockInfo {
  /** The index of the output block in the block grid. */
  readonly blockId: readonly number[];
  /** Per output axis, the `[start, stop)` of the block in the whole array (NaN when unknown). */
  readonly arrayLocation: readonly (readonly [number, number])[];
}

function isNd(v: unknown): v is Nd {
  if (typeof v !== 'object' || v === null) return false;
  const a = v as Partial<Nd>;
  return ArrayBuffer.isView(a.data) && Array.isArray(a.shape) && Array.isArray(a.stride);
}

function fmt(shape: readonly number[]): string {
  return `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
}

/** The typed array type of a dtype holds the same values as `data`'s (bool in a Uint8Array). */
function sameType(data: TypedArray, dtype: Dtype): boolean {
  const own = dtypeOfTypedArray(data);
  return own === dtype || (dtype === 'bool' && own === 'uint8');
}

/**
 * What a user function returned, as a compact chunk of `dtype` and of `shape` (NaN entries: any
 * length) owning its buffer; `inputs` are the chunks it was given (a result sharing one's buffer
 * is copied).
 *
 * @example
 * asBlock(fn(chunk), [2, 3], 'float64', [chunk], 'mapBlocks', [0, 0]);
 */
export function asBlock(
  v: unknown,
  shape: readonly number[],
  dtype: Dtype,
  inputs: readonly Nd[],
  op: string,
  blockId: readonly number[],
): Nd {
  let out: Nd;
  if (isNd(v)) out = v;
  else if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const data = v as TypedArray;
    const want = fillUnknown(shape, data.length);
    if (sizeOfShape(want) !== data.length) {
      throw new RangeError(
        `${op}: the function returned ${data.length} elements for block [${blockId.join(', ')}], whose shape is ${fmt(shape)}`,
      );
    }
    out = ndarray(data, want.slice());
  } else if (typeof v === 'number' || typeof v === 'boolean') {
    out = makeNd(
      dtype,
      shape.map(() => 1),
    );
    out.data[0] = Number(v);
  } else {
    throw new TypeError(
      `${op}: the function must return an ndarray, a typed array or a number for block [${blockId.join(', ')}], got ${v === null ? 'null' : typeof v}`,
    );
  }
  if (
    out.shape.length !== shape.length ||
    out.shape.some((s, i) => shape[i] === shape[i] && s !== shape[i])
  ) {
    throw new RangeError(
      `${op}: the function returned a block of shape ${fmt(out.shape)} for block [${blockId.join(', ')}], where the output's chunks say ${fmt(shape)}; pass the output's chunks (and dropAxis / newAxis) when the function changes the shape`,
    );
  }
  const shares = inputs.some((c) => c.data.buffer === out.data.buffer);
  if (!sameType(out.data, dtype)) return compactCopy(out, dtype);
  const owns =
    isCompact(out) &&
    out.data.byteOffset === 0 &&
    out.data.byteLength === (out.data.buffer as ArrayBuffer).byteLength;
  return shares || !owns ? compactCopy(out) : out;
}

/**
 * A shape with unknown (NaN) lengths filled for `n` elements: one unknown axis takes what the
 * known ones leave; several take 1 each when the known ones hold every element.
 */
function fillUnknown(shape: readonly number[], n: number): number[] {
  const unknown = shape.filter((s) => s !== s).length;
  if (unknown === 0) return [...shape];
  const known = shape.reduce((p, s) => (s === s ? p * s : p), 1);
  const each = unknown === 1 && known > 0 && n % known === 0 ? n / known : 1;
  return shape.map((s) => (s === s ? s : each));
}

function then<T, R>(v: T | Promise<T>, f: (x: T) => R): R | Promise<R> {
  return v instanceof Promise ? v.then(f) : f(v);
}

/** Calls the user function `f` with `args`, then `done` with what it returned (or resolved to). */
function callUser(
  f: unknown,
  args: readonly unknown[],
  done: (v: unknown) => Nd,
): Nd | Promise<Nd> {
  return withFns([f], ([fn]) => then(fn(...args), done)) as Nd | Promise<Nd>;
}

/**
 * Calls a user function on one block's arguments: `kinds[k]` says whether argument `k` is a chunk
 * (`'a'`) or a plain value (`'v'`); the block's info is the last argument.
 *
 * @example
 * mapBlocks(fn, ['a', 'v'], info, [2, 2], 'float64', chunk, 3);
 */
export function mapBlocks(
  f: unknown,
  kinds: readonly string[],
  info: BlockInfo,
  shape: readonly number[],
  dtype: Dtype,
  ...args: unknown[]
): Nd | Promise<Nd> {
  const chunks = args.filter((_, k) => kinds[k] === 'a') as Nd[];
  return callUser(f, [...args, info], (v) =>
    asBlock(v, shape, dtype, chunks, 'mapBlocks', info.blockId),
  );
}

/**
 * Along one axis of an extended (overlapped) block: a run of `len` elements read from needed
 * block `slot` from `from` by `step` (±1), or a constant run (`slot` -1).
 *
 * @example
 * const run: Run = { slot: 0, from: 1, step: -1, len: 2 };
 */
export interface Run {
  readonly slot: number;
  readonly from: number;
  readonly step: number;
  readonly len: number;
}

/**
 * The extended block of an overlap: `runs[a]` cut axis `a`; `counts[a]` is how many needed blocks
 * along axis `a` the chunks (in C order over those counts) are.
 *
 * @example
 * ghost(runs, [2], 'float64', 0, left, mid);
 */
export function ghost(
  runs: readonly (readonly Run[])[],
  counts: readonly number[],
  dtype: Dtype,
  fill: number,
  chunks: readonly Nd[],
): Nd {
  const shape = runs.map((rs) => rs.reduce((a, r) => a + r.len, 0));
  const out = makeNd(dtype, shape);
  if (fill !== 0 && runs.some((rs) => rs.some((r) => r.slot < 0))) out.data.fill(fill);
  const n = runs.length;
  const pick = new Array<number>(n).fill(0);
  const at = runs.map((rs) => {
    const o = [0];
    for (const r of rs) o.push(o[o.length - 1] + r.len);
    return o;
  });
  if (runs.some((rs) => rs.length === 0)) return out;
  for (;;) {
    const rs = pick.map((p, a) => runs[a][p]);
    if (rs.every((r) => r.slot >= 0 && r.len > 0)) {
      let flat = 0;
      for (let a = 0; a < n; a++) flat = flat * counts[a] + rs[a].slot;
      const src = chunks[flat];
      let offset = src.offset;
      for (let a = 0; a < n; a++) offset += rs[a].from * src.stride[a];
      const view = ndarray(
        src.data,
        rs.map((r) => r.len),
        rs.map((r, a) => r.step * src.stride[a]),
        offset,
      );
      copyRegion(
        view,
        rs.map(() => 0),
        out,
        pick.map((p, a) => at[a][p]),
        view.shape,
      );
    }
    let a = n - 1;
    while (a >= 0) {
      if (++pick[a] < runs[a].length) break;
      pick[a] = 0;
      a--;
    }
    if (a < 0) return out;
  }
}

/**
 * mapOverlap's block: the extended block of each array (see {@link ghost}; the arrays' chunks
 * follow one another, as many per array as `counts` multiply to), the user function over them,
 * and the result trimmed by `left` elements at the start of each axis to the block's `shape`.
 *
 * @example
 * mapOverlap(fn, runs, counts, [['float64'], 'float64'], 0, [1], [4], info, left, mid, right);
 */
export function mapOverlap(
  f: unknown,
  runs: readonly (readonly Run[])[],
  counts: readonly number[],
  [inDtypes, dtype]: readonly [readonly Dtype[], Dtype],
  fill: number,
  left: readonly number[],
  shape: readonly number[],
  info: BlockInfo,
  ...chunks: Nd[]
): Nd | Promise<Nd> {
  const per = counts.reduce((p, c) => p * c, 1);
  const exts = inDtypes.map((t, k) =>
    ghost(runs, counts, t, fill, chunks.slice(k * per, k * per + per)),
  );
  return callUser(f, [...exts, info], (v) => {
    const got = asBlock(v, exts[0].shape, dtype, [], 'mapOverlap', info.blockId);
    let offset = got.offset;
    for (let a = 0; a < left.length; a++) offset += left[a] * got.stride[a];
    return compactCopy(ndarray(got.data, shape.slice(), got.stride.slice(), offset));
  });
}

/**
 * Blocks laid out on a grid of `counts` blocks per axis (C order), concatenated along every axis
 * (their own lengths; the blocks of one row of the grid share their other lengths).
 *
 * @example
 * concatGrid([a, b], [1, 2]); // a and b side by side
 */
export function concatGrid(parts: readonly Nd[], counts: readonly number[]): Nd {
  if (parts.length === 1) return parts[0];
  const n = counts.length;
  const strides = new Array<number>(n);
  let s = 1;
  for (let a = n - 1; a >= 0; a--) {
    strides[a] = s;
    s *= counts[a];
  }
  const lens = counts.map((c, a) => {
    const out: number[] = [];
    for (let i = 0; i < c; i++) out.push(parts[i * strides[a]].shape[a]);
    return out;
  });
  const starts = lens.map((l) => {
    const o = [0];
    for (const x of l) o.push(o[o.length - 1] + x);
    return o;
  });
  const shape = starts.map((o) => o[o.length - 1]);
  const data = allocate(dtypeOfTypedArray(parts[0].data) ?? 'float64', sizeOfShape(shape));
  const out = makeNd('float64', shape, data);
  parts.forEach((p, k) => {
    const to = counts.map((_, a) => starts[a][Math.floor(k / strides[a]) % counts[a]]);
    copyRegion(
      p,
      p.shape.map(() => 0),
      out,
      to,
      p.shape,
    );
  });
  return out;
}

/**
 * A custom reduction's options as its functions see them: the reduced axes, always kept.
 *
 * @example
 * const o: ReduceInfo = { axis: [0], keepdims: true };
 */
export interface ReduceInfo {
  readonly axis: readonly number[];
  readonly keepdims: true;
}

function keptShape(
  v: unknown,
  like: readonly number[],
  axes: readonly number[],
  op: string,
  dtype: Dtype | null,
): Nd {
  const want = like.map((s, a) => (axes.includes(a) ? NaN : s));
  const t = dtype ?? (isNd(v) ? (dtypeOfTypedArray(v.data) ?? 'float64') : 'float64');
  return asBlock(v, want, t, [], op, []);
}

/**
 * A custom reduction's first step: the user's chunk function over one block.
 *
 * @example
 * userPartial(fn, [0], chunk);
 */
export function userPartial(f: unknown, axes: readonly number[], chunk: Nd): Nd | Promise<Nd> {
  const info: ReduceInfo = { axis: axes, keepdims: true };
  return callUser(f, [chunk, info], (v) =>
    keptShape(v, chunk.shape, axes, 'reduction chunk', null),
  );
}

/**
 * A custom reduction's combining step: the user's function over the group's partials
 * concatenated along the reduced axes (`counts` partials per axis); with `final`, the result
 * dropped to `shape` (the reduced axes removed unless kept) and cast to `dtype`.
 *
 * @example
 * userCombine(fn, [0], [2], null, null, p0, p1);
 */
export function userCombine(
  f: unknown,
  axes: readonly number[],
  counts: readonly number[],
  shape: readonly number[] | null,
  dtype: Dtype | null,
  ...parts: Nd[]
): Nd | Promise<Nd> {
  const whole = concatGrid(parts, counts);
  const info: ReduceInfo = { axis: axes, keepdims: true };
  return callUser(f, [whole, info], (v) => {
    const kept = keptShape(v, whole.shape, axes, 'reduction', dtype);
    if (shape === null) return kept;
    if (sizeOfShape(kept.shape) !== sizeOfShape(shape)) {
      throw new RangeError(
        `reduction: the aggregate function returned shape ${fmt(kept.shape)}, expected length 1 along the reduced axes [${axes.join(', ')}] (output block ${fmt(shape)})`,
      );
    }
    return ndarray(kept.data, shape.slice());
  });
}

/**
 * A block of `fromFunction`: the user's function of the global indices, per element.
 *
 * @example
 * fromFunction(fn, 'float64', [2, 3], [4, 0]);
 */
export function fromFunction(
  f: unknown,
  dtype: Dtype,
  shape: readonly number[],
  start: readonly number[],
): Nd | Promise<Nd> {
  return withFns<Nd>([f], ([fn]) => {
    const out = makeNd(dtype, shape);
    const d = out.data;
    const n = shape.length;
    const idx = start.slice();
    const total = sizeOfShape(shape);
    for (let k = 0; k < total; k++) {
      const v = Number(fn(...idx));
      d[k] = dtype === 'bool' ? (v !== 0 ? 1 : 0) : v;
      for (let a = n - 1; a >= 0; a--) {
        if (++idx[a] < start[a] + shape[a]) break;
        idx[a] = start[a];
      }
    }
    return out;
  });
}

/**
 * The value of a delayed computation as the one block of an array of `shape` and `dtype`.
 *
 * @example
 * fromValue(computed, [3, 4], 'float64');
 */
export function fromValue(v: unknown, shape: readonly number[], dtype: Dtype): Nd {
  if (Array.isArray(v)) {
    const flat = (v as unknown[]).flat(Infinity) as number[];
    const out = makeNd(dtype, shape);
    if (flat.length !== out.data.length) {
      throw new RangeError(
        `fromDelayed: the value has ${flat.length} elements, but the array's shape is ${fmt(shape)}`,
      );
    }
    flat.forEach((x, i) => (out.data[i] = Number(x)));
    return out;
  }
  // The scheduler keeps the delayed value too: the block never shares its buffer.
  const held = isNd(v) ? [v] : ArrayBuffer.isView(v) ? [ndarray(v as TypedArray, [1])] : [];
  return asBlock(
    v,
    shape,
    dtype,
    held,
    'fromDelayed',
    shape.map(() => 0),
  );
}

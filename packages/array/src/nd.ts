// Chunks as scijs ndarrays, and the strided walks every kernel shares. A chunk that a kernel makes
// is compact (C order, offset 0, owning its whole buffer), so it crosses threads as its buffer,
// transferred. The one exception is a rechunk's split piece, a view into its input block made
// without copying (as NumPy slices are): the block's buffer is then marked lent (`lendView`), and
// a lent buffer is never transferred (the view would be detached); views cross threads as copies
// of their own elements. Kernels read inputs of any strides through `forRows`: the outer axes advance by
// counters, the last axis is a plain loop the caller writes, with each operand's last stride.
import ndarray from 'ndarray';
import { allocate, isBig, type Dtype, type TypedArray } from './dtype.js';

/**
 * A chunk: a scijs ndarray over a typed array.
 *
 * @example
 * const chunk: Nd = ndarray(new Float64Array(6), [2, 3]);
 */
export type Nd = ndarray.NdArray<TypedArray>;

const lent = new WeakSet<ArrayBufferLike>();

/**
 * A view of the box of `extent` at `start` in `chunk`, sharing its buffer (which is marked lent).
 *
 * @example
 * const piece = lendView(block, [0, 512], [1024, 512]);
 */
export function lendView(chunk: Nd, start: readonly number[], extent: readonly number[]): Nd {
  lent.add(chunk.data.buffer);
  let offset = chunk.offset;
  start.forEach((s, a) => (offset += s * chunk.stride[a]));
  // The view's data spans its own elements only, so its size is about what it holds.
  let lo = offset;
  let hi = offset + 1;
  extent.forEach((e, a) => {
    const reach = (e - 1) * chunk.stride[a];
    if (reach < 0) lo += reach;
    else hi += reach;
  });
  if (extent.some((e) => e === 0)) hi = lo;
  const data = chunk.data.subarray(lo, hi);
  return ndarray(data, extent.slice(), chunk.stride.slice(), offset - lo);
}

/**
 * Whether a view of `buffer` was lent out (so it must be copied, never transferred).
 *
 * @example
 * isLent(chunk.data.buffer);
 */
export function isLent(buffer: ArrayBufferLike): boolean {
  return lent.has(buffer);
}

/**
 * The C-order strides of a shape.
 *
 * @example
 * cStrides([2, 3]); // [3, 1]
 */
export function cStrides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = s;
    s *= shape[i];
  }
  return out;
}

/**
 * The number of elements of a shape.
 *
 * @example
 * sizeOfShape([2, 3]); // 6
 */
export function sizeOfShape(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/**
 * A compact chunk over `data` (C order), or a new zero-filled one of `dtype`.
 *
 * @example
 * makeNd('float64', [2, 2]);
 */
export function makeNd(dtype: Dtype, shape: readonly number[], data?: TypedArray): Nd {
  const d = data ?? allocate(dtype, sizeOfShape(shape));
  return ndarray(d, shape.slice(), cStrides(shape), 0);
}

/**
 * Whether a chunk is compact: C order, offset 0, its data exactly its elements.
 *
 * @example
 * isCompact(makeNd('int8', [3])); // true
 */
export function isCompact(a: Nd): boolean {
  if (a.offset !== 0 || a.data.length !== sizeOfShape(a.shape)) return false;
  const c = cStrides(a.shape);
  return a.shape.every((n, i) => n <= 1 || a.stride[i] === c[i]);
}

/**
 * An operand of a strided walk: where its elements are.
 *
 * @example
 * const op: Strided = { stride: [3, 1], offset: 0 };
 */
export interface Strided {
  readonly stride: readonly number[];
  readonly offset: number;
}

/**
 * Walks `shape` row by row (a row is the last axis): calls `body` once per row with the offset
 * of each operand's first element of that row. A 0-d shape has one row of one element.
 *
 * @example
 * forRows([2, 3], [{ stride: [3, 1], offset: 0 }], ([o]) => console.log(o)); // 0, then 3
 */
export function forRows(
  shape: readonly number[],
  operands: readonly Strided[],
  body: (offsets: number[]) => void,
): void {
  const n = shape.length;
  const offs = operands.map((o) => o.offset);
  if (n <= 1) {
    if (n === 1 && shape[0] === 0) return;
    body(offs);
    return;
  }
  for (const s of shape) if (s === 0) return;
  const idx = new Array<number>(n - 1).fill(0);
  const k = operands.length;
  for (;;) {
    body(offs.slice());
    let axis = n - 2;
    while (axis >= 0) {
      idx[axis]++;
      for (let j = 0; j < k; j++) offs[j] += operands[j].stride[axis];
      if (idx[axis] < shape[axis]) break;
      for (let j = 0; j < k; j++) offs[j] -= operands[j].stride[axis] * shape[axis];
      idx[axis] = 0;
      axis--;
    }
    if (axis < 0) return;
  }
}

/**
 * Copies the box of size `extent` at `srcStart` in `src` to `dstStart` in `dst` (any strides).
 *
 * @example
 * copyRegion(block, [0, 0], out, [2, 0], block.shape);
 */
export function copyRegion(
  src: Nd,
  srcStart: readonly number[],
  dst: Nd,
  dstStart: readonly number[],
  extent: readonly number[],
): void {
  let so = src.offset;
  let dof = dst.offset;
  for (let i = 0; i < extent.length; i++) {
    so += srcStart[i] * src.stride[i];
    dof += dstStart[i] * dst.stride[i];
  }
  const n = extent.length;
  const sd = src.data;
  const dd = dst.data;
  const len = n === 0 ? 1 : extent[n - 1];
  const ss = n === 0 ? 0 : src.stride[n - 1];
  const ds = n === 0 ? 0 : dst.stride[n - 1];
  forRows(
    extent,
    [
      { stride: src.stride, offset: so },
      { stride: dst.stride, offset: dof },
    ],
    (o) => {
      let s = o[0];
      let d = o[1];
      if (ss === 1 && ds === 1 && ArrayBuffer.isView(sd)) {
        dd.set(sd.subarray(s, s + len), d);
        return;
      }
      for (let i = 0; i < len; i++, s += ss, d += ds) dd[d] = sd[s];
    },
  );
}

/**
 * A compact copy of a chunk, converted to `dtype` (default: the same typed array type) with
 * NumPy's casts: to bool is `x != 0`, to integers truncates toward zero and wraps.
 *
 * @example
 * compactCopy(view, 'float32');
 */
export function compactCopy(a: Nd, dtype?: Dtype): Nd {
  const out =
    dtype === undefined
      ? ndarray(
          new (a.data.constructor as new (n: number) => TypedArray)(sizeOfShape(a.shape)),
          a.shape.slice(),
          cStrides(a.shape),
          0,
        )
      : makeNd(dtype, a.shape);
  if (dtype !== undefined && isBig(dtype) !== isBigData(a.data)) {
    // Between bigint and number elements: each converted (to an integer, truncated; NaN and
    // the infinities become 0, where NumPy leaves them undefined; to bool, x != 0).
    const d = out.data as unknown as { [i: number]: number | bigint };
    const toBig = isBig(dtype);
    let k = 0;
    const n = a.shape.length;
    const len = n === 0 ? 1 : a.shape[n - 1];
    const st = n === 0 ? 0 : a.stride[n - 1];
    const sd = a.data as unknown as { [i: number]: number | bigint };
    forRows(a.shape, [a], ([o]) => {
      for (let i = 0; i < len; i++, o += st) {
        const v = sd[o];
        d[k++] = toBig ? bigOf(v as number) : dtype === 'bool' ? (v !== 0n ? 1 : 0) : Number(v);
      }
    });
    return out;
  }
  if (dtype === 'bool') {
    const d = out.data;
    let k = 0;
    const n = a.shape.length;
    const len = n === 0 ? 1 : a.shape[n - 1];
    const st = n === 0 ? 0 : a.stride[n - 1];
    const sd = a.data;
    forRows(a.shape, [a], ([o]) => {
      for (let i = 0; i < len; i++, o += st) d[k++] = sd[o] !== 0 ? 1 : 0;
    });
    return out;
  }
  copyRegion(
    a,
    a.shape.map(() => 0),
    out,
    a.shape.map(() => 0),
    a.shape,
  );
  return out;
}

/**
 * Whether a typed array holds bigints (BigInt64Array, BigUint64Array; by tag, across realms).
 *
 * @example
 * isBigData(new BigInt64Array(2)); // true
 */
export function isBigData(d: unknown): boolean {
  const tag = Object.prototype.toString.call(d);
  return tag === '[object BigInt64Array]' || tag === '[object BigUint64Array]';
}

/**
 * A number as a bigint: truncated toward zero; NaN and the infinities give 0.
 *
 * @example
 * bigOf(-2.7); // -2n
 */
export function bigOf(x: number): bigint {
  return Number.isFinite(x) ? BigInt(Math.trunc(x)) : 0n;
}

// The plain reference the array tests check against: whole arrays in memory as flat C-order
// lists of numbers, with the same operations written directly (no blocks), and helpers to make
// test data of every dtype and to read a computed result back.
import { expect } from '@jest/globals';
import { fromArray, type DaskArray, type Dtype, type NdArray, type TypedArray } from '../index.js';

/** A whole array in memory. */
export interface Dense {
  readonly shape: readonly number[];
  readonly data: readonly number[];
}

export const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export function strides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = s;
    s *= shape[i];
  }
  return out;
}

export function unravel(flat: number, shape: readonly number[]): number[] {
  const st = strides(shape);
  return st.map((s, i) => Math.floor(flat / s) % shape[i]);
}

/** A small seeded generator (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CTOR: Record<Dtype, new (n: number) => TypedArray> = {
  float64: Float64Array,
  float32: Float32Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  int64: BigInt64Array as unknown as new (n: number) => TypedArray,
  uint64: BigUint64Array as unknown as new (n: number) => TypedArray,
  bool: Uint8Array,
};

/** `v` stored as `dtype` (the typed array's conversion; bool is v != 0). */
export function cast(v: number, dtype: Dtype): number {
  if (dtype === 'bool') return v !== 0 ? 1 : 0;
  const a = new CTOR[dtype](1);
  a[0] = v;
  return a[0];
}

/** Test data of `dtype`: small integers (some negative) for integer types, 0/1 for bool. */
export function sample(shape: readonly number[], dtype: Dtype, seed: number): TypedArray {
  const next = rng(seed);
  const out = new CTOR[dtype](size(shape));
  for (let i = 0; i < out.length; i++) {
    const u = next();
    if (dtype === 'bool') out[i] = u < 0.5 ? 1 : 0;
    else if (dtype.startsWith('float')) out[i] = (u - 0.4) * 20;
    else if (dtype.startsWith('u')) out[i] = Math.floor(u * 100);
    else out[i] = Math.floor(u * 100) - 40;
  }
  return out;
}

/** A DaskArray and its reference from the same data. */
export function pair(
  shape: readonly number[],
  dtype: Dtype,
  chunks: number | readonly (number | readonly number[])[],
  seed = 1,
): { x: DaskArray; ref: Dense } {
  const data = sample(shape, dtype, seed);
  return {
    x: fromArray(data, { shape, chunks, dtype }),
    ref: { shape: [...shape], data: Array.from(data) },
  };
}

/** A computed value read back as a Dense (any strides). */
export function toDense(v: NdArray | number | boolean): Dense {
  if (typeof v === 'number' || typeof v === 'boolean') return { shape: [], data: [Number(v)] };
  const out: number[] = [];
  const shape = v.shape.slice();
  for (let f = 0; f < size(shape); f++) {
    const idx = unravel(f, shape);
    let o = v.offset;
    idx.forEach((i, a) => (o += i * v.stride[a]));
    out.push(v.data[o]);
  }
  return { shape, data: out };
}

/** Elementwise over broadcast operands, each result stored as `dtype`. */
export function refMap(
  f: (...xs: number[]) => number,
  operands: readonly (Dense | number)[],
  dtype: Dtype,
): Dense {
  const shapes = operands.filter((o): o is Dense => typeof o !== 'number').map((o) => o.shape);
  const n = Math.max(...shapes.map((s) => s.length));
  const shape = new Array<number>(n).fill(1);
  for (const s of shapes) s.forEach((len, i) => len !== 1 && (shape[n - s.length + i] = len));
  const data: number[] = [];
  for (let f0 = 0; f0 < size(shape); f0++) {
    const idx = unravel(f0, shape);
    const xs = operands.map((o) => {
      if (typeof o === 'number') return o;
      const pad = n - o.shape.length;
      const st = strides(o.shape);
      let k = 0;
      o.shape.forEach((len, i) => (k += (len === 1 ? 0 : idx[pad + i]) * st[i]));
      return o.data[k];
    });
    data.push(cast(f(...xs), dtype));
  }
  return { shape, data };
}

/** A reduction of `x` along `axes` by `f` over each cell's values (in C order). */
export function refReduce(
  x: Dense,
  axes: readonly number[],
  f: (values: number[]) => number,
  keepdims = false,
): Dense {
  const outShape = x.shape.map((s, i) => (axes.includes(i) ? 1 : s));
  const cells: number[][] = Array.from({ length: size(outShape) }, () => []);
  const ost = strides(outShape);
  for (let k = 0; k < x.data.length; k++) {
    const idx = unravel(k, x.shape);
    let o = 0;
    idx.forEach((i, a) => (o += (axes.includes(a) ? 0 : i) * ost[a]));
    cells[o].push(x.data[k]);
  }
  const shape = keepdims ? outShape : x.shape.filter((_, i) => !axes.includes(i));
  return { shape, data: cells.map(f) };
}

/** Checks values equal (exactly, or within a relative tolerance), NaN matching NaN. */
export function expectDense(got: Dense, want: Dense, rtol = 0): void {
  expect(got.shape).toEqual([...want.shape]);
  expect(got.data.length).toBe(want.data.length);
  for (let i = 0; i < want.data.length; i++) {
    const g = got.data[i];
    const w = want.data[i];
    if (Number.isNaN(w)) {
      if (!Number.isNaN(g)) throw new Error(`element ${i}: got ${g}, want NaN`);
      continue;
    }
    const ok = g === w || (rtol > 0 && Math.abs(g - w) <= rtol * Math.max(1, Math.abs(w)));
    if (!ok)
      throw new Error(`element ${i} (shape ${JSON.stringify(want.shape)}): got ${g}, want ${w}`);
  }
}

// The `fft` namespace of NumPy and dask.array: fft / ifft / rfft / irfft along one axis, their
// n-dimensional forms (one axis after the other), fftfreq / rfftfreq. Every transformed axis must
// be one block (as in dask.array): otherwise the error names the axis and its blocks and shows
// the rechunk to write. Complex arrays are a `ComplexArray`: a float64 DaskArray with a trailing
// axis of length 2 (real, imaginary), NumPy's complex128 memory layout, so the real and
// imaginary parts come from one computation. A real DaskArray given where a complex one is read
// has imaginary part 0.
import type { GraphComputeOptions } from '@dask-ts/graph';
import { tokenize } from '@dask-ts/graph';
import { DaskArray, type ArrayValue, type NdArray } from './array.js';
import { numblocks, shapeOf, type Chunks } from './chunks.js';
import { fromArray } from './create.js';
import { bigAsFloat } from './elementwise.js';
import { stack } from './create-more.js';
import { hypot } from './functions.js';
import { kernels } from './kernels.js';
import { fftOutLength, type FftKind, type FftNorm } from './kernels-fft.js';
import { BlockLayer } from './layers.js';

/**
 * A complex array: `pairs` is float64 with a trailing axis of length 2 (real, imaginary) in one
 * block, the layout of NumPy's complex128.
 *
 * @example
 * const z = fft.fft(x);
 * const { re, im } = await z.compute();
 * const power = z.abs(); // a real DaskArray
 */
export class ComplexArray {
  constructor(
    /** The values as float64 (real, imaginary) pairs along a trailing axis of length 2. */
    readonly pairs: DaskArray,
  ) {
    const last = pairs.chunks[pairs.ndim - 1];
    if (pairs.dtype !== 'float64' || last === undefined || last.length !== 1 || last[0] !== 2) {
      throw new TypeError(
        `ComplexArray: pairs must be float64 with a last axis of length 2 in one block, got ${pairs.dtype} of shape (${pairs.shape.join(', ')}) with chunks ${JSON.stringify(last)} along the last axis`,
      );
    }
  }

  /**
   * A complex array from its real and (default 0) imaginary parts, of one shape.
   *
   * @example
   * const z = ComplexArray.from(re, im);
   */
  static from(re: DaskArray<ArrayValue>, im?: DaskArray<ArrayValue>): ComplexArray {
    const r = re.astype('float64');
    const i = im === undefined ? r.mul(0) : im.astype('float64');
    if (i.shape.join() !== r.shape.join()) {
      throw new RangeError(
        `ComplexArray.from: the real part has shape (${r.shape.join(', ')}) and the imaginary part (${i.shape.join(', ')})`,
      );
    }
    const pairs = stack([r, i.rechunk(r.chunks)], { axis: -1 });
    return new ComplexArray(pairs.rechunk([...r.chunks, [2]] as number[][]));
  }

  /** The length of each axis. @example z.shape */
  get shape(): number[] {
    return this.pairs.shape.slice(0, -1);
  }
  /** The block sizes along each axis. @example z.chunks */
  get chunks(): Chunks {
    return this.pairs.chunks.slice(0, -1);
  }
  /** The number of axes. @example z.ndim */
  get ndim(): number {
    return this.pairs.ndim - 1;
  }
  /** The real part. @example z.re */
  get re(): DaskArray {
    return this.pairs.at('..., 0');
  }
  /** The imaginary part. @example z.im */
  get im(): DaskArray {
    return this.pairs.at('..., 1');
  }
  /** The modulus `|z|`. @example z.abs() */
  abs(): DaskArray {
    return hypot(this.re, this.im);
  }
  /** The complex conjugate. @example z.conj() */
  conj(): ComplexArray {
    return ComplexArray.from(this.re, this.im.mul(-1));
  }

  /**
   * Computes the values: the real and imaginary parts as views of one float64 buffer.
   *
   * @example
   * const { re, im } = await fft.fft(x).compute();
   */
  async compute(options: GraphComputeOptions = {}): Promise<{ re: NdArray; im: NdArray }> {
    const p = await this.pairs.compute(options);
    const lead = p.shape.slice(0, -1).map(() => null);
    return { re: p.pick(...lead, 0), im: p.pick(...lead, 1) };
  }
}

/**
 * Options of the one-axis transforms: `n` (the transform's length: the input is cut or
 * zero-padded to it; for `irfft`, the output length, default 2 (m - 1)), `axis` (default -1),
 * `norm` (default `'backward'`).
 *
 * @example
 * fft.rfft(x, { n: 1024, axis: 0, norm: 'ortho' });
 */
export interface FftOptions {
  readonly n?: number;
  readonly axis?: number;
  readonly norm?: FftNorm;
}

/**
 * Options of the n-dimensional transforms: `axes` (default all, or the last `s.length`), `s`
 * (the lengths along them), `norm`.
 *
 * @example
 * fft.fftn(x, { axes: [0, 1], s: [64, 64] });
 */
export interface FftnOptions {
  readonly s?: readonly number[];
  readonly axes?: readonly number[];
  readonly norm?: FftNorm;
}

type Input = DaskArray<ArrayValue> | ComplexArray;

function checkNorm(op: string, norm: unknown): FftNorm {
  if (norm === 'backward' || norm === 'ortho' || norm === 'forward') return norm;
  throw new RangeError(
    `fft.${op}: norm must be 'backward', 'ortho' or 'forward', got ${JSON.stringify(norm)}`,
  );
}

function checkAxis(op: string, axis: number, ndim: number): number {
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) {
    throw new RangeError(`fft.${op}: axis ${axis} is out of bounds for an array of ${ndim} axes`);
  }
  return axis < 0 ? axis + ndim : axis;
}

/** The one-axis transform `kind` of `x` along `axis`, of length `n`. */
function along(
  op: string,
  kind: FftKind,
  x: Input,
  axisIn: number,
  nIn: number | undefined,
  normIn: FftNorm | undefined,
): DaskArray | ComplexArray {
  if (!(x instanceof DaskArray || x instanceof ComplexArray)) {
    throw new TypeError(`fft.${op}: expected a DaskArray or a ComplexArray, got ${typeof x}`);
  }
  const complexIn = x instanceof ComplexArray;
  if (kind === 'rfft' && complexIn) {
    throw new TypeError(`fft.rfft: the input must be real, got a ComplexArray (use fft.fft)`);
  }
  const norm = checkNorm(op, normIn ?? 'backward');
  const chunks = x.chunks;
  const ndim = chunks.length;
  if (ndim === 0) throw new RangeError(`fft.${op}: the input must have at least one axis`);
  const axis = checkAxis(op, axisIn, ndim);
  const blocks = chunks[axis];
  if (blocks.length !== 1) {
    const fix = chunks.map((c, a) => (a === axis ? -1 : c[0]));
    throw new RangeError(
      `fft.${op}: axis ${axis} must be one block, but it is cut into ${blocks.length} blocks (${blocks.join(', ')}); rechunk it first: x.rechunk([${fix.join(', ')}])`,
    );
  }
  const len = blocks[0];
  const n = nIn ?? (kind === 'irfft' ? 2 * (len - 1) : len);
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(
      `fft.${op}: the transform length must be a positive integer, got ${n}${nIn === undefined ? ` (from an axis of length ${len})` : ''}`,
    );
  }
  // int64 / uint64 are transformed in float64, as NumPy does.
  const src = complexIn ? x.pairs : bigAsFloat(x);
  const complexOut = kind !== 'irfft';
  const outLogical = chunks.map((c, a) => (a === axis ? [fftOutLength(kind, n)] : c.slice()));
  const outChunks = complexOut ? [...outLogical, [2]] : outLogical;
  const name = `${kind}-${tokenize(src.layer.name, axis, n, norm)}`;
  const inIdx = (idx: readonly number[]): number[] =>
    complexIn === complexOut ? idx.slice() : complexIn ? [...idx, 0] : idx.slice(0, -1);
  const layer = new BlockLayer(
    name,
    [src.layer],
    numblocks(outChunks),
    (idx) => [[0, inIdx(idx)]],
    (_idx, [ref]) => kernels.task('fftAlong', [ref, axis, n, kind, norm, complexIn]),
  );
  const out = DaskArray.of({ layer, chunks: outChunks, dtype: 'float64' });
  return complexOut ? new ComplexArray(out) : out;
}

/**
 * The discrete Fourier transform along one axis (NumPy's `fft.fft`).
 *
 * @example
 * const z = fft.fft(x, { axis: 0 });
 */
function fft1(x: Input, options: FftOptions = {}): ComplexArray {
  return along('fft', 'fft', x, options.axis ?? -1, options.n, options.norm) as ComplexArray;
}

/**
 * The inverse transform along one axis (NumPy's `fft.ifft`): `ifft(fft(x))` is `x`.
 *
 * @example
 * const back = fft.ifft(fft.fft(x)).re;
 */
function ifft(x: Input, options: FftOptions = {}): ComplexArray {
  return along('ifft', 'ifft', x, options.axis ?? -1, options.n, options.norm) as ComplexArray;
}

/**
 * The transform of a real array along one axis, its n / 2 + 1 non-negative frequencies
 * (NumPy's `fft.rfft`).
 *
 * @example
 * const spectrum = fft.rfft(signal).abs();
 */
function rfft(x: DaskArray<ArrayValue>, options: FftOptions = {}): ComplexArray {
  return along('rfft', 'rfft', x, options.axis ?? -1, options.n, options.norm) as ComplexArray;
}

/**
 * The inverse of `rfft`: `n` real values (default 2 (m - 1)) from m non-negative frequencies
 * (NumPy's `fft.irfft`).
 *
 * @example
 * const back = fft.irfft(fft.rfft(x), { n: x.shape[1] });
 */
function irfft(x: Input, options: FftOptions = {}): DaskArray {
  return along('irfft', 'irfft', x, options.axis ?? -1, options.n, options.norm) as DaskArray;
}

/** The axes and lengths of an n-dimensional transform (`length`: the default of each). */
function axesOf(
  op: string,
  x: Input,
  options: FftnOptions,
  length: (axis: number, last: boolean) => number = (axis) => shapeOf(x.chunks)[axis],
): { axes: number[]; s: number[] } {
  const ndim = x.chunks.length;
  const s0 = options.s;
  const count = s0?.length ?? ndim;
  const axes = (options.axes ?? Array.from({ length: count }, (_, i) => ndim - count + i)).map(
    (a) => checkAxis(op, a, ndim),
  );
  if (new Set(axes).size !== axes.length) {
    throw new RangeError(`fft.${op}: repeated axes [${axes.join(', ')}]`);
  }
  if (s0 !== undefined && s0.length !== axes.length) {
    throw new RangeError(
      `fft.${op}: s has ${s0.length} lengths but there are ${axes.length} axes [${axes.join(', ')}]`,
    );
  }
  if (axes.length === 0) throw new RangeError(`fft.${op}: no axes to transform`);
  return { axes, s: s0?.slice() ?? axes.map((a, i) => length(a, i === axes.length - 1)) };
}

/**
 * The n-dimensional transform over `axes` (default all), one axis after the other (NumPy's
 * `fft.fftn`); each axis must be one block.
 *
 * @example
 * const z = fft.fftn(x);
 */
function fftn(x: Input, options: FftnOptions = {}): ComplexArray {
  const { axes, s } = axesOf('fftn', x, options);
  let out: Input = x;
  axes.forEach((axis, i) => {
    out = along('fftn', 'fft', out, axis, s[i], options.norm);
  });
  return out instanceof ComplexArray ? out : ComplexArray.from(out);
}

/**
 * The n-dimensional inverse transform (NumPy's `fft.ifftn`).
 *
 * @example
 * const back = fft.ifftn(fft.fftn(x)).re;
 */
function ifftn(x: Input, options: FftnOptions = {}): ComplexArray {
  const { axes, s } = axesOf('ifftn', x, options);
  let out: Input = x;
  axes.forEach((axis, i) => {
    out = along('ifftn', 'ifft', out, axis, s[i], options.norm);
  });
  return out instanceof ComplexArray ? out : ComplexArray.from(out);
}

/**
 * The two-dimensional transform over the last two axes (NumPy's `fft.fft2`).
 *
 * @example
 * const z = fft.fft2(image);
 */
function fft2(x: Input, options: FftnOptions = {}): ComplexArray {
  return fftn(x, { axes: [-2, -1], ...options });
}

/**
 * The two-dimensional inverse transform (NumPy's `fft.ifft2`).
 *
 * @example
 * const back = fft.ifft2(fft.fft2(image)).re;
 */
function ifft2(x: Input, options: FftnOptions = {}): ComplexArray {
  return ifftn(x, { axes: [-2, -1], ...options });
}

/**
 * The n-dimensional transform of a real array: `rfft` along the last axis, `fft` along the
 * others (NumPy's `fft.rfftn`).
 *
 * @example
 * const z = fft.rfftn(image);
 */
function rfftn(x: DaskArray<ArrayValue>, options: FftnOptions = {}): ComplexArray {
  const { axes, s } = axesOf('rfftn', x, options);
  let out = along('rfftn', 'rfft', x, axes[axes.length - 1], s[s.length - 1], options.norm);
  for (let i = 0; i < axes.length - 1; i++) {
    out = along('rfftn', 'fft', out, axes[i], s[i], options.norm);
  }
  return out as ComplexArray;
}

/**
 * The inverse of `rfftn` (NumPy's `fft.irfftn`); give `s` to get odd lengths back.
 *
 * @example
 * const back = fft.irfftn(fft.rfftn(image), { s: image.shape });
 */
function irfftn(x: Input, options: FftnOptions = {}): DaskArray {
  const shape = shapeOf(x.chunks);
  const { axes, s } = axesOf('irfftn', x, options, (a, last) =>
    last ? 2 * (shape[a] - 1) : shape[a],
  );
  let out: Input = x;
  for (let i = 0; i < axes.length - 1; i++) {
    out = along('irfftn', 'ifft', out, axes[i], s[i], options.norm);
  }
  return along(
    'irfftn',
    'irfft',
    out,
    axes[axes.length - 1],
    s[s.length - 1],
    options.norm,
  ) as DaskArray;
}

/**
 * The frequencies of the `n` outputs of `fft` for a sample spacing `d` (NumPy's `fft.fftfreq`).
 *
 * @example
 * await fft.fftfreq(4).compute(); // [0, 0.25, -0.5, -0.25]
 */
function fftfreq(n: number, d = 1, options: { readonly chunks?: number } = {}): DaskArray {
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`fft.fftfreq: n must be a positive integer, got ${n}`);
  }
  const out = new Float64Array(n);
  const half = Math.floor((n - 1) / 2) + 1;
  for (let i = 0; i < n; i++) out[i] = (i < half ? i : i - n) / (d * n);
  return fromArray(out, { chunks: options.chunks ?? n });
}

/**
 * The frequencies of the `n / 2 + 1` outputs of `rfft` (NumPy's `fft.rfftfreq`).
 *
 * @example
 * await fft.rfftfreq(4).compute(); // [0, 0.25, 0.5]
 */
function rfftfreq(n: number, d = 1, options: { readonly chunks?: number } = {}): DaskArray {
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`fft.rfftfreq: n must be a positive integer, got ${n}`);
  }
  const m = Math.floor(n / 2) + 1;
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) out[i] = i / (d * n);
  return fromArray(out, { chunks: options.chunks ?? m });
}

/**
 * NumPy's and dask.array's `fft`: `fft`, `ifft`, `rfft`, `irfft`, `fft2`, `ifft2`, `fftn`,
 * `ifftn`, `rfftn`, `irfftn`, `fftfreq`, `rfftfreq`. Any length (radix 2, Bluestein otherwise);
 * transformed axes must be one block; complex results are {@link ComplexArray}s.
 *
 * @example
 * const spectrum = fft.rfft(signal.rechunk([100, -1])).abs();
 */
export const fft = Object.freeze({
  fft: fft1,
  ifft,
  rfft,
  irfft,
  fft2,
  ifft2,
  fftn,
  ifftn,
  rfftn,
  irfftn,
  fftfreq,
  rfftfreq,
});

export type { FftNorm };

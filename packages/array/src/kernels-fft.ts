// The FFT block kernel: transforms every line of a block along one axis (the axis is whole in the
// block). Complex values are float64 with a trailing axis of length 2 (real, imaginary: NumPy's
// complex128 memory layout). The line is read into scratch arrays, zero-padded or truncated to
// the transform's length, transformed by fft-kernel.ts and scaled by the `norm` convention.
import { dft } from './fft-kernel.js';
import { makeNd, type Nd } from './nd.js';

/**
 * Which transform: `fft` and `ifft` (complex to complex), `rfft` (real to the n / 2 + 1
 * non-negative frequencies), `irfft` (those back to n real values).
 *
 * @example
 * const kind: FftKind = 'rfft';
 */
export type FftKind = 'fft' | 'ifft' | 'rfft' | 'irfft';

/**
 * NumPy's normalization: `backward` (the inverse divides by n), `ortho` (both by sqrt n),
 * `forward` (the forward divides by n).
 *
 * @example
 * const norm: FftNorm = 'ortho';
 */
export type FftNorm = 'backward' | 'ortho' | 'forward';

/**
 * The length of the output axis of `kind` for a transform of length `n`.
 *
 * @example
 * fftOutLength('rfft', 8); // 5
 */
export function fftOutLength(kind: FftKind, n: number): number {
  return kind === 'rfft' ? Math.floor(n / 2) + 1 : n;
}

function scale(kind: FftKind, norm: FftNorm, n: number): number {
  const inverse = kind === 'ifft' || kind === 'irfft';
  if (norm === 'ortho') return 1 / Math.sqrt(n);
  if (norm === 'forward') return inverse ? 1 : 1 / n;
  return inverse ? 1 / n : 1;
}

/**
 * The transform `kind` of length `n` of every line of `chunk` along `axis` (`complexIn`: the
 * chunk's last axis holds real and imaginary parts and is not a data axis).
 *
 * @example
 * fftAlong(block, 1, 64, 'rfft', 'backward', false); // shape [rows, 33, 2]
 */
export function fftAlong(
  chunk: Nd,
  axis: number,
  n: number,
  kind: FftKind,
  norm: FftNorm,
  complexIn: boolean,
): Nd {
  const ndim = chunk.shape.length - (complexIn ? 1 : 0);
  const inShape = chunk.shape.slice(0, ndim);
  const inLen = inShape[axis];
  const outLen = fftOutLength(kind, n);
  const outShape = inShape.slice();
  outShape[axis] = outLen;
  const complexOut = kind !== 'irfft';
  const out = makeNd('float64', complexOut ? [...outShape, 2] : outShape);
  const src = chunk.data;
  const dst = out.data;
  const sIn = chunk.stride[axis];
  const sC = complexIn ? chunk.stride[ndim] : 0;
  const sOut = out.stride[axis];
  const oC = complexOut ? 1 : 0;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  const f = scale(kind, norm, n);
  const inverse = kind === 'ifft' || kind === 'irfft';
  // The other axes, walked by a counter.
  const others = inShape.map((_, a) => a).filter((a) => a !== axis);
  const lines = others.reduce((p, a) => p * inShape[a], 1);
  const idx = others.map(() => 0);
  let inOff = chunk.offset;
  let outOff = 0;
  for (let line = 0; line < lines; line++) {
    re.fill(0);
    im.fill(0);
    if (kind === 'irfft') {
      // The Hermitian spectrum from its non-negative half (the imaginary parts of the zero and,
      // for even n, the Nyquist frequency are ignored, as NumPy does).
      const m = Math.min(inLen, Math.floor(n / 2) + 1);
      for (let k = 0; k < m; k++) {
        const p = inOff + k * sIn;
        const vr = src[p];
        const vi = complexIn ? src[p + sC] : 0;
        re[k] = vr;
        im[k] = k === 0 || 2 * k === n ? 0 : vi;
        if (k > 0 && 2 * k !== n) {
          re[n - k] = vr;
          im[n - k] = -vi;
        }
      }
    } else {
      const m = Math.min(inLen, n);
      for (let j = 0, p = inOff; j < m; j++, p += sIn) {
        re[j] = src[p];
        if (complexIn) im[j] = src[p + sC];
      }
    }
    dft(re, im, inverse);
    for (let k = 0, q = outOff; k < outLen; k++, q += sOut) {
      dst[q] = re[k] * f;
      if (complexOut) dst[q + oC] = im[k] * f;
    }
    for (let j = others.length - 1; j >= 0; j--) {
      const a = others[j];
      inOff += chunk.stride[a];
      outOff += out.stride[a];
      if (++idx[j] < inShape[a]) break;
      inOff -= chunk.stride[a] * inShape[a];
      outOff -= out.stride[a] * inShape[a];
      idx[j] = 0;
    }
  }
  return out;
}

// The discrete Fourier transform of one line, any length, in place on a pair of Float64Arrays
// (real and imaginary parts), unnormalized. Powers of two run an iterative radix-2 transform over
// a table of twiddles; any other length runs Bluestein's algorithm (the transform written as a
// convolution with a chirp, done by power-of-two transforms of at least 2n - 1 points). Plans
// (twiddles, bit reversal, the chirp and its transform) are made once per length and thread.
/** What a length needs, computed once. */
interface Plan {
  readonly n: number;
  /** Radix-2: cos and sin of 2 pi k / n for k < n / 2, and the bit-reversal permutation. */
  readonly cos?: Float64Array;
  readonly sin?: Float64Array;
  readonly rev?: Uint32Array;
  /** Bluestein: the chirp w_j = exp(-i pi j^2 / n) and the transform of its padded conjugate. */
  readonly blue?: {
    readonly m: Plan;
    readonly wRe: Float64Array;
    readonly wIm: Float64Array;
    readonly bRe: Float64Array;
    readonly bIm: Float64Array;
    /** Scratch for the convolution, reused line after line (a kernel runs to its end). */
    readonly aRe: Float64Array;
    readonly aIm: Float64Array;
  };
}

const plans = new Map<number, Plan>();

const isPow2 = (n: number): boolean => (n & (n - 1)) === 0;

function radix2Plan(n: number): Plan {
  const half = n >> 1;
  const cos = new Float64Array(half);
  const sin = new Float64Array(half);
  for (let k = 0; k < half; k++) {
    cos[k] = Math.cos((2 * Math.PI * k) / n);
    sin[k] = Math.sin((2 * Math.PI * k) / n);
  }
  const rev = new Uint32Array(n);
  const bits = Math.round(Math.log2(n));
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    rev[i] = r;
  }
  return { n, cos, sin, rev };
}

function bluesteinPlan(n: number): Plan {
  let size = 1;
  while (size < 2 * n - 1) size *= 2;
  const m = planFor(size);
  const wRe = new Float64Array(n);
  const wIm = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    // j^2 mod 2n keeps the angle small (and exact) for large j.
    const a = (Math.PI * ((j * j) % (2 * n))) / n;
    wRe[j] = Math.cos(a);
    wIm[j] = -Math.sin(a);
  }
  const bRe = new Float64Array(size);
  const bIm = new Float64Array(size);
  bRe[0] = wRe[0];
  bIm[0] = -wIm[0];
  for (let j = 1; j < n; j++) {
    bRe[j] = bRe[size - j] = wRe[j];
    bIm[j] = bIm[size - j] = -wIm[j];
  }
  radix2(bRe, bIm, m, false);
  const aRe = new Float64Array(size);
  const aIm = new Float64Array(size);
  return { n, blue: { m, wRe, wIm, bRe, bIm, aRe, aIm } };
}

function planFor(n: number): Plan {
  let p = plans.get(n);
  if (p === undefined) {
    p = isPow2(n) ? radix2Plan(n) : bluesteinPlan(n);
    plans.set(n, p);
  }
  return p;
}

/** The radix-2 transform in place (`inverse`: conjugate twiddles, no scaling). */
function radix2(re: Float64Array, im: Float64Array, plan: Plan, inverse: boolean): void {
  const { n } = plan;
  const rev = plan.rev as Uint32Array;
  const cos = plan.cos as Float64Array;
  const sin = plan.sin as Float64Array;
  for (let i = 0; i < n; i++) {
    const j = rev[i];
    if (j > i) {
      let t = re[i];
      re[i] = re[j];
      re[j] = t;
      t = im[i];
      im[i] = im[j];
      im[j] = t;
    }
  }
  const sign = inverse ? 1 : -1;
  for (let len = 2; len <= n; len *= 2) {
    const half = len >> 1;
    const step = n / len;
    for (let start = 0; start < n; start += len) {
      for (let k = 0; k < half; k++) {
        const wr = cos[k * step];
        const wi = sign * sin[k * step];
        const a = start + k;
        const b = a + half;
        const xr = re[b] * wr - im[b] * wi;
        const xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
      }
    }
  }
}

/** Bluestein's transform in place: X_k = w_k * sum_j (x_j w_j) conj(w_(k-j)). */
function bluestein(re: Float64Array, im: Float64Array, plan: Plan, inverse: boolean): void {
  const { n } = plan;
  const { m, wRe, wIm, bRe, bIm, aRe, aIm } = plan.blue as NonNullable<Plan['blue']>;
  const size = m.n;
  aRe.fill(0, n);
  aIm.fill(0, n);
  // The inverse is the conjugate of the forward transform of the conjugate.
  const s = inverse ? -1 : 1;
  for (let j = 0; j < n; j++) {
    const xr = re[j];
    const xi = s * im[j];
    aRe[j] = xr * wRe[j] - xi * wIm[j];
    aIm[j] = xr * wIm[j] + xi * wRe[j];
  }
  radix2(aRe, aIm, m, false);
  for (let k = 0; k < size; k++) {
    const r = aRe[k] * bRe[k] - aIm[k] * bIm[k];
    aIm[k] = aRe[k] * bIm[k] + aIm[k] * bRe[k];
    aRe[k] = r;
  }
  radix2(aRe, aIm, m, true);
  for (let k = 0; k < n; k++) {
    const cr = aRe[k] / size;
    const ci = aIm[k] / size;
    re[k] = cr * wRe[k] - ci * wIm[k];
    im[k] = s * (cr * wIm[k] + ci * wRe[k]);
  }
}

/**
 * The DFT of `re + i im` in place (`inverse`: the sign of the exponent is +), unnormalized.
 *
 * @example
 * const re = Float64Array.from([1, 2, 3]), im = new Float64Array(3);
 * dft(re, im, false); // re: [6, -1.5, -1.5], im: [0, 0.866..., -0.866...]
 */
export function dft(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  if (n <= 1) return;
  const plan = planFor(n);
  if (plan.blue === undefined) radix2(re, im, plan, inverse);
  else bluestein(re, im, plan, inverse);
}

// The matmul kernel: C = sum of A_t · B_t over pairs of 2-d operands of any strides and numeric
// element type, computed in float64 into a compact row-major Float64Array (float32 and integer
// results are cast by the caller). GotoBLAS's scheme: B is packed panel by panel (KC x NC, in
// 4-column strips), A block by block (MC x KC, in 4-row strips), and a 4 x 4 register-blocked
// micro-kernel (micro-kernel of matmul-wasm.ts with WebAssembly SIMD f64x2, else a JavaScript one)
// sweeps the packed strips into a zero-padded C, so edges need no special case. Kernel side.
import { UNROLL, wasmMicro } from './matmul-wasm.js';

/**
 * A 2-d operand: element (i, j) is `data[offset + i * rs + j * cs]`.
 *
 * @example
 * const a: Mat = { data, offset: 0, rows: 2, cols: 3, rs: 3, cs: 1 };
 */
export interface Mat {
  readonly data: ArrayLike<number>;
  readonly offset: number;
  readonly rows: number;
  readonly cols: number;
  readonly rs: number;
  readonly cs: number;
}

const KC = 256;
const MC = 64;
const NC = 1024;

const up = (n: number, m: number): number => Math.ceil(n / m) * m;

/** Where the kernel works: a Float64Array over memory and the micro-kernel on byte addresses. */
interface Arena {
  f64(bytes: number): Float64Array;
  micro(kc: number, a: number, b: number, c: number, ldc: number): void;
}

function wasmArena(): Arena | undefined {
  const w = wasmMicro();
  if (w === undefined) return undefined;
  let view = new Float64Array(w.memory.buffer);
  return {
    f64(bytes) {
      const have = w.memory.buffer.byteLength;
      if (have < bytes) w.memory.grow(Math.ceil((bytes - have) / 65536));
      if (view.buffer !== w.memory.buffer) view = new Float64Array(w.memory.buffer);
      return view;
    },
    micro: w.micro,
  };
}

function jsArena(): Arena {
  let view = new Float64Array(0);
  return {
    f64(bytes) {
      if (view.byteLength < bytes) view = new Float64Array(up(bytes, 65536) / 8);
      return view;
    },
    micro(kc, a, b, c, ldc) {
      jsMicro(view, kc, a >> 3, b >> 3, c >> 3, ldc >> 3);
    },
  };
}

/** The JavaScript micro-kernel: the wasm one's contract on element indices of `m`. */
function jsMicro(m: Float64Array, kc: number, a: number, b: number, c: number, ldc: number): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0; // prettier-ignore
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0; // prettier-ignore
  for (let p = 0; p < kc; p++, a += 4, b += 4) {
    const b0 = m[b], b1 = m[b + 1], b2 = m[b + 2], b3 = m[b + 3]; // prettier-ignore
    let x = m[a];
    c00 += x * b0;
    c01 += x * b1;
    c02 += x * b2;
    c03 += x * b3; // prettier-ignore
    x = m[a + 1];
    c10 += x * b0;
    c11 += x * b1;
    c12 += x * b2;
    c13 += x * b3; // prettier-ignore
    x = m[a + 2];
    c20 += x * b0;
    c21 += x * b1;
    c22 += x * b2;
    c23 += x * b3; // prettier-ignore
    x = m[a + 3];
    c30 += x * b0;
    c31 += x * b1;
    c32 += x * b2;
    c33 += x * b3; // prettier-ignore
  }
  m[c] += c00;
  m[c + 1] += c01;
  m[c + 2] += c02;
  m[c + 3] += c03; // prettier-ignore
  c += ldc;
  m[c] += c10;
  m[c + 1] += c11;
  m[c + 2] += c12;
  m[c + 3] += c13; // prettier-ignore
  c += ldc;
  m[c] += c20;
  m[c + 1] += c21;
  m[c + 2] += c22;
  m[c + 3] += c23; // prettier-ignore
  c += ldc;
  m[c] += c30;
  m[c + 1] += c31;
  m[c + 2] += c32;
  m[c + 3] += c33; // prettier-ignore
}

const arenas: { wasm?: Arena | null; js?: Arena } = {};

/**
 * Which micro-kernel `gemm` runs in this thread: 'wasm-simd' or 'js'.
 *
 * @example
 * gemmEngine(); // 'wasm-simd' on Node 20
 */
export function gemmEngine(): 'wasm-simd' | 'js' {
  if (arenas.wasm === undefined) arenas.wasm = wasmArena() ?? null;
  return arenas.wasm === null ? 'js' : 'wasm-simd';
}

function arena(engine: 'wasm-simd' | 'js'): Arena {
  if (engine === 'js') return (arenas.js ??= jsArena());
  gemmEngine();
  return arenas.wasm ?? (arenas.js ??= jsArena());
}

/** Packs rows [i0, i0+mc) x cols [p0, p0+kc) of A into 4-row strips of kcp steps at `at`. */
function packA(
  A: Mat,
  i0: number,
  mc: number,
  p0: number,
  kc: number,
  kcp: number,
  m: Float64Array,
  at: number,
): void {
  const d = A.data;
  for (let s = 0; s < mc; s += 4) {
    for (let r = 0; r < 4; r++) {
      let o = at + r;
      if (s + r >= mc) {
        for (let p = 0; p < kcp; p++, o += 4) m[o] = 0;
        continue;
      }
      let src = A.offset + (i0 + s + r) * A.rs + p0 * A.cs;
      for (let p = 0; p < kc; p++, o += 4, src += A.cs) m[o] = d[src];
      for (let p = kc; p < kcp; p++, o += 4) m[o] = 0;
    }
    at += kcp * 4;
  }
}

/** Packs rows [p0, p0+kc) x cols [j0, j0+nc) of B into 4-column strips of kcp steps at `at`. */
function packB(
  B: Mat,
  p0: number,
  kc: number,
  kcp: number,
  j0: number,
  nc: number,
  m: Float64Array,
  at: number,
): void {
  const d = B.data;
  for (let s = 0; s < nc; s += 4) {
    const w = Math.min(4, nc - s);
    for (let p = 0; p < kcp; p++) {
      const o = at + p * 4;
      if (p >= kc) {
        m[o] = m[o + 1] = m[o + 2] = m[o + 3] = 0;
        continue;
      }
      const src = B.offset + (p0 + p) * B.rs + (j0 + s) * B.cs;
      for (let c = 0; c < 4; c++) m[o + c] = c < w ? d[src + c * B.cs] : 0;
    }
    at += kcp * 4;
  }
}

/**
 * The sum of the products `A_t · B_t` (each `A_t` m x k_t, each `B_t` k_t x n) as a compact m x n
 * row-major Float64Array, computed in float64 by the packed, register-blocked kernel.
 *
 * @example
 * const c = gemm([[a, b]]); // a: 2 x 3, b: 3 x 4 -> 8 numbers
 */
export function gemm(pairs: readonly (readonly [Mat, Mat])[], engine = gemmEngine()): Float64Array {
  if (pairs.length === 0) throw new RangeError('gemm: no operands');
  const m = pairs[0][0].rows;
  const n = pairs[0][1].cols;
  for (const [A, B] of pairs) {
    if (A.rows !== m || B.cols !== n || A.cols !== B.rows) {
      throw new RangeError(
        `gemm: cannot multiply (${A.rows}, ${A.cols}) by (${B.rows}, ${B.cols}) into (${m}, ${n})`,
      );
    }
  }
  const out = new Float64Array(m * n);
  if (m === 0 || n === 0) return out;
  const mp = up(m, 4);
  const np = up(n, 4);
  const kmax = Math.min(KC, Math.max(...pairs.map(([A]) => A.cols)));
  const kcMax = up(Math.max(kmax, 1), UNROLL);
  const ncMax = up(Math.min(NC, n), 4);
  const mcMax = up(Math.min(MC, m), 4);
  // Byte layout: C (mp x np), then packed B (kcMax x ncMax), then packed A (mcMax x kcMax).
  const cAt = 0;
  const bAt = mp * np;
  const aAt = bAt + kcMax * ncMax;
  const bytes = (aAt + mcMax * kcMax) * 8;
  // WebAssembly memory ends at 4 GiB (and a worker's grows for good): past 2 GiB, use JavaScript.
  const ar = arena(bytes > 2 ** 31 ? 'js' : engine);
  const mem = ar.f64(bytes);
  mem.fill(0, cAt, bAt);
  for (const [A, B] of pairs) {
    const k = A.cols;
    for (let jc = 0; jc < n; jc += NC) {
      const nc = Math.min(NC, n - jc);
      for (let pc = 0; pc < k; pc += KC) {
        const kc = Math.min(KC, k - pc);
        const kcp = up(kc, UNROLL);
        packB(B, pc, kc, kcp, jc, nc, mem, bAt);
        for (let ic = 0; ic < m; ic += MC) {
          const mc = Math.min(MC, m - ic);
          packA(A, ic, mc, pc, kc, kcp, mem, aAt);
          const strip = kcp * 32;
          for (let js = 0; js * 4 < nc; js++) {
            const b = bAt * 8 + js * strip;
            let c = (cAt + ic * np + jc + js * 4) * 8;
            let a = aAt * 8;
            for (let is = 0; is * 4 < mc; is++, a += strip, c += np * 32) {
              ar.micro(kcp, a, b, c, np * 8);
            }
          }
        }
      }
    }
  }
  const view = ar.f64(0);
  for (let i = 0; i < m; i++) out.set(view.subarray(cAt + i * np, cAt + i * np + n), i * n);
  return out;
}

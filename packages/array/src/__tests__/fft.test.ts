// The fft namespace against a plain O(n^2) DFT over whole arrays, across lengths (powers of two
// and not: Bluestein), axes, chunkings of the other axes, dtypes, n (padding and cutting) and
// norms; round trips; errors that name the axis and its blocks; and a fixed set of cases against
// NumPy through .npy files (complex results saved as float64 pairs, NumPy's complex128 layout).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@dask-ts/scheduler';
import { ComplexArray, fft, fromArray, fromNpy, type DaskArray, type Dtype } from '../index.js';
import { expectDense, pair, size, strides, toDense, unravel, type Dense } from './reference.js';

const sync = { scheduler: 'sync' } as const;

/** A complex whole array: real and imaginary parts. */
interface CDense {
  readonly shape: readonly number[];
  readonly re: number[];
  readonly im: number[];
}

const real = (d: Dense): CDense => ({ shape: d.shape, re: [...d.data], im: d.data.map(() => 0) });

/** The DFT of `x` along `axis`, of length n (cut or zero-padded), by the definition. */
function refDft(x: CDense, axis: number, n: number, inverse: boolean, scale: number): CDense {
  const shape = x.shape.slice();
  const len = shape[axis];
  shape[axis] = n;
  const re: number[] = [];
  const im: number[] = [];
  const st = strides(x.shape);
  for (let f = 0; f < size(shape); f++) {
    const idx = unravel(f, shape);
    const k = idx[axis];
    let sr = 0;
    let si = 0;
    for (let j = 0; j < Math.min(n, len); j++) {
      let o = 0;
      idx.forEach((i, a) => (o += (a === axis ? j : i) * st[a]));
      const ang = ((inverse ? 2 : -2) * Math.PI * ((j * k) % n)) / n;
      sr += x.re[o] * Math.cos(ang) - x.im[o] * Math.sin(ang);
      si += x.re[o] * Math.sin(ang) + x.im[o] * Math.cos(ang);
    }
    re.push(sr * scale);
    im.push(si * scale);
  }
  return { shape, re, im };
}

/** Keeps the first m entries along `axis`. */
function cut(x: CDense, axis: number, m: number): CDense {
  const shape = x.shape.slice();
  shape[axis] = m;
  const st = strides(x.shape);
  const re: number[] = [];
  const im: number[] = [];
  for (let f = 0; f < size(shape); f++) {
    const idx = unravel(f, shape);
    let o = 0;
    idx.forEach((i, a) => (o += i * st[a]));
    re.push(x.re[o]);
    im.push(x.im[o]);
  }
  return { shape, re, im };
}

async function expectComplex(z: ComplexArray, want: CDense, rtol = 1e-9): Promise<void> {
  expect(z.shape).toEqual([...want.shape]);
  const { re, im } = await z.compute(sync);
  const tol = rtol * Math.max(1, ...want.re.map(Math.abs), ...want.im.map(Math.abs));
  const close = (got: Dense, w: number[]) => {
    expect(got.shape).toEqual([...want.shape]);
    got.data.forEach((g, i) => {
      if (!(Math.abs(g - w[i]) <= tol)) throw new Error(`element ${i}: got ${g}, want ${w[i]}`);
    });
  };
  close(toDense(re), want.re);
  close(toDense(im), want.im);
}

const LENGTHS = [1, 2, 3, 5, 8, 12, 17, 64, 100];

describe('fft and ifft along one axis', () => {
  test.each(LENGTHS)(
    'length %i, every axis, other axes chunked',
    async (len) => {
      const { x, ref } = pair([3, len, 2], 'float64', [2, len, 1], len);
      const want = refDft(real(ref), 1, len, false, 1);
      await expectComplex(fft.fft(x, { axis: 1 }), want);
      await expectComplex(fft.ifft(fft.fft(x, { axis: 1 }), { axis: 1 }), real(ref));
      await expectComplex(fft.ifft(x, { axis: 1 }), refDft(real(ref), 1, len, true, 1 / len));
    },
    60_000,
  );

  test('n pads and cuts; norms; dtypes', async () => {
    for (const dtype of ['float32', 'int16', 'uint8', 'bool'] as Dtype[]) {
      const { x, ref } = pair([4, 6], dtype, [1, 3], 3);
      const y = x.rechunk([2, -1]);
      for (const n of [6, 4, 9, 16]) {
        await expectComplex(fft.fft(y, { n }), refDft(real(ref), 1, n, false, 1));
        await expectComplex(
          fft.fft(y, { n, norm: 'ortho' }),
          refDft(real(ref), 1, n, false, 1 / Math.sqrt(n)),
        );
        await expectComplex(fft.ifft(y, { n, norm: 'forward' }), refDft(real(ref), 1, n, true, 1));
      }
      await expectComplex(
        fft.fft(x.rechunk([-1, 3]), { axis: 0 }),
        refDft(real(ref), 0, 4, false, 1),
      );
    }
  }, 60_000);

  test('a ComplexArray in: fft of complex values, conj, abs', async () => {
    const a = pair([5, 7], 'float64', [5, 7], 11);
    const b = pair([5, 7], 'float64', [5, 7], 12);
    const z = ComplexArray.from(a.x, b.x);
    const zc: CDense = { shape: [5, 7], re: [...a.ref.data], im: [...b.ref.data] };
    await expectComplex(fft.fft(z), refDft(zc, 1, 7, false, 1));
    await expectComplex(fft.fft(z, { axis: 0, n: 3 }), refDft(zc, 0, 3, false, 1));
    await expectComplex(z.conj(), { ...zc, im: zc.im.map((v) => -v) });
    const abs = toDense(await z.abs().compute(sync));
    expectDense(abs, { shape: [5, 7], data: zc.re.map((r, i) => Math.hypot(r, zc.im[i])) }, 1e-12);
  }, 60_000);

  test('a long Bluestein length and a long power of two are accurate', async () => {
    for (const len of [1000, 1024, 4099]) {
      const { x, ref } = pair([len], 'float64', [len], len);
      const z = fft.fft(x);
      await expectComplex(fft.ifft(z), real(ref), 1e-12);
      if (len <= 1024) await expectComplex(z, refDft(real(ref), 0, len, false, 1), 1e-10);
    }
  }, 60_000);
});

describe('rfft and irfft', () => {
  test.each([1, 2, 5, 8, 9, 16, 30])(
    'length %i',
    async (len) => {
      const { x, ref } = pair([3, len], 'float64', [1, len], 40 + len);
      const full = refDft(real(ref), 1, len, false, 1);
      const half = Math.floor(len / 2) + 1;
      const z = fft.rfft(x);
      await expectComplex(z, cut(full, 1, half));
      if (len > 1) {
        const back = fft.irfft(z, { n: len });
        expectDense(toDense(await back.compute(sync)), ref, 1e-10);
      }
    },
    60_000,
  );

  test('irfft default length, n that pads and cuts, ortho', async () => {
    const { x, ref } = pair([2, 8], 'float64', [2, 8], 51);
    const z = fft.rfft(x, { norm: 'ortho' });
    expect(fft.irfft(z).shape).toEqual([2, 8]);
    expectDense(toDense(await fft.irfft(z, { norm: 'ortho' }).compute(sync)), ref, 1e-10);
    // n = 6 reads the first 4 frequencies of a Hermitian spectrum of length 6
    const spec = refDft(real(ref), 1, 8, false, 1);
    const six = toDense(await fft.irfft(fft.rfft(x), { n: 6 }).compute(sync));
    const herm: CDense = (() => {
      const c = cut(spec, 1, 4);
      const re: number[] = [];
      const im: number[] = [];
      for (let r = 0; r < 2; r++) {
        for (let k = 0; k < 6; k++) {
          const q = k < 4 ? k : 6 - k;
          const s = k < 4 ? 1 : -1;
          re.push(c.re[r * 4 + q]);
          im.push(q === 0 || q === 3 ? 0 : s * c.im[r * 4 + q]);
        }
      }
      return { shape: [2, 6], re, im };
    })();
    const want = refDft(herm, 1, 6, true, 1 / 6);
    expectDense(six, { shape: [2, 6], data: want.re }, 1e-10);
  }, 60_000);
});

describe('n-dimensional transforms', () => {
  test('fftn, fft2, ifftn, rfftn, irfftn against one axis after another', async () => {
    const { x, ref } = pair([4, 6, 5], 'float64', [4, 6, 5], 60);
    const r = real(ref);
    const all = refDft(refDft(refDft(r, 0, 4, false, 1), 1, 6, false, 1), 2, 5, false, 1);
    await expectComplex(fft.fftn(x), all);
    await expectComplex(fft.ifftn(fft.fftn(x)), r);
    const last2 = refDft(refDft(r, 1, 6, false, 1), 2, 5, false, 1);
    await expectComplex(fft.fft2(x), last2);
    await expectComplex(fft.ifft2(fft.fft2(x)), r);
    await expectComplex(
      fft.fftn(x, { axes: [0, 2], s: [3, 8] }),
      refDft(refDft(r, 0, 3, false, 1), 2, 8, false, 1),
    );
    const rn = fft.rfftn(x);
    await expectComplex(rn, cut(all, 2, 3));
    expectDense(toDense(await fft.irfftn(rn, { s: [4, 6, 5] }).compute(sync)), ref, 1e-10);
  }, 60_000);

  test('fftfreq and rfftfreq', async () => {
    expect(Array.from((await fft.fftfreq(4).compute(sync)).data)).toEqual([0, 0.25, -0.5, -0.25]);
    expect(Array.from((await fft.fftfreq(5, 0.5).compute(sync)).data)).toEqual([
      0, 0.4, 0.8, -0.8, -0.4,
    ]);
    expect(Array.from((await fft.rfftfreq(5).compute(sync)).data)).toEqual([0, 0.2, 0.4]);
  });
});

describe('errors', () => {
  test('an axis cut into blocks is named, with the rechunk to write', () => {
    const x = fromArray(new Float64Array(40), { shape: [4, 10], chunks: [2, 5] });
    expect(() => fft.fft(x)).toThrow(
      /fft\.fft: axis 1 must be one block, but it is cut into 2 blocks \(5, 5\); rechunk it first: x\.rechunk\(\[2, -1\]\)/,
    );
    expect(() => fft.fftn(x.rechunk([2, -1]))).toThrow(/fft\.fftn: axis 0 .* 2 blocks \(2, 2\)/);
  });

  test('bad axes, lengths, norms and inputs', () => {
    const x = fromArray(new Float64Array(8), { chunks: 8 });
    expect(() => fft.fft(x, { axis: 1 })).toThrow(/axis 1 is out of bounds for an array of 1 axes/);
    expect(() => fft.fft(x, { n: 0 })).toThrow(/positive integer, got 0/);
    expect(() => fft.irfft(fromArray(new Float64Array(1), { chunks: 1 }))).toThrow(
      /got 0 \(from an axis of length 1\)/,
    );
    expect(() => fft.fft(x, { norm: 'none' as 'ortho' })).toThrow(/norm must be/);
    expect(() => fft.rfft(fft.fft(x) as unknown as DaskArray)).toThrow(/must be real/);
    expect(() => new ComplexArray(x)).toThrow(/last axis of length 2/);
    expect(() => fft.fftn(x, { axes: [0, 0] })).toThrow(/repeated axes/);
  });
});

const PY = '/usr/bin/python3';
const hasNumpy = spawnSync(PY, ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;
if (!hasNumpy) console.log(`skipping the NumPy comparisons: ${PY} cannot import numpy`);
const npTest = hasNumpy ? test : test.skip;

describe('against NumPy', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dask-ts-fft-np-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  npTest(
    'fft, ifft, rfft, irfft, fft2, rfftn with n, axes and norms',
    async () => {
      const { x } = pair([6, 30], 'float64', [3, 30], 70);
      await x.toNpy(join(dir, 'x.npy'), sync);
      const ours: Record<string, DaskArray> = {
        a: fft.fft(x, { n: 37 }).pairs,
        b: fft.ifft(x, { norm: 'ortho' }).pairs,
        c: fft.rfft(x, { n: 20 }).pairs,
        d: fft.irfft(fft.rfft(x), { n: 30 }),
        e: fft.fft2(x.rechunk([-1, -1])).pairs,
        f: fft.rfftn(x.rechunk([-1, -1]), { s: [5, 12] }).pairs,
        g: fft.fft(x.rechunk([-1, 10]), { axis: 0, norm: 'forward' }).pairs,
        h: fft.irfft(fft.rfft(x), { n: 17 }),
      };
      const code = `
c = lambda z: np.ascontiguousarray(z).view(np.float64).reshape(z.shape + (2,))
out = dict(a=c(np.fft.fft(x, n=37)), b=c(np.fft.ifft(x, norm='ortho')),
  c=c(np.fft.rfft(x, n=20)), d=np.fft.irfft(np.fft.rfft(x), n=30), e=c(np.fft.fft2(x)),
  f=c(np.fft.rfftn(x, s=(5, 12))), g=c(np.fft.fft(x, axis=0, norm='forward')),
  h=np.fft.irfft(np.fft.rfft(x), n=17))
for k, v in out.items(): np.save(f'${dir}/want-{k}.npy', v)`;
      const r = spawnSync(PY, ['-c', `import numpy as np\nx = np.load('${dir}/x.npy')\n${code}`], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
      for (const [k, v] of Object.entries(ours)) {
        const want = toDense(await fromNpy(join(dir, `want-${k}.npy`)).compute(sync));
        const got = toDense(await v.compute(sync));
        const scale = Math.max(1, ...want.data.map(Math.abs));
        expect(got.shape).toEqual(want.shape);
        got.data.forEach((g, i) => {
          if (!(Math.abs(g - want.data[i]) <= 1e-10 * scale)) {
            throw new Error(`${k}[${i}]: got ${g}, NumPy ${want.data[i]}`);
          }
        });
      }
    },
    60_000,
  );
});

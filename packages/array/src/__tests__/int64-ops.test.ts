// int64 and uint64 beyond the basics: prod, mean/var/std, cumsum/cumprod, div/floorDivide/mod,
// pow, argmin/argmax, unique, topk, bincount, histogram, isin, matmul, linalg and fft. Each is
// checked against a plain bigint (or float64) reference over the whole array, and against NumPy
// 1.24 through .npy files (inputs written by us, results computed by /usr/bin/python3), with
// values past 2^53 that float64 cannot tell apart.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@dask-ts/scheduler';
import {
  bincount,
  dot,
  einsum,
  fft,
  floorDivide,
  fromArray,
  fromNpy,
  histogram,
  isin,
  linalg,
  outer,
  tensordot,
  topk,
  unique,
  type ArrayValue,
  type DaskArray,
  type NdArray,
} from '../index.js';

jest.setTimeout(120_000);

const sync = { scheduler: 'sync' } as const;
const values = (a: NdArray): unknown[] => {
  const out: unknown[] = [];
  const d = a.data as unknown as ArrayLike<unknown>;
  for (let i = 0; i < d.length; i++) out.push(d[i]);
  return out;
};
const get = async (x: DaskArray): Promise<unknown[]> => values(await x.compute(sync));
const wrap = (v: bigint): bigint => BigInt.asIntN(64, v);
const P = 2n ** 60n;

// 4 x 6, values past 2^53 that differ in their last bits (float64 rounds them together).
const X = BigInt64Array.from([
  P + 1n,
  P + 3n,
  P + 2n,
  -5n,
  7n,
  0n,
  -(P + 2n),
  3n,
  -(P + 1n),
  11n,
  -13n,
  P + 3n,
  2n,
  -1n,
  4n,
  6n,
  -(2n ** 63n),
  2n ** 63n - 1n,
  9n,
  9n,
  -9n,
  1n,
  8n,
  -7n,
]);
// Divisors with zeros and -1 (int64's minimum over -1 wraps, as NumPy's).
const Y = BigInt64Array.from([
  3n,
  -3n,
  0n,
  2n,
  -2n,
  5n,
  7n,
  0n,
  -1n,
  4n,
  4n,
  -4n,
  5n,
  3n,
  2n,
  -3n,
  -1n,
  1000n,
  2n,
  -2n,
  4n,
  0n,
  3n,
  3n,
]);
const U = BigUint64Array.from([2n ** 64n - 1n, 2n ** 63n, 5n, 2n ** 53n + 1n, 0n, 7n]);

const rowsOf = (a: ArrayLike<bigint>, cols: number): bigint[][] =>
  Array.from({ length: a.length / cols }, (_, i) => Array.from(a).slice(i * cols, i * cols + cols));

let dir = '';
let numpy = false;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dask-ts-int64-ops-'));
  await fromArray(X, { shape: [4, 6] }).toNpy(join(dir, 'x.npy'), sync);
  await fromArray(Y, { shape: [4, 6] }).toNpy(join(dir, 'y.npy'), sync);
  await fromArray(U).toNpy(join(dir, 'u.npy'), sync);
  const py = spawnSync(
    '/usr/bin/python3',
    [
      '-c',
      `import numpy as np, warnings
warnings.simplefilter('ignore')
d = '${dir}/'
x = np.load(d + 'x.npy'); y = np.load(d + 'y.npy'); u = np.load(d + 'u.npy')
s = lambda k, v: np.save(d + 'np-' + k + '.npy', np.asarray(v))
s('prod1', x.prod(axis=1)); s('prod', x.prod()); s('uprod', u.prod())
s('mean0', x.mean(axis=0)); s('var', x.var()); s('std1', x.std(axis=1, ddof=1)); s('umean', u.mean())
s('cumsum1', np.cumsum(x, axis=1)); s('cumprod0', np.cumprod(x, axis=0)); s('cumsum', np.cumsum(x))
s('ucumsum', np.cumsum(u))
s('div', x / y); s('floordiv', x // y); s('mod', x % y); s('ufloordiv', u // np.uint64(3))
s('pow', x ** 3); s('sqrt', np.sqrt(np.abs(x)))
s('round', np.round(x, -1)); s('clip', np.clip(x, -10, 10)); s('sign', np.sign(x)); s('square', np.square(x))
s('argmax0', x.argmax(axis=0)); s('argmin1', x.argmin(axis=1)); s('argmax', x.argmax())
s('uargmax', u.argmax())
s('unique', np.unique(x)); s('topk', np.sort(x, axis=1)[:, ::-1][:, :3])
s('matmul', x @ y.T); s('umatmul', u[:, None] @ u[None, :])
s('inv', np.linalg.inv(np.array([[4, 7], [2, 6]], dtype=np.int64)))
f = np.fft.fft(x, axis=1); s('fftre', f.real); s('fftim', f.imag)
s('hist', np.histogram(x, bins=4, range=(-20, 20))[0])
s('bincount', np.bincount(np.abs(y).ravel()))`,
    ],
    { encoding: 'utf8' },
  );
  numpy = py.status === 0;
  if (!numpy) console.log(`skipping the NumPy comparisons: ${py.stderr.slice(0, 300)}`);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The elements of a computed result (a 0-d result comes back as a number or a bigint). */
const flat = (r: unknown): unknown[] =>
  typeof r === 'object' && r !== null ? values(r as NdArray) : [r];
const shapeOfResult = (r: unknown): number[] =>
  typeof r === 'object' && r !== null ? (r as NdArray).shape : [];

/**
 * Our result against NumPy's: same dtype (NumPy's int64 indices are our int32) and shape, exact
 * for integers, floats to 1e-12 of the largest magnitude (inf and NaN where NumPy has them).
 */
async function againstNumpy(name: string, ours: DaskArray<ArrayValue>): Promise<void> {
  if (!numpy) return;
  const file = join(dir, `np-${name}.npy`);
  expect(existsSync(file)).toBe(true);
  const want = fromNpy(file);
  const got = await ours.compute(sync);
  const w = flat(await want.compute(sync));
  const g = flat(got);
  expect(`${name}: ${ours.dtype} [${shapeOfResult(got).join(', ')}]`).toBe(
    `${name}: ${want.dtype === 'int64' && ours.dtype === 'int32' ? 'int32' : want.dtype} [${want.shape.join(', ')}]`,
  );
  if (typeof w[0] === 'bigint') {
    // Our indices and counts are int32 where NumPy's are int64: compared as numbers.
    expect(g).toEqual(typeof g[0] === 'bigint' ? w : w.map(Number));
    return;
  }
  const scale = Math.max(1, ...w.map((v) => Math.abs(Number(v))).filter(Number.isFinite));
  g.forEach((v, i) => {
    const e = Number(w[i]);
    const ok = Object.is(Number(v), e) || Math.abs(Number(v) - e) <= 1e-12 * scale;
    expect([name, i, ok ? e : v]).toEqual([name, i, e]);
  });
}

describe('int64 and uint64 operations, against bigint references and NumPy', () => {
  const x = (): DaskArray => fromArray(X, { shape: [4, 6], chunks: [3, 4] });
  const y = (): DaskArray => fromArray(Y, { shape: [4, 6], chunks: [2, 3] });
  const u = (): DaskArray => fromArray(U, { chunks: 4 });

  test('prod wraps at 64 bits; mean, var and std in float64', async () => {
    const rows = rowsOf(X, 6);
    expect(x().prod({ axis: 1 }).dtype).toBe('int64');
    expect(await get(x().prod({ axis: 1 }))).toEqual(
      rows.map((r) => wrap(r.reduce((p, q) => wrap(p * q), 1n))),
    );
    expect(await x().prod().compute(sync)).toBe([...X].reduce((p, q) => wrap(p * q), 1n));
    expect(x().mean().dtype).toBe('float64');
    expect(await x().mean().compute(sync)).toBeCloseTo(
      [...X].reduce((p, q) => p + Number(q), 0) / X.length,
      -3,
    );
    await againstNumpy('prod1', x().prod({ axis: 1 }));
    await againstNumpy('prod', x().prod({ splitEvery: 2 }));
    await againstNumpy('uprod', u().prod());
    await againstNumpy('mean0', x().mean({ axis: 0 }));
    await againstNumpy('var', x().var());
    await againstNumpy('std1', x().std({ axis: 1, ddof: 1 }));
    await againstNumpy('umean', u().mean());
    // The nan forms are the plain ones on integers; any / all give bool.
    expect(await x().nansum({ axis: 1 }).compute(sync)).toEqual(
      await x().sum({ axis: 1 }).compute(sync),
    );
    expect(await get(x().any({ axis: 0 }))).toEqual([1, 1, 1, 1, 1, 1]);
    expect(await get(x().all({ axis: 1 }))).toEqual([0, 1, 1, 1]);
  });

  test('cumsum and cumprod stay 64-bit integers, across blocks', async () => {
    const rows = rowsOf(X, 6);
    const scan = (r: bigint[], f: (a: bigint, b: bigint) => bigint): bigint[] => {
      const out: bigint[] = [];
      r.forEach((v, i) => out.push(i === 0 ? v : wrap(f(out[i - 1], v))));
      return out;
    };
    expect(x().cumsum({ axis: 1 }).dtype).toBe('int64');
    expect(await get(x().cumsum({ axis: 1 }))).toEqual(
      rows.flatMap((r) => scan(r, (a, b) => a + b)),
    );
    expect(await get(x().cumsum())).toEqual(scan([...X], (a, b) => a + b));
    await againstNumpy('cumsum1', x().cumsum({ axis: 1 }));
    await againstNumpy('cumprod0', x().cumprod({ axis: 0 }));
    await againstNumpy('cumsum', x().cumsum());
    await againstNumpy('ucumsum', u().cumsum());
    expect(x().cumsum({ dtype: 'float64' }).dtype).toBe('float64');
  });

  test('div gives float64; floorDivide and mod floor, and give 0 for a zero divisor', async () => {
    const fd = (a: bigint, b: bigint): bigint =>
      b === 0n ? 0n : a / b - (a % b !== 0n && a < 0n !== b < 0n ? 1n : 0n);
    expect(x().div(y()).dtype).toBe('float64');
    expect(floorDivide(x(), y()).dtype).toBe('int64');
    expect(await get(floorDivide(x(), y()))).toEqual([...X].map((a, i) => wrap(fd(a, Y[i]))));
    expect(await get(x().mod(y()))).toEqual(
      [...X].map((a, i) => (Y[i] === 0n ? 0n : a - fd(a, Y[i]) * Y[i])),
    );
    expect(await get(fromArray(BigInt64Array.from([-7n, 7n])).mod(3))).toEqual([2n, 1n]);
    await againstNumpy('div', x().div(y()));
    await againstNumpy('floordiv', floorDivide(x(), y()));
    await againstNumpy('mod', x().mod(y()));
    await againstNumpy('ufloordiv', floorDivide(u(), 3));
    await againstNumpy('pow', x().pow(3));
    await againstNumpy('sqrt', x().abs().sqrt());
    await againstNumpy('round', x().round(-1));
    await againstNumpy('clip', x().clip(-10, 10));
    await againstNumpy('sign', x().sign());
    await againstNumpy('square', x().square());
    await expect(
      fromArray(BigInt64Array.from([2n]))
        .pow(-1)
        .compute(sync),
    ).rejects.toThrow(/negative integer powers/);
  });

  test('argmin and argmax are exact past 2^53', async () => {
    // P + 3 beats P + 2 and P + 1, which float64 cannot tell apart.
    const v = fromArray(BigInt64Array.from([P + 1n, P + 3n, P + 2n, -P - 1n, -P - 2n]), {
      chunks: 1,
    });
    expect(await v.argmax().compute(sync)).toBe(1);
    expect(await v.argmin({ splitEvery: 2 }).compute(sync)).toBe(4);
    await againstNumpy('argmax0', x().argmax({ axis: 0 }));
    await againstNumpy('argmin1', x().argmin({ axis: 1 }));
    await againstNumpy('argmax', x().argmax());
    await againstNumpy('uargmax', u().argmax());
  });

  test('unique, topk, isin, bincount and histogram', async () => {
    const sorted = [...new Set([...X])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(await get(unique(x()))).toEqual(sorted);
    await againstNumpy('unique', unique(x()));
    await againstNumpy('topk', topk(x(), 3));
    expect(await get(topk(fromArray(X, { chunks: 5 }), -2))).toEqual(sorted.slice(0, 2));
    expect(await get(isin(x(), [7, 9, 0.5]))).toEqual(
      [...X].map((v) => (v === 7n || v === 9n ? 1 : 0)),
    );
    await againstNumpy('bincount', bincount(y().abs().ravel()));
    await againstNumpy('hist', histogram(x(), { bins: 4, range: [-20, 20] }).counts);
  });

  test('matmul stays int64 (exact, wrapping); linalg and fft work in float64', async () => {
    const p = x().matmul(y().T);
    expect(p.dtype).toBe('int64');
    const rx = rowsOf(X, 6);
    const ry = rowsOf(Y, 6);
    expect(await get(p)).toEqual(
      rx.flatMap((a) => ry.map((b) => wrap(a.reduce((s, v, k) => s + v * b[k], 0n)))),
    );
    await againstNumpy(
      'matmul',
      fromArray(X, { shape: [4, 6], chunks: [2, 2] }).matmul(y().T, { splitEvery: 2 }),
    );
    await againstNumpy(
      'umatmul',
      u()
        .reshape([6, 1])
        .matmul(u().reshape([1, 6])),
    );
    // The other products take the same exact path.
    const dotRef = (a: bigint[], b: bigint[]): bigint =>
      wrap(a.reduce((s, v, k) => s + v * b[k], 0n));
    expect(await get(einsum('ij,kj->ik', x(), y()))).toEqual(await get(p));
    expect(await get(tensordot(x(), y(), [[1], [1]]))).toEqual(await get(p));
    expect(await dot(x().at('0'), y().at('1')).compute(sync)).toBe(dotRef(rx[0], ry[1]));
    expect(await get(outer(x().at('0, :2'), y().at('1, :3')))).toEqual(
      rx[0].slice(0, 2).flatMap((a) => ry[1].slice(0, 3).map((b) => wrap(a * b))),
    );
    const m = fromArray(BigInt64Array.from([4n, 7n, 2n, 6n]), { shape: [2, 2] });
    expect(await linalg.norm(m).compute(sync)).toBeCloseTo(Math.sqrt(16 + 49 + 4 + 36), 12);
    await againstNumpy('inv', linalg.inv(m));
    const f = fft.fft(fromArray(X, { shape: [4, 6], chunks: [1, 6] }));
    await againstNumpy('fftre', f.re);
    await againstNumpy('fftim', f.im);
  });
});

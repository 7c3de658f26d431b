// linalg: solve, inv and cholesky (in one block, results cut back into the input's chunks), TSQR
// qr and svd (row blocks smaller than the columns are merged first; wide matrices through the
// transpose), and norm's vector and matrix orders — checked by their defining identities on plain
// arrays (a x = b, Q^T Q = I, Q R = A, U diag(s) V^T = A...), against direct formulas, and the 2-
// and nuclear norms against NumPy when /usr/bin/python3 has it; plus the LinAlgError messages.
import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import '@dask-ts/scheduler';
import { fromArray, linalg, type DaskArray } from '../index.js';
import { rng, toDense } from './reference.js';

const sync = { scheduler: 'sync' } as const;

type M = number[][];
const randm = (m: number, n: number, seed: number): M => {
  const next = rng(seed);
  return Array.from({ length: m }, () => Array.from({ length: n }, () => next() * 2 - 1));
};
const mul = (a: M, b: M): M =>
  a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
const tr = (a: M): M => a[0].map((_, j) => a.map((row) => row[j]));
const eye = (n: number): M =>
  Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => +(i === j)));
const close = (got: M, want: M, tol = 1e-9): void => {
  expect(got.length).toBe(want.length);
  got.forEach((row, i) =>
    row.forEach((v, j) => {
      if (Math.abs(v - want[i][j]) > tol * (1 + Math.abs(want[i][j]))) {
        throw new Error(`[${i}, ${j}]: got ${v}, want ${want[i][j]}`);
      }
    }),
  );
};
const arr = (a: M, chunks: number | number[]): DaskArray => fromArray(a, { chunks });
async function back(x: DaskArray): Promise<M> {
  const d = toDense(await x.compute(sync));
  const [m, n] = d.shape.length === 1 ? [d.shape[0], 1] : d.shape;
  return Array.from({ length: m }, (_, i) => d.data.slice(i * n, i * n + n));
}
const spd = (n: number, seed: number): M => {
  const r = randm(n, n, seed);
  return mul(r, tr(r)).map((row, i) => row.map((v, j) => v + (i === j ? n : 0)));
};

describe('solve, inv, cholesky', () => {
  test('solve gives x with a x = b, for a vector and a matrix, in b’s chunks', async () => {
    const a = spd(9, 1);
    const b = randm(9, 4, 2);
    const x = linalg.solve(arr(a, 4), arr(b, [3, 2]));
    expect(x.chunks).toEqual([
      [3, 3, 3],
      [2, 2],
    ]);
    close(mul(a, await back(x)), b);
    const v = randm(9, 1, 3).map((r) => r[0]);
    const xv = linalg.solve(arr(a, 5), fromArray(v, { chunks: 4 }));
    expect(xv.shape).toEqual([9]);
    close(
      mul(a, await back(xv)),
      v.map((e) => [e]),
    );
  });

  test('inv gives the inverse (pivoting through a zero diagonal)', async () => {
    const a = [
      [0, 2, 1],
      [1, 0, 3],
      [4, 1, 0],
    ];
    close(mul(a, await back(linalg.inv(arr(a, 2)))), eye(3));
    const big = spd(12, 4);
    close(mul(big, await back(linalg.inv(arr(big, 5)))), eye(12));
  });

  test('cholesky: upper by default (dask.array), lower on request (NumPy)', async () => {
    const a = spd(8, 5);
    const u = await back(linalg.cholesky(arr(a, 3)));
    u.forEach((row, i) => row.forEach((v, j) => j < i && expect(v).toBe(0)));
    close(mul(tr(u), u), a);
    const l = await back(linalg.cholesky(arr(a, 3), { lower: true }));
    l.forEach((row, i) => row.forEach((v, j) => j > i && expect(v).toBe(0)));
    close(mul(l, tr(l)), a);
  });

  test('raises NumPy’s LinAlgError messages', async () => {
    expect(() => linalg.inv(arr(randm(3, 4, 6), 2))).toThrow(
      /Last 2 dimensions of the array must be square \(shape \(3, 4\)\)/,
    );
    expect(() => linalg.solve(arr(spd(3, 7), 2), fromArray([1, 2], { chunks: 1 }))).toThrow(
      /b of shape \(2,\) does not match a of shape \(3, 3\)/,
    );
    await expect(
      linalg
        .inv(
          arr(
            [
              [1, 2],
              [2, 4],
            ],
            1,
          ),
        )
        .compute(sync),
    ).rejects.toThrow(/Singular matrix/);
    await expect(
      linalg
        .cholesky(
          arr(
            [
              [1, 2],
              [2, 1],
            ],
            1,
          ),
        )
        .compute(sync),
    ).rejects.toThrow(/not positive definite/);
  });
});

describe('TSQR qr and svd', () => {
  test.each([
    [
      [50, 6],
      [7, 3],
    ],
    [
      [40, 5],
      [4, 5],
    ], // row blocks shorter than the columns are merged
    [
      [9, 9],
      [9, 9],
    ],
  ])('qr of %j in %j: Q^T Q = I, Q R = A, R upper triangular', async (shape, chunks) => {
    const a = randm(shape[0], shape[1], 8);
    const [q, r] = linalg.qr(arr(a, chunks));
    expect(q.shape).toEqual(shape);
    expect(r.shape).toEqual([shape[1], shape[1]]);
    const Q = await back(q);
    const R = await back(r);
    close(mul(tr(Q), Q), eye(shape[1]));
    close(mul(Q, R), a);
    R.forEach((row, i) => row.forEach((v, j) => j < i && expect(v).toBe(0)));
  });

  test.each([
    [
      [60, 5],
      [13, 5],
    ],
    [
      [4, 30],
      [4, 7],
    ],
  ])('svd of %j: U diag(s) V^T = A, orthonormal factors, s descending', async (shape, chunks) => {
    const a = randm(shape[0], shape[1], 9);
    const [u, s, vt] = linalg.svd(arr(a, chunks));
    const k = Math.min(...shape);
    expect(u.shape).toEqual([shape[0], k]);
    expect(s.shape).toEqual([k]);
    expect(vt.shape).toEqual([k, shape[1]]);
    const U = await back(u);
    const S = (await back(s)).map((r) => r[0]);
    const V = await back(vt);
    S.slice(1).forEach((v, i) => expect(v).toBeLessThanOrEqual(S[i]));
    close(mul(tr(U), U), eye(k));
    close(mul(V, tr(V)), eye(k));
    close(
      mul(
        U.map((row) => row.map((v, j) => v * S[j])),
        V,
      ),
      a,
    );
  });

  test('float32 stays float32', () => {
    const x = fromArray(new Float32Array(40), { shape: [20, 2], chunks: [5, 2] });
    expect(linalg.qr(x).map((y) => y.dtype)).toEqual(['float32', 'float32']);
    expect(linalg.svd(x)[1].dtype).toBe('float32');
  });
});

describe('norm', () => {
  const v = [3, -4, 0, 1.5, -2];
  const a = [
    [1, -2, 3],
    [-4, 5, -6],
    [7, 8, -9.5],
    [0.5, 0, 1],
  ];
  const num = async (x: DaskArray): Promise<number> => Number(await x.compute(sync));
  test('vector orders', async () => {
    const x = fromArray(v, { chunks: 2 });
    const abs = v.map(Math.abs);
    expect(await num(linalg.norm(x))).toBeCloseTo(Math.hypot(...v), 12);
    expect(await num(linalg.norm(x, { ord: 1 }))).toBeCloseTo(
      abs.reduce((p, q) => p + q),
      12,
    );
    expect(await num(linalg.norm(x, { ord: Infinity }))).toBe(4);
    expect(await num(linalg.norm(x, { ord: -Infinity }))).toBe(0);
    expect(await num(linalg.norm(x, { ord: 0 }))).toBe(4);
    expect(await num(linalg.norm(x, { ord: 3 }))).toBeCloseTo(
      abs.reduce((p, q) => p + q ** 3, 0) ** (1 / 3),
      12,
    );
  });
  test('matrix orders and axes', async () => {
    const x = fromArray(a, { chunks: [3, 2] });
    const flat = a.flat();
    expect(await num(linalg.norm(x))).toBeCloseTo(Math.hypot(...flat), 12);
    expect(await num(linalg.norm(x, { ord: 'fro' }))).toBeCloseTo(Math.hypot(...flat), 12);
    const colSums = a[0].map((_, j) => a.reduce((s, r) => s + Math.abs(r[j]), 0));
    const rowSums = a.map((r) => r.reduce((s, e) => s + Math.abs(e), 0));
    expect(await num(linalg.norm(x, { ord: 1 }))).toBeCloseTo(Math.max(...colSums), 12);
    expect(await num(linalg.norm(x, { ord: -1 }))).toBeCloseTo(Math.min(...colSums), 12);
    expect(await num(linalg.norm(x, { ord: Infinity }))).toBeCloseTo(Math.max(...rowSums), 12);
    expect(await num(linalg.norm(x, { ord: -Infinity }))).toBeCloseTo(Math.min(...rowSums), 12);
    const perRow = await back(linalg.norm(x, { axis: 1 }));
    close(
      perRow,
      a.map((r) => [Math.hypot(...r)]),
    );
    const kept = linalg.norm(x, { ord: 1, axis: [0, 1], keepdims: true });
    expect(kept.shape).toEqual([1, 1]);
    const swapped = await num(linalg.norm(x, { ord: 1, axis: [1, 0] }));
    expect(swapped).toBeCloseTo(Math.max(...rowSums), 12);
  });
  const hasNumpy =
    spawnSync('/usr/bin/python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;
  (hasNumpy ? test : test.skip)('2, -2 and nuclear norms agree with NumPy', async () => {
    const x = fromArray(a, { chunks: [2, 3] });
    const out = spawnSync(
      '/usr/bin/python3',
      [
        '-c',
        `import numpy as np, json; a = np.array(${JSON.stringify(a)}); print(json.dumps([np.linalg.norm(a, o) for o in (2, -2, 'nuc')]))`,
      ],
      { encoding: 'utf8' },
    );
    const [two, minus2, nuc] = JSON.parse(out.stdout) as number[];
    expect(await num(linalg.norm(x, { ord: 2 }))).toBeCloseTo(two, 10);
    expect(await num(linalg.norm(x, { ord: -2 }))).toBeCloseTo(minus2, 10);
    expect(await num(linalg.norm(x, { ord: 'nuc' }))).toBeCloseTo(nuc, 10);
  });
  test('bad orders and axes are refused when the expression is built', () => {
    const x = fromArray(a, { chunks: 2 });
    expect(() => linalg.norm(x, { ord: 'nuc', axis: 0 })).toThrow(
      /invalid norm order 'nuc' for vectors/,
    );
    expect(() => linalg.norm(x, { axis: 2 })).toThrow(
      /axis 2 is out of bounds for array of dimension 2/,
    );
  });
});

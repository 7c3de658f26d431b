// The blocked LU and what is built on it (det, solveTriangular, multi-block solve and inv),
// lstsq and eigh, against plain whole-matrix references over several sizes and cuttings
// (pivoting across blocks included: a zero on the diagonal), and against NumPy and SciPy through
// .npy files on a fixed set of cases; shape errors name the shapes.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@dask-ts/scheduler';
import { fromArray, fromNpy, linalg, random, zeros, type DaskArray } from '../index.js';
import { expectDense, toDense, type Dense } from './reference.js';

const sync = { scheduler: 'sync' } as const;

/** Row-major n x m product of whole matrices. */
function mm(a: Dense, b: Dense): Dense {
  const [n, k] = a.shape;
  const m = b.shape.length === 1 ? 1 : b.shape[1];
  const data: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += a.data[i * k + t] * b.data[t * m + j];
      data.push(s);
    }
  }
  return { shape: b.shape.length === 1 ? [n] : [n, m], data };
}

/** The determinant by plain Gaussian elimination with partial pivoting. */
function refDet(a: Dense): number {
  const n = a.shape[0];
  const d = [...a.data];
  let det = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(d[r * n + c]) > Math.abs(d[p * n + c])) p = r;
    if (d[p * n + c] === 0) return 0;
    if (p !== c) {
      det = -det;
      for (let j = 0; j < n; j++) [d[p * n + j], d[c * n + j]] = [d[c * n + j], d[p * n + j]];
    }
    det *= d[c * n + c];
    for (let r = c + 1; r < n; r++) {
      const f = d[r * n + c] / d[c * n + c];
      for (let j = c; j < n; j++) d[r * n + j] -= f * d[c * n + j];
    }
  }
  return det;
}

async function dense(x: DaskArray): Promise<Dense> {
  return toDense(await x.compute(sync));
}

/** A random n x n matrix with zeros on the diagonal (so every step must pivot). */
function matrix(n: number, chunks: number | number[][], seed: number): DaskArray {
  const z = random.normal([n, n], { chunks: n, seed });
  const off = z.mul(
    fromArray(
      Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 0 : 1))),
    ),
  );
  return off.rechunk(chunks);
}

const CASES: [number, number | number[][]][] = [
  [1, 1],
  [5, 2],
  [
    7,
    [
      [3, 4],
      [2, 5],
    ],
  ],
  [12, 4],
  [
    12,
    [
      [5, 7],
      [1, 4, 7],
    ],
  ],
  [16, [[16], [4, 4, 4, 4]]],
];

describe('lu', () => {
  test.each(CASES)(
    'n = %i in %j: a = p l u, l unit lower, u upper, p a permutation',
    async (n, chunks) => {
      const a = matrix(n, chunks, n);
      const [p, l, u] = linalg.lu(a);
      expect(l.chunks).toEqual(a.chunks);
      const [A, P, L, U] = await Promise.all([a, p, l, u].map(dense));
      expectDense(mm(P, mm(L, U)), A, 1e-12);
      for (let i = 0; i < n; i++) {
        expect(L.data[i * n + i]).toBe(1);
        for (let j = i + 1; j < n; j++) expect(L.data[i * n + j]).toBe(0);
        for (let j = 0; j < i; j++) expect(U.data[i * n + j]).toBe(0);
        expect(Math.abs(L.data[i * n])).toBeLessThanOrEqual(1); // partial pivoting
      }
      const rowSums = Array.from({ length: n }, (_, i) =>
        P.data.slice(i * n, i * n + n).reduce((x, y) => x + y, 0),
      );
      expect(rowSums).toEqual(Array(n).fill(1));
      const d = await linalg.det(a).compute(sync);
      expect(Math.abs(d - refDet(A))).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.abs(refDet(A))));
    },
    60_000,
  );

  test('det of a singular matrix is 0; its solve fails naming the cause', async () => {
    const a = fromArray(
      [
        [1, 2, 3],
        [2, 4, 6],
        [1, 0, 1],
      ],
      { chunks: 2 },
    );
    expect(Math.abs(await linalg.det(a).compute(sync))).toBe(0);
    await expect(
      linalg.solve(a, fromArray([1, 2, 3], { chunks: 2 })).compute(sync),
    ).rejects.toThrow(/Singular matrix/);
  });
});

describe('solve, inv and solveTriangular over many blocks', () => {
  test.each(CASES.slice(1))(
    'n = %i in %j',
    async (n, chunks) => {
      const a = matrix(n, chunks, 100 + n);
      const b = random.normal([n, 3], { chunks: [Math.max(1, Math.floor(n / 2)), 2], seed: n });
      const v = random.normal([n], { chunks: 3, seed: n + 1 });
      const [A, B, V] = await Promise.all([a, b, v].map(dense));
      expectDense(mm(A, await dense(linalg.solve(a, b))), B, 1e-9);
      expectDense(mm(A, await dense(linalg.solve(a, v))), V, 1e-9);
      const eye: Dense = {
        shape: [n, n],
        data: Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? 1 : 0)),
      };
      const inv = linalg.inv(a);
      expect(inv.chunks).toEqual(a.chunks);
      expectDense(mm(A, await dense(inv)), eye, 1e-9);
      const [, l, u] = linalg.lu(a);
      const [L, U] = await Promise.all([l, u].map(dense));
      expectDense(
        mm(L, await dense(linalg.solveTriangular(l, b, { lower: true, unit: true }))),
        B,
        1e-9,
      );
      expectDense(mm(U, await dense(linalg.solveTriangular(u, v))), V, 1e-9);
    },
    60_000,
  );

  test('float32 stays float32', async () => {
    const a = matrix(6, 3, 7).astype('float32');
    expect(linalg.inv(a).dtype).toBe('float32');
    expect(linalg.solve(a, a).dtype).toBe('float32');
  });
});

describe('eigh and lstsq', () => {
  test('eigh: a v = v w, w ascending, v orthonormal', async () => {
    for (const n of [1, 2, 5, 9]) {
      const r = random.normal([n, n], { chunks: 3, seed: n });
      const s = r.add(r.T);
      const [w, v] = linalg.eigh(s);
      const [S, W, Vd] = await Promise.all([s, w, v].map(dense));
      const VW: Dense = { shape: [n, n], data: Vd.data.map((x, k) => x * W.data[k % n]) };
      expectDense(mm(S, Vd), VW, 1e-9);
      for (let i = 1; i < n; i++) expect(W.data[i]).toBeGreaterThanOrEqual(W.data[i - 1]);
      const VT: Dense = {
        shape: [n, n],
        data: Vd.data.map((_, k) => Vd.data[(k % n) * n + Math.floor(k / n)]),
      };
      const eye: Dense = {
        shape: [n, n],
        data: Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? 1 : 0)),
      };
      expectDense(mm(VT, Vd), eye, 1e-9);
    }
  }, 60_000);

  test('lstsq: the normal equations hold; residuals, rank', async () => {
    const a = random.normal([40, 4], { chunks: [10, 4], seed: 3 });
    const b = random.normal([40, 2], { chunks: [15, 2], seed: 4 });
    const [x, res, rank, s] = linalg.lstsq(a, b);
    const [A, B, X] = await Promise.all([a, b, x].map(dense));
    const AT: Dense = {
      shape: [4, 40],
      data: Array.from({ length: 160 }, (_, k) => A.data[(k % 40) * 4 + Math.floor(k / 40)]),
    };
    expectDense(mm(AT, mm(A, X)), mm(AT, B), 1e-9);
    const R = mm(A, X).data.map((v, k) => (v - B.data[k]) ** 2);
    expectDense(
      await dense(res),
      {
        shape: [2],
        data: [0, 1].map((c) => R.filter((_, k) => k % 2 === c).reduce((p, q) => p + q, 0)),
      },
      1e-9,
    );
    expect(await rank.compute(sync)).toBe(4);
    expect(s.shape).toEqual([4]);
  }, 60_000);
});

describe('errors', () => {
  test('name the shapes', () => {
    const a = random.normal([4, 3], { chunks: 2, seed: 1 });
    expect(() => linalg.lu(a)).toThrow(
      /lu: LinAlgError: expected a square matrix, got shape \(4, 3\)/,
    );
    expect(() => linalg.det(random.normal([4], { chunks: 2, seed: 1 }))).toThrow(
      /det: .*shape \(4,\) \(1 dimensions\)/,
    );
    const sq = random.normal([4, 4], { chunks: 2, seed: 1 });
    expect(() => linalg.solveTriangular(sq, random.normal([3], { chunks: 2, seed: 1 }))).toThrow(
      /b of shape \(3,\) does not match a of shape \(4, 4\)/,
    );
    expect(() => linalg.lstsq(a, random.normal([5], { chunks: 2, seed: 1 }))).toThrow(
      /lstsq: a of shape \(4, 3\) and b of shape \(5,\)/,
    );
    expect(() => linalg.lu(zeros([0, 0]))).toThrow(/lu: LinAlgError: the matrix is empty/);
    expect(() => linalg.eigh(a)).toThrow(
      /eigh: LinAlgError: expected a square matrix, got shape \(4, 3\)/,
    );
  });
});

const PY = '/usr/bin/python3';
const hasScipy =
  spawnSync(PY, ['-c', 'import numpy, scipy.linalg'], { encoding: 'utf8' }).status === 0;
if (!hasScipy) console.log(`skipping the NumPy/SciPy comparisons: ${PY} cannot import them`);
const npTest = hasScipy ? test : test.skip;

describe('against NumPy and SciPy', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dask-ts-lu-np-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  npTest(
    'lu (the same pivots), det, solve, inv, lstsq, eigh',
    async () => {
      const a = matrix(
        10,
        [
          [4, 6],
          [3, 3, 4],
        ],
        21,
      );
      const b = random.normal([10, 2], { chunks: [5, 1], seed: 22 });
      const t = random.normal([30, 3], { chunks: [8, 3], seed: 23 });
      const r = random.normal([6, 6], { chunks: 6, seed: 24 });
      const sym = r.add(r.T);
      for (const [k, v] of Object.entries({ a, b, t, sym }))
        await v.toNpy(join(dir, `${k}.npy`), sync);
      const [p, l, u] = linalg.lu(a);
      const [x] = linalg.lstsq(t, b.at(':3').rechunk([3, 1]).T.matmul(t.T).T);
      const [w, v] = linalg.eigh(sym);
      const ours: Record<string, DaskArray> = {
        p,
        l,
        u,
        det: linalg.det(a).reshape([1]),
        solve: linalg.solve(a, b),
        inv: linalg.inv(a),
        lstsq: x,
        w,
        vabs: v.abs(),
      };
      const code = `
import numpy as np, scipy.linalg as sl
L = lambda k: np.load(f'${dir}/{k}.npy')
a, b, t, sym = L('a'), L('b'), L('t'), L('sym')
p, l, u = sl.lu(a)
rhs = (b[:3].T @ t.T).T
w, v = np.linalg.eigh(sym)
out = dict(p=p, l=l, u=u, det=np.array([np.linalg.det(a)]), solve=np.linalg.solve(a, b), inv=np.linalg.inv(a),
  lstsq=np.linalg.lstsq(t, rhs, rcond=None)[0], w=w, vabs=np.abs(v))
for k, val in out.items(): np.save(f'${dir}/want-{k}.npy', np.ascontiguousarray(val))`;
      const res = spawnSync(PY, ['-c', code], { encoding: 'utf8', timeout: 60_000 });
      if (res.status !== 0) throw new Error(`python failed: ${res.stderr}`);
      for (const [k, val] of Object.entries(ours)) {
        const want = toDense(await fromNpy(join(dir, `want-${k}.npy`)).compute(sync));
        expectDense(await dense(val), want, 1e-9);
      }
    },
    60_000,
  );
});

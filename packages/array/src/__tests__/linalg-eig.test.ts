// linalg.eigvals and linalg.eig of general (nonsymmetric) matrices: against matrices whose
// eigenvalues are known (triangular, rotations, companion matrices of chosen roots), against the
// trace and determinant of random ones, eigenvectors by A v = w v, and against NumPy's eigvals and
// eig through .npy files (eigenvalues matched pairwise: the order of equal-modulus ones depends on
// the shifts each implementation picks; vectors compared up to a unit complex factor).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@dask-ts/scheduler';
import { fromArray, fromNpy, linalg, random, type ComplexArray } from '../index.js';

const PY = '/usr/bin/python3';
const sync = { scheduler: 'sync' } as const;
type C = [number, number];

async function pairs(w: ComplexArray): Promise<C[]> {
  const d = (await w.pairs.compute(sync)).data;
  return Array.from({ length: d.length / 2 }, (_, i) => [d[2 * i], d[2 * i + 1]]);
}

/** Every expected eigenvalue matched to a distinct computed one within `tol` (relative). */
function expectSame(got: C[], want: C[], tol: number): void {
  expect(got.length).toBe(want.length);
  const scale = Math.max(1, ...want.map(([re, im]) => Math.hypot(re, im)));
  const used = new Set<number>();
  for (const [re, im] of want) {
    let best = -1;
    let dist = Infinity;
    got.forEach(([r, i], k) => {
      const e = Math.hypot(r - re, i - im);
      if (!used.has(k) && e < dist) [best, dist] = [k, e];
    });
    used.add(best);
    expect([re, im, dist <= tol * scale]).toEqual([re, im, true]);
  }
}

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dask-ts-eig-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('linalg.eigvals', () => {
  test('known spectra: triangular, rotation, companion matrices, 1 x 1', async () => {
    const tri = fromArray([
      [3, 1, 4],
      [0, -2, 5],
      [0, 0, 7],
    ]);
    expectSame(
      await pairs(linalg.eigvals(tri)),
      [
        [3, 0],
        [-2, 0],
        [7, 0],
      ],
      1e-12,
    );
    const rot = fromArray([
      [0, -1],
      [1, 0],
    ]);
    const r = await pairs(linalg.eigvals(rot));
    expectSame(
      r,
      [
        [0, 1],
        [0, -1],
      ],
      1e-12,
    );
    expect(r[0][1]).toBeGreaterThan(0); // the positive imaginary part first, as LAPACK
    // The companion matrix of (x - 1)(x - 2)(x^2 + 2x + 5): roots 1, 2, -1 +- 2i.
    const coeffs = [1, -1, 1, -11, 10]; // x^4 - x^3 + x^2 - 11x + 10
    const n = 4;
    const comp = Array.from({ length: n }, (_, i) =>
      Array.from({ length: n }, (_, j) => (i === 0 ? -coeffs[j + 1] : i === j + 1 ? 1 : 0)),
    );
    expectSame(
      await pairs(linalg.eigvals(fromArray(comp, { chunks: 3 }))),
      [
        [1, 0],
        [2, 0],
        [-1, 2],
        [-1, -2],
      ],
      1e-10,
    );
    expectSame(await pairs(linalg.eigvals(fromArray([[5]]))), [[5, 0]], 0);
    expect(() => linalg.eigvals(fromArray([1, 2]))).toThrow(/square matrix, got shape \(2,\)/);
    await expect(
      linalg
        .eigvals(
          fromArray([
            [NaN, 1],
            [1, 1],
          ]),
        )
        .pairs.compute(sync),
    ).rejects.toThrow(/infs or NaNs/);
  }, 60_000);

  test('random matrices: the sum is the trace and the product the determinant', async () => {
    for (const n of [2, 7, 30]) {
      const a = random.normal([n, n], { chunks: Math.ceil(n / 2), seed: n });
      const w = await pairs(linalg.eigvals(a));
      const dense = (await a.compute(sync)).data;
      let trace = 0;
      for (let i = 0; i < n; i++) trace += dense[i * n + i];
      const sum = w.reduce((s, [re]) => s + re, 0);
      expect(Math.abs(sum - trace)).toBeLessThan(1e-9 * n);
      expect(Math.abs(w.reduce((s, [, im]) => s + im, 0))).toBeLessThan(1e-9 * n);
      let [pr, pi] = [1, 0];
      for (const [re, im] of w) [pr, pi] = [pr * re - pi * im, pr * im + pi * re];
      const det = await linalg.det(a).compute(sync);
      expect(Math.abs(pr - det)).toBeLessThan(1e-8 * Math.max(1, Math.abs(det)));
      expect(Math.abs(pi)).toBeLessThan(1e-8 * Math.max(1, Math.abs(det)));
    }
  }, 60_000);

  test("NumPy's eigvals on random, int64 and defective matrices", async () => {
    const cases = {
      a5: random.normal([5, 5], { chunks: 2, seed: 11 }),
      a40: random.uniform([40, 40], { chunks: 16, seed: 12 }),
      i6: fromArray(
        BigInt64Array.from({ length: 36 }, (_, i) => BigInt(((i * 7919) % 23) - 11)),
        {
          shape: [6, 6],
        },
      ),
      // A Jordan-like block with a tiny perturbation, and a permutation (all on the unit circle).
      jd: fromArray([
        [2, 1, 0],
        [0, 2, 1],
        [1e-9, 0, 2],
      ]),
      pm: fromArray([
        [0, 0, 0, 1],
        [1, 0, 0, 0],
        [0, 1, 0, 0],
        [0, 0, 1, 0],
      ]),
    };
    for (const [name, x] of Object.entries(cases)) await x.toNpy(join(dir, `${name}.npy`), sync);
    const py = spawnSync(
      PY,
      [
        '-c',
        `import numpy as np
for k in ${JSON.stringify(Object.keys(cases))}:
    w = np.linalg.eigvals(np.load('${dir}/' + k + '.npy').astype(float))
    np.save('${dir}/want-' + k + '.npy', np.stack([w.real, w.imag], axis=-1))`,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    if (py.status !== 0) {
      console.log(`skipping the NumPy comparison: ${py.stderr.slice(0, 200)}`);
      return;
    }
    for (const [name, x] of Object.entries(cases)) {
      const want = (await fromNpy(join(dir, `want-${name}.npy`)).compute(sync)).data;
      const w: C[] = Array.from({ length: want.length / 2 }, (_, i) => [
        want[2 * i],
        want[2 * i + 1],
      ]);
      // The perturbed Jordan block's eigenvalues move by about the cube root of 1e-9.
      expectSame(await pairs(linalg.eigvals(x)), w, name === 'jd' ? 1e-6 : 1e-9);
    }
  }, 60_000);

  test("eig: A v = w v with unit vectors, and NumPy's vectors up to phase", async () => {
    for (const [n, seed] of [
      [1, 1],
      [4, 21],
      [9, 22],
      [25, 23],
    ]) {
      const a = random.normal([n, n], { chunks: Math.max(1, Math.ceil(n / 2)), seed });
      const [w, v] = linalg.eig(a);
      expect(v.shape).toEqual([n, n]);
      const A = (await a.compute(sync)).data;
      const W = await pairs(w);
      const V = (await v.pairs.compute(sync)).data;
      const at = (i: number, j: number): C => [V[(i * n + j) * 2], V[(i * n + j) * 2 + 1]];
      for (let j = 0; j < n; j++) {
        let norm = 0;
        let err = 0;
        for (let i = 0; i < n; i++) {
          norm += at(i, j)[0] ** 2 + at(i, j)[1] ** 2;
          let [sr, si] = [0, 0];
          for (let k = 0; k < n; k++)
            [sr, si] = [sr + A[i * n + k] * at(k, j)[0], si + A[i * n + k] * at(k, j)[1]];
          const [lr, li] = W[j];
          const [xr, xi] = at(i, j);
          err = Math.max(err, Math.hypot(sr - (lr * xr - li * xi), si - (lr * xi + li * xr)));
        }
        expect([
          n,
          j,
          Math.abs(norm - 1) < 1e-12,
          err < 1e-9 * Math.max(1, Math.hypot(...W[j])),
        ]).toEqual([n, j, true, true]);
      }
    }
    const a = random.normal([6, 6], { chunks: 4, seed: 31 });
    await a.toNpy(join(dir, 'e6.npy'), sync);
    const py = spawnSync(
      PY,
      [
        '-c',
        `import numpy as np
w, v = np.linalg.eig(np.load('${dir}/e6.npy'))
np.save('${dir}/e6-w.npy', np.stack([w.real, w.imag], axis=-1))
np.save('${dir}/e6-v.npy', np.stack([v.real, v.imag], axis=-1))`,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    if (py.status !== 0) return;
    const nw = (await fromNpy(join(dir, 'e6-w.npy')).compute(sync)).data;
    const nv = (await fromNpy(join(dir, 'e6-v.npy')).compute(sync)).data;
    const [w, v] = linalg.eig(a);
    const W = await pairs(w);
    const V = (await v.pairs.compute(sync)).data;
    for (let j = 0; j < 6; j++) {
      // NumPy's eigenvalue j is ours at k; the vectors differ by a unit factor c = <ours, NumPy's>.
      const k = W.findIndex(([r, i]) => Math.hypot(r - nw[2 * j], i - nw[2 * j + 1]) < 1e-9);
      expect(k).toBeGreaterThanOrEqual(0);
      let [cr, ci] = [0, 0];
      for (let i = 0; i < 6; i++) {
        const [ar, ai] = [V[(i * 6 + k) * 2], V[(i * 6 + k) * 2 + 1]];
        const [br, bi] = [nv[(i * 6 + j) * 2], nv[(i * 6 + j) * 2 + 1]];
        [cr, ci] = [cr + ar * br + ai * bi, ci + ar * bi - ai * br];
      }
      expect(Math.abs(Math.hypot(cr, ci) - 1)).toBeLessThan(1e-9);
    }
  }, 60_000);
});

// linalg.eigvals of general (nonsymmetric) matrices: against matrices whose eigenvalues are known
// (triangular, rotations, companion matrices of chosen roots), against the trace and determinant
// of random ones, and against NumPy's eigvals through .npy files (matched pairwise: the order of
// equal-modulus eigenvalues depends on the shifts each implementation picks).
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
});

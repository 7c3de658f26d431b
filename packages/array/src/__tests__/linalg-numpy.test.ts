// The contractions and linalg against NumPy on a fixed set of cases, through .npy files: the
// inputs are written with toNpy, /usr/bin/python3 computes NumPy's answers and saves them, and
// fromNpy reads them back to compare (skipped, with the reason printed, when that Python has no
// NumPy). QR and SVD factors are compared up to the signs NumPy's LAPACK picks. The same
// operations also run on the threads scheduler (worker threads load the kernels by URL).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createThreadsScheduler } from '@dask-ts/scheduler';
import {
  dot,
  einsum,
  fromArray,
  fromNpy,
  linalg,
  matmul,
  outer,
  random,
  tensordot,
  type DaskArray,
} from '../index.js';
import { expectDense, toDense } from './reference.js';

const PY = '/usr/bin/python3';
const hasNumpy = spawnSync(PY, ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;
if (!hasNumpy) console.log(`skipping the NumPy comparisons: ${PY} cannot import numpy`);
const npTest = hasNumpy ? test : test.skip;
const sync = { scheduler: 'sync' } as const;

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dask-ts-linalg-np-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Our results and NumPy's for the same inputs: `code` sees the inputs by name, sets `out`. */
async function compare(
  inputs: Record<string, DaskArray>,
  ours: Record<string, DaskArray>,
  code: string,
  rtol = 1e-10,
  abs = false,
): Promise<void> {
  for (const [name, x] of Object.entries(inputs)) await x.toNpy(join(dir, `${name}.npy`), sync);
  const load = Object.keys(inputs)
    .map((n) => `${n} = np.load('${dir}/${n}.npy')`)
    .join('\n');
  const save = Object.keys(ours)
    .map((n) => `np.save('${dir}/want-${n}.npy', np.array(out['${n}'], order='C'))`)
    .join('\n');
  const r = spawnSync(PY, ['-c', `import numpy as np\n${load}\nout = {}\n${code}\n${save}`], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  for (const [name, x] of Object.entries(ours)) {
    const got = toDense(await x.compute(sync));
    const want = toDense(await fromNpy(join(dir, `want-${name}.npy`)).compute(sync));
    const f = (d: typeof got) => (abs ? { shape: d.shape, data: d.data.map(Math.abs) } : d);
    expectDense(f(got), f(want), rtol);
  }
}

describe('against NumPy', () => {
  npTest(
    'matmul with broadcast batches, tensordot, dot, outer, einsum',
    async () => {
      const a = random.normal([2, 1, 3, 4], { chunks: [1, 1, 2, 3], seed: 1 });
      const b = random.normal([5, 4, 2], { chunks: [2, 2, 1], seed: 2 });
      const c = random.normal([4, 3, 5], { chunks: [3, 2, 2], seed: 3 });
      const v = random.normal([4], { chunks: 3, seed: 4 });
      await compare(
        { a, b, c, v },
        {
          mm: matmul(a, b),
          td: tensordot(c, b, [
            [0, 2],
            [1, 0],
          ]),
          dt: dot(a, v),
          ou: outer(v, c),
          es: einsum('ijk,il->kjl', c, b.at('0')),
        },
        `out['mm'] = a @ b
out['td'] = np.tensordot(c, b, axes=([0, 2], [1, 0]))
out['dt'] = np.dot(a, v)
out['ou'] = np.outer(v, c)
out['es'] = np.einsum('ijk,il->kjl', c, b[0])`,
      );
    },
    60_000,
  );

  npTest(
    'solve, inv, cholesky, norm',
    async () => {
      const r = random.normal([6, 6], { chunks: 4, seed: 5 });
      const s = r
        .matmul(r.T)
        .add(
          fromArray(
            Array.from({ length: 6 }, (_, i) =>
              Array.from({ length: 6 }, (_, j) => (i === j ? 6 : 0)),
            ),
          ),
        );
      const b = random.normal([6, 2], { chunks: [4, 1], seed: 6 });
      await compare(
        { s, b },
        {
          x: linalg.solve(s, b),
          inv: linalg.inv(s),
          chol: linalg.cholesky(s, { lower: true }),
          n1: linalg.norm(s, { ord: 1 }),
          n2: linalg.norm(s, { ord: 2 }),
          nuc: linalg.norm(s, { ord: 'nuc' }),
          v3: linalg.norm(b, { ord: 3, axis: 0 }),
        },
        `out['x'] = np.linalg.solve(s, b)
out['inv'] = np.linalg.inv(s)
out['chol'] = np.linalg.cholesky(s)
out['n1'] = np.linalg.norm(s, 1)
out['n2'] = np.linalg.norm(s, 2)
out['nuc'] = np.linalg.norm(s, 'nuc')
out['v3'] = np.linalg.norm(b, 3, axis=0)`,
        1e-9,
      );
    },
    60_000,
  );

  npTest(
    'TSQR qr and svd (up to signs)',
    async () => {
      const a = random.normal([40, 5], { chunks: [9, 5], seed: 7 });
      const [, r] = linalg.qr(a);
      const [, s] = linalg.svd(a);
      await compare(
        { a },
        { r, s },
        `out['r'] = np.linalg.qr(a)[1]
out['s'] = np.linalg.svd(a, compute_uv=False)`,
        1e-9,
        true,
      );
    },
    60_000,
  );
});

describe('on threads', () => {
  test('qr, svd, solve and a tree-summed matmul equal sync', async () => {
    const threads = createThreadsScheduler({ workers: 2 });
    try {
      const a = random.normal([60, 6], { chunks: [10, 3], seed: 8 });
      const b = random.normal([6, 30], { chunks: [2, 7], seed: 9 });
      const [q, r] = linalg.qr(a);
      const [u, s, vt] = linalg.svd(a);
      const sq = matmul(a.T, a);
      for (const x of [q, r, u, s, vt, matmul(a, b, { splitEvery: 2 }), linalg.solve(sq, a.T)]) {
        expectDense(
          toDense(await x.compute({ scheduler: threads })),
          toDense(await x.compute(sync)),
          1e-12,
        );
      }
      expect(q.shape).toEqual([60, 6]);
    } finally {
      await threads.close?.();
    }
  }, 120_000);
});

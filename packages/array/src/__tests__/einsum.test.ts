// einsum with ellipses: each case against the same contraction written with letters (the plain
// form, already checked against a whole-array reference in matmul.test.ts), broadcasting of
// length-1 axes, implicit output, errors; and a fixed set against NumPy through .npy files.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@dask-ts/scheduler';
import { einsum, fromNpy, random, type DaskArray } from '../index.js';
import { expectDense, toDense } from './reference.js';

const sync = { scheduler: 'sync' } as const;

async function same(a: DaskArray, b: DaskArray): Promise<void> {
  expect(a.shape).toEqual(b.shape);
  expectDense(toDense(await a.compute(sync)), toDense(await b.compute(sync)), 1e-12);
}

const r = (shape: number[], chunks: number | number[], seed: number): DaskArray =>
  random.normal(shape, { chunks, seed });

describe('einsum with ...', () => {
  test('batched products, transposes, sums and traces of the batch', async () => {
    const a = r([2, 3, 4, 5], [1, 2, 3, 2], 1);
    const b = r([2, 3, 5, 6], [2, 1, 2, 4], 2);
    await same(einsum('...ij,...jk->...ik', a, b), einsum('xyij,xyjk->xyik', a, b));
    await same(einsum('...ij->...ji', a), einsum('xyij->xyji', a));
    await same(einsum('i...j->...', a), einsum('ixyj->xy', a));
    await same(einsum('...j->j...', a), einsum('xyzj->jxyz', a));
    // implicit output: the ellipsis axes first, then the letters that appear once
    await same(einsum('...ij,...jk', a, b), einsum('xyij,xyjk->xyik', a, b));
    await same(einsum('i...', a), einsum('ixyz->xyzi', a));
  }, 60_000);

  test('operands of different ranks broadcast right-aligned, length-1 axes stretch', async () => {
    const a = r([2, 3, 4, 5], [1, 2, 3, 2], 3);
    const m = r([5, 6], [2, 3], 4);
    const one = r([1, 4, 5], [1, 2, 5], 5);
    await same(einsum('...ij,jk->...ik', a, m), einsum('xyij,jk->xyik', a, m));
    await same(
      einsum('...ij,...ij->...i', a, one),
      einsum('xyij,yij->xyi', a, one.at('0').expandDims(0)),
    );
    await same(
      einsum('...,...->...', r([3], 3, 6), r([4, 1], 2, 7)),
      einsum(
        'i,ji->ji',
        r([3], 3, 6),
        r([4, 1], 2, 7).at(':, 0').expandDims(1).broadcastTo([4, 3]),
      ),
    );
    // an ellipsis of no axes
    await same(
      einsum('...i,...i->...', r([4], 2, 8), r([4], 4, 9)),
      einsum('i,i->', r([4], 2, 8), r([4], 4, 9)),
    );
  }, 60_000);

  test('errors name the subscripts', () => {
    const x = r([3, 4], 2, 1);
    expect(() => einsum('...i->i', x)).toThrow(
      /ellipsis \('\.\.\.'\) of the operands stands for 1 axes but the output 'i' has none/,
    );
    expect(() => einsum('ij...->', r([3, 4, 5], 2, 1))).toThrow(
      /stands for 1 axes but the output '' has none/,
    );
    expect(() => einsum('.i->i', x)).toThrow(/at most one '\.\.\.'/);
    expect(() => einsum('...i...->i', x)).toThrow(/at most one/);
    expect(() => einsum('ijk...->i', x)).toThrow(
      /operand 0 has 2 dimensions, fewer than 'ijk\.\.\.' names/,
    );
    expect(() => einsum('...i,...i->...i', r([2, 3], 2, 1), r([4, 3], 2, 1))).toThrow(
      /subscript '\.\.\.' has lengths 2 and 4/,
    );
  });
});

const PY = '/usr/bin/python3';
const hasNumpy = spawnSync(PY, ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;
if (!hasNumpy) console.log(`skipping the NumPy comparisons: ${PY} cannot import numpy`);
const npTest = hasNumpy ? test : test.skip;

describe('against NumPy', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dask-ts-einsum-np-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  npTest(
    'ellipsis cases',
    async () => {
      const a = r([2, 3, 4, 5], [1, 2, 3, 2], 11);
      const b = r([3, 5, 2], [2, 5, 1], 12);
      const c = r([1, 4, 5], [1, 2, 3], 13);
      const d = r([4, 1, 2], [3, 1, 1], 14);
      for (const [k, v] of Object.entries({ a, b, c, d }))
        await v.toNpy(join(dir, `${k}.npy`), sync);
      const cases: Record<string, [string, DaskArray[]]> = {
        p: ['...ij,...jk->...ik', [a, b]],
        q: ['...ij,...ij->...', [a, c]],
        s: ['i...j', [a]],
        t: ['...ij,...jk', [c, b]],
        u: ['k...,...->...k', [b, d]],
      };
      const ops = (names: string) => names;
      const code = Object.entries(cases)
        .map(
          ([k, [sub, xs]]) =>
            `np.save('${dir}/want-${k}.npy', np.ascontiguousarray(np.einsum('${sub}', ${xs.map((x) => (x === a ? 'a' : x === b ? 'b' : x === c ? 'c' : 'd')).join(', ')})))`,
        )
        .join('\n');
      const res = spawnSync(
        PY,
        [
          '-c',
          `import numpy as np\n${['a', 'b', 'c', 'd'].map((n) => `${ops(n)} = np.load('${dir}/${n}.npy')`).join('\n')}\n${code}`,
        ],
        { encoding: 'utf8', timeout: 60_000 },
      );
      if (res.status !== 0) throw new Error(`python failed: ${res.stderr}`);
      for (const [k, [sub, xs]] of Object.entries(cases)) {
        const want = toDense(await fromNpy(join(dir, `want-${k}.npy`)).compute(sync));
        const got = einsum(sub, ...(xs as [DaskArray, ...DaskArray[]]));
        expectDense(toDense(await got.compute(sync)), want, 1e-12);
      }
    },
    60_000,
  );
});

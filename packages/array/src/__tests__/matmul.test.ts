// matmul, dot, tensordot and outer against a plain einsum-style reference over shapes, chunkings
// (summed axes cut differently on both sides, batch axes that broadcast), dtypes and trees of
// partial sums; the gemm kernel (WebAssembly SIMD and JavaScript) against a naive loop with
// strided operands; and NumPy's shape errors.
import { describe, expect, test } from '@jest/globals';
import '@dask-ts/scheduler';
import { daskGraph } from '@dask-ts/protocol';
import { dot, einsum, matmul, outer, tensordot, type DaskArray, type Dtype } from '../index.js';
import { gemm, gemmEngine, type Mat } from '../matmul-kernel.js';
import {
  cast,
  expectDense,
  pair,
  size,
  strides,
  toDense,
  unravel,
  type Dense,
} from './reference.js';

const sync = { scheduler: 'sync' } as const;

/** out[outLabels] = sum over the other labels of a[la] * b[lb]; result cast to dtype. */
function refContract(
  a: Dense,
  la: readonly number[],
  b: Dense,
  lb: readonly number[],
  lo: readonly number[],
  dtype: Dtype,
): Dense {
  const len = new Map<number, number>();
  la.forEach((l, i) => len.set(l, Math.max(len.get(l) ?? 1, a.shape[i])));
  lb.forEach((l, i) => len.set(l, Math.max(len.get(l) ?? 1, b.shape[i])));
  const summed = [...new Set([...la, ...lb])].filter((l) => !lo.includes(l));
  const outShape = lo.map((l) => len.get(l)!);
  const sumShape = summed.map((l) => len.get(l)!);
  const sa = strides(a.shape);
  const sb = strides(b.shape);
  const data: number[] = [];
  for (let f = 0; f < size(outShape); f++) {
    const oi = unravel(f, outShape);
    let acc = 0;
    for (let g = 0; g < size(sumShape); g++) {
      const si = unravel(g, sumShape);
      const at = (l: number): number =>
        lo.includes(l) ? oi[lo.indexOf(l)] : si[summed.indexOf(l)];
      let oa = 0;
      la.forEach((l, i) => (oa += (a.shape[i] === 1 ? 0 : at(l)) * sa[i]));
      let ob = 0;
      lb.forEach((l, i) => (ob += (b.shape[i] === 1 ? 0 : at(l)) * sb[i]));
      acc += a.data[oa] * b.data[ob];
    }
    data.push(cast(acc, dtype));
  }
  return { shape: outShape, data };
}

async function check(got: DaskArray, want: Dense, rtol = 1e-12): Promise<void> {
  expectDense(toDense(await got.compute(sync)), want, rtol);
}

describe('the gemm kernel', () => {
  const naive = (A: Mat, B: Mat): number[] => {
    const out: number[] = [];
    for (let i = 0; i < A.rows; i++)
      for (let j = 0; j < B.cols; j++) {
        let s = 0;
        for (let p = 0; p < A.cols; p++)
          s += A.data[A.offset + i * A.rs + p * A.cs] * B.data[B.offset + p * B.rs + j * B.cs];
        out.push(s);
      }
    return out;
  };
  test.each(['wasm-simd', 'js'] as const)(
    '%s matches a naive loop, strided and with edges',
    (engine) => {
      if (engine === 'wasm-simd') expect(gemmEngine()).toBe('wasm-simd');
      for (const [m, k, n] of [
        [1, 1, 1],
        [5, 7, 3],
        [67, 300, 33],
        [130, 513, 9],
      ]) {
        const a = Float64Array.from({ length: m * k + 3 }, (_, i) => Math.sin(i));
        const b = Float64Array.from({ length: k * n + 2 }, (_, i) => Math.cos(i * 0.7));
        const A: Mat = { data: a, offset: 3, rows: m, cols: k, rs: k, cs: 1 };
        const B: Mat = { data: b, offset: 2, rows: k, cols: n, rs: 1, cs: k }; // column-major
        const got = gemm(
          [
            [A, B],
            [A, B],
          ],
          engine,
        );
        const want = naive(A, B).map((v) => 2 * v);
        expect(got.length).toBe(m * n);
        got.forEach((v, i) =>
          expect(Math.abs(v - want[i])).toBeLessThan(1e-9 * (1 + Math.abs(want[i]))),
        );
      }
    },
  );
});

describe('matmul', () => {
  const cases: [
    number[],
    number[],
    ReturnType<typeof Array.of<number | number[]>>,
    ReturnType<typeof Array.of<number | number[]>>,
  ][] = [
    [
      [6, 5],
      [5, 7],
      [4, 2],
      [3, 3],
    ],
    [
      [9, 10],
      [10, 4],
      [
        [2, 7],
        [6, 4],
      ],
      [[3, 3, 4], 2],
    ],
    [[5], [5, 3], [2], [2, 2]],
    [[4, 6], [6], [2, 4], [5]],
    [[7], [7], [3], [4]],
    [
      [2, 3, 4],
      [4, 5],
      [1, 2, 3],
      [2, 2],
    ],
    [
      [1, 3, 4],
      [2, 4, 5],
      [1, 3, 2],
      [1, 2, 5],
    ],
    [
      [3, 1, 2, 4],
      [5, 4, 3],
      [2, 1, 2, 4],
      [2, 4, 1],
    ],
  ];
  test.each(cases)('%j @ %j (chunks %j, %j)', async (sa, sb, ca, cb) => {
    const { x, ref: ra } = pair(sa, 'float64', ca, 1);
    const { x: y, ref: rb } = pair(sb, 'float64', cb, 2);
    const nb = Math.max(sa.length - 2, sb.length - 2, 0);
    const lab = (s: number[], isB: boolean): number[] => {
      if (s.length === 1) return [nb + 1];
      const batch = Array.from({ length: s.length - 2 }, (_, i) => nb - (s.length - 2) + i);
      return isB ? [...batch, nb + 1, nb + 2] : [...batch, nb, nb + 1];
    };
    const lo = Array.from({ length: nb }, (_, i) => i);
    if (sa.length > 1) lo.push(nb);
    if (sb.length > 1) lo.push(nb + 2);
    await check(matmul(x, y), refContract(ra, lab(sa, false), rb, lab(sb, true), lo, 'float64'));
    await check(
      x.matmul(y, { splitEvery: 2 }),
      refContract(ra, lab(sa, false), rb, lab(sb, true), lo, 'float64'),
    );
  });

  test.each([
    ['float32', 'float32', 'float32'],
    ['int32', 'int16', 'int32'],
    ['uint8', 'int8', 'int16'],
    ['bool', 'bool', 'bool'],
    ['int8', 'float64', 'float64'],
  ] as const)('%s @ %s gives %s', async (ta, tb, tr) => {
    const { x, ref: ra } = pair([6, 9], ta, [4, 2], 3);
    const { x: y, ref: rb } = pair([9, 5], tb, [3, 3], 4);
    const z = matmul(x, y);
    expect(z.dtype).toBe(tr);
    await check(
      z,
      refContract(ra, [0, 1], rb, [1, 2], [0, 2], tr),
      ta === 'float32' ? 1e-5 : 1e-12,
    );
  });

  test('sums products in a tree of splitEvery partials', async () => {
    const { x, ref: ra } = pair([4, 40], 'float64', [2, 3], 5);
    const { x: y, ref: rb } = pair([40, 3], 'float64', [5, 3], 6);
    const z = matmul(x, y, { splitEvery: 2 });
    const names = new Set([...z[daskGraph]().keys()].map((k) => JSON.parse(k)[0] as string));
    expect([...names].filter((n) => n.startsWith('matmul-sum')).length).toBeGreaterThan(0);
    await check(z, refContract(ra, [0, 1], rb, [1, 2], [0, 2], 'float64'));
  });

  test('raises NumPy’s errors when the expression is built', () => {
    const { x } = pair([3, 4], 'float64', 2);
    const { x: y } = pair([5, 2], 'float64', 2);
    expect(() => matmul(x, y)).toThrow(
      /mismatch in its core dimension 0.*size 5 is different from 4/,
    );
    expect(() => matmul(pair([2, 3, 4], 'float64', 2).x, pair([3, 4, 2], 'float64', 2).x)).toThrow(
      /could not be broadcast together with shapes \(2, 3, 4\) \(3, 4, 2\)/,
    );
    expect(() => dot(x, y)).toThrow(
      /shapes \(3, 4\) and \(5, 2\) not aligned: 4 \(dim 1\) != 5 \(dim 0\)/,
    );
    expect(() => tensordot(x, y, [[0], [0]])).toThrow(/shape-mismatch for sum/);
    expect(() => tensordot(x, y, [[2], [0]])).toThrow(/axis 2 is out of bounds/);
  });
});

describe('dot, tensordot and outer', () => {
  test('dot of vectors is a 0-d array (a number when computed)', async () => {
    const { x, ref } = pair([10], 'float64', 3);
    const v = await dot(x, x).compute(sync);
    expect(v).toBeCloseTo(
      ref.data.reduce((s, a) => s + a * a, 0),
      9,
    );
  });
  test('dot of an N-d and an M-d array sums the last axis with the second-to-last', async () => {
    const { x, ref: ra } = pair([2, 3, 4], 'float64', [1, 2, 3], 7);
    const { x: y, ref: rb } = pair([5, 4, 2], 'float64', [2, 2, 1], 8);
    await check(dot(x, y), refContract(ra, [0, 1, 2], rb, [3, 2, 4], [0, 1, 3, 4], 'float64'));
    const { x: v, ref: rv } = pair([4], 'float64', 3, 9);
    await check(x.dot(v), refContract(ra, [0, 1, 2], rv, [2], [0, 1], 'float64'));
  });
  test('tensordot over a count and over axis lists', async () => {
    const { x, ref: ra } = pair([3, 4, 5], 'float64', [2, 3, 2], 10);
    const { x: y, ref: rb } = pair([4, 5, 2], 'float64', [2, 4, 1], 11);
    await check(tensordot(x, y), refContract(ra, [0, 1, 2], rb, [1, 2, 3], [0, 3], 'float64'));
    const { x: z, ref: rz } = pair([5, 6, 3], 'float64', [3, 4, 1], 12);
    await check(
      tensordot(x, z, [
        [2, 0],
        [0, 2],
      ]),
      refContract(ra, [0, 1, 2], rz, [2, 5, 0], [1, 5], 'float64'),
    );
    await check(
      tensordot(x, y, 0),
      refContract(ra, [0, 1, 2], rb, [3, 4, 5], [0, 1, 2, 3, 4, 5], 'float64'),
    );
  });
  test('outer ravels its operands', async () => {
    const { x, ref: ra } = pair([2, 3], 'int16', [1, 2], 13);
    const { x: y, ref: rb } = pair([4], 'int16', 3, 14);
    const z = outer(x, y);
    expect(z.shape).toEqual([6, 4]);
    await check(z, refContract({ shape: [6], data: ra.data }, [0], rb, [1], [0, 1], 'int16'));
  });
});

describe('einsum', () => {
  const L = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
  test.each([
    [
      'ij,jk->ik',
      [
        [5, 4],
        [4, 3],
      ],
      [
        [2, 3],
        [3, 2],
      ],
    ],
    [
      'ij,kj->ik',
      [
        [5, 4],
        [6, 4],
      ],
      [
        [2, 2],
        [4, 3],
      ],
    ],
    [
      'bij,bjk->bik',
      [
        [3, 2, 4],
        [3, 4, 5],
      ],
      [
        [2, 1, 3],
        [1, 2, 2],
      ],
    ],
    ['ij,j->i', [[4, 6], [6]], [[2, 4], [4]]],
    ['i,i->', [[7], [7]], [[3], [4]]],
    [
      'ij,kl->ikjl',
      [
        [2, 3],
        [4, 2],
      ],
      [
        [1, 2],
        [3, 1],
      ],
    ],
    [
      'ijk,jl->li',
      [
        [3, 4, 2],
        [4, 5],
      ],
      [
        [2, 3, 1],
        [2, 2],
      ],
    ],
    [
      'ij,jk',
      [
        [3, 4],
        [4, 2],
      ],
      [
        [2, 2],
        [3, 1],
      ],
    ],
  ] as const)('%s', async (subscripts, shapes, chunks) => {
    const ops = shapes.map((s, k) => pair([...s], 'float64', [...chunks[k]], 40 + k));
    const spec = subscripts.replace(/\s/g, '');
    const [lhs, rhs] = spec.includes('->') ? spec.split('->') : [spec, undefined];
    const terms = lhs.split(',');
    // Reference: sum the one-operand-only labels as the contraction does (refContract sums
    // every label not in the output).
    const implicit = [...new Set(terms.join(''))]
      .filter((c) => terms.join('').split(c).length === 2)
      .sort()
      .join('');
    const out = rhs ?? implicit;
    const z = einsum(subscripts, ops[0].x, ops[1].x);
    await check(
      z,
      refContract(ops[0].ref, L(terms[0]), ops[1].ref, L(terms[1]), L(out), 'float64'),
    );
  });
  test('one operand: transpose and sums', async () => {
    const { x, ref } = pair([3, 4, 2], 'float64', [2, 3, 1], 50);
    const one = { shape: [1], data: [1] };
    await check(einsum('ijk->kji', x), refContract(ref, [0, 1, 2], one, [9], [2, 1, 0], 'float64'));
    await check(einsum('ijk->j', x), refContract(ref, [0, 1, 2], one, [9], [1], 'float64'));
  });
  test('errors name the subscripts', () => {
    const { x } = pair([3, 4], 'float64', 2);
    const { x: y } = pair([5, 2], 'float64', 2);
    expect(() => einsum('ij,jk->ik', x, y)).toThrow(/subscript 'j' has lengths 4 and 5/);
    expect(() => einsum('ii->i', x)).toThrow(/repeated subscript in 'ii'/);
    expect(() => einsum('...i->i', x)).toThrow(/ellipsis/);
    expect(() => einsum('ijk->i', x)).toThrow(
      /operand 0 has 2 dimensions but subscripts 'ijk' name 3/,
    );
    expect(() => einsum('ij->q', x)).toThrow(/output subscript 'q' appears in no operand/);
  });
});

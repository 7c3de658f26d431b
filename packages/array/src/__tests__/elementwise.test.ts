// Elementwise operations against the plain reference (the same operation on the whole array in
// memory), over several shapes and chunkings (broadcasting, operands cut differently), every
// dtype, numbers as operands, on the `sync` scheduler; and the errors raised when an expression
// is built.
import { describe, expect, test } from '@jest/globals';
import '@dask-ts/scheduler';
import {
  add,
  DTYPES,
  resultType,
  scalarResultType,
  where,
  type DaskArray,
  type Dtype,
  fromArray,
} from '../index.js';
import { expectDense, pair, refMap, toDense, type Dense } from './reference.js';

const sync = { scheduler: 'sync' } as const;

function pyMod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

const BIN: Record<string, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: (a, b) => Math.pow(a, b),
  mod: pyMod,
  maximum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)),
  minimum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b)),
  eq: (a, b) => +(a === b),
  ne: (a, b) => +(a !== b),
  lt: (a, b) => +(a < b),
  le: (a, b) => +(a <= b),
  gt: (a, b) => +(a > b),
  ge: (a, b) => +(a >= b),
};
type BinName = keyof typeof BIN & string;

function expectedDtype(op: string, a: Dtype, b: Dtype | number): Dtype {
  if (['eq', 'ne', 'lt', 'le', 'gt', 'ge'].includes(op)) return 'bool';
  const t = typeof b === 'number' ? scalarResultType(a, b) : resultType(a, b);
  if (op === 'div') return t.startsWith('float') ? t : 'float64';
  return t;
}

function refOp(op: string, t: Dtype): (a: number, b: number) => number {
  if (op === 'mul' && (t === 'int32' || t === 'uint32')) return Math.imul;
  return BIN[op];
}

function call(x: DaskArray, op: BinName, y: DaskArray | number): DaskArray {
  return (x[op as 'add'] as (o: DaskArray | number) => DaskArray).call(x, y);
}

const LAYOUTS: [number[], number[], number[], number[]][] = [
  // shape a, chunks a, shape b, chunks b
  [[7], [3], [7], [3]],
  [
    [5, 6],
    [2, 4],
    [5, 6],
    [3, 2],
  ],
  [
    [3, 4, 5],
    [2, 3, 2],
    [4, 5],
    [4, 5],
  ],
  [
    [1, 8],
    [1, 3],
    [6, 1],
    [4, 1],
  ],
  [[4, 6], [2, 3], [6], [4]],
];

describe('binary operations', () => {
  test.each(Object.keys(BIN))(
    '%s over shapes, chunkings and broadcasting (float64, int16)',
    async (op) => {
      for (const [sa, ca, sb, cb] of LAYOUTS) {
        for (const [da, db] of [
          ['float64', 'float64'],
          ['int16', 'int16'],
          ['int8', 'float32'],
        ] as [Dtype, Dtype][]) {
          const a = pair(sa, da, ca, 1);
          const b = pair(sb, db, cb, 2);
          const z = call(a.x, op, b.x);
          const t = expectedDtype(op, da, db);
          expect(z.dtype).toBe(t);
          expect(z.shape).toEqual(refMap(BIN.add, [a.ref, b.ref], 'float64').shape);
          const got = toDense(await z.compute(sync));
          expectDense(got, refMap(refOp(op, t), [a.ref, b.ref], t));
        }
      }
    },
  );

  test.each(DTYPES.map((d) => [d]))(
    'every operation on %s with itself and with numbers',
    async (d) => {
      const a = pair([6, 5], d, [4, 2], 3);
      const b = pair([6, 5], d, [3, 5], 4);
      for (const op of Object.keys(BIN)) {
        if (d === 'bool' && op === 'sub') continue;
        for (const other of [b, 3, 2.5, -2] as const) {
          const operand = typeof other === 'number' ? other : other.x;
          const t = expectedDtype(op, d, typeof other === 'number' ? other : d);
          const z = call(a.x, op, operand);
          expect(`${op} ${z.dtype}`).toBe(`${op} ${t}`);
          const got = toDense(await z.compute(sync));
          expectDense(
            got,
            refMap(refOp(op, t), [a.ref, typeof other === 'number' ? other : other.ref], t),
          );
        }
      }
    },
  );

  test('numbers on the left through the functions', async () => {
    const a = pair([4, 3], 'float64', 2, 5);
    const got = toDense(await add(10, a.x).compute(sync));
    expectDense(
      got,
      refMap((p, q) => p + q, [10, a.ref], 'float64'),
    );
  });
});

describe('unary operations, astype and where', () => {
  const UN: Record<string, (x: number) => number> = {
    neg: (x) => -x,
    abs: Math.abs,
    sqrt: Math.sqrt,
    exp: Math.exp,
    log: Math.log,
    sin: Math.sin,
    cos: Math.cos,
  };
  test.each(['float64', 'float32', 'int8', 'uint16', 'int32', 'bool'] as Dtype[])(
    'on %s',
    async (d) => {
      const a = pair([5, 4], d, [2, 3], 6);
      for (const [op, f] of Object.entries(UN)) {
        if (d === 'bool' && op === 'neg') continue;
        const z = a.x[op as 'neg'].call(a.x);
        const floaty = !['neg', 'abs'].includes(op);
        const t: Dtype = floaty ? (d === 'float64' || d === 'int32' ? 'float64' : 'float32') : d;
        expect(z.dtype).toBe(t);
        expectDense(toDense(await z.compute(sync)), refMap(f, [a.ref], t));
      }
      for (const to of DTYPES) {
        const z = a.x.astype(to);
        expect(z.dtype).toBe(to);
        expectDense(
          toDense(await z.compute(sync)),
          refMap((x) => x, [a.ref], to),
        );
      }
    },
  );

  test('where broadcasts condition and branches and promotes the branches', async () => {
    const c = pair([4, 5], 'bool', [3, 2], 7);
    const a = pair([5], 'int16', [2], 8);
    const z = where(c.x, a.x, 0.5);
    expect(z.dtype).toBe('float64');
    expectDense(
      toDense(await z.compute(sync)),
      refMap((p, x, y) => (p !== 0 ? x : y), [c.ref, a.ref, 0.5], 'float64'),
    );
    const relu = where(a.x.gt(0), a.x, 0);
    expect(relu.dtype).toBe('int16');
    expectDense(
      toDense(await relu.compute(sync)),
      refMap((x) => Math.max(0, x), [a.ref], 'int16'),
    );
  });

  test('a chain mixing dtypes gives the reference', async () => {
    const a = pair([9, 7], 'uint8', [4, 3], 9);
    const b = pair([7], 'float32', [7], 10);
    const z = a.x.mul(2).add(b.x).sqrt().maximum(1).astype('float64');
    const want: Dense = refMap(
      (p, q) => Math.max(1, Math.fround(Math.sqrt(Math.fround(Math.fround((p * 2) % 256) + q)))),
      [a.ref, b.ref],
      'float64',
    );
    expectDense(toDense(await z.compute(sync)), want, 1e-6);
  });
});

describe('errors when the expression is built', () => {
  test('shapes that do not broadcast are named', () => {
    const a = fromArray(new Float64Array(12), { shape: [3, 4] });
    const b = fromArray(new Float64Array(5), { shape: [5] });
    expect(() => a.add(b)).toThrow(
      'add: operands could not be broadcast together with shapes (3, 4) (5,)',
    );
  });
  test('bool subtraction and negation are refused as NumPy does', () => {
    const a = fromArray([true, false]);
    expect(a.dtype).toBe('bool');
    expect(() => a.sub(a)).toThrow(/sub: NumPy does not support subtracting bool arrays/);
    expect(() => a.neg()).toThrow(/neg: NumPy does not support negating bool arrays/);
  });
  test('an unsupported dtype is named', () => {
    const a = fromArray([1, 2]);
    expect(() => a.astype('float16' as Dtype)).toThrow(
      'astype: unsupported dtype "float16"; supported: float64, float32',
    );
    expect(() => a.add('x' as unknown as number)).toThrow(
      'add: expected a DaskArray or a number, got string',
    );
  });
});

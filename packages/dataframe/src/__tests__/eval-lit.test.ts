// The literal fast paths (eval-lit.ts) give the general path's answers: each operator of a column
// against a literal, on either side, equals the same operator against a column holding the
// literal in every row (which the general path evaluates), with nulls, NaN and date literals.
import { describe, expect, it } from '@jest/globals';
import type { Col } from '../columns.js';
import { evalExpr } from '../eval.js';
import { col, lit } from '../index.js';
import type { Expr } from '../expr.js';

const n = 64;
const valid = new Uint8Array(n / 8).fill(0xff);
valid[1] = 0b1010_1010;
const f64: Col = {
  type: 'float64',
  length: n,
  values: Float64Array.from({ length: n }, (_, i) => (i === 5 ? NaN : (i % 9) - 3.5)),
  valid,
};
const i32: Col = {
  type: 'int32',
  length: n,
  values: Int32Array.from({ length: n }, (_, i) => (i % 7) - 3),
};
const d32: Col = {
  type: 'date32',
  length: n,
  values: Int32Array.from({ length: n }, (_, i) => 9000 + i),
  valid,
};
const fill = (type: 'float64' | 'int32' | 'date32', x: number): Col =>
  type === 'float64'
    ? { type, length: n, values: new Float64Array(n).fill(x) }
    : { type, length: n, values: new Int32Array(n).fill(x) };

const cols = new Map<string, Col>([
  ['f', f64],
  ['i', i32],
  ['d', d32],
  ['f_lit', fill('float64', 0.5)],
  ['i_lit', fill('float64', 2)],
  ['d_lit', fill('date32', 9009)],
]);

const plain = (c: Col): unknown[] =>
  Array.from({ length: n }, (_, k) =>
    c.valid !== undefined && (c.valid[k >> 3] & (1 << (k & 7))) === 0
      ? null
      : (c as { values: ArrayLike<number> }).values[k],
  );

const ops = ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'add', 'sub', 'mul', 'div'] as const;
const apply = (a: Expr, op: (typeof ops)[number], b: Expr): Expr => a[op].call(a, b);

describe('literal fast paths', () => {
  it('equal the general path for float64, int32 and date32 columns, literal on either side', () => {
    const cases: [string, Expr, string, readonly (typeof ops)[number][]][] = [
      ['f', lit(0.5), 'f_lit', ops],
      ['i', lit(2), 'i_lit', ops.slice(0, 6)],
      ['d', lit('1994-09-01'), 'd_lit', ops.slice(0, 6)],
    ];
    for (const [c, l, same, list] of cases)
      for (const op of list) {
        const want = evalExpr(apply(col(c), op, col(same)).spec, cols, n);
        expect(plain(evalExpr(apply(col(c), op, l).spec, cols, n))).toEqual(plain(want));
        const back = evalExpr(apply(col(same), op, col(c)).spec, cols, n);
        expect(plain(evalExpr(apply(l, op, col(c)).spec, cols, n))).toEqual(plain(back));
      }
  }, 30_000);

  it('compares two columns of one type as plain numbers, null where either is null', () => {
    const other = new Map<string, Col>([
      ['f', f64],
      [
        'g',
        {
          type: 'float64',
          length: n,
          values: Float64Array.from({ length: n }, (_, i) => (i % 5) - 1.5),
        },
      ],
      ['i', i32],
      [
        'j',
        {
          type: 'int32',
          length: n,
          values: Int32Array.from({ length: n }, (_, i) => (i % 4) - 2),
          valid,
        },
      ],
      ['d', d32],
      [
        'e',
        { type: 'date32', length: n, values: Int32Array.from({ length: n }, (_, i) => 9060 - i) },
      ],
    ]);
    const js: Record<string, (x: number, y: number) => boolean> = {
      eq: (x, y) => x === y,
      ne: (x, y) => x !== y,
      lt: (x, y) => x < y,
      le: (x, y) => x <= y,
      gt: (x, y) => x > y,
      ge: (x, y) => x >= y,
    };
    for (const [a, b] of [
      ['f', 'g'],
      ['i', 'j'],
      ['d', 'e'],
    ] as const)
      for (const op of ops.slice(0, 6)) {
        const x = plain(other.get(a)!);
        const y = plain(other.get(b)!);
        const want = x.map((v, k) =>
          v === null || y[k] === null ? null : js[op](v as number, y[k] as number) ? 1 : 0,
        );
        expect(plain(evalExpr(apply(col(a), op, col(b)).spec, other, n))).toEqual(want);
      }
  }, 30_000);
});

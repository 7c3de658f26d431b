// The expression compiler against the interpreter it stands in for: the same values bit for bit
// (float64, float32 intermediates, bool comparisons, where, NaN / Infinity / -0 constants), one
// cached loop per expression (constants that JSON would confuse are told apart), and no loop for
// integer results or bare inputs.
import { describe, expect, test } from '@jest/globals';
import ndarray from 'ndarray';
import { compileExpr } from '../expr-compile.js';
import { blockwise, type Expr } from '../kernels-elementwise.js';
import type { TypedArray } from '../dtype.js';

const X = Float64Array.from({ length: 257 }, (_, i) => (i - 128) / 17);
const Y = Float32Array.from({ length: 257 }, (_, i) => Math.cos(i) * 3);

function shifted(a: Float64Array | Float32Array) {
  const padded = new (a.constructor as Float64ArrayConstructor)(a.length + 1);
  padded.set(a, 1);
  return ndarray(padded, [a.length], [1], 1);
}

function both(e: Expr, out: TypedArray): void {
  const f = compileExpr(e);
  expect(f).not.toBeNull();
  f!([X, Y], [0, 0], out, X.length);
  // Views at offset 1 are not compact: the kernel interprets them.
  const want = blockwise(e, shifted(X), shifted(Y));
  expect([...out]).toEqual([...want.data]);
}

describe('compileExpr', () => {
  test('float64 chains give the interpreter values', () => {
    both(
      {
        op: 'abs',
        a: [
          {
            op: 'sin',
            a: [
              {
                op: 'add',
                a: [{ op: 'mul', a: [{ i: 0 }, { c: 2 }], t: 'float64' }, { c: 1 }],
                t: 'float64',
              },
            ],
            t: 'float64',
          },
        ],
        t: 'float64',
      },
      new Float64Array(X.length),
    );
    both(
      { op: 'maximum', a: [{ op: 'log', a: [{ i: 0 }], t: 'float64' }, { i: 1 }], t: 'float64' },
      new Float64Array(X.length),
    );
  }, 30_000);

  test('float32 intermediates, bool and where round as the stores do', () => {
    both(
      { op: 'sqrt', a: [{ op: 'mul', a: [{ i: 1 }, { c: 0.1 }], t: 'float32' }], t: 'float32' },
      new Float32Array(X.length),
    );
    const gt: Expr = { op: 'gt', a: [{ i: 0 }, { i: 1 }], t: 'bool' };
    both(gt, new Uint8Array(X.length));
    both({ op: 'where', a: [gt, { i: 0 }, { c: NaN }], t: 'float64' }, new Float64Array(X.length));
    both(
      { op: 'isnan', a: [{ op: 'log', a: [{ i: 0 }], t: 'float64' }], t: 'bool' },
      new Uint8Array(X.length),
    );
  }, 30_000);

  test('constants JSON cannot tell apart get loops of their own', () => {
    const out = new Float64Array(X.length);
    for (const c of [NaN, Infinity, -Infinity, 0, -0]) {
      both(
        {
          op: 'div',
          a: [{ c: 1 }, { op: 'add', a: [{ i: 0 }, { c }], t: 'float64' }],
          t: 'float64',
        },
        out,
      );
    }
  }, 30_000);

  test('the elementwise kernel gives the same values compiled (compact chunks) or interpreted', () => {
    const e: Expr = {
      op: 'cos',
      a: [{ op: 'sub', a: [{ i: 0 }, { i: 1 }], t: 'float64' }],
      t: 'float64',
    };
    const got = blockwise(e, ndarray(X, [X.length]), ndarray(Y, [Y.length]));
    const want = blockwise(e, shifted(X), shifted(Y));
    expect([...got.data]).toEqual([...want.data]);
  }, 30_000);

  test('integer results and bare inputs are left to the interpreter', () => {
    expect(compileExpr({ op: 'mul', a: [{ i: 0 }, { c: 3 }], t: 'int32' })).toBeNull();
    expect(
      compileExpr({
        op: 'astype',
        a: [{ op: 'mul', a: [{ i: 0 }, { c: 3 }], t: 'int16' }],
        t: 'float64',
      }),
    ).toBeNull();
    expect(compileExpr({ i: 0 })).toBeNull();
    const e: Expr = { op: 'neg', a: [{ i: 0 }], t: 'float64' };
    expect(compileExpr(e)).toBe(compileExpr({ ...e }));
  }, 30_000);
});

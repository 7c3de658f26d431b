// Fused arithmetic (eval-fused.ts) gives the per-operator path's answer bit for bit: random trees
// of + - * / over float64 columns (nulls, NaN, zeros, negatives) and number literals, checked row
// by row against plain JavaScript arithmetic in the same order; trees it must not take (one
// operator, an int32 operand, a node of two literals, a comparison) fall back and keep pandas'
// types; one shape compiles once whatever its literals are.
import { describe, expect, it } from '@jest/globals';
import type { Col, Cols } from '../columns.js';
import { isValid } from '../columns.js';
import { evalExpr } from '../eval.js';
import { fusedArith, fusedShapes } from '../eval-fused.js';
import { col, lit } from '../index.js';
import type { Expr, ExprSpec } from '../expr.js';
import { rng } from './reference.js';

const n = 300;

function floatCol(r: () => number, nulls: boolean): Col {
  const values = Float64Array.from({ length: n }, () => {
    const u = r();
    if (u < 0.05) return NaN;
    if (u < 0.12) return 0;
    return Math.round((r() - 0.4) * 1e4) / 100;
  });
  if (!nulls) return { type: 'float64', length: n, values };
  const valid = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) if (r() > 0.15) valid[i >> 3] |= 1 << (i & 7);
  return { type: 'float64', length: n, values, valid };
}

const NAMES = ['a', 'b', 'c', 'd'];
const OPS = ['add', 'sub', 'mul', 'div'] as const;

/** A random tree of `ops` operators, every node above at least one column. */
function tree(r: () => number, ops: number): Expr {
  if (ops === 0) return col(NAMES[Math.floor(r() * NAMES.length)]);
  const left = Math.floor(r() * ops);
  const l = left === 0 && r() < 0.4 ? lit(Math.round((r() - 0.3) * 40) / 4) : tree(r, left);
  const right = tree(r, ops - 1 - left);
  const op = OPS[Math.floor(r() * OPS.length)];
  return r() < 0.5 ? l[op](right) : right[op](l);
}

/** Row i of `spec` in plain JavaScript (null where a column is null). */
function rowValue(spec: ExprSpec, cols: Cols, i: number): number | null {
  if (spec.k === 'lit') return spec.value as number;
  if (spec.k === 'col') {
    const c = cols.get(spec.name) as Extract<Col, { type: 'float64' }>;
    return isValid(c.valid, i) ? c.values[i] : null;
  }
  if (spec.k !== 'bin') throw new Error(`unexpected ${spec.k}`);
  const x = rowValue(spec.l, cols, i);
  const y = rowValue(spec.r, cols, i);
  if (x === null || y === null) return null;
  if (spec.op === 'add') return x + y;
  if (spec.op === 'sub') return x - y;
  if (spec.op === 'mul') return x * y;
  return x / y;
}

describe('fused arithmetic', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'random trees over float64 columns equal plain arithmetic (seed %i)',
    (seed) => {
      const r = rng(seed);
      const cols: Cols = new Map(NAMES.map((name, j) => [name, floatCol(r, j % 2 === 0)]));
      for (let t = 0; t < 25; t++) {
        const e = tree(r, 2 + Math.floor(r() * 6));
        const got = evalExpr(e.spec, cols, n) as Extract<Col, { type: 'float64' }>;
        expect(got.type).toBe('float64');
        expect(fusedArith(e.spec, cols, n)).toBeDefined();
        for (let i = 0; i < n; i++) {
          const want = rowValue(e.spec, cols, i);
          if (want === null) expect(isValid(got.valid, i)).toBe(false);
          else if (!Object.is(got.values[i], want) || !isValid(got.valid, i))
            throw new Error(`seed ${seed}, tree ${t}, row ${i}: ${got.values[i]} vs ${want}`);
        }
      }
    },
  );

  const cols: Cols = new Map<string, Col>([
    ['f', floatCol(rng(99), true)],
    ['g', floatCol(rng(98), false)],
    ['i', { type: 'int32', length: n, values: Int32Array.from({ length: n }, (_, k) => k - 7) }],
    ['j', { type: 'int32', length: n, values: Int32Array.from({ length: n }, () => 2 ** 30 + 1) }],
  ]);

  const stringLit: ExprSpec = {
    k: 'bin',
    op: 'mul',
    l: col('f').add(1).spec,
    r: { k: 'lit', value: 'x' },
  };
  it.each<[string, ExprSpec]>([
    ['one operator', col('f').mul(col('g')).spec],
    ['an int32 column', col('f').mul(col('i')).add(1).spec],
    ['a node of two literals', col('f').mul(lit(2).add(lit(3))).spec],
    ['a comparison', col('f').mul(2).gt(col('g').add(1)).spec],
    ['a string literal', stringLit],
  ])('is not taken for %s', (_what, spec) => {
    expect(fusedArith(spec, cols, n)).toBeUndefined();
  });

  it('leaves int32 arithmetic to the per-operator path, which wraps as pandas does', () => {
    const e = col('j').add(col('j')).mul(col('g'));
    const got = evalExpr(e.spec, cols, n) as Extract<Col, { type: 'float64' }>;
    const g = (cols.get('g') as Extract<Col, { type: 'float64' }>).values;
    expect(got.type).toBe('float64');
    // (2^30 + 1) * 2 wraps to -(2^31) + 2 in int32 before the float64 product.
    for (let i = 0; i < n; i++)
      expect(Object.is(got.values[i], (-(2 ** 31) + 2) * g[i])).toBe(true);
  });

  it('compiles one loop per shape, whatever the literals', () => {
    const before = fusedShapes();
    for (const k of [0.5, 2, -3, 1e-9, 7])
      fusedArith(col('f').mul(lit(k).sub(col('g'))).spec, cols, n);
    expect(fusedShapes()).toBe(before + 1);
  });
});

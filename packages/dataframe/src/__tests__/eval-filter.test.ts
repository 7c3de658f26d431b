// A filter's selection vector (eval-filter.ts) keeps exactly the rows whose condition the general
// path evaluates to true (not false, not null): comparisons with literals on either side, two
// columns compared, `between`, parts the loops do not take (isin, or, strings), nulls and NaN,
// and the first part's selection narrowed by the later ones.
import { describe, expect, it } from '@jest/globals';
import type { Col } from '../columns.js';
import { evalExpr } from '../eval.js';
import { filterRows } from '../eval-filter.js';
import { col, lit } from '../index.js';
import type { Expr } from '../expr.js';
import { utf8Of } from '../columns.js';

const n = 200;
const valid = new Uint8Array(Math.ceil(n / 8)).fill(0xff);
valid[3] = 0b0110_1010;
valid[10] = 0;
const cols = new Map<string, Col>([
  [
    'f',
    {
      type: 'float64',
      length: n,
      values: Float64Array.from({ length: n }, (_, i) => (i % 17 === 5 ? NaN : (i % 11) - 4.5)),
      valid,
    },
  ],
  ['g', { type: 'float64', length: n, values: Float64Array.from({ length: n }, (_, i) => i % 5) }],
  [
    'i',
    { type: 'int32', length: n, values: Int32Array.from({ length: n }, (_, i) => (i * 7) % 13) },
  ],
  ['j', { type: 'int32', length: n, values: Int32Array.from({ length: n }, (_, i) => i % 6) }],
  [
    'd',
    {
      type: 'date32',
      length: n,
      values: Int32Array.from({ length: n }, (_, i) => 9000 + (i % 40)),
    },
  ],
  [
    'e',
    {
      type: 'date32',
      length: n,
      values: Int32Array.from({ length: n }, (_, i) => 9020 - (i % 30)),
      valid,
    },
  ],
  ['s', utf8Of(Array.from({ length: n }, (_, i) => (i % 9 === 0 ? null : `s${i % 4}`)))],
]);

/** The rows the general path keeps: a true, non-null condition. */
function reference(e: Expr): number[] {
  const c = evalExpr(e.spec, cols, n);
  if (c.type !== 'bool') throw new Error('not bool');
  const out: number[] = [];
  for (let i = 0; i < n; i++)
    if (c.values[i] !== 0 && (c.valid === undefined || (c.valid[i >> 3] >> (i & 7)) & 1))
      out.push(i);
  return out;
}

function got(e: Expr): number[] {
  const idx = filterRows(e.spec, cols, n);
  return idx === undefined ? Array.from({ length: n }, (_, i) => i) : [...idx];
}

const cases: [string, Expr][] = [
  ['f < 0', col('f').lt(0)],
  ['0 <= f', lit(0).le(col('f'))],
  ['f != 1.5', col('f').ne(1.5)],
  ['i == 3', col('i').eq(3)],
  ['i > 4 and f >= -2', col('i').gt(4).and(col('f').ge(-2))],
  ['date range', col('d').ge('1994-09-10').and(col('d').lt('1994-09-25'))],
  ['d < e (with nulls)', col('d').lt(col('e'))],
  ['i <= j', col('i').le(col('j'))],
  ['g between', col('g').between(1, 3)],
  ['isin and compare', col('j').isin([1, 2, 5]).and(col('f').gt(-3))],
  ['or part', col('f').lt(-2).or(col('i').eq(0)).and(col('g').ne(2))],
  ['string part', col('s').eq('s1').and(col('i').lt(10))],
  ['string first', col('s').ne('s2')],
  ['few kept, then a string part', col('i').eq(3).and(col('s').eq('s1'))],
  [
    'few kept, then an or part',
    col('j')
      .eq(2)
      .and(col('s').eq('s2').or(col('f').isNull())),
  ],
  ['nothing kept', col('g').gt(10).and(col('s').eq('s1'))],
  ['everything kept', col('g').ge(0)],
  ['int vs float literal', col('i').lt(3.5)],
];

describe('filterRows', () => {
  it.each(cases)(
    '%s keeps the rows the general path keeps',
    (_, e) => {
      expect(got(e)).toEqual(reference(e));
    },
    20_000,
  );

  it('answers undefined when every row is kept', () => {
    expect(filterRows(col('g').ge(0).spec, cols, n)).toBeUndefined();
    expect(
      filterRows(
        col('g')
          .lt(100)
          .and(col('s').ne('zz').or(lit(true))).spec,
        cols,
        n,
      ),
    ).toBeUndefined();
  }, 20_000);

  it('handles no rows', () => {
    const empty = new Map<string, Col>([
      ['g', { type: 'float64', length: 0, values: new Float64Array(0) }],
    ]);
    expect(filterRows(col('g').gt(1).spec, empty, 0)).toBeUndefined();
  }, 20_000);
});

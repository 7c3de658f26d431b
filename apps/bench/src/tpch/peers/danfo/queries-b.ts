// TPC-H queries 11, 15, 17, 18 and 19 in danfojs: the ones whose subqueries are scalars or
// per-group aggregates, which a danfo user computes first (a Series' `sum` / `max`, a groupby) and
// merges or compares against, as in queries.ts. String equality and IN lists are `map`s (danfo's
// comparisons take numbers only).
import { param, type QueryParams } from '../../params.js';
import type { Answer } from '../../tables.js';
import {
  answer,
  from,
  join,
  need,
  ordered,
  pick,
  revenue,
  type DanfoQuery,
  type DanfoTables,
  type Dfd,
  type Series,
} from './shared.js';

const is = (s: Series, value: string): Series => s.map((x) => x === value);
const isIn = (s: Series, list: readonly string[]): Series => {
  const set = new Set(list);
  return s.map((x) => set.has(x as string));
};

function q11(t: DanfoTables, dfd: Dfd, sf: number): Answer {
  const n = need(t, 'nation');
  const germany = n.query(is(n.column('n_name'), 'GERMANY'));
  const supp = join(dfd, need(t, 'supplier'), 's_nationkey', germany, 'n_nationkey');
  const ps = join(dfd, need(t, 'partsupp'), 'ps_suppkey', supp, 's_suppkey');
  const stock = ps.addColumn('value', ps.column('ps_supplycost').mul(ps.column('ps_availqty')));
  const total = stock.column('value').sum();
  const g = stock.groupby(['ps_partkey']).agg({ value: 'sum' });
  const big = g.query(g.column('value_sum').gt(total * (0.0001 / sf)));
  return ordered(answer(big, { ps_partkey: 'ps_partkey', value: 'value_sum' }), [['value', true]]);
}

function q15(t: DanfoTables, dfd: Dfd): Answer {
  const l = need(t, 'lineitem');
  const quarter = l.query(from(l.column('l_shipdate'), '1996-01-01', '1996-04-01'));
  const revenue0 = quarter
    .addColumn('volume', revenue(quarter))
    .groupby(['l_suppkey'])
    .agg({ volume: 'sum' });
  const best = revenue0.column('volume_sum').max();
  const top = revenue0.query(revenue0.column('volume_sum').ge(best));
  const out = join(dfd, need(t, 'supplier'), 's_suppkey', top, 'l_suppkey');
  const a = answer(out, {
    s_suppkey: 's_suppkey',
    s_name: 's_name',
    s_address: 's_address',
    s_phone: 's_phone',
    total_revenue: 'volume_sum',
  });
  return ordered(a, [['s_suppkey', false]]);
}

function q17(t: DanfoTables, dfd: Dfd, _sf: number, params?: QueryParams): Answer {
  const brand = String(param(17, 'brand', params));
  const container = String(param(17, 'container', params));
  const p = need(t, 'part');
  const parts = p.query(is(p.column('p_brand'), brand).and(is(p.column('p_container'), container)));
  const lines = join(
    dfd,
    parts.loc({ columns: ['p_partkey'] }),
    'p_partkey',
    need(t, 'lineitem'),
    'l_partkey',
  );
  if (lines.shape[0] === 0) return { columns: ['avg_yearly'], rows: [[null]] };
  const avg = lines.groupby(['p_partkey']).agg({ l_quantity: 'mean' });
  const both = dfd.merge({ left: lines, right: avg, on: ['p_partkey'], how: 'inner' });
  const small = both.query(both.column('l_quantity').lt(both.column('l_quantity_mean').mul(0.2)));
  const total = small.shape[0] === 0 ? null : small.column('l_extendedprice').sum() / 7;
  return { columns: ['avg_yearly'], rows: [[total]] };
}

/**
 * Q18. danfo's groupby `agg` builds its result by copying every row gathered so far once per
 * group, so its time grows with the square of the group count: measured here at SF 0.01, 0.18 s
 * for 500 order keys, 2.5 s for 2,000 and 274 s for all 15,000 (`groupby(['l_orderkey']).agg`).
 * Its grouping itself is linear, and its public `groups` (each group's column values, by key)
 * gives the quantities per order: they are summed in JS, and only the large orders become a
 * frame, merged with their order and customer.
 */
function q18(t: DanfoTables, dfd: Dfd, _sf: number, params?: QueryParams): Answer {
  const quantity = Number(param(18, 'quantity', params));
  const columns = ['c_name', 'c_custkey', 'o_orderkey', 'o_orderdate', 'o_totalprice', 'sum_qty'];
  const l = pick(need(t, 'lineitem'), ['l_orderkey', 'l_quantity']);
  const groups = l.groupby(['l_orderkey']).col(['l_quantity']).groups as Record<
    string,
    { l_quantity: number[] }
  >;
  const keys: number[] = [];
  const sums: number[] = [];
  for (const [key, g] of Object.entries(groups)) {
    const sum = g.l_quantity.reduce((a, b) => a + b, 0);
    if (sum > quantity) {
      keys.push(Number(key));
      sums.push(sum);
    }
  }
  if (keys.length === 0) return { columns, rows: [] };
  const large = new dfd.DataFrame({ l_orderkey: keys, l_quantity_sum: sums });
  const orders = join(dfd, need(t, 'orders'), 'o_orderkey', large, 'l_orderkey');
  const out = join(dfd, need(t, 'customer'), 'c_custkey', orders, 'o_custkey');
  const a = answer(
    out,
    {
      c_name: 'c_name',
      c_custkey: 'c_custkey',
      o_orderkey: 'o_orderkey',
      o_orderdate: 'o_orderdate',
      o_totalprice: 'o_totalprice',
      sum_qty: 'l_quantity_sum',
    },
    ['o_orderdate'],
  );
  return ordered(
    a,
    [
      ['o_totalprice', true],
      ['o_orderdate', false],
    ],
    100,
  );
}

function q19(t: DanfoTables, dfd: Dfd): Answer {
  const l = need(t, 'lineitem');
  const air = l.query(
    isIn(l.column('l_shipmode'), ['AIR', 'AIR REG']).and(
      is(l.column('l_shipinstruct'), 'DELIVER IN PERSON'),
    ),
  );
  const d = join(dfd, air, 'l_partkey', need(t, 'part'), 'p_partkey');
  const branch = (brand: string, containers: string[], qty: number, size: number): Series => {
    const q = d.column('l_quantity');
    const s = d.column('p_size');
    return is(d.column('p_brand'), brand)
      .and(isIn(d.column('p_container'), containers))
      .and(q.ge(qty).and(q.le(qty + 10)))
      .and(s.ge(1).and(s.le(size)));
  };
  const hit = d.query(
    branch('Brand#12', ['SM CASE', 'SM BOX', 'SM PACK', 'SM PKG'], 1, 5)
      .or(branch('Brand#23', ['MED BAG', 'MED BOX', 'MED PKG', 'MED PACK'], 10, 10))
      .or(branch('Brand#34', ['LG CASE', 'LG BOX', 'LG PACK', 'LG PKG'], 20, 15)),
  );
  return { columns: ['revenue'], rows: [[hit.shape[0] === 0 ? null : revenue(hit).sum()]] };
}

/** These queries, by number. @example DANFO_QUERIES_B[18]?.(t, dfd, 0.01) */
export const DANFO_QUERIES_B: Readonly<Record<number, DanfoQuery>> = {
  11: q11,
  15: q15,
  17: q17,
  18: q18,
  19: q19,
};

// TPC-H queries 2, 8, 9 and 13 in danfojs: the long join chains, written as a danfo user would
// (as in queries.ts): the small filtered tables first (a part type, a region), tables narrowed to
// the columns used with `pick` (shared.ts), then inner merges on renamed keys, LIKE as `map` with a string method or a regular expression, years from day
// numbers, and a correlated minimum (Q2) as a groupby merged back. Q13's LEFT OUTER JOIN is
// danfo's left merge; an unmatched customer gets NaN in the order columns, which `isNa` tells
// apart, since danfo's groupby `count` counts NaN too.
import type { Answer } from '../../tables.js';
import {
  answer,
  days,
  is,
  join,
  need,
  ordered,
  pick,
  revenue,
  yearOf,
  type DanfoQuery,
  type DanfoTables,
  type Dfd,
} from './shared.js';

function q2(t: DanfoTables, dfd: Dfd): Answer {
  const columns = [
    's_acctbal',
    's_name',
    'n_name',
    'p_partkey',
    'p_mfgr',
    's_address',
    's_phone',
    's_comment',
  ];
  const r = need(t, 'region');
  const europe = join(
    dfd,
    pick(r.query(is(r.column('r_name'), 'EUROPE')), ['r_regionkey']),
    'r_regionkey',
    pick(need(t, 'nation'), ['n_nationkey', 'n_name', 'n_regionkey']),
    'n_regionkey',
  );
  const suppliers = join(dfd, need(t, 'supplier'), 's_nationkey', europe, 'n_nationkey');
  const p = need(t, 'part');
  const brass = p.query(
    p
      .column('p_size')
      .eq(15)
      .and(p.column('p_type').map((x) => (x as string).endsWith('BRASS'))),
  );
  const ps = pick(need(t, 'partsupp'), ['ps_partkey', 'ps_suppkey', 'ps_supplycost']);
  const offers = join(
    dfd,
    join(dfd, pick(brass, ['p_partkey', 'p_mfgr']), 'p_partkey', ps, 'ps_partkey'),
    'ps_suppkey',
    suppliers,
    's_suppkey',
  );
  if (offers.shape[0] === 0) return { columns, rows: [] };
  // The correlated minimum: the cheapest European offer per part, merged back on part and cost.
  const cheapest = offers
    .groupby(['p_partkey'])
    .agg({ ps_supplycost: 'min' })
    .rename({ ps_supplycost_min: 'ps_supplycost' });
  const best = dfd.merge({
    left: offers,
    right: cheapest,
    on: ['p_partkey', 'ps_supplycost'],
    how: 'inner',
  });
  const a = answer(best, Object.fromEntries(columns.map((c) => [c, c])));
  return ordered(
    a,
    [
      ['s_acctbal', true],
      ['n_name', false],
      ['s_name', false],
      ['p_partkey', false],
    ],
    100,
  );
}

function q8(t: DanfoTables, dfd: Dfd): Answer {
  const p = need(t, 'part');
  const steel = pick(p.query(is(p.column('p_type'), 'ECONOMY ANODIZED STEEL')), ['p_partkey']);
  const l = pick(need(t, 'lineitem'), [
    'l_orderkey',
    'l_partkey',
    'l_suppkey',
    'l_extendedprice',
    'l_discount',
  ]);
  const lines = join(dfd, steel, 'p_partkey', l, 'l_partkey');
  const o = need(t, 'orders');
  const date = o.column('o_orderdate');
  const two = pick(o.query(date.ge(days('1995-01-01')).and(date.le(days('1996-12-31')))), [
    'o_orderkey',
    'o_custkey',
    'o_orderdate',
  ]);
  const lo = join(dfd, lines, 'l_orderkey', two, 'o_orderkey');
  // The customer's nation in AMERICA (n1), the supplier's nation by name (n2).
  const r = need(t, 'region');
  const america = join(
    dfd,
    pick(r.query(is(r.column('r_name'), 'AMERICA')), ['r_regionkey']),
    'r_regionkey',
    pick(need(t, 'nation'), ['n_nationkey', 'n_regionkey']),
    'n_regionkey',
  );
  const customers = join(
    dfd,
    pick(need(t, 'customer'), ['c_custkey', 'c_nationkey']),
    'c_nationkey',
    america,
    'n_nationkey',
  );
  const american = join(dfd, lo, 'o_custkey', customers, 'c_custkey');
  const suppNation = join(
    dfd,
    pick(need(t, 'supplier'), ['s_suppkey', 's_nationkey']),
    's_nationkey',
    pick(need(t, 'nation'), ['n_nationkey', 'n_name']),
    'n_nationkey',
  );
  const all = join(dfd, american, 'l_suppkey', suppNation, 's_suppkey');
  if (all.shape[0] === 0) return { columns: ['o_year', 'mkt_share'], rows: [] };
  const volume = revenue(all);
  const brazil = all.column('n_name').map((n) => (n === 'BRAZIL' ? 1 : 0));
  const g = all
    .addColumn('o_year', yearOf(all.column('o_orderdate')))
    .addColumn('volume', volume)
    .addColumn('brazil', volume.mul(brazil))
    .groupby(['o_year'])
    .agg({ brazil: 'sum', volume: 'sum' });
  const share = g.column('brazil_sum').div(g.column('volume_sum'));
  const a = answer(g.addColumn('mkt_share', share), { o_year: 'o_year', mkt_share: 'mkt_share' });
  return ordered(a, [['o_year', false]]);
}

function q9(t: DanfoTables, dfd: Dfd): Answer {
  const p = need(t, 'part');
  const green = pick(p.query(p.column('p_name').map((x) => (x as string).includes('green'))), [
    'p_partkey',
  ]);
  const l = pick(need(t, 'lineitem'), [
    'l_orderkey',
    'l_partkey',
    'l_suppkey',
    'l_quantity',
    'l_extendedprice',
    'l_discount',
  ]);
  const lines = join(dfd, green, 'p_partkey', l, 'l_partkey');
  // partsupp on both keys: the green parts' offers only, then a merge on (part, supplier).
  const ps = join(
    dfd,
    green,
    'p_partkey',
    pick(need(t, 'partsupp'), ['ps_partkey', 'ps_suppkey', 'ps_supplycost']),
    'ps_partkey',
  ).rename({ ps_suppkey: 'l_suppkey' });
  const withCost = dfd.merge({
    left: lines,
    right: ps,
    on: ['p_partkey', 'l_suppkey'],
    how: 'inner',
  });
  const nations = join(
    dfd,
    pick(need(t, 'supplier'), ['s_suppkey', 's_nationkey']),
    's_nationkey',
    pick(need(t, 'nation'), ['n_nationkey', 'n_name']),
    'n_nationkey',
  );
  const ls = join(dfd, withCost, 'l_suppkey', nations, 's_suppkey');
  const orders = pick(need(t, 'orders'), ['o_orderkey', 'o_orderdate']);
  const all = join(dfd, ls, 'l_orderkey', orders, 'o_orderkey');
  if (all.shape[0] === 0) return { columns: ['nation', 'o_year', 'sum_profit'], rows: [] };
  const amount = revenue(all).sub(all.column('ps_supplycost').mul(all.column('l_quantity')));
  const g = all
    .addColumn('o_year', yearOf(all.column('o_orderdate')))
    .addColumn('amount', amount)
    .groupby(['n_name', 'o_year'])
    .agg({ amount: 'sum' });
  const a = answer(g, { nation: 'n_name', o_year: 'o_year', sum_profit: 'amount_sum' });
  return ordered(a, [
    ['nation', false],
    ['o_year', true],
  ]);
}

function q13(t: DanfoTables, dfd: Dfd): Answer {
  const o = need(t, 'orders');
  const special = /special.*requests/;
  const plain = pick(o.query(o.column('o_comment').map((c) => !special.test(c as string))), [
    'o_orderkey',
    'o_custkey',
  ]).rename({ o_custkey: 'c_custkey' });
  const customers = pick(need(t, 'customer'), ['c_custkey']);
  const both = dfd.merge({ left: customers, right: plain, on: ['c_custkey'], how: 'left' });
  // COUNT(o_orderkey) counts matched rows only: 1 where the order key is not NaN, summed. The
  // groupby over 1,500 customers is most of this query's time (agg's result assembly grows with
  // the square of the group count, see Q18 in queries-b.ts), ~2 s here, so it stays danfo's agg.
  const matched = both
    .column('o_orderkey')
    .isNa()
    .map((na) => (na === true ? 0 : 1));
  const perCustomer = both
    .addColumn('matched', matched)
    .groupby(['c_custkey'])
    .agg({ matched: 'sum' });
  const g = perCustomer.groupby(['matched_sum']).agg({ c_custkey: 'count' });
  const a = answer(g, { c_count: 'matched_sum', custdist: 'c_custkey_count' });
  return ordered(a, [
    ['custdist', true],
    ['c_count', true],
  ]);
}

/** These queries, by number. @example DANFO_QUERIES_D[9]?.(t, dfd, 0.01) */
export const DANFO_QUERIES_D: Readonly<Record<number, DanfoQuery>> = {
  2: q2,
  8: q8,
  9: q9,
  13: q13,
};

// TPC-H queries in danfojs, written as a danfo user would: boolean masks and `query`, column
// arithmetic on Series, `merge` (inner, on columns renamed to the same name), `groupby().agg`, and
// `map` where danfo has no vectorised form (string equality: its comparisons take numbers only;
// IN lists; CASE). A query danfo could not answer would be listed in NOT_RUN with the reason (the
// suite shows it as not run); all 22 run. Queries 11, 15, 17, 18 and 19 are in queries-b.ts, 7
// and 22 in queries-c.ts, the long join chains (2, 8, 9, 13) in queries-d.ts, and the semi / anti
// joins and distinct counts (16, 20, 21) in queries-e.ts.
import type { Answer } from '../../tables.js';
import { DANFO_QUERIES_B } from './queries-b.js';
import { DANFO_QUERIES_C } from './queries-c.js';
import { DANFO_QUERIES_D } from './queries-d.js';
import { DANFO_QUERIES_E } from './queries-e.js';
import {
  answer,
  days,
  from,
  join,
  need,
  ordered,
  revenue,
  type DanfoQuery,
  type DanfoTables,
  type Dfd,
} from './shared.js';

function q1(t: DanfoTables): Answer {
  const l = need(t, 'lineitem');
  const d = l.query(l.column('l_shipdate').le(days('1998-09-02')));
  const price = revenue(d);
  const withCols = d
    .addColumn('disc_price', price)
    .addColumn('charge', price.mul(d.column('l_tax').add(1)));
  const g = withCols.groupby(['l_returnflag', 'l_linestatus']).agg({
    l_quantity: ['sum', 'mean', 'count'],
    l_extendedprice: ['sum', 'mean'],
    disc_price: 'sum',
    charge: 'sum',
    l_discount: 'mean',
  });
  const a = answer(g, {
    l_returnflag: 'l_returnflag',
    l_linestatus: 'l_linestatus',
    sum_qty: 'l_quantity_sum',
    sum_base_price: 'l_extendedprice_sum',
    sum_disc_price: 'disc_price_sum',
    sum_charge: 'charge_sum',
    avg_qty: 'l_quantity_mean',
    avg_price: 'l_extendedprice_mean',
    avg_disc: 'l_discount_mean',
    count_order: 'l_quantity_count',
  });
  return ordered(a, [
    ['l_returnflag', false],
    ['l_linestatus', false],
  ]);
}

function q3(t: DanfoTables, dfd: Dfd): Answer {
  const c = need(t, 'customer');
  const o = need(t, 'orders');
  const l = need(t, 'lineitem');
  const building = c.query(c.column('c_mktsegment').map((x) => x === 'BUILDING'));
  const early = o.query(o.column('o_orderdate').lt(days('1995-03-15')));
  const late = l.query(l.column('l_shipdate').gt(days('1995-03-15')));
  const co = join(dfd, building, 'c_custkey', early, 'o_custkey');
  const col = join(dfd, co, 'o_orderkey', late, 'l_orderkey');
  const g = col
    .addColumn('volume', revenue(col))
    .groupby(['o_orderkey', 'o_orderdate', 'o_shippriority'])
    .agg({ volume: 'sum' });
  const a = answer(
    g,
    {
      l_orderkey: 'o_orderkey',
      revenue: 'volume_sum',
      o_orderdate: 'o_orderdate',
      o_shippriority: 'o_shippriority',
    },
    ['o_orderdate'],
  );
  return ordered(
    a,
    [
      ['revenue', true],
      ['o_orderdate', false],
    ],
    10,
  );
}

function q4(t: DanfoTables, dfd: Dfd): Answer {
  const o = need(t, 'orders');
  const l = need(t, 'lineitem');
  const inQuarter = o.query(from(o.column('o_orderdate'), '1993-07-01', '1993-10-01'));
  // EXISTS: the distinct keys of late lines, merged in.
  const late = l.query(l.column('l_commitdate').lt(l.column('l_receiptdate')));
  const keys = new dfd.DataFrame({ o_orderkey: late.column('l_orderkey').unique().values });
  const g = dfd
    .merge({ left: inQuarter, right: keys, on: ['o_orderkey'], how: 'inner' })
    .groupby(['o_orderpriority'])
    .agg({ o_orderkey: 'count' });
  const a = answer(g, { o_orderpriority: 'o_orderpriority', order_count: 'o_orderkey_count' });
  return ordered(a, [['o_orderpriority', false]]);
}

function q5(t: DanfoTables, dfd: Dfd): Answer {
  const r = need(t, 'region');
  const asia = join(
    dfd,
    r.query(r.column('r_name').map((x) => x === 'ASIA')),
    'r_regionkey',
    need(t, 'nation'),
    'n_regionkey',
  );
  const supp = join(dfd, need(t, 'supplier'), 's_nationkey', asia, 'n_nationkey');
  const o = need(t, 'orders');
  const year = o.query(from(o.column('o_orderdate'), '1994-01-01', '1995-01-01'));
  const co = join(dfd, need(t, 'customer'), 'c_custkey', year, 'o_custkey');
  const lines = join(dfd, co, 'o_orderkey', need(t, 'lineitem'), 'l_orderkey');
  // Supplier and customer of the same nation: a merge on both keys.
  const all = join(dfd, lines, ['l_suppkey', 'c_nationkey'], supp, ['s_suppkey', 's_nationkey']);
  const g = all.addColumn('volume', revenue(all)).groupby(['n_name']).agg({ volume: 'sum' });
  return ordered(answer(g, { n_name: 'n_name', revenue: 'volume_sum' }), [['revenue', true]]);
}

function q6(t: DanfoTables): Answer {
  const l = need(t, 'lineitem');
  const disc = l.column('l_discount');
  const d = l.query(
    from(l.column('l_shipdate'), '1994-01-01', '1995-01-01')
      .and(disc.ge(0.05))
      .and(disc.le(0.07))
      .and(l.column('l_quantity').lt(24)),
  );
  const total =
    d.shape[0] === 0 ? 0 : d.column('l_extendedprice').mul(d.column('l_discount')).sum();
  return { columns: ['revenue'], rows: [[total]] };
}

function q10(t: DanfoTables, dfd: Dfd): Answer {
  const o = need(t, 'orders');
  const l = need(t, 'lineitem');
  const quarter = o.query(from(o.column('o_orderdate'), '1993-10-01', '1994-01-01'));
  const returned = l.query(l.column('l_returnflag').map((x) => x === 'R'));
  const ol = join(dfd, quarter, 'o_orderkey', returned, 'l_orderkey');
  const withCust = join(dfd, need(t, 'customer'), 'c_custkey', ol, 'o_custkey');
  const all = join(dfd, withCust, 'c_nationkey', need(t, 'nation'), 'n_nationkey');
  const keys = ['c_custkey', 'c_name', 'c_acctbal', 'c_phone', 'n_name', 'c_address', 'c_comment'];
  const g = all.addColumn('volume', revenue(all)).groupby(keys).agg({ volume: 'sum' });
  const a = answer(g, {
    c_custkey: 'c_custkey',
    c_name: 'c_name',
    revenue: 'volume_sum',
    c_acctbal: 'c_acctbal',
    n_name: 'n_name',
    c_address: 'c_address',
    c_phone: 'c_phone',
    c_comment: 'c_comment',
  });
  return ordered(a, [['revenue', true]], 20);
}

function q12(t: DanfoTables, dfd: Dfd): Answer {
  const l = need(t, 'lineitem');
  const modes = new Set(['MAIL', 'SHIP']);
  const receipt = l.column('l_receiptdate');
  const lines = l.query(
    l
      .column('l_shipmode')
      .map((m) => modes.has(m as string))
      .and(l.column('l_commitdate').lt(receipt))
      .and(l.column('l_shipdate').lt(l.column('l_commitdate')))
      .and(from(receipt, '1994-01-01', '1995-01-01')),
  );
  const both = join(dfd, lines, 'l_orderkey', need(t, 'orders'), 'o_orderkey');
  const urgent = new Set(['1-URGENT', '2-HIGH']);
  const high = both.column('o_orderpriority').map((p) => (urgent.has(p as string) ? 1 : 0));
  const g = both
    .addColumn('high', high)
    .addColumn('low', high.mul(-1).add(1))
    .groupby(['l_shipmode'])
    .agg({ high: 'sum', low: 'sum' });
  const a = answer(g, {
    l_shipmode: 'l_shipmode',
    high_line_count: 'high_sum',
    low_line_count: 'low_sum',
  });
  return ordered(a, [['l_shipmode', false]]);
}

function q14(t: DanfoTables, dfd: Dfd): Answer {
  const l = need(t, 'lineitem');
  const month = l.query(from(l.column('l_shipdate'), '1995-09-01', '1995-10-01'));
  const both = join(dfd, month, 'l_partkey', need(t, 'part'), 'p_partkey');
  const volume = revenue(both);
  const promo = both
    .column('p_type')
    .map((p) => ((p as string).startsWith('PROMO') ? 1 : 0))
    .mul(volume);
  return { columns: ['promo_revenue'], rows: [[(100 * promo.sum()) / volume.sum()]] };
}

/** The queries danfo runs, by number. @example DANFO_QUERIES[6]?.(t, dfd, 0.1) */
export const DANFO_QUERIES: Readonly<Record<number, DanfoQuery>> = {
  1: q1,
  3: q3,
  4: q4,
  5: q5,
  6: q6,
  10: q10,
  12: q12,
  14: q14,
  ...DANFO_QUERIES_B,
  ...DANFO_QUERIES_C,
  ...DANFO_QUERIES_D,
  ...DANFO_QUERIES_E,
};

/** Why a query is not run on danfo (none: all 22 run). @example NOT_RUN[13] */
export const NOT_RUN: Readonly<Record<number, string>> = {};

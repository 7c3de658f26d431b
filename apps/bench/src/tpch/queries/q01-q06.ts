// TPC-H queries 1-6 written with the @dask-ts/dataframe API, as a user would write them: filters
// on columns, joins with `merge`, `groupby().agg` with named aggregations, `sortValues` and
// `head`. Dates are date32 columns compared with ISO string literals (parsed once as dates); the
// validation parameters of the specification are used throughout. The optimizer pushes
// projections through filters, assigns, groupbys and merges into the Parquet reader, so a table
// need not be narrowed with `select` before a join (Q3 shows it; the other queries still do, which
// also keeps their joined columns obvious).
import { col, lit } from '@dask-ts/dataframe';
import { answerOf, firstRows, type TpchQuery } from '../tables.js';

/** 1 - l_discount, the discounted-price factor most queries use. */
const disc = () => lit(1).sub(col('l_discount'));
const revenue = () => col('l_extendedprice').mul(disc());

/** Q1, pricing summary report. @example await q1.run(t, { scheduler: 'sync' }, 1) */
export const q1: TpchQuery = {
  id: 1,
  async run(t, options) {
    const out = await t.lineitem
      .filter(col('l_shipdate').le('1998-09-02')) // date '1998-12-01' - interval '90' day
      .assign({
        disc_price: revenue(),
        charge: revenue().mul(lit(1).add(col('l_tax'))),
      })
      .groupby(['l_returnflag', 'l_linestatus'])
      .agg({
        sum_qty: ['l_quantity', 'sum'],
        sum_base_price: ['l_extendedprice', 'sum'],
        sum_disc_price: ['disc_price', 'sum'],
        sum_charge: ['charge', 'sum'],
        avg_qty: ['l_quantity', 'mean'],
        avg_price: ['l_extendedprice', 'mean'],
        avg_disc: ['l_discount', 'mean'],
        count_order: ['l_quantity', 'size'],
      })
      .sortValues(['l_returnflag', 'l_linestatus'])
      .compute(options);
    return answerOf(out, [
      'l_returnflag',
      'l_linestatus',
      'sum_qty',
      'sum_base_price',
      'sum_disc_price',
      'sum_charge',
      'avg_qty',
      'avg_price',
      'avg_disc',
      'count_order',
    ]);
  },
};

/** Q2, minimum cost supplier. @example await q2.run(t, { scheduler: 'sync' }, 1) */
export const q2: TpchQuery = {
  id: 2,
  async run(t, options) {
    const europe = t.region
      .filter(col('r_name').eq('EUROPE'))
      .select(['r_regionkey'])
      .merge(t.nation.select(['n_nationkey', 'n_name', 'n_regionkey']), {
        leftOn: 'r_regionkey',
        rightOn: 'n_regionkey',
      });
    const suppliers = t.supplier
      .select([
        's_suppkey',
        's_name',
        's_address',
        's_nationkey',
        's_phone',
        's_acctbal',
        's_comment',
      ])
      .merge(europe, { leftOn: 's_nationkey', rightOn: 'n_nationkey' });
    const offers = t.partsupp
      .select(['ps_partkey', 'ps_suppkey', 'ps_supplycost'])
      .merge(suppliers, { leftOn: 'ps_suppkey', rightOn: 's_suppkey' });
    const cheapest = offers.groupby('ps_partkey').agg({ min_cost: ['ps_supplycost', 'min'] });
    const sorted = t.part
      .filter(col('p_size').eq(15).and(col('p_type').str.endsWith('BRASS')))
      .select(['p_partkey', 'p_mfgr'])
      .merge(offers, { leftOn: 'p_partkey', rightOn: 'ps_partkey' })
      .merge(cheapest, { on: 'ps_partkey' })
      .filter(col('ps_supplycost').eq(col('min_cost')))
      .sortValues(['s_acctbal', 'n_name', 's_name', 'p_partkey'], {
        ascending: [false, true, true, true],
      });
    const out = await firstRows(sorted, 100).compute(options);
    return answerOf(out, [
      's_acctbal',
      's_name',
      'n_name',
      'p_partkey',
      'p_mfgr',
      's_address',
      's_phone',
      's_comment',
    ]);
  },
};

/** Q3, shipping priority. @example await q3.run(t, { scheduler: 'sync' }, 1) */
export const q3: TpchQuery = {
  id: 3,
  async run(t, options) {
    // No select before the merges: the optimizer reads only the columns used above them.
    const orders = t.orders.filter(col('o_orderdate').lt('1995-03-15'));
    const lines = t.lineitem.filter(col('l_shipdate').gt('1995-03-15'));
    const sorted = t.customer
      .filter(col('c_mktsegment').eq('BUILDING'))
      .merge(orders, { leftOn: 'c_custkey', rightOn: 'o_custkey' })
      .merge(lines, { leftOn: 'o_orderkey', rightOn: 'l_orderkey' })
      .assign({ volume: revenue() })
      .groupby(['l_orderkey', 'o_orderdate', 'o_shippriority'])
      .agg({ revenue: ['volume', 'sum'] })
      .sortValues(['revenue', 'o_orderdate'], { ascending: [false, true] });
    const out = await firstRows(sorted, 10).compute(options);
    return answerOf(out, ['l_orderkey', 'revenue', 'o_orderdate', 'o_shippriority']);
  },
};

/** Q4, order priority checking (EXISTS as a join with the distinct late order keys). @example await q4.run(t, { scheduler: 'sync' }, 1) */
export const q4: TpchQuery = {
  id: 4,
  async run(t, options) {
    // EXISTS (a late line of the order): a semi join.
    const late = t.lineitem.filter(col('l_commitdate').lt(col('l_receiptdate')));
    const out = await t.orders
      .filter(col('o_orderdate').ge('1993-07-01').and(col('o_orderdate').lt('1993-10-01')))
      .select(['o_orderkey', 'o_orderpriority'])
      .merge(late, { leftOn: 'o_orderkey', rightOn: 'l_orderkey', how: 'semi' })
      .groupby('o_orderpriority')
      .agg({ order_count: ['o_orderkey', 'size'] })
      .sortValues('o_orderpriority')
      .compute(options);
    return answerOf(out, ['o_orderpriority', 'order_count']);
  },
};

/** Q5, local supplier volume. @example await q5.run(t, { scheduler: 'sync' }, 1) */
export const q5: TpchQuery = {
  id: 5,
  async run(t, options) {
    const asia = t.region
      .filter(col('r_name').eq('ASIA'))
      .select(['r_regionkey'])
      .merge(t.nation.select(['n_nationkey', 'n_name', 'n_regionkey']), {
        leftOn: 'r_regionkey',
        rightOn: 'n_regionkey',
      });
    const suppliers = t.supplier
      .select(['s_suppkey', 's_nationkey'])
      .merge(asia, { leftOn: 's_nationkey', rightOn: 'n_nationkey' });
    const orders = t.orders
      .filter(col('o_orderdate').ge('1994-01-01').and(col('o_orderdate').lt('1995-01-01')))
      .select(['o_orderkey', 'o_custkey']);
    const out = await t.customer
      .select(['c_custkey', 'c_nationkey'])
      .merge(orders, { leftOn: 'c_custkey', rightOn: 'o_custkey' })
      .merge(t.lineitem.select(['l_orderkey', 'l_suppkey', 'l_extendedprice', 'l_discount']), {
        leftOn: 'o_orderkey',
        rightOn: 'l_orderkey',
      })
      .merge(suppliers, {
        leftOn: ['l_suppkey', 'c_nationkey'],
        rightOn: ['s_suppkey', 's_nationkey'],
      })
      .assign({ volume: revenue() })
      .groupby('n_name')
      .agg({ revenue: ['volume', 'sum'] })
      .sortValues('revenue', { ascending: false })
      .compute(options);
    return answerOf(out, ['n_name', 'revenue']);
  },
};

/** Q6, forecasting revenue change. @example await q6.run(t, { scheduler: 'sync' }, 1) */
export const q6: TpchQuery = {
  id: 6,
  async run(t, options) {
    const total = await t.lineitem
      .filter(
        col('l_shipdate')
          .ge('1994-01-01')
          .and(col('l_shipdate').lt('1995-01-01'))
          .and(col('l_discount').between(0.05, 0.07))
          .and(col('l_quantity').lt(24)),
      )
      .assign({ revenue: col('l_extendedprice').mul(col('l_discount')) })
      .col('revenue')
      .sum()
      .compute(options);
    return { columns: ['revenue'], rows: [[total]] };
  },
};

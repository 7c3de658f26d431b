// TPC-H queries 7-12 written with the @dask-ts/dataframe API. Years come from the date columns
// with `dt.year()`; CASE expressions are `where`; a join of a table with itself (nation twice in Q7 and Q8) renames
// one copy first, as in pandas. Tables meeting a join are narrowed with `select` first (see
// q01-q06.ts).
import { col, lit } from '@dask-ts/dataframe';
import { answerOf, firstRows, type TpchQuery } from '../tables.js';

const revenue = () => col('l_extendedprice').mul(lit(1).sub(col('l_discount')));
const year = (c: string) => col(c).dt.year();

/** Q7, volume shipping. @example await q7.run(t, { scheduler: 'sync' }, 1) */
export const q7: TpchQuery = {
  id: 7,
  async run(t, options) {
    const pair = ['FRANCE', 'GERMANY'];
    const suppNation = t.nation
      .filter(col('n_name').isin(pair))
      .select(['n_nationkey', 'n_name'])
      .rename({ n_nationkey: 'supp_nationkey', n_name: 'supp_nation' });
    const custNation = t.nation
      .filter(col('n_name').isin(pair))
      .select(['n_nationkey', 'n_name'])
      .rename({ n_nationkey: 'cust_nationkey', n_name: 'cust_nation' });
    const suppliers = t.supplier.select(['s_suppkey', 's_nationkey']).merge(suppNation, {
      leftOn: 's_nationkey',
      rightOn: 'supp_nationkey',
    });
    const customers = t.customer.select(['c_custkey', 'c_nationkey']).merge(custNation, {
      leftOn: 'c_nationkey',
      rightOn: 'cust_nationkey',
    });
    const out = await t.lineitem
      .filter(col('l_shipdate').between('1995-01-01', '1996-12-31'))
      .select(['l_orderkey', 'l_suppkey', 'l_shipdate', 'l_extendedprice', 'l_discount'])
      .merge(suppliers, { leftOn: 'l_suppkey', rightOn: 's_suppkey' })
      .merge(t.orders.select(['o_orderkey', 'o_custkey']), {
        leftOn: 'l_orderkey',
        rightOn: 'o_orderkey',
      })
      .merge(customers, { leftOn: 'o_custkey', rightOn: 'c_custkey' })
      .filter(col('supp_nation').ne(col('cust_nation')))
      .assign({ l_year: year('l_shipdate'), volume: revenue() })
      .groupby(['supp_nation', 'cust_nation', 'l_year'])
      .agg({ revenue: ['volume', 'sum'] })
      .sortValues(['supp_nation', 'cust_nation', 'l_year'])
      .compute(options);
    return answerOf(out, ['supp_nation', 'cust_nation', 'l_year', 'revenue']);
  },
};

/** Q8, national market share. @example await q8.run(t, { scheduler: 'sync' }, 1) */
export const q8: TpchQuery = {
  id: 8,
  async run(t, options) {
    const america = t.region
      .filter(col('r_name').eq('AMERICA'))
      .merge(t.nation, { leftOn: 'r_regionkey', rightOn: 'n_regionkey' })
      .select(['n_nationkey']);
    const customers = t.customer
      .select(['c_custkey', 'c_nationkey'])
      .merge(america, { leftOn: 'c_nationkey', rightOn: 'n_nationkey' });
    const suppliers = t.supplier
      .select(['s_suppkey', 's_nationkey'])
      .merge(
        t.nation
          .select(['n_nationkey', 'n_name'])
          .rename({ n_nationkey: 'sn_key', n_name: 'nation' }),
        { leftOn: 's_nationkey', rightOn: 'sn_key' },
      );
    const out = await t.part
      .filter(col('p_type').eq('ECONOMY ANODIZED STEEL'))
      .select(['p_partkey'])
      .merge(
        t.lineitem.select([
          'l_partkey',
          'l_orderkey',
          'l_suppkey',
          'l_extendedprice',
          'l_discount',
        ]),
        { leftOn: 'p_partkey', rightOn: 'l_partkey' },
      )
      .merge(
        t.orders
          .filter(col('o_orderdate').between('1995-01-01', '1996-12-31'))
          .select(['o_orderkey', 'o_custkey', 'o_orderdate']),
        { leftOn: 'l_orderkey', rightOn: 'o_orderkey' },
      )
      .merge(customers, { leftOn: 'o_custkey', rightOn: 'c_custkey' })
      .merge(suppliers, { leftOn: 'l_suppkey', rightOn: 's_suppkey' })
      .assign({ o_year: year('o_orderdate'), volume: revenue() })
      .assign({ brazil: col('volume').where(col('nation').eq('BRAZIL'), 0) })
      .groupby('o_year')
      .agg({ brazil: ['brazil', 'sum'], volume: ['volume', 'sum'] })
      .assign({ mkt_share: col('brazil').div(col('volume')) })
      .sortValues('o_year')
      .compute(options);
    return answerOf(out, ['o_year', 'mkt_share']);
  },
};

/** Q9, product type profit measure. @example await q9.run(t, { scheduler: 'sync' }, 1) */
export const q9: TpchQuery = {
  id: 9,
  async run(t, options) {
    const out = await t.part
      .filter(col('p_name').str.contains('green'))
      .select(['p_partkey'])
      .merge(
        t.lineitem.select([
          'l_partkey',
          'l_suppkey',
          'l_orderkey',
          'l_quantity',
          'l_extendedprice',
          'l_discount',
        ]),
        { leftOn: 'p_partkey', rightOn: 'l_partkey' },
      )
      .merge(t.partsupp.select(['ps_partkey', 'ps_suppkey', 'ps_supplycost']), {
        leftOn: ['l_partkey', 'l_suppkey'],
        rightOn: ['ps_partkey', 'ps_suppkey'],
      })
      .merge(t.supplier.select(['s_suppkey', 's_nationkey']), {
        leftOn: 'l_suppkey',
        rightOn: 's_suppkey',
      })
      .merge(t.nation.select(['n_nationkey', 'n_name']), {
        leftOn: 's_nationkey',
        rightOn: 'n_nationkey',
      })
      .merge(t.orders.select(['o_orderkey', 'o_orderdate']), {
        leftOn: 'l_orderkey',
        rightOn: 'o_orderkey',
      })
      .assign({
        o_year: year('o_orderdate'),
        amount: revenue().sub(col('ps_supplycost').mul(col('l_quantity'))),
      })
      .groupby(['n_name', 'o_year'])
      .agg({ sum_profit: ['amount', 'sum'] })
      .rename({ n_name: 'nation' })
      .sortValues(['nation', 'o_year'], { ascending: [true, false] })
      .compute(options);
    return answerOf(out, ['nation', 'o_year', 'sum_profit']);
  },
};

/**
 * Q10, returned item reporting: grouped by customer key (which determines the other customer
 * columns the SQL groups by), then joined with the customer's columns.
 *
 * @example await q10.run(t, { scheduler: 'sync' }, 1)
 */
export const q10: TpchQuery = {
  id: 10,
  async run(t, options) {
    const perCustomer = t.orders
      .filter(col('o_orderdate').ge('1993-10-01').and(col('o_orderdate').lt('1994-01-01')))
      .merge(t.lineitem.filter(col('l_returnflag').eq('R')), {
        leftOn: 'o_orderkey',
        rightOn: 'l_orderkey',
      })
      .assign({ volume: revenue() })
      .groupby('o_custkey')
      .agg({ revenue: ['volume', 'sum'] })
      .sortValues('revenue', { ascending: false });
    const out = await firstRows(perCustomer, 20)
      .merge(t.customer, { leftOn: 'o_custkey', rightOn: 'c_custkey' })
      .merge(t.nation.select(['n_nationkey', 'n_name']), {
        leftOn: 'c_nationkey',
        rightOn: 'n_nationkey',
      })
      .sortValues('revenue', { ascending: false })
      .compute(options);
    return answerOf(out, [
      'c_custkey',
      'c_name',
      'revenue',
      'c_acctbal',
      'n_name',
      'c_address',
      'c_phone',
      'c_comment',
    ]);
  },
};

/**
 * Q11, important stock identification: the threshold (a fraction of the total value) is a lazy
 * scalar used in the filter, as a Dask user writes it, so the query is one compute.
 *
 * @example await q11.run(t, { scheduler: 'sync' }, 1)
 */
export const q11: TpchQuery = {
  id: 11,
  async run(t, options, sf) {
    const stock = t.partsupp
      .select(['ps_partkey', 'ps_suppkey', 'ps_availqty', 'ps_supplycost'])
      .merge(t.supplier.select(['s_suppkey', 's_nationkey']), {
        leftOn: 'ps_suppkey',
        rightOn: 's_suppkey',
      })
      .merge(t.nation.filter(col('n_name').eq('GERMANY')).select(['n_nationkey']), {
        leftOn: 's_nationkey',
        rightOn: 'n_nationkey',
      })
      .assign({ value: col('ps_supplycost').mul(col('ps_availqty')) });
    // A lazy scalar: computed in the same graph as the groups, from the same partitions.
    const total = stock.col('value').sum();
    const out = await stock
      .groupby('ps_partkey')
      .agg({ value: ['value', 'sum'] })
      .filter(col('value').gt(lit(total).mul(0.0001 / sf)))
      .sortValues('value', { ascending: false })
      .compute(options);
    return answerOf(out, ['ps_partkey', 'value']);
  },
};

/** Q12, shipping modes and order priority. @example await q12.run(t, { scheduler: 'sync' }, 1) */
export const q12: TpchQuery = {
  id: 12,
  async run(t, options) {
    const high = col('o_orderpriority').isin(['1-URGENT', '2-HIGH']);
    const out = await t.lineitem
      .filter(
        col('l_shipmode')
          .isin(['MAIL', 'SHIP'])
          .and(col('l_commitdate').lt(col('l_receiptdate')))
          .and(col('l_shipdate').lt(col('l_commitdate')))
          .and(col('l_receiptdate').ge('1994-01-01'))
          .and(col('l_receiptdate').lt('1995-01-01')),
      )
      .select(['l_orderkey', 'l_shipmode'])
      .merge(t.orders.select(['o_orderkey', 'o_orderpriority']), {
        leftOn: 'l_orderkey',
        rightOn: 'o_orderkey',
      })
      .assign({ high: high.astype('int32'), low: high.not().astype('int32') })
      .groupby('l_shipmode')
      .agg({ high_line_count: ['high', 'sum'], low_line_count: ['low', 'sum'] })
      .sortValues('l_shipmode')
      .compute(options);
    return answerOf(out, ['l_shipmode', 'high_line_count', 'low_line_count']);
  },
};

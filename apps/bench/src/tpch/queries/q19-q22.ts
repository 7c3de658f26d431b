// TPC-H queries 19-22 written with the @dask-ts/dataframe API. Q19's disjunction of three
// brand / container / quantity / size conditions is one boolean expression after the join; Q20
// and Q21's correlated EXISTS / NOT EXISTS become groupbys (sums and distinct counts per key)
// joined back; Q22's scalar average is a lazy scalar in its filter and its NOT EXISTS is an anti-join. Tables
// meeting a join are narrowed with `select` first (see q01-q06.ts).
import { col, lit, type Expr } from '@dask-ts/dataframe';
import { answerOf, firstRows, type TpchQuery } from '../tables.js';

const revenue = () => col('l_extendedprice').mul(lit(1).sub(col('l_discount')));

/** Q19, discounted revenue. @example await q19.run(t, { scheduler: 'sync' }, 1) */
export const q19: TpchQuery = {
  id: 19,
  async run(t, options) {
    const branch = (brand: string, containers: string[], qty: number, size: number): Expr =>
      col('p_brand')
        .eq(brand)
        .and(col('p_container').isin(containers))
        .and(col('l_quantity').between(qty, qty + 10))
        .and(col('p_size').between(1, size));
    const total = await t.lineitem
      .filter(
        col('l_shipmode')
          .isin(['AIR', 'AIR REG'])
          .and(col('l_shipinstruct').eq('DELIVER IN PERSON')),
      )
      .select(['l_partkey', 'l_quantity', 'l_extendedprice', 'l_discount'])
      .merge(t.part.select(['p_partkey', 'p_brand', 'p_container', 'p_size']), {
        leftOn: 'l_partkey',
        rightOn: 'p_partkey',
      })
      .filter(
        branch('Brand#12', ['SM CASE', 'SM BOX', 'SM PACK', 'SM PKG'], 1, 5)
          .or(branch('Brand#23', ['MED BAG', 'MED BOX', 'MED PKG', 'MED PACK'], 10, 10))
          .or(branch('Brand#34', ['LG CASE', 'LG BOX', 'LG PACK', 'LG PKG'], 20, 15)),
      )
      .assign({ volume: revenue() })
      .col('volume')
      .sum()
      .compute(options);
    return { columns: ['revenue'], rows: [[total]] };
  },
};

/** Q20, potential part promotion. @example await q20.run(t, { scheduler: 'sync' }, 1) */
export const q20: TpchQuery = {
  id: 20,
  async run(t, options) {
    const shipped = t.lineitem
      .filter(col('l_shipdate').ge('1994-01-01').and(col('l_shipdate').lt('1995-01-01')))
      .groupby(['l_partkey', 'l_suppkey'])
      .agg({ sum_qty: ['l_quantity', 'sum'] });
    const suppliers = t.part
      .filter(col('p_name').str.startsWith('forest'))
      .select(['p_partkey'])
      .merge(t.partsupp.select(['ps_partkey', 'ps_suppkey', 'ps_availqty']), {
        leftOn: 'p_partkey',
        rightOn: 'ps_partkey',
      })
      .merge(shipped, { leftOn: ['ps_partkey', 'ps_suppkey'], rightOn: ['l_partkey', 'l_suppkey'] })
      .filter(col('ps_availqty').gt(col('sum_qty').mul(0.5)));
    const out = await t.supplier
      .select(['s_suppkey', 's_name', 's_address', 's_nationkey'])
      .merge(t.nation.filter(col('n_name').eq('CANADA')).select(['n_nationkey']), {
        leftOn: 's_nationkey',
        rightOn: 'n_nationkey',
      })
      .merge(suppliers, { leftOn: 's_suppkey', rightOn: 'ps_suppkey', how: 'semi' })
      .sortValues('s_name')
      .compute(options);
    return answerOf(out, ['s_name', 's_address']);
  },
};

/**
 * Q21, suppliers who kept orders waiting: EXISTS another supplier on the order is "the order has
 * two or more distinct suppliers"; NOT EXISTS another late supplier is "the order's late lines
 * have exactly one distinct supplier" (this line's).
 *
 * @example await q21.run(t, { scheduler: 'sync' }, 1)
 */
export const q21: TpchQuery = {
  id: 21,
  async run(t, options) {
    const late = t.lineitem
      .filter(col('l_receiptdate').gt(col('l_commitdate')))
      .select(['l_orderkey', 'l_suppkey']);
    const shared = t.lineitem
      .groupby('l_orderkey', { shuffle: true })
      .agg({ n_supp: ['l_suppkey', 'nunique'] })
      .filter(col('n_supp').gt(1))
      .select(['l_orderkey']);
    const alone = late
      .groupby('l_orderkey', { shuffle: true })
      .agg({ n_late: ['l_suppkey', 'nunique'] })
      .filter(col('n_late').eq(1))
      .select(['l_orderkey']);
    const saudi = t.supplier
      .select(['s_suppkey', 's_name', 's_nationkey'])
      .merge(t.nation.filter(col('n_name').eq('SAUDI ARABIA')).select(['n_nationkey']), {
        leftOn: 's_nationkey',
        rightOn: 'n_nationkey',
      });
    const sorted = late
      .merge(saudi, { leftOn: 'l_suppkey', rightOn: 's_suppkey' })
      .merge(t.orders.filter(col('o_orderstatus').eq('F')).select(['o_orderkey']), {
        leftOn: 'l_orderkey',
        rightOn: 'o_orderkey',
      })
      .merge(shared, { on: 'l_orderkey' })
      .merge(alone, { on: 'l_orderkey' })
      .groupby('s_name')
      .agg({ numwait: ['l_orderkey', 'size'] })
      .sortValues(['numwait', 's_name'], { ascending: [false, true] });
    const out = await firstRows(sorted, 100).compute(options);
    return answerOf(out, ['s_name', 'numwait']);
  },
};

/** Q22, global sales opportunity. @example await q22.run(t, { scheduler: 'sync' }, 1) */
export const q22: TpchQuery = {
  id: 22,
  async run(t, options) {
    const codes = ['13', '31', '23', '29', '30', '18', '17'];
    const candidates = t.customer
      .select(['c_custkey', 'c_phone', 'c_acctbal'])
      .assign({ cntrycode: col('c_phone').str.slice(0, 2) })
      .filter(col('cntrycode').isin(codes));
    // A lazy scalar: the average positive balance, in the same graph as the candidates.
    const avg = candidates.filter(col('c_acctbal').gt(0)).col('c_acctbal').mean();
    const out = await candidates
      .filter(col('c_acctbal').gt(avg))
      .merge(t.orders, { leftOn: 'c_custkey', rightOn: 'o_custkey', how: 'anti' })
      .groupby('cntrycode')
      .agg({ numcust: ['c_custkey', 'size'], totacctbal: ['c_acctbal', 'sum'] })
      .sortValues('cntrycode')
      .compute(options);
    return answerOf(out, ['cntrycode', 'numcust', 'totacctbal']);
  },
};

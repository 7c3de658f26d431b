// TPC-H queries 13-18 written with the @dask-ts/dataframe API. SQL's NOT LIKE '%a%b%' is a
// regular expression, NOT IN / NOT EXISTS are anti joins (`how: 'anti'`), correlated subqueries (Q17's average per part) are a groupby joined back, and a scalar
// subquery (Q15's maximum) is a lazy scalar in the filter, computed in the same graph. Tables meeting a join are
// narrowed with `select` first (see q01-q06.ts).
import { col, lit } from '@dask-ts/dataframe';
import { compute } from '@dask-ts/graph';
import { param } from '../params.js';
import { answerOf, firstRows, type TpchQuery } from '../tables.js';

const revenue = () => col('l_extendedprice').mul(lit(1).sub(col('l_discount')));

/** Q13, customer distribution. @example await q13.run(t, { scheduler: 'sync' }, 1) */
export const q13: TpchQuery = {
  id: 13,
  async run(t, options) {
    const orders = t.orders
      .filter(
        col('o_comment')
          .str.contains(/special.*requests/)
          .not(),
      )
      .select(['o_orderkey', 'o_custkey']);
    const out = await t.customer
      .select(['c_custkey'])
      .merge(orders, { leftOn: 'c_custkey', rightOn: 'o_custkey', how: 'left' })
      .groupby('c_custkey')
      .agg({ c_count: ['o_orderkey', 'count'] })
      .groupby('c_count')
      .agg({ custdist: ['c_custkey', 'size'] })
      .sortValues(['custdist', 'c_count'], { ascending: false })
      .compute(options);
    return answerOf(out, ['c_count', 'custdist']);
  },
};

/** Q14, promotion effect. @example await q14.run(t, { scheduler: 'sync' }, 1) */
export const q14: TpchQuery = {
  id: 14,
  async run(t, options) {
    const sums = await t.lineitem
      .filter(col('l_shipdate').ge('1995-09-01').and(col('l_shipdate').lt('1995-10-01')))
      .select(['l_partkey', 'l_extendedprice', 'l_discount'])
      .merge(t.part.select(['p_partkey', 'p_type']), { leftOn: 'l_partkey', rightOn: 'p_partkey' })
      .assign({ volume: revenue() })
      .assign({ promo: col('volume').where(col('p_type').str.startsWith('PROMO'), 0) })
      .select(['promo', 'volume'])
      .sum()
      .compute(options);
    return { columns: ['promo_revenue'], rows: [[(100 * sums.promo) / sums.volume]] };
  },
};

/** Q15, top supplier. @example await q15.run(t, { scheduler: 'sync' }, 1) */
export const q15: TpchQuery = {
  id: 15,
  async run(t, options) {
    const revenue0 = t.lineitem
      .filter(col('l_shipdate').ge('1996-01-01').and(col('l_shipdate').lt('1996-04-01')))
      .assign({ volume: revenue() })
      .groupby('l_suppkey')
      .agg({ total_revenue: ['volume', 'sum'] });
    // A lazy scalar: the best revenue, computed in the same graph from the same groups.
    const best = revenue0.col('total_revenue').max();
    const out = await t.supplier
      .select(['s_suppkey', 's_name', 's_address', 's_phone'])
      .merge(revenue0.filter(col('total_revenue').ge(best)), {
        leftOn: 's_suppkey',
        rightOn: 'l_suppkey',
      })
      .sortValues('s_suppkey')
      .compute(options);
    return answerOf(out, ['s_suppkey', 's_name', 's_address', 's_phone', 'total_revenue']);
  },
};

/** Q16, parts/supplier relationship. @example await q16.run(t, { scheduler: 'sync' }, 1) */
export const q16: TpchQuery = {
  id: 16,
  async run(t, options) {
    const complaints = t.supplier
      .filter(col('s_comment').str.contains(/Customer.*Complaints/))
      .select(['s_suppkey']);
    const out = await t.part
      .filter(
        col('p_brand')
          .ne('Brand#45')
          .and(col('p_type').str.startsWith('MEDIUM POLISHED').not())
          .and(col('p_size').isin([49, 14, 23, 45, 19, 3, 36, 9])),
      )
      .select(['p_partkey', 'p_brand', 'p_type', 'p_size'])
      .merge(t.partsupp.select(['ps_partkey', 'ps_suppkey']), {
        leftOn: 'p_partkey',
        rightOn: 'ps_partkey',
      })
      .merge(complaints, { leftOn: 'ps_suppkey', rightOn: 's_suppkey', how: 'anti' })
      .groupby(['p_brand', 'p_type', 'p_size'])
      .agg({ supplier_cnt: ['ps_suppkey', 'nunique'] })
      .sortValues(['supplier_cnt', 'p_brand', 'p_type', 'p_size'], {
        ascending: [false, true, true, true],
      })
      .compute(options);
    return answerOf(out, ['p_brand', 'p_type', 'p_size', 'supplier_cnt']);
  },
};

/** Q17, small-quantity-order revenue. @example await q17.run(t, { scheduler: 'sync' }, 1) */
export const q17: TpchQuery = {
  id: 17,
  async run(t, options, _sf, params) {
    const lines = t.part
      .filter(
        col('p_brand')
          .eq(param(17, 'brand', params))
          .and(col('p_container').eq(param(17, 'container', params))),
      )
      .select(['p_partkey'])
      .merge(t.lineitem.select(['l_partkey', 'l_quantity', 'l_extendedprice']), {
        leftOn: 'p_partkey',
        rightOn: 'l_partkey',
      });
    const avg = lines.groupby('p_partkey').agg({ avg_qty: ['l_quantity', 'mean'] });
    const price = lines
      .merge(avg, { on: 'p_partkey' })
      .filter(col('l_quantity').lt(col('avg_qty').mul(0.2)))
      .col('l_extendedprice');
    // SQL's sum over no rows is NULL: the count tells, computed in the same pass.
    const [total, n] = await compute(price.sum(), price.count(), options);
    return { columns: ['avg_yearly'], rows: [[n === 0 ? null : total / 7]] };
  },
};

/**
 * Q18, large volume customer: the quantity per order is computed once, and the orders above 300
 * are joined with their order and customer (the SQL's second sum over the same lines equals it).
 *
 * @example await q18.run(t, { scheduler: 'sync' }, 1)
 */
export const q18: TpchQuery = {
  id: 18,
  async run(t, options, _sf, params) {
    const sorted = t.lineitem
      .groupby('l_orderkey', { shuffle: true })
      .agg({ sum_qty: ['l_quantity', 'sum'] })
      .filter(col('sum_qty').gt(param(18, 'quantity', params)))
      .merge(t.orders.select(['o_orderkey', 'o_custkey', 'o_orderdate', 'o_totalprice']), {
        leftOn: 'l_orderkey',
        rightOn: 'o_orderkey',
      })
      .merge(t.customer.select(['c_custkey', 'c_name']), {
        leftOn: 'o_custkey',
        rightOn: 'c_custkey',
      })
      .sortValues(['o_totalprice', 'o_orderdate'], { ascending: [false, true] });
    const out = await firstRows(sorted, 100).compute(options);
    return answerOf(out, [
      'c_name',
      'c_custkey',
      'o_orderkey',
      'o_orderdate',
      'o_totalprice',
      'sum_qty',
    ]);
  },
};

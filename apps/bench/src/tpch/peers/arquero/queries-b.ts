// TPC-H-like queries 12-22 in arquero's verbs, written as queries-a.ts's are. LIKE patterns with
// a wildcard in the middle are regular expressions in `escape`d functions (arquero's parser does
// not take a RegExp from outside); NOT EXISTS / NOT IN are `antijoin`, EXISTS / IN `semijoin`;
// a scalar subquery is computed first and passed in through `params`.
import { desc, escape, op } from 'arquero';
import { answerOfAq, given, REV, type AqQuery } from './shared.js';

const q12: AqQuery = (t) =>
  answerOfAq(
    t.lineitem
      .filter(
        (d) =>
          (d.l_shipmode === 'MAIL' || d.l_shipmode === 'SHIP') &&
          d.l_commitdate < d.l_receiptdate &&
          d.l_shipdate < d.l_commitdate &&
          d.l_receiptdate >= '1994-01-01' &&
          d.l_receiptdate < '1995-01-01',
      )
      .select('l_orderkey', 'l_shipmode')
      .join(t.orders.select('o_orderkey', 'o_orderpriority'), ['l_orderkey', 'o_orderkey'])
      .derive({
        high: (d) => (d.o_orderpriority === '1-URGENT' || d.o_orderpriority === '2-HIGH' ? 1 : 0),
      })
      .groupby('l_shipmode')
      .rollup({
        high_line_count: op.sum('high'),
        low_line_count: (d) => op.sum(1 - d.high),
      })
      .orderby('l_shipmode'),
    ['l_shipmode', 'high_line_count', 'low_line_count'],
  );

const specialRequests = /special.*requests/;

const q13: AqQuery = (t) =>
  answerOfAq(
    t.customer
      .select('c_custkey')
      .join_left(
        t.orders
          .filter(escape((d: { o_comment: string }) => !specialRequests.test(d.o_comment)))
          .select('o_orderkey', 'o_custkey'),
        ['c_custkey', 'o_custkey'],
      )
      .groupby('c_custkey')
      .rollup({ c_count: op.valid('o_orderkey') })
      .groupby('c_count')
      .rollup({ custdist: op.count() })
      .orderby(desc('custdist'), desc('c_count')),
    ['c_count', 'custdist'],
  );

const q14: AqQuery = (t) => {
  const sums = t.lineitem
    .filter((d) => d.l_shipdate >= '1995-09-01' && d.l_shipdate < '1995-10-01')
    .select('l_partkey', 'l_extendedprice', 'l_discount')
    .join(t.part.select('p_partkey', 'p_type'), ['l_partkey', 'p_partkey'])
    .derive({ volume: REV })
    .rollup({
      promo: (d) => op.sum(op.startswith(d.p_type, 'PROMO') ? d.volume : 0),
      total: op.sum('volume'),
    });
  const promo = sums.get('promo', 0) as number;
  const total = sums.get('total', 0) as number;
  return { columns: ['promo_revenue'], rows: [[(100 * promo) / total]] };
};

const q15: AqQuery = (t) => {
  const revenue0 = t.lineitem
    .filter((d) => d.l_shipdate >= '1996-01-01' && d.l_shipdate < '1996-04-01')
    .derive({ volume: REV })
    .groupby('l_suppkey')
    .rollup({ total_revenue: op.sum('volume') })
    .reify();
  const best = revenue0.rollup({ best: op.max('total_revenue') }).get('best', 0) as number;
  return answerOfAq(
    t.supplier
      .select('s_suppkey', 's_name', 's_address', 's_phone')
      .join(
        given(revenue0, { best }).filter((d, $) => d.total_revenue >= $.best),
        ['s_suppkey', 'l_suppkey'],
      )
      .orderby('s_suppkey'),
    ['s_suppkey', 's_name', 's_address', 's_phone', 'total_revenue'],
  );
};

const complaints = /Customer.*Complaints/;

const q16: AqQuery = (t) =>
  answerOfAq(
    given(t.part, { sizes: [49, 14, 23, 45, 19, 3, 36, 9] })
      .filter(
        (d, $) =>
          d.p_brand !== 'Brand#45' &&
          !op.startswith(d.p_type, 'MEDIUM POLISHED') &&
          op.includes($.sizes, d.p_size),
      )
      .select('p_partkey', 'p_brand', 'p_type', 'p_size')
      .join(t.partsupp.select('ps_partkey', 'ps_suppkey'), ['p_partkey', 'ps_partkey'])
      .antijoin(
        t.supplier.filter(escape((d: { s_comment: string }) => complaints.test(d.s_comment))),
        ['ps_suppkey', 's_suppkey'],
      )
      .groupby('p_brand', 'p_type', 'p_size')
      .rollup({ supplier_cnt: op.distinct('ps_suppkey') })
      .orderby(desc('supplier_cnt'), 'p_brand', 'p_type', 'p_size'),
    ['p_brand', 'p_type', 'p_size', 'supplier_cnt'],
  );

const q17: AqQuery = (t, _sf, params) => {
  const lines = given(t.part, { brand: params[17]?.brand, container: params[17]?.container })
    .filter((d, $) => d.p_brand === $.brand && d.p_container === $.container)
    .select('p_partkey')
    .join(t.lineitem.select('l_partkey', 'l_quantity', 'l_extendedprice'), [
      'p_partkey',
      'l_partkey',
    ])
    .reify();
  const avg = lines
    .groupby('p_partkey')
    .rollup({ avg_qty: op.mean('l_quantity') })
    .rename({ p_partkey: 'avg_partkey' });
  const sums = lines
    .join(avg, ['p_partkey', 'avg_partkey'])
    .filter((d) => d.l_quantity < 0.2 * d.avg_qty)
    .rollup({ total: op.sum('l_extendedprice'), n: op.count() });
  const n = sums.get('n', 0) as number;
  return {
    columns: ['avg_yearly'],
    rows: [[n === 0 ? null : (sums.get('total', 0) as number) / 7]],
  };
};

const q18: AqQuery = (t, _sf, params) =>
  answerOfAq(
    given(t.lineitem.groupby('l_orderkey').rollup({ sum_qty: op.sum('l_quantity') }), {
      quantity: params[18]?.quantity,
    })
      .filter((d, $) => d.sum_qty > $.quantity)
      .join(t.orders.select('o_orderkey', 'o_custkey', 'o_orderdate', 'o_totalprice'), [
        'l_orderkey',
        'o_orderkey',
      ])
      .join(t.customer.select('c_custkey', 'c_name'), ['o_custkey', 'c_custkey'])
      .orderby(desc('o_totalprice'), 'o_orderdate')
      .slice(0, 100),
    ['c_name', 'c_custkey', 'o_orderkey', 'o_orderdate', 'o_totalprice', 'sum_qty'],
  );

const q19: AqQuery = (t) =>
  answerOfAq(
    given(
      t.lineitem
        .filter(
          (d) =>
            (d.l_shipmode === 'AIR' || d.l_shipmode === 'AIR REG') &&
            d.l_shipinstruct === 'DELIVER IN PERSON',
        )
        .select('l_partkey', 'l_quantity', 'l_extendedprice', 'l_discount')
        .join(t.part.select('p_partkey', 'p_brand', 'p_container', 'p_size'), [
          'l_partkey',
          'p_partkey',
        ]),
      {
        c1: ['SM CASE', 'SM BOX', 'SM PACK', 'SM PKG'],
        c2: ['MED BAG', 'MED BOX', 'MED PKG', 'MED PACK'],
        c3: ['LG CASE', 'LG BOX', 'LG PACK', 'LG PKG'],
      },
    )
      .filter(
        (d, $) =>
          (d.p_brand === 'Brand#12' &&
            op.includes($.c1, d.p_container) &&
            d.l_quantity >= 1 &&
            d.l_quantity <= 11 &&
            d.p_size >= 1 &&
            d.p_size <= 5) ||
          (d.p_brand === 'Brand#23' &&
            op.includes($.c2, d.p_container) &&
            d.l_quantity >= 10 &&
            d.l_quantity <= 20 &&
            d.p_size >= 1 &&
            d.p_size <= 10) ||
          (d.p_brand === 'Brand#34' &&
            op.includes($.c3, d.p_container) &&
            d.l_quantity >= 20 &&
            d.l_quantity <= 30 &&
            d.p_size >= 1 &&
            d.p_size <= 15),
      )
      .rollup({ revenue: (d) => op.sum(d.l_extendedprice * (1 - d.l_discount)) }),
    ['revenue'],
  );

const q20: AqQuery = (t) => {
  const shipped = t.lineitem
    .filter((d) => d.l_shipdate >= '1994-01-01' && d.l_shipdate < '1995-01-01')
    .groupby('l_partkey', 'l_suppkey')
    .rollup({ sum_qty: op.sum('l_quantity') });
  const offers = t.part
    .filter((d) => op.startswith(d.p_name, 'forest'))
    .select('p_partkey')
    .join(t.partsupp.select('ps_partkey', 'ps_suppkey', 'ps_availqty'), ['p_partkey', 'ps_partkey'])
    .join(shipped, [
      ['ps_partkey', 'ps_suppkey'],
      ['l_partkey', 'l_suppkey'],
    ])
    .filter((d) => d.ps_availqty > 0.5 * d.sum_qty);
  return answerOfAq(
    t.supplier
      .join(t.nation.filter((d) => d.n_name === 'CANADA').select('n_nationkey'), [
        's_nationkey',
        'n_nationkey',
      ])
      .semijoin(offers, ['s_suppkey', 'ps_suppkey'])
      .orderby('s_name'),
    ['s_name', 's_address'],
  );
};

const q21: AqQuery = (t) => {
  const late = t.lineitem
    .filter((d) => d.l_receiptdate > d.l_commitdate)
    .select('l_orderkey', 'l_suppkey')
    .reify();
  const shared = t.lineitem
    .groupby('l_orderkey')
    .rollup({ n: op.distinct('l_suppkey') })
    .filter((d) => d.n > 1);
  const alone = late
    .groupby('l_orderkey')
    .rollup({ n: op.distinct('l_suppkey') })
    .filter((d) => d.n === 1);
  const saudi = t.supplier
    .select('s_suppkey', 's_name', 's_nationkey')
    .join(t.nation.filter((d) => d.n_name === 'SAUDI ARABIA').select('n_nationkey'), [
      's_nationkey',
      'n_nationkey',
    ]);
  return answerOfAq(
    late
      .join(saudi, ['l_suppkey', 's_suppkey'])
      .semijoin(
        t.orders.filter((d) => d.o_orderstatus === 'F'),
        ['l_orderkey', 'o_orderkey'],
      )
      .semijoin(shared, ['l_orderkey', 'l_orderkey'])
      .semijoin(alone, ['l_orderkey', 'l_orderkey'])
      .groupby('s_name')
      .rollup({ numwait: op.count() })
      .orderby(desc('numwait'), 's_name')
      .slice(0, 100),
    ['s_name', 'numwait'],
  );
};

const q22: AqQuery = (t) => {
  const codes = ['13', '31', '23', '29', '30', '18', '17'];
  const candidates = given(
    t.customer
      .select('c_custkey', 'c_phone', 'c_acctbal')
      .derive({ cntrycode: (d) => op.substring(d.c_phone, 0, 2) }),
    { codes },
  )
    .filter((d, $) => op.includes($.codes, d.cntrycode))
    .reify();
  const avg = candidates
    .filter((d) => d.c_acctbal > 0)
    .rollup({ avg: op.mean('c_acctbal') })
    .get('avg', 0) as number;
  return answerOfAq(
    given(candidates, { avg })
      .filter((d, $) => d.c_acctbal > $.avg)
      .antijoin(t.orders, ['c_custkey', 'o_custkey'])
      .groupby('cntrycode')
      .rollup({ numcust: op.count(), totacctbal: op.sum('c_acctbal') })
      .orderby('cntrycode'),
    ['cntrycode', 'numcust', 'totacctbal'],
  );
};

/** Queries 12-22, in order. @example AQ_QUERIES_B[0](tables, 1, VALIDATION) */
export const AQ_QUERIES_B: readonly AqQuery[] = [
  q12,
  q13,
  q14,
  q15,
  q16,
  q17,
  q18,
  q19,
  q20,
  q21,
  q22,
];

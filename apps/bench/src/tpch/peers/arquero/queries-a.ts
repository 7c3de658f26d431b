// TPC-H-like queries 1-11 in arquero's verbs, as an arquero user writes them: `filter` and
// `derive` with parsed row expressions (literals inline, outside values through `params`), joins
// on key pairs (`join`, `semijoin`), `groupby().rollup()`, `orderby` and `slice`. Dates are the
// files' ISO strings, compared as strings; the year is the first four characters.
import { desc, op } from 'arquero';
import { answerOfAq, given, REV, type AqQuery } from './shared.js';

const q1: AqQuery = (t) =>
  answerOfAq(
    t.lineitem
      .filter((d) => d.l_shipdate <= '1998-09-02')
      .derive({ disc_price: REV })
      .derive({ charge: (d) => d.disc_price * (1 + d.l_tax) })
      .groupby('l_returnflag', 'l_linestatus')
      .rollup({
        sum_qty: op.sum('l_quantity'),
        sum_base_price: op.sum('l_extendedprice'),
        sum_disc_price: op.sum('disc_price'),
        sum_charge: op.sum('charge'),
        avg_qty: op.mean('l_quantity'),
        avg_price: op.mean('l_extendedprice'),
        avg_disc: op.mean('l_discount'),
        count_order: op.count(),
      })
      .orderby('l_returnflag', 'l_linestatus'),
    [
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
    ],
  );

const q2: AqQuery = (t) => {
  const europe = t.region
    .filter((d) => d.r_name === 'EUROPE')
    .join(t.nation, ['r_regionkey', 'n_regionkey']);
  const offers = t.partsupp.join(t.supplier.join(europe, ['s_nationkey', 'n_nationkey']), [
    'ps_suppkey',
    's_suppkey',
  ]);
  const cheapest = offers
    .groupby('ps_partkey')
    .rollup({ min_cost: op.min('ps_supplycost') })
    .rename({ ps_partkey: 'min_partkey' });
  return answerOfAq(
    t.part
      .filter((d) => d.p_size === 15 && op.endswith(d.p_type, 'BRASS'))
      .join(offers, ['p_partkey', 'ps_partkey'])
      .join(cheapest, ['ps_partkey', 'min_partkey'])
      .filter((d) => d.ps_supplycost === d.min_cost)
      .orderby(desc('s_acctbal'), 'n_name', 's_name', 'p_partkey')
      .slice(0, 100),
    ['s_acctbal', 's_name', 'n_name', 'p_partkey', 'p_mfgr', 's_address', 's_phone', 's_comment'],
  );
};

const q3: AqQuery = (t) =>
  answerOfAq(
    t.customer
      .filter((d) => d.c_mktsegment === 'BUILDING')
      .select('c_custkey')
      .join(
        t.orders
          .filter((d) => d.o_orderdate < '1995-03-15')
          .select('o_orderkey', 'o_custkey', 'o_orderdate', 'o_shippriority'),
        ['c_custkey', 'o_custkey'],
      )
      .join(
        t.lineitem
          .filter((d) => d.l_shipdate > '1995-03-15')
          .derive({ volume: REV })
          .select('l_orderkey', 'volume'),
        ['o_orderkey', 'l_orderkey'],
      )
      .groupby('l_orderkey', 'o_orderdate', 'o_shippriority')
      .rollup({ revenue: op.sum('volume') })
      .orderby(desc('revenue'), 'o_orderdate')
      .slice(0, 10),
    ['l_orderkey', 'revenue', 'o_orderdate', 'o_shippriority'],
  );

const q4: AqQuery = (t) =>
  answerOfAq(
    t.orders
      .filter((d) => d.o_orderdate >= '1993-07-01' && d.o_orderdate < '1993-10-01')
      .semijoin(
        t.lineitem.filter((d) => d.l_commitdate < d.l_receiptdate),
        ['o_orderkey', 'l_orderkey'],
      )
      .groupby('o_orderpriority')
      .rollup({ order_count: op.count() })
      .orderby('o_orderpriority'),
    ['o_orderpriority', 'order_count'],
  );

const q5: AqQuery = (t) => {
  const asia = t.region
    .filter((d) => d.r_name === 'ASIA')
    .join(t.nation, ['r_regionkey', 'n_regionkey'])
    .select('n_nationkey', 'n_name');
  const suppliers = t.supplier
    .select('s_suppkey', 's_nationkey')
    .join(asia, ['s_nationkey', 'n_nationkey']);
  return answerOfAq(
    t.customer
      .select('c_custkey', 'c_nationkey')
      .join(
        t.orders
          .filter((d) => d.o_orderdate >= '1994-01-01' && d.o_orderdate < '1995-01-01')
          .select('o_orderkey', 'o_custkey'),
        ['c_custkey', 'o_custkey'],
      )
      .join(t.lineitem.select('l_orderkey', 'l_suppkey', 'l_extendedprice', 'l_discount'), [
        'o_orderkey',
        'l_orderkey',
      ])
      .join(suppliers, [
        ['l_suppkey', 'c_nationkey'],
        ['s_suppkey', 's_nationkey'],
      ])
      .derive({ volume: REV })
      .groupby('n_name')
      .rollup({ revenue: op.sum('volume') })
      .orderby(desc('revenue')),
    ['n_name', 'revenue'],
  );
};

const q6: AqQuery = (t) =>
  answerOfAq(
    t.lineitem
      .filter(
        (d) =>
          d.l_shipdate >= '1994-01-01' &&
          d.l_shipdate < '1995-01-01' &&
          d.l_discount >= 0.05 &&
          d.l_discount <= 0.07 &&
          d.l_quantity < 24,
      )
      .rollup({ revenue: (d) => op.sum(d.l_extendedprice * d.l_discount) }),
    ['revenue'],
  );

const q7: AqQuery = (t) => {
  const pair = t.nation
    .filter((d) => d.n_name === 'FRANCE' || d.n_name === 'GERMANY')
    .select('n_nationkey', 'n_name');
  const suppliers = t.supplier
    .select('s_suppkey', 's_nationkey')
    .join(pair.rename({ n_nationkey: 'sn', n_name: 'supp_nation' }), ['s_nationkey', 'sn']);
  const customers = t.customer
    .select('c_custkey', 'c_nationkey')
    .join(pair.rename({ n_nationkey: 'cn', n_name: 'cust_nation' }), ['c_nationkey', 'cn']);
  return answerOfAq(
    t.lineitem
      .filter((d) => d.l_shipdate >= '1995-01-01' && d.l_shipdate <= '1996-12-31')
      .select('l_orderkey', 'l_suppkey', 'l_shipdate', 'l_extendedprice', 'l_discount')
      .join(suppliers, ['l_suppkey', 's_suppkey'])
      .join(t.orders.select('o_orderkey', 'o_custkey'), ['l_orderkey', 'o_orderkey'])
      .join(customers, ['o_custkey', 'c_custkey'])
      .filter((d) => d.supp_nation !== d.cust_nation)
      .derive({ l_year: (d) => op.parse_int(op.substring(d.l_shipdate, 0, 4)), volume: REV })
      .groupby('supp_nation', 'cust_nation', 'l_year')
      .rollup({ revenue: op.sum('volume') })
      .orderby('supp_nation', 'cust_nation', 'l_year'),
    ['supp_nation', 'cust_nation', 'l_year', 'revenue'],
  );
};

const q8: AqQuery = (t) => {
  const america = t.region
    .filter((d) => d.r_name === 'AMERICA')
    .join(t.nation, ['r_regionkey', 'n_regionkey'])
    .select('n_nationkey');
  const customers = t.customer
    .select('c_custkey', 'c_nationkey')
    .join(america, ['c_nationkey', 'n_nationkey']);
  const suppliers = t.supplier
    .select('s_suppkey', 's_nationkey')
    .join(
      t.nation.select('n_nationkey', 'n_name').rename({ n_nationkey: 'sn', n_name: 'nation' }),
      ['s_nationkey', 'sn'],
    );
  return answerOfAq(
    t.part
      .filter((d) => d.p_type === 'ECONOMY ANODIZED STEEL')
      .select('p_partkey')
      .join(
        t.lineitem.select('l_partkey', 'l_orderkey', 'l_suppkey', 'l_extendedprice', 'l_discount'),
        ['p_partkey', 'l_partkey'],
      )
      .join(
        t.orders
          .filter((d) => d.o_orderdate >= '1995-01-01' && d.o_orderdate <= '1996-12-31')
          .select('o_orderkey', 'o_custkey', 'o_orderdate'),
        ['l_orderkey', 'o_orderkey'],
      )
      .join(customers, ['o_custkey', 'c_custkey'])
      .join(suppliers, ['l_suppkey', 's_suppkey'])
      .derive({ o_year: (d) => op.parse_int(op.substring(d.o_orderdate, 0, 4)), volume: REV })
      .groupby('o_year')
      .rollup({
        brazil: (d) => op.sum(d.nation === 'BRAZIL' ? d.volume : 0),
        volume: op.sum('volume'),
      })
      .derive({ mkt_share: (d) => d.brazil / d.volume })
      .orderby('o_year'),
    ['o_year', 'mkt_share'],
  );
};

const q9: AqQuery = (t) =>
  answerOfAq(
    t.part
      .filter((d) => op.includes(d.p_name, 'green'))
      .select('p_partkey')
      .join(
        t.lineitem.select(
          'l_partkey',
          'l_suppkey',
          'l_orderkey',
          'l_quantity',
          'l_extendedprice',
          'l_discount',
        ),
        ['p_partkey', 'l_partkey'],
      )
      .join(t.partsupp.select('ps_partkey', 'ps_suppkey', 'ps_supplycost'), [
        ['l_partkey', 'l_suppkey'],
        ['ps_partkey', 'ps_suppkey'],
      ])
      .join(t.supplier.select('s_suppkey', 's_nationkey'), ['l_suppkey', 's_suppkey'])
      .join(t.nation.select('n_nationkey', 'n_name'), ['s_nationkey', 'n_nationkey'])
      .join(t.orders.select('o_orderkey', 'o_orderdate'), ['l_orderkey', 'o_orderkey'])
      .derive({
        o_year: (d) => op.parse_int(op.substring(d.o_orderdate, 0, 4)),
        amount: (d) => d.l_extendedprice * (1 - d.l_discount) - d.ps_supplycost * d.l_quantity,
      })
      .groupby('n_name', 'o_year')
      .rollup({ sum_profit: op.sum('amount') })
      .rename({ n_name: 'nation' })
      .orderby('nation', desc('o_year')),
    ['nation', 'o_year', 'sum_profit'],
  );

const q10: AqQuery = (t) => {
  const top = t.orders
    .filter((d) => d.o_orderdate >= '1993-10-01' && d.o_orderdate < '1994-01-01')
    .select('o_orderkey', 'o_custkey')
    .join(
      t.lineitem
        .filter((d) => d.l_returnflag === 'R')
        .select('l_orderkey', 'l_extendedprice', 'l_discount'),
      ['o_orderkey', 'l_orderkey'],
    )
    .derive({ volume: REV })
    .groupby('o_custkey')
    .rollup({ revenue: op.sum('volume') })
    .orderby(desc('revenue'))
    .slice(0, 20);
  return answerOfAq(
    top
      .join(t.customer, ['o_custkey', 'c_custkey'])
      .join(t.nation.select('n_nationkey', 'n_name'), ['c_nationkey', 'n_nationkey'])
      .orderby(desc('revenue')),
    ['c_custkey', 'c_name', 'revenue', 'c_acctbal', 'n_name', 'c_address', 'c_phone', 'c_comment'],
  );
};

const q11: AqQuery = (t, sf) => {
  const stock = t.partsupp
    .join(t.supplier.select('s_suppkey', 's_nationkey'), ['ps_suppkey', 's_suppkey'])
    .join(t.nation.filter((d) => d.n_name === 'GERMANY').select('n_nationkey'), [
      's_nationkey',
      'n_nationkey',
    ])
    .derive({ value: (d) => d.ps_supplycost * d.ps_availqty })
    .reify();
  const total = stock.rollup({ total: op.sum('value') }).get('total', 0) as number;
  return answerOfAq(
    given(stock.groupby('ps_partkey').rollup({ value: op.sum('value') }), {
      threshold: total * (0.0001 / sf),
    })
      .filter((d, $) => d.value > $.threshold)
      .orderby(desc('value')),
    ['ps_partkey', 'value'],
  );
};

/** Queries 1-11, in order. @example AQ_QUERIES_A[0](tables, 1, VALIDATION) */
export const AQ_QUERIES_A: readonly AqQuery[] = [q1, q2, q3, q4, q5, q6, q7, q8, q9, q10, q11];

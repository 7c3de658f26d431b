// The 22 TPC-H queries in nodejs-polars' lazy API (the peer), written as a polars user would:
// joins (semi and anti joins for EXISTS / NOT EXISTS), `groupBy().agg`, `when/then/otherwise`,
// date predicates against date literals. Scalar subqueries are cross joins with a one-row
// frame, so each query is one lazy plan collected once.
import type { DataFrame, Expr, LazyDataFrame } from 'nodejs-polars';
import type { TableName } from '../generate.js';

/** The polars module's default export. @example const pl = (await import('nodejs-polars')).default as Pl; */
export type Pl = typeof import('nodejs-polars').default;
/** The tables as lazy scans. @example const s: Scans = { ...; lineitem: pl.scanParquet(dir) }; */
export type Scans = Readonly<Record<TableName, LazyDataFrame>>;
type Q = (pl: Pl, s: Scans, sf: number) => Promise<DataFrame>;

const rev = (pl: Pl): Expr => pl.col('l_extendedprice').mul(pl.lit(1).sub(pl.col('l_discount')));
const year = (pl: Pl, c: string): Expr => pl.col(c).dt.year().cast(pl.Int32);
/** An ISO day ('1995-03-15') as a polars Date literal. */
const day = (pl: Pl, iso: string): Expr => pl.lit(iso).str.strptime(pl.Date, '%Y-%m-%d');
const between = (pl: Pl, c: string, lo: string, hi: string): Expr =>
  pl
    .col(c)
    .gtEq(day(pl, lo))
    .and(pl.col(c).ltEq(day(pl, hi)));
const from = (pl: Pl, c: string, lo: string, hi: string): Expr =>
  pl
    .col(c)
    .gtEq(day(pl, lo))
    .and(pl.col(c).lt(day(pl, hi)));

/** The queries, by number (index 0 is Q1). @example await POLARS_QUERIES[5](pl, scans, 1) */
export const POLARS_QUERIES: readonly Q[] = [
  // Q1
  async (pl, s) => {
    const disc = pl.col('l_extendedprice').mul(pl.lit(1).sub(pl.col('l_discount')));
    return s.lineitem
      .filter(pl.col('l_shipdate').ltEq(day(pl, '1998-09-02')))
      .groupBy(['l_returnflag', 'l_linestatus'])
      .agg(
        pl.col('l_quantity').sum().alias('sum_qty'),
        pl.col('l_extendedprice').sum().alias('sum_base_price'),
        disc.sum().alias('sum_disc_price'),
        disc
          .mul(pl.lit(1).add(pl.col('l_tax')))
          .sum()
          .alias('sum_charge'),
        pl.col('l_quantity').mean().alias('avg_qty'),
        pl.col('l_extendedprice').mean().alias('avg_price'),
        pl.col('l_discount').mean().alias('avg_disc'),
        pl.len().alias('count_order'),
      )
      .sort(['l_returnflag', 'l_linestatus'])
      .collect();
  },
  // Q2
  async (pl, s) => {
    const europe = s.region
      .filter(pl.col('r_name').eq(pl.lit('EUROPE')))
      .join(s.nation, { leftOn: 'r_regionkey', rightOn: 'n_regionkey' });
    const supp = s.supplier.join(europe, { leftOn: 's_nationkey', rightOn: 'n_nationkey' });
    const offers = s.partsupp.join(supp, { leftOn: 'ps_suppkey', rightOn: 's_suppkey' });
    const cheapest = offers
      .groupBy('ps_partkey')
      .agg(pl.col('ps_supplycost').min().alias('min_cost'));
    return s.part
      .filter(pl.col('p_size').eq(pl.lit(15)).and(pl.col('p_type').str.endsWith('BRASS')))
      .join(offers, { leftOn: 'p_partkey', rightOn: 'ps_partkey' })
      .join(cheapest, { leftOn: 'p_partkey', rightOn: 'ps_partkey' })
      .filter(pl.col('ps_supplycost').eq(pl.col('min_cost')))
      .sort(['s_acctbal', 'n_name', 's_name', 'p_partkey'], [true, false, false, false])
      .head(100)
      .select(
        's_acctbal',
        's_name',
        'n_name',
        'p_partkey',
        'p_mfgr',
        's_address',
        's_phone',
        's_comment',
      )
      .collect();
  },
  // Q3
  async (pl, s) =>
    s.customer
      .filter(pl.col('c_mktsegment').eq(pl.lit('BUILDING')))
      .join(s.orders.filter(pl.col('o_orderdate').lt(day(pl, '1995-03-15'))), {
        leftOn: 'c_custkey',
        rightOn: 'o_custkey',
      })
      .join(s.lineitem.filter(pl.col('l_shipdate').gt(day(pl, '1995-03-15'))), {
        leftOn: 'o_orderkey',
        rightOn: 'l_orderkey',
      })
      .groupBy(['o_orderkey', 'o_orderdate', 'o_shippriority'])
      .agg(rev(pl).sum().alias('revenue'))
      .sort(['revenue', 'o_orderdate'], [true, false])
      .head(10)
      .select(pl.col('o_orderkey').alias('l_orderkey'), 'revenue', 'o_orderdate', 'o_shippriority')
      .collect(),
  // Q4
  async (pl, s) =>
    s.orders
      .filter(from(pl, 'o_orderdate', '1993-07-01', '1993-10-01'))
      .join(s.lineitem.filter(pl.col('l_commitdate').lt(pl.col('l_receiptdate'))), {
        leftOn: 'o_orderkey',
        rightOn: 'l_orderkey',
        how: 'semi',
      })
      .groupBy('o_orderpriority')
      .agg(pl.len().alias('order_count'))
      .sort('o_orderpriority')
      .collect(),
  // Q5
  async (pl, s) => {
    const asia = s.region
      .filter(pl.col('r_name').eq(pl.lit('ASIA')))
      .join(s.nation, { leftOn: 'r_regionkey', rightOn: 'n_regionkey' });
    const supp = s.supplier.join(asia, { leftOn: 's_nationkey', rightOn: 'n_nationkey' });
    return s.customer
      .join(s.orders.filter(from(pl, 'o_orderdate', '1994-01-01', '1995-01-01')), {
        leftOn: 'c_custkey',
        rightOn: 'o_custkey',
      })
      .join(s.lineitem, { leftOn: 'o_orderkey', rightOn: 'l_orderkey' })
      .join(supp, { leftOn: ['l_suppkey', 'c_nationkey'], rightOn: ['s_suppkey', 's_nationkey'] })
      .groupBy('n_name')
      .agg(rev(pl).sum().alias('revenue'))
      .sort('revenue', true)
      .collect();
  },
  // Q6
  async (pl, s) =>
    s.lineitem
      .filter(
        from(pl, 'l_shipdate', '1994-01-01', '1995-01-01')
          .and(pl.col('l_discount').gtEq(pl.lit(0.05)))
          .and(pl.col('l_discount').ltEq(pl.lit(0.07)))
          .and(pl.col('l_quantity').lt(pl.lit(24))),
      )
      .select(pl.col('l_extendedprice').mul(pl.col('l_discount')).sum().alias('revenue'))
      .collect(),
  // Q7
  async (pl, s) => {
    const pair = pl.col('n_name').isIn(['FRANCE', 'GERMANY']);
    const n1 = s.nation
      .filter(pair)
      .select(pl.col('n_nationkey').alias('n1_key'), pl.col('n_name').alias('supp_nation'));
    const n2 = s.nation
      .filter(pair)
      .select(pl.col('n_nationkey').alias('n2_key'), pl.col('n_name').alias('cust_nation'));
    return s.lineitem
      .filter(between(pl, 'l_shipdate', '1995-01-01', '1996-12-31'))
      .join(s.supplier.join(n1, { leftOn: 's_nationkey', rightOn: 'n1_key' }), {
        leftOn: 'l_suppkey',
        rightOn: 's_suppkey',
      })
      .join(s.orders, { leftOn: 'l_orderkey', rightOn: 'o_orderkey' })
      .join(s.customer.join(n2, { leftOn: 'c_nationkey', rightOn: 'n2_key' }), {
        leftOn: 'o_custkey',
        rightOn: 'c_custkey',
      })
      .filter(pl.col('supp_nation').neq(pl.col('cust_nation')))
      .withColumns(year(pl, 'l_shipdate').alias('l_year'), rev(pl).alias('volume'))
      .groupBy(['supp_nation', 'cust_nation', 'l_year'])
      .agg(pl.col('volume').sum().alias('revenue'))
      .sort(['supp_nation', 'cust_nation', 'l_year'])
      .collect();
  },
  // Q8
  async (pl, s) => {
    const america = s.region
      .filter(pl.col('r_name').eq(pl.lit('AMERICA')))
      .join(s.nation, { leftOn: 'r_regionkey', rightOn: 'n_regionkey' })
      .select('n_nationkey');
    const n2 = s.nation.select(
      pl.col('n_nationkey').alias('n2_key'),
      pl.col('n_name').alias('nation'),
    );
    return s.part
      .filter(pl.col('p_type').eq(pl.lit('ECONOMY ANODIZED STEEL')))
      .join(s.lineitem, { leftOn: 'p_partkey', rightOn: 'l_partkey' })
      .join(s.orders.filter(between(pl, 'o_orderdate', '1995-01-01', '1996-12-31')), {
        leftOn: 'l_orderkey',
        rightOn: 'o_orderkey',
      })
      .join(s.customer.join(america, { leftOn: 'c_nationkey', rightOn: 'n_nationkey' }), {
        leftOn: 'o_custkey',
        rightOn: 'c_custkey',
      })
      .join(s.supplier.join(n2, { leftOn: 's_nationkey', rightOn: 'n2_key' }), {
        leftOn: 'l_suppkey',
        rightOn: 's_suppkey',
      })
      .withColumns(year(pl, 'o_orderdate').alias('o_year'), rev(pl).alias('volume'))
      .groupBy('o_year')
      .agg(
        pl
          .when(pl.col('nation').eq(pl.lit('BRAZIL')))
          .then(pl.col('volume'))
          .otherwise(pl.lit(0))
          .sum()
          .div(pl.col('volume').sum())
          .alias('mkt_share'),
      )
      .sort('o_year')
      .collect();
  },
  // Q9
  async (pl, s) =>
    s.part
      .filter(pl.col('p_name').str.contains('green', true))
      .select('p_partkey')
      .join(s.lineitem, { leftOn: 'p_partkey', rightOn: 'l_partkey' })
      .join(s.partsupp, {
        leftOn: ['p_partkey', 'l_suppkey'],
        rightOn: ['ps_partkey', 'ps_suppkey'],
      })
      .join(s.supplier, { leftOn: 'l_suppkey', rightOn: 's_suppkey' })
      .join(s.nation, { leftOn: 's_nationkey', rightOn: 'n_nationkey' })
      .join(s.orders, { leftOn: 'l_orderkey', rightOn: 'o_orderkey' })
      .withColumns(
        year(pl, 'o_orderdate').alias('o_year'),
        rev(pl)
          .sub(pl.col('ps_supplycost').mul(pl.col('l_quantity')))
          .alias('amount'),
      )
      .groupBy(['n_name', 'o_year'])
      .agg(pl.col('amount').sum().alias('sum_profit'))
      .select(pl.col('n_name').alias('nation'), 'o_year', 'sum_profit')
      .sort(['nation', 'o_year'], [false, true])
      .collect(),
  // Q10
  async (pl, s) =>
    s.orders
      .filter(from(pl, 'o_orderdate', '1993-10-01', '1994-01-01'))
      .join(s.lineitem.filter(pl.col('l_returnflag').eq(pl.lit('R'))), {
        leftOn: 'o_orderkey',
        rightOn: 'l_orderkey',
      })
      .join(s.customer, { leftOn: 'o_custkey', rightOn: 'c_custkey' })
      .join(s.nation, { leftOn: 'c_nationkey', rightOn: 'n_nationkey' })
      .groupBy(['o_custkey', 'c_name', 'c_acctbal', 'c_phone', 'n_name', 'c_address', 'c_comment'])
      .agg(rev(pl).sum().alias('revenue'))
      .sort('revenue', true)
      .head(20)
      .select(
        pl.col('o_custkey').alias('c_custkey'),
        'c_name',
        'revenue',
        'c_acctbal',
        'n_name',
        'c_address',
        'c_phone',
        'c_comment',
      )
      .collect(),
  // Q11
  async (pl, s, sf) => {
    const stock = s.partsupp
      .join(s.supplier, { leftOn: 'ps_suppkey', rightOn: 's_suppkey' })
      .join(s.nation.filter(pl.col('n_name').eq(pl.lit('GERMANY'))), {
        leftOn: 's_nationkey',
        rightOn: 'n_nationkey',
      })
      .withColumns(pl.col('ps_supplycost').mul(pl.col('ps_availqty')).alias('value'));
    const threshold = stock.select(
      pl
        .col('value')
        .sum()
        .mul(pl.lit(0.0001 / sf))
        .alias('threshold'),
    );
    return stock
      .groupBy('ps_partkey')
      .agg(pl.col('value').sum().alias('value'))
      .join(threshold, { how: 'cross' })
      .filter(pl.col('value').gt(pl.col('threshold')))
      .select('ps_partkey', 'value')
      .sort('value', true)
      .collect();
  },
  // Q12
  async (pl, s) => {
    const high = pl.col('o_orderpriority').isIn(['1-URGENT', '2-HIGH']);
    return s.lineitem
      .filter(
        pl
          .col('l_shipmode')
          .isIn(['MAIL', 'SHIP'])
          .and(pl.col('l_commitdate').lt(pl.col('l_receiptdate')))
          .and(pl.col('l_shipdate').lt(pl.col('l_commitdate')))
          .and(from(pl, 'l_receiptdate', '1994-01-01', '1995-01-01')),
      )
      .join(s.orders, { leftOn: 'l_orderkey', rightOn: 'o_orderkey' })
      .groupBy('l_shipmode')
      .agg(
        pl.when(high).then(pl.lit(1)).otherwise(pl.lit(0)).sum().alias('high_line_count'),
        pl.when(high).then(pl.lit(0)).otherwise(pl.lit(1)).sum().alias('low_line_count'),
      )
      .sort('l_shipmode')
      .collect();
  },
  // Q13
  async (pl, s) =>
    s.customer
      .select('c_custkey')
      .join(
        s.orders
          .filter(pl.col('o_comment').str.contains('special.*requests').not())
          .select('o_orderkey', 'o_custkey'),
        { leftOn: 'c_custkey', rightOn: 'o_custkey', how: 'left' },
      )
      .groupBy('c_custkey')
      .agg(pl.col('o_orderkey').count().alias('c_count'))
      .groupBy('c_count')
      .agg(pl.len().alias('custdist'))
      .sort(['custdist', 'c_count'], [true, true])
      .collect(),
  // Q14
  async (pl, s) =>
    s.lineitem
      .filter(from(pl, 'l_shipdate', '1995-09-01', '1995-10-01'))
      .join(s.part, { leftOn: 'l_partkey', rightOn: 'p_partkey' })
      .select(
        pl
          .lit(100)
          .mul(
            pl
              .when(pl.col('p_type').str.startsWith('PROMO'))
              .then(rev(pl))
              .otherwise(pl.lit(0))
              .sum(),
          )
          .div(rev(pl).sum())
          .alias('promo_revenue'),
      )
      .collect(),
  // Q15
  async (pl, s) => {
    const revenue0 = s.lineitem
      .filter(from(pl, 'l_shipdate', '1996-01-01', '1996-04-01'))
      .groupBy('l_suppkey')
      .agg(rev(pl).sum().alias('total_revenue'));
    return s.supplier
      .join(revenue0.filter(pl.col('total_revenue').eq(pl.col('total_revenue').max())), {
        leftOn: 's_suppkey',
        rightOn: 'l_suppkey',
      })
      .select('s_suppkey', 's_name', 's_address', 's_phone', 'total_revenue')
      .sort('s_suppkey')
      .collect();
  },
  // Q16
  async (pl, s) =>
    s.part
      .filter(
        pl
          .col('p_brand')
          .neq(pl.lit('Brand#45'))
          .and(pl.col('p_type').str.startsWith('MEDIUM POLISHED').not())
          .and(pl.col('p_size').isIn([49, 14, 23, 45, 19, 3, 36, 9])),
      )
      .join(s.partsupp, { leftOn: 'p_partkey', rightOn: 'ps_partkey' })
      .join(s.supplier.filter(pl.col('s_comment').str.contains('Customer.*Complaints')), {
        leftOn: 'ps_suppkey',
        rightOn: 's_suppkey',
        how: 'anti',
      })
      .groupBy(['p_brand', 'p_type', 'p_size'])
      .agg(pl.col('ps_suppkey').nUnique().alias('supplier_cnt'))
      .sort(['supplier_cnt', 'p_brand', 'p_type', 'p_size'], [true, false, false, false])
      .collect(),
  // Q17
  async (pl, s) => {
    const lines = s.part
      .filter(
        pl
          .col('p_brand')
          .eq(pl.lit('Brand#23'))
          .and(pl.col('p_container').eq(pl.lit('MED BOX'))),
      )
      .select('p_partkey')
      .join(s.lineitem, { leftOn: 'p_partkey', rightOn: 'l_partkey' });
    return lines
      .join(lines.groupBy('p_partkey').agg(pl.col('l_quantity').mean().alias('avg_qty')), {
        on: 'p_partkey',
      })
      .filter(pl.col('l_quantity').lt(pl.col('avg_qty').mul(pl.lit(0.2))))
      .select(
        // SQL's sum over no rows is NULL.
        pl
          .when(pl.len().gt(pl.lit(0)))
          .then(pl.col('l_extendedprice').sum().div(pl.lit(7)))
          .otherwise(pl.lit(null))
          .alias('avg_yearly'),
      )
      .collect();
  },
  // Q18
  async (pl, s) =>
    s.lineitem
      .groupBy('l_orderkey')
      .agg(pl.col('l_quantity').sum().alias('sum_qty'))
      .filter(pl.col('sum_qty').gt(pl.lit(300)))
      .join(s.orders, { leftOn: 'l_orderkey', rightOn: 'o_orderkey' })
      .join(s.customer, { leftOn: 'o_custkey', rightOn: 'c_custkey' })
      .sort(['o_totalprice', 'o_orderdate'], [true, false])
      .head(100)
      .select(
        'c_name',
        pl.col('o_custkey').alias('c_custkey'),
        pl.col('l_orderkey').alias('o_orderkey'),
        'o_orderdate',
        'o_totalprice',
        'sum_qty',
      )
      .collect(),
  // Q19
  async (pl, s) => {
    const branch = (brand: string, containers: string[], qty: number, size: number): Expr =>
      pl
        .col('p_brand')
        .eq(pl.lit(brand))
        .and(pl.col('p_container').isIn(containers))
        .and(pl.col('l_quantity').gtEq(pl.lit(qty)))
        .and(pl.col('l_quantity').ltEq(pl.lit(qty + 10)))
        .and(pl.col('p_size').gtEq(pl.lit(1)))
        .and(pl.col('p_size').ltEq(pl.lit(size)));
    return s.lineitem
      .filter(
        pl
          .col('l_shipmode')
          .isIn(['AIR', 'AIR REG'])
          .and(pl.col('l_shipinstruct').eq(pl.lit('DELIVER IN PERSON'))),
      )
      .join(s.part, { leftOn: 'l_partkey', rightOn: 'p_partkey' })
      .filter(
        branch('Brand#12', ['SM CASE', 'SM BOX', 'SM PACK', 'SM PKG'], 1, 5)
          .or(branch('Brand#23', ['MED BAG', 'MED BOX', 'MED PKG', 'MED PACK'], 10, 10))
          .or(branch('Brand#34', ['LG CASE', 'LG BOX', 'LG PACK', 'LG PKG'], 20, 15)),
      )
      .select(rev(pl).sum().alias('revenue'))
      .collect();
  },
  // Q20
  async (pl, s) => {
    const shipped = s.lineitem
      .filter(from(pl, 'l_shipdate', '1994-01-01', '1995-01-01'))
      .groupBy(['l_partkey', 'l_suppkey'])
      .agg(pl.col('l_quantity').sum().alias('sum_qty'));
    const suppliers = s.partsupp
      .join(s.part.filter(pl.col('p_name').str.startsWith('forest')), {
        leftOn: 'ps_partkey',
        rightOn: 'p_partkey',
        how: 'semi',
      })
      .join(shipped, { leftOn: ['ps_partkey', 'ps_suppkey'], rightOn: ['l_partkey', 'l_suppkey'] })
      .filter(pl.col('ps_availqty').gt(pl.col('sum_qty').mul(pl.lit(0.5))))
      .select('ps_suppkey');
    return s.supplier
      .join(s.nation.filter(pl.col('n_name').eq(pl.lit('CANADA'))), {
        leftOn: 's_nationkey',
        rightOn: 'n_nationkey',
      })
      .join(suppliers, { leftOn: 's_suppkey', rightOn: 'ps_suppkey', how: 'semi' })
      .select('s_name', 's_address')
      .sort('s_name')
      .collect();
  },
  // Q21
  async (pl, s) => {
    const late = s.lineitem
      .filter(pl.col('l_receiptdate').gt(pl.col('l_commitdate')))
      .select('l_orderkey', 'l_suppkey');
    const shared = s.lineitem
      .groupBy('l_orderkey')
      .agg(pl.col('l_suppkey').nUnique().alias('n_supp'))
      .filter(pl.col('n_supp').gt(pl.lit(1)));
    const alone = late
      .groupBy('l_orderkey')
      .agg(pl.col('l_suppkey').nUnique().alias('n_late'))
      .filter(pl.col('n_late').eq(pl.lit(1)));
    return late
      .join(
        s.supplier.join(s.nation.filter(pl.col('n_name').eq(pl.lit('SAUDI ARABIA'))), {
          leftOn: 's_nationkey',
          rightOn: 'n_nationkey',
        }),
        { leftOn: 'l_suppkey', rightOn: 's_suppkey' },
      )
      .join(s.orders.filter(pl.col('o_orderstatus').eq(pl.lit('F'))), {
        leftOn: 'l_orderkey',
        rightOn: 'o_orderkey',
        how: 'semi',
      })
      .join(shared, { on: 'l_orderkey', how: 'semi' })
      .join(alone, { on: 'l_orderkey', how: 'semi' })
      .groupBy('s_name')
      .agg(pl.len().alias('numwait'))
      .sort(['numwait', 's_name'], [true, false])
      .head(100)
      .collect();
  },
  // Q22
  async (pl, s) => {
    const candidates = s.customer
      .withColumns(pl.col('c_phone').str.slice(0, 2).alias('cntrycode'))
      .filter(pl.col('cntrycode').isIn(['13', '31', '23', '29', '30', '18', '17']));
    const avg = candidates
      .filter(pl.col('c_acctbal').gt(pl.lit(0)))
      .select(pl.col('c_acctbal').mean().alias('avg_bal'));
    return candidates
      .join(avg, { how: 'cross' })
      .filter(pl.col('c_acctbal').gt(pl.col('avg_bal')))
      .join(s.orders, { leftOn: 'c_custkey', rightOn: 'o_custkey', how: 'anti' })
      .groupBy('cntrycode')
      .agg(pl.len().alias('numcust'), pl.col('c_acctbal').sum().alias('totacctbal'))
      .sort('cntrycode')
      .collect();
  },
];

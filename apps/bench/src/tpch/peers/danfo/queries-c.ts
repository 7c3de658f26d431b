// TPC-H queries 7 and 22 in danfojs: a join of nation with itself (two renamed copies, as in
// pandas), years from day numbers and a NOT EXISTS, each through `map` over a column (a JS `Date`
// per value, a `Set` of keys), which is how a danfo user fills the gaps in its API.
import type { Answer } from '../../tables.js';
import {
  answer,
  days,
  join,
  need,
  ordered,
  pick,
  revenue,
  values,
  type DanfoQuery,
  type DanfoTables,
  type Dfd,
  type Series,
} from './shared.js';

const isIn = (s: Series, list: readonly string[]): Series => {
  const set = new Set(list);
  return s.map((x) => set.has(x as string));
};

function q7(t: DanfoTables, dfd: Dfd): Answer {
  const pair = ['FRANCE', 'GERMANY'];
  const n = need(t, 'nation');
  const both = n.query(isIn(n.column('n_name'), pair)).loc({ columns: ['n_nationkey', 'n_name'] });
  const suppNation = both.rename({ n_nationkey: 's_nationkey', n_name: 'supp_nation' });
  const custNation = both.rename({ n_nationkey: 'c_nationkey', n_name: 'cust_nation' });
  const suppliers = dfd.merge({
    left: pick(need(t, 'supplier'), ['s_suppkey', 's_nationkey']),
    right: suppNation,
    on: ['s_nationkey'],
    how: 'inner',
  });
  const customers = dfd.merge({
    left: pick(need(t, 'customer'), ['c_custkey', 'c_nationkey']),
    right: custNation,
    on: ['c_nationkey'],
    how: 'inner',
  });
  const l = need(t, 'lineitem');
  const ship = l.column('l_shipdate');
  // Narrowed with `pick` (by position): danfo's `loc({ columns })` is quadratic in the rows.
  const lines = pick(l.query(ship.ge(days('1995-01-01')).and(ship.le(days('1996-12-31')))), [
    'l_orderkey',
    'l_suppkey',
    'l_shipdate',
    'l_extendedprice',
    'l_discount',
  ]);
  const orders = pick(need(t, 'orders'), ['o_orderkey', 'o_custkey']);
  const ls = join(dfd, lines, 'l_suppkey', suppliers, 's_suppkey');
  const lso = join(dfd, ls, 'l_orderkey', orders, 'o_orderkey');
  const all = join(dfd, lso, 'o_custkey', customers, 'c_custkey');
  if (all.shape[0] === 0)
    return { columns: ['supp_nation', 'cust_nation', 'l_year', 'revenue'], rows: [] };
  const cust = values(all, 'cust_nation');
  const cross = all.query(values(all, 'supp_nation').map((s, i) => s !== cust[i]));
  const year = cross
    .column('l_shipdate')
    .map((d) => new Date((d as number) * 86400000).getUTCFullYear());
  const g = cross
    .addColumn('l_year', year)
    .addColumn('volume', revenue(cross))
    .groupby(['supp_nation', 'cust_nation', 'l_year'])
    .agg({ volume: 'sum' });
  const a = answer(g, {
    supp_nation: 'supp_nation',
    cust_nation: 'cust_nation',
    l_year: 'l_year',
    revenue: 'volume_sum',
  });
  return ordered(a, [
    ['supp_nation', false],
    ['cust_nation', false],
    ['l_year', false],
  ]);
}

function q22(t: DanfoTables): Answer {
  const codes = ['13', '31', '23', '29', '30', '18', '17'];
  const c = pick(need(t, 'customer'), ['c_custkey', 'c_phone', 'c_acctbal']);
  const withCode = c.addColumn(
    'cntrycode',
    c.column('c_phone').map((p) => (p as string).slice(0, 2)),
  );
  // danfo 1.1 cannot query a queried frame again until its index is reset.
  const candidates = withCode.query(isIn(withCode.column('cntrycode'), codes)).resetIndex();
  const positive = candidates.query(candidates.column('c_acctbal').gt(0));
  const avg = positive.column('c_acctbal').mean();
  const rich = candidates.query(candidates.column('c_acctbal').gt(avg)).resetIndex();
  // NOT EXISTS an order: the customers' keys against a Set of the ordering ones.
  const ordering = new Set(values(need(t, 'orders'), 'o_custkey'));
  const idle = rich.query(rich.column('c_custkey').map((k) => !ordering.has(k as number)));
  const columns = ['cntrycode', 'numcust', 'totacctbal'];
  if (idle.shape[0] === 0) return { columns, rows: [] };
  const g = idle.groupby(['cntrycode']).agg({ c_custkey: 'count', c_acctbal: 'sum' });
  const a = answer(g, {
    cntrycode: 'cntrycode',
    numcust: 'c_custkey_count',
    totacctbal: 'c_acctbal_sum',
  });
  return ordered(a, [['cntrycode', false]]);
}

/** These queries, by number. @example DANFO_QUERIES_C[22]?.(t, dfd, 0.1) */
export const DANFO_QUERIES_C: Readonly<Record<number, DanfoQuery>> = { 7: q7, 22: q22 };

// TPC-H queries 16, 20 and 21 in danfojs: the ones built on IN / NOT IN / EXISTS / NOT EXISTS
// and COUNT(DISTINCT), which danfo has no operation for (its merge has no semi or anti join, its
// groupby no nunique). The plainest stand-ins a danfo user has: a semi or anti join is a JS `Set`
// of the other side's keys and a boolean mask through `map` (`inSet`), then `query`; a distinct
// count per group keeps the first row of each distinct combination (`firstOf`, a `Set` too) and
// counts rows with groupby's `count`. Correlated subqueries (Q20's sum per part and supplier,
// Q21's other lines of the same order) are a groupby over the few candidate rows, merged back.
import type { Answer } from '../../tables.js';
import {
  answer,
  firstOf,
  from,
  is,
  join,
  need,
  ordered,
  pick,
  values,
  type DanfoQuery,
  type DanfoTables,
  type Dfd,
  type DF,
  type Series,
} from './shared.js';

/** A mask: whether each value is in `keys` (IN / EXISTS; negate for NOT IN / NOT EXISTS). */
const inSet = (s: Series, keys: ReadonlySet<unknown>): Series => s.map((k) => keys.has(k));
const notInSet = (s: Series, keys: ReadonlySet<unknown>): Series => s.map((k) => !keys.has(k));
const keysOf = (d: DF, c: string): Set<unknown> => new Set(values(d, c));

function q16(t: DanfoTables, dfd: Dfd): Answer {
  const columns = ['p_brand', 'p_type', 'p_size', 'supplier_cnt'];
  const sizes = new Set([49, 14, 23, 45, 19, 3, 36, 9]);
  const p = need(t, 'part');
  const parts = p.query(
    p
      .column('p_brand')
      .map((b) => b !== 'Brand#45')
      .and(p.column('p_type').map((x) => !(x as string).startsWith('MEDIUM POLISHED')))
      .and(inSet(p.column('p_size'), sizes)),
  );
  const s = need(t, 'supplier');
  const complaints = /Customer.*Complaints/;
  const bad = keysOf(
    s.query(s.column('s_comment').map((c) => complaints.test(c as string))),
    's_suppkey',
  );
  // NOT IN: the partsupp rows whose supplier is not in the Set of complained-about ones.
  const ps = pick(need(t, 'partsupp'), ['ps_partkey', 'ps_suppkey']);
  const offers = ps.query(notInSet(ps.column('ps_suppkey'), bad));
  const both = join(
    dfd,
    pick(parts, ['p_partkey', 'p_brand', 'p_type', 'p_size']),
    'p_partkey',
    offers,
    'ps_partkey',
  );
  if (both.shape[0] === 0) return { columns, rows: [] };
  // COUNT(DISTINCT ps_suppkey): one row per (brand, type, size, supplier), counted per group.
  const distinct = both.query(firstOf(both, ['p_brand', 'p_type', 'p_size', 'ps_suppkey']));
  const g = distinct.groupby(['p_brand', 'p_type', 'p_size']).agg({ ps_suppkey: 'count' });
  const a = answer(g, {
    p_brand: 'p_brand',
    p_type: 'p_type',
    p_size: 'p_size',
    supplier_cnt: 'ps_suppkey_count',
  });
  return ordered(a, [
    ['supplier_cnt', true],
    ['p_brand', false],
    ['p_type', false],
    ['p_size', false],
  ]);
}

function q20(t: DanfoTables, dfd: Dfd): Answer {
  const columns = ['s_name', 's_address'];
  const p = need(t, 'part');
  const forest = keysOf(
    p.query(p.column('p_name').map((x) => (x as string).startsWith('forest'))),
    'p_partkey',
  );
  // ps_partkey IN (forest parts), then the correlated sum: the 1994 quantity shipped per (part,
  // supplier) among those parts, merged back (no lines: no row, as SQL's NULL comparison).
  const ps = pick(need(t, 'partsupp'), ['ps_partkey', 'ps_suppkey', 'ps_availqty']);
  const offers = ps.query(inSet(ps.column('ps_partkey'), forest));
  const l = need(t, 'lineitem');
  const year = l.query(from(l.column('l_shipdate'), '1994-01-01', '1995-01-01'));
  const lines = pick(year, ['l_partkey', 'l_suppkey', 'l_quantity']).resetIndex();
  const forestLines = lines.query(inSet(lines.column('l_partkey'), forest));
  if (offers.shape[0] === 0 || forestLines.shape[0] === 0) return { columns, rows: [] };
  const shipped = forestLines.groupby(['l_partkey', 'l_suppkey']).agg({ l_quantity: 'sum' });
  const both = join(dfd, offers, ['ps_partkey', 'ps_suppkey'], shipped, ['l_partkey', 'l_suppkey']);
  const excess = both.query(both.column('ps_availqty').gt(both.column('l_quantity_sum').mul(0.5)));
  // s_suppkey IN (those offers' suppliers), among Canada's suppliers.
  const n = need(t, 'nation');
  const canada = join(
    dfd,
    pick(need(t, 'supplier'), ['s_suppkey', 's_name', 's_address', 's_nationkey']),
    's_nationkey',
    pick(n.query(is(n.column('n_name'), 'CANADA')), ['n_nationkey']),
    'n_nationkey',
  );
  const chosen = canada.query(inSet(canada.column('s_suppkey'), keysOf(excess, 'ps_suppkey')));
  const a = answer(chosen, { s_name: 's_name', s_address: 's_address' });
  return ordered(a, [['s_name', false]]);
}

function q21(t: DanfoTables, dfd: Dfd): Answer {
  const columns = ['s_name', 'numwait'];
  const n = need(t, 'nation');
  const saudi = join(
    dfd,
    pick(need(t, 'supplier'), ['s_suppkey', 's_name', 's_nationkey']),
    's_nationkey',
    pick(n.query(is(n.column('n_name'), 'SAUDI ARABIA')), ['n_nationkey']),
    'n_nationkey',
  );
  const l = need(t, 'lineitem');
  const late = (d: DF): Series => d.column('l_receiptdate').gt(d.column('l_commitdate'));
  const o = need(t, 'orders');
  const finished = keysOf(o.query(is(o.column('o_orderstatus'), 'F')), 'o_orderkey');
  // l1: late lines of Saudi suppliers on finished orders (danfo's boolean `query` reads the
  // index labels as positions, so a queried frame is queried again after `resetIndex`).
  const l1 = l
    .query(
      late(l)
        .and(inSet(l.column('l_suppkey'), keysOf(saudi, 's_suppkey')))
        .and(inSet(l.column('l_orderkey'), finished)),
    )
    .resetIndex();
  if (l1.shape[0] === 0) return { columns, rows: [] };
  // The lines of those orders: per order, the distinct suppliers, and the distinct late ones.
  const lines = l.query(inSet(l.column('l_orderkey'), keysOf(l1, 'l_orderkey'))).resetIndex();
  const pairs = lines.query(firstOf(lines, ['l_orderkey', 'l_suppkey']));
  const suppliers = pairs.groupby(['l_orderkey']).agg({ l_suppkey: 'count' });
  const lateLines = lines.query(late(lines)).resetIndex();
  const lateOnes = lateLines.query(firstOf(lateLines, ['l_orderkey', 'l_suppkey']));
  const lateSuppliers = lateOnes.groupby(['l_orderkey']).agg({ l_suppkey: 'count' });
  // EXISTS another supplier: more than one distinct supplier in the order. NOT EXISTS another late
  // supplier: l1's own supplier is late, so exactly one distinct late supplier.
  const multi = suppliers.query(suppliers.column('l_suppkey_count').gt(1));
  const alone = lateSuppliers.query(lateSuppliers.column('l_suppkey_count').eq(1));
  const waiting = l1.query(
    inSet(l1.column('l_orderkey'), keysOf(multi, 'l_orderkey')).and(
      inSet(l1.column('l_orderkey'), keysOf(alone, 'l_orderkey')),
    ),
  );
  if (waiting.shape[0] === 0) return { columns, rows: [] };
  const named = join(
    dfd,
    pick(waiting, ['l_orderkey', 'l_suppkey']),
    'l_suppkey',
    saudi,
    's_suppkey',
  );
  const g = named.groupby(['s_name']).agg({ l_orderkey: 'count' });
  const a = answer(g, { s_name: 's_name', numwait: 'l_orderkey_count' });
  return ordered(
    a,
    [
      ['numwait', true],
      ['s_name', false],
    ],
    100,
  );
}

/** These queries, by number. @example DANFO_QUERIES_E[21]?.(t, dfd, 0.01) */
export const DANFO_QUERIES_E: Readonly<Record<number, DanfoQuery>> = {
  16: q16,
  20: q20,
  21: q21,
};

// The 22 TPC-H queries in order, as the test and the suite run them.
import type { TpchQuery } from '../tables.js';
import { q1, q2, q3, q4, q5, q6 } from './q01-q06.js';
import { q7, q8, q9, q10, q11, q12 } from './q07-q12.js';
import { q13, q14, q15, q16, q17, q18 } from './q13-q18.js';
import { q19, q20, q21, q22 } from './q19-q22.js';

/** Every query, by number. @example QUERIES.find((q) => q.id === 6) */
export const QUERIES: readonly TpchQuery[] = [
  q1,
  q2,
  q3,
  q4,
  q5,
  q6,
  q7,
  q8,
  q9,
  q10,
  q11,
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

/**
 * The answer columns each query orders its rows by (empty: one row, or no ORDER BY).
 *
 * @example
 * ORDER_BY[3]; // ['revenue', 'o_orderdate']
 */
export const ORDER_BY: Readonly<Record<number, readonly string[]>> = {
  1: ['l_returnflag', 'l_linestatus'],
  2: ['s_acctbal', 'n_name', 's_name', 'p_partkey'],
  3: ['revenue', 'o_orderdate'],
  4: ['o_orderpriority'],
  5: ['revenue'],
  6: [],
  7: ['supp_nation', 'cust_nation', 'l_year'],
  8: ['o_year'],
  9: ['nation', 'o_year'],
  10: ['revenue'],
  11: ['value'],
  12: ['l_shipmode'],
  13: ['custdist', 'c_count'],
  14: [],
  15: ['s_suppkey'],
  16: ['supplier_cnt', 'p_brand', 'p_type', 'p_size'],
  17: [],
  18: ['o_totalprice', 'o_orderdate'],
  19: [],
  20: ['s_name'],
  21: ['numwait', 's_name'],
  22: ['cntrycode'],
};

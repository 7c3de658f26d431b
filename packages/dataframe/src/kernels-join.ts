// The join kernel: a hash join of two tables on key columns (of equal types). Both sides' keys
// are grouped together in one hash table (groupIds over the concatenated key columns), the right
// rows of each group listed, and every left row emitted with each right row of its group (inner,
// left, outer: a left row without a match once with nulls; right, outer: the unmatched right rows
// at the end; semi, anti: each left row once, with or without a match). A null key matches
// nothing (as in SQL). Key columns joined under one name take the
// value of whichever side has the row.
import type { Table } from 'apache-arrow';
import { colsOf, concatCols, tableOf, type Col } from './columns.js';
import { Utf8Builder } from './kernels-str.js';
import { groupIds, takeOrNull } from './kernels-agg.js';
import { choose } from './kernels-ops.js';

/** A join, as data: which columns come out under which names. @internal */
export interface JoinSpec {
  readonly leftOn: readonly string[];
  readonly rightOn: readonly string[];
  readonly how: 'inner' | 'left' | 'right' | 'outer' | 'semi' | 'anti';
  /** [source column, output name] of the left and right sides. */
  readonly left: readonly (readonly [string, string])[];
  readonly right: readonly (readonly [string, string])[];
  /** Keys joined under one name: [left key, right key, output name]. */
  readonly shared: readonly (readonly [string, string, string])[];
  readonly indicator: boolean;
  /** The output columns in order. */
  readonly order: readonly string[];
}

const encoder = new TextEncoder();
const BOTH = encoder.encode('both');
const LEFT_ONLY = encoder.encode('left_only');
const RIGHT_ONLY = encoder.encode('right_only');

class Ints {
  data = new Int32Array(64);
  n = 0;
  push(x: number): void {
    if (this.n === this.data.length) {
      const g = new Int32Array(this.data.length * 2);
      g.set(this.data);
      this.data = g;
    }
    this.data[this.n++] = x;
  }
  get(): Int32Array {
    return this.data.subarray(0, this.n);
  }
}

/** Joins two tables. @internal */
export function joinTables(l: Table, r: Table, spec: JoinSpec): Table {
  const lc = colsOf(l);
  const rc = colsOf(r);
  const nl = l.numRows;
  const nr = r.numRows;
  const keys = spec.leftOn.map((k, j) => {
    const a = lc.get(k)!;
    return concatCols([a, rc.get(spec.rightOn[j])!], a.type);
  });
  const { ids, firsts } = groupIds(keys, nl + nr);
  const ng = firsts.length;
  const count = new Int32Array(ng + 1);
  for (let i = 0; i < nr; i++) {
    const g = ids[nl + i];
    if (g >= 0) count[g + 1]++;
  }
  for (let g = 0; g < ng; g++) count[g + 1] += count[g];
  const rows = new Int32Array(count[ng]);
  const fill = count.slice(0, ng);
  for (let i = 0; i < nr; i++) {
    const g = ids[nl + i];
    if (g >= 0) rows[fill[g]++] = i;
  }
  if (spec.how === 'semi' || spec.how === 'anti') {
    // Each left row once, when its group has (semi) or has not (anti) a right row.
    const want = spec.how === 'semi';
    const keep = new Ints();
    for (let i = 0; i < nl; i++) {
      const g = ids[i];
      if ((g >= 0 && count[g + 1] > count[g]) === want) keep.push(i);
    }
    const K = keep.get();
    const out = new Map<string, Col>();
    for (const [src, name] of spec.left) out.set(name, takeOrNull(lc.get(src)!, K));
    return tableOf(new Map(spec.order.map((n) => [n, out.get(n)!])));
  }
  const keepLeft = spec.how === 'left' || spec.how === 'outer';
  const keepRight = spec.how === 'right' || spec.how === 'outer';
  const li = new Ints();
  const ri = new Ints();
  const matched = new Uint8Array(nr);
  for (let i = 0; i < nl; i++) {
    const g = ids[i];
    if (g >= 0 && count[g + 1] > count[g]) {
      for (let k = count[g]; k < count[g + 1]; k++) {
        li.push(i);
        ri.push(rows[k]);
        matched[rows[k]] = 1;
      }
    } else if (keepLeft) {
      li.push(i);
      ri.push(-1);
    }
  }
  if (keepRight) {
    for (let i = 0; i < nr; i++) {
      if (matched[i]) continue;
      li.push(-1);
      ri.push(i);
    }
  }
  const L = li.get();
  const R = ri.get();
  const out = new Map<string, Col>();
  for (const [src, name] of spec.left) out.set(name, takeOrNull(lc.get(src)!, L));
  for (const [src, name] of spec.right) out.set(name, takeOrNull(rc.get(src)!, R));
  for (const [a, b, name] of spec.shared) {
    out.set(
      name,
      choose(takeOrNull(lc.get(a)!, L), takeOrNull(rc.get(b)!, R), (i) => L[i] >= 0),
    );
  }
  if (spec.indicator) {
    const b = new Utf8Builder(L.length, L.length * 5);
    for (let i = 0; i < L.length; i++) {
      const tag = L[i] < 0 ? RIGHT_ONLY : R[i] < 0 ? LEFT_ONLY : BOTH;
      b.append(tag, 0, tag.length);
      b.end();
    }
    out.set('_merge', b.done());
  }
  return tableOf(new Map(spec.order.map((n) => [n, out.get(n)!])));
}

function concatAll(parts: readonly Table[]): Table {
  if (parts.length === 1) return parts[0];
  const all = parts.map(colsOf);
  const out = new Map<string, Col>();
  for (const name of all[0]?.keys() ?? []) {
    const cs = all.map((m) => m.get(name)!);
    out.set(name, concatCols(cs, cs[0].type));
  }
  return tableOf(out);
}

/** The kernels of this file. @internal */
export const joinKernels = {
  /** Two co-partitioned tables joined. */
  join: (spec: JoinSpec, l: Table, r: Table): Table => joinTables(l, r, spec),
  /** A left partition joined with the whole right side (its partitions). */
  joinRightAll: (spec: JoinSpec, l: Table, ...rights: Table[]): Table =>
    joinTables(l, concatAll(rights), spec),
  /** A right partition joined with the whole left side (its partitions). */
  joinLeftAll: (spec: JoinSpec, r: Table, ...lefts: Table[]): Table =>
    joinTables(concatAll(lefts), r, spec),
};

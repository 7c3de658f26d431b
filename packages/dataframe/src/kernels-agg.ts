// Reduction kernels: whole-column aggregations and groupby, both as tree reductions. A partial is
// a small state per partition (counts, sums, minima, maxima as Float64Arrays, and for groupby the
// groups' key columns), combined in rounds until one is left and then finished. Groups are found
// with an open-addressing hash table over the key columns' typed arrays and bytes (no per-row
// objects); rows with a null key are dropped, as pandas does by default.
import { concatCols, isValid, type Col } from './columns.js';
import {
  accumulate,
  ALL_STATS,
  groupsOf,
  mergeAccs,
  newAcc,
  statsOf,
  type Acc,
  type Stat,
} from './kernels-group-acc.js';
import { intGroupIds, intKeys, packKeys } from './kernels-group-int.js';

import { take } from './take.js';

/**
 * An aggregation.
 *
 * @example
 * const how: AggName = 'mean';
 */
export type AggName =
  | 'sum'
  | 'mean'
  | 'min'
  | 'max'
  | 'count'
  | 'size'
  | 'std'
  | 'var'
  | 'nunique'
  | 'first'
  | 'last'
  | 'median'
  | 'quantile';

/** The value of an aggregation for group `g` (NaN where it has none). @internal */
export function finishAgg(acc: Acc, g: number, how: AggName): number {
  const n = acc.count[g];
  switch (how) {
    case 'count':
      return n;
    case 'sum':
      return acc.sum[g];
    case 'mean':
      return n === 0 ? NaN : acc.sum[g] / n;
    case 'min':
      return n === 0 ? NaN : acc.min[g];
    case 'max':
      return n === 0 ? NaN : acc.max[g];
    case 'var':
      return n < 2 ? NaN : acc.m2[g] / (n - 1);
    case 'std':
      return n < 2 ? NaN : Math.sqrt(acc.m2[g] / (n - 1));
    default:
      throw new Error(`finishAgg: ${how} is not a running aggregate`);
  }
}

/** Aggregates of whole columns: one Acc per column. @internal */
export function columnAccs(cols: ReadonlyMap<string, Col>): Record<string, Acc> {
  const out: Record<string, Acc> = {};
  for (const [name, c] of cols) {
    const acc = newAcc(1);
    accumulate(acc, c, undefined);
    out[name] = acc;
  }
  return out;
}

const ONE = new Int32Array(1);

/** Combines whole-column states. @internal */
export function combineColumnAccs(states: readonly Record<string, Acc>[]): Record<string, Acc> {
  const out: Record<string, Acc> = {};
  for (const s of states) {
    for (const [name, acc] of Object.entries(s)) {
      const dst = (out[name] ??= newAcc(1));
      mergeAccs(dst, [acc], [1], ONE);
    }
  }
  return out;
}

// --- groups -------------------------------------------------------------------------------

const f64 = new Float64Array(1);
const i32 = new Int32Array(f64.buffer);

/** A 32-bit hash of row `i` of the key columns (nulls hash alike). @internal */
export function hashRow(keys: readonly Col[], i: number): number {
  let h = 0x811c9dc5 | 0;
  for (const c of keys) {
    let x: number;
    if (!isValid(c.valid, i)) x = 0x9e3779b9;
    else if (c.type === 'category') {
      // The string's hash (as utf8), so partitions with different dictionaries agree.
      const d = c.dict;
      const code = c.values[i];
      x = 0x811c9dc5;
      for (let k = d.offsets[code], e = d.offsets[code + 1]; k < e; k++)
        x = Math.imul(x ^ d.data[k], 16777619);
    } else if (c.type === 'utf8') {
      x = 0x811c9dc5;
      for (let k = c.offsets[i], e = c.offsets[i + 1]; k < e; k++)
        x = Math.imul(x ^ c.data[k], 16777619);
    } else if (c.type === 'float64') {
      f64[0] = c.values[i] === 0 ? 0 : c.values[i];
      x = i32[0] ^ Math.imul(i32[1], 0x27d4eb2d);
    } else x = Math.imul(c.values[i], 0x27d4eb2d);
    h = Math.imul(h ^ x, 16777619) ^ (h >>> 15);
  }
  return h;
}

function sameRow(keys: readonly Col[], a: number, b: number): boolean {
  for (const c of keys) {
    const va = isValid(c.valid, a);
    if (va !== isValid(c.valid, b)) return false;
    if (!va) continue;
    if (c.type === 'utf8') {
      const sa = c.offsets[a];
      const sb = c.offsets[b];
      const len = c.offsets[a + 1] - sa;
      if (len !== c.offsets[b + 1] - sb) return false;
      for (let k = 0; k < len; k++) if (c.data[sa + k] !== c.data[sb + k]) return false;
    } else {
      const x = c.values[a];
      const y = c.values[b];
      if (x !== y && !(Number.isNaN(x) && Number.isNaN(y))) return false;
    }
  }
  return true;
}

/** Group ids by one category column: its codes, renumbered in order of first appearance. */
function categoryIds(
  c: Extract<Col, { type: 'category' }>,
  n: number,
): { ids: Int32Array; firsts: Int32Array } {
  const ids = new Int32Array(n);
  const of = new Int32Array(c.dict.length).fill(-1);
  const firsts: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!isValid(c.valid, i)) {
      ids[i] = -1;
      continue;
    }
    let g = of[c.values[i]];
    if (g < 0) {
      g = of[c.values[i]] = firsts.length;
      firsts.push(i);
    }
    ids[i] = g;
  }
  return { ids, firsts: Int32Array.from(firsts) };
}

/** Group ids of `n` rows by key columns, and each group's first row; null keys get -1. @internal */
export function groupIds(keys: readonly Col[], n: number): { ids: Int32Array; firsts: Int32Array } {
  if (keys.length === 1 && keys[0].type === 'category') return categoryIds(keys[0], n);
  if (intKeys(keys)) return intGroupIds(keys, n);
  const packed = packKeys(keys, n);
  if (packed !== undefined) return intGroupIds([packed], n);
  const ids = new Int32Array(n);
  let cap = 16;
  while (cap < n * 2) cap *= 2;
  const mask = cap - 1;
  const table = new Int32Array(cap).fill(-1);
  const hashes = new Int32Array(n);
  let firsts = new Int32Array(16);
  let ngroups = 0;
  rows: for (let i = 0; i < n; i++) {
    for (const c of keys) {
      if (!isValid(c.valid, i) || (c.type === 'float64' && Number.isNaN(c.values[i]))) {
        ids[i] = -1;
        continue rows;
      }
    }
    const h = hashRow(keys, i);
    hashes[i] = h;
    let slot = h & mask;
    for (;;) {
      const g = table[slot];
      if (g === -1) {
        if (ngroups === firsts.length) {
          const grown = new Int32Array(firsts.length * 2);
          grown.set(firsts);
          firsts = grown;
        }
        firsts[ngroups] = i;
        table[slot] = ngroups;
        ids[i] = ngroups++;
        break;
      }
      const r = firsts[g];
      if (hashes[r] === h && sameRow(keys, r, i)) {
        ids[i] = g;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return { ids, firsts: firsts.slice(0, ngroups) };
}

/**
 * A groupby partial: the groups' key columns, their row counts (`size`), per value column their
 * running aggregates, per first / last column each group's first / last non-null value, and per
 * nunique column the distinct (keys..., value) pairs, per median column every (keys..., value)
 * row with a value (an exact median holds all of them). @internal
 */
export interface GroupState {
  readonly keys: Col[];
  readonly size: Float64Array;
  readonly accs: Record<string, Acc>;
  readonly first: Record<string, Col>;
  readonly last: Record<string, Col>;
  readonly pairs: Record<string, Col[]>;
  readonly samples: Record<string, Col[]>;
}

/** Which value columns need which extra state. @internal */
export interface GroupNeeds {
  readonly first: readonly string[];
  readonly last: readonly string[];
  readonly nunique: readonly string[];
  readonly median?: readonly string[];
  /** Columns whose squared deviations (std, var) are needed; all of them when undefined. */
  readonly moments?: readonly string[];
  /** Per value column, the running statistics kept (all of them when undefined). */
  readonly stats?: Readonly<Record<string, readonly Stat[]>>;
  /** Whether the groups' row counts are needed (`size`); true when undefined. */
  readonly size?: boolean;
}

/** Rows `idx` of a column, -1 giving a null. @internal */
export function takeOrNull(c: Col, idx: Int32Array): Col {
  let missing = false;
  for (let i = 0; i < idx.length && !missing; i++) missing = idx[i] < 0;
  if (!missing) return c.length === 0 ? takeEmpty(c, idx.length) : take(c, idx);
  const safe = new Int32Array(idx.length);
  for (let i = 0; i < idx.length; i++) safe[i] = idx[i] < 0 ? 0 : idx[i];
  const t = c.length === 0 ? takeEmpty(c, idx.length) : take(c, safe);
  const valid = new Uint8Array((idx.length + 7) >> 3);
  for (let i = 0; i < idx.length; i++)
    if (idx[i] >= 0 && isValid(t.valid, i)) valid[i >> 3] |= 1 << (i & 7);
  return { ...t, valid };
}

function takeEmpty(c: Col, n: number): Col {
  if (c.type === 'utf8')
    return { type: 'utf8', length: n, offsets: new Int32Array(n + 1), data: new Uint8Array(0) };
  const v = c.values;
  const Ctor = v.constructor as new (n: number) => typeof v;
  return { ...c, length: n, values: new Ctor(n), valid: undefined } as Col;
}

const present = (c: Col, i: number): boolean =>
  isValid(c.valid, i) && (c.type !== 'float64' || !Number.isNaN(c.values[i]));

/** Per group, the first (or last) row whose value is present, or -1. */
function pickRows(c: Col, ids: Int32Array, ngroups: number, last: boolean): Int32Array {
  const out = new Int32Array(ngroups).fill(-1);
  for (let i = 0; i < c.length; i++) {
    const g = ids[i];
    if (g < 0 || !present(c, i)) continue;
    if (last || out[g] < 0) out[g] = i;
  }
  return out;
}

/** The rows of a grouped (id >= 0) column whose value is present. */
function presentRows(c: Col, ids: Int32Array, n: number): Int32Array {
  let k = 0;
  for (let i = 0; i < n; i++) if (ids[i] >= 0 && present(c, i)) k++;
  const idx = new Int32Array(k);
  k = 0;
  for (let i = 0; i < n; i++) if (ids[i] >= 0 && present(c, i)) idx[k++] = i;
  return idx;
}

/** Distinct rows of columns (by their first occurrence). @internal */
export function distinctRows(cols: readonly Col[]): Col[] {
  const { firsts } = groupIds(cols, cols[0]?.length ?? 0);
  return cols.map((c) => take(c, firsts));
}

/** The statistics kept for value column `name` (m2 only where std / var need it). */
function keptStats(needs: GroupNeeds, name: string): readonly Stat[] {
  const planned = needs.stats?.[name];
  if (planned !== undefined) return planned;
  const m2 = needs.moments === undefined || needs.moments.includes(name);
  return m2 ? ALL_STATS : ALL_STATS.filter((s) => s !== 'm2');
}

/** Groups one partition. @internal */
export function groupPartial(
  keys: readonly Col[],
  values: ReadonlyMap<string, Col>,
  n: number,
  needs: GroupNeeds = { first: [], last: [], nunique: [], median: [] },
): GroupState {
  const { ids, firsts } = groupIds(keys, n);
  const g = firsts.length;
  const size = new Float64Array(g);
  if (needs.size !== false) for (let i = 0; i < n; i++) if (ids[i] >= 0) size[ids[i]]++;
  const accs: Record<string, Acc> = {};
  for (const [name, c] of values) {
    const acc = newAcc(g, keptStats(needs, name));
    accumulate(acc, c, ids);
    accs[name] = acc;
  }
  const first: Record<string, Col> = {};
  const last: Record<string, Col> = {};
  const pairs: Record<string, Col[]> = {};
  for (const v of needs.first)
    first[v] = takeOrNull(values.get(v)!, pickRows(values.get(v)!, ids, g, false));
  for (const v of needs.last)
    last[v] = takeOrNull(values.get(v)!, pickRows(values.get(v)!, ids, g, true));
  for (const v of needs.nunique) {
    const c = values.get(v)!;
    const idx = presentRows(c, ids, n);
    pairs[v] = distinctRows(
      idx.length === n ? [...keys, c] : [...keys, c].map((x) => take(x, idx)),
    );
  }
  const samples: Record<string, Col[]> = {};
  for (const v of needs.median ?? []) {
    const c = values.get(v)!;
    const idx = presentRows(c, ids, n);
    samples[v] = [...keys, c].map((x) => take(x, idx));
  }
  return { keys: keys.map((c) => take(c, firsts)), size, accs, first, last, pairs, samples };
}

/** The statistics the states with groups keep (all of them when none has a group). */
function mergedStats(srcs: readonly Acc[]): Stat[] {
  const withGroups = srcs.filter((a) => groupsOf(a) > 0);
  if (withGroups.length === 0) return [...ALL_STATS];
  return [...new Set(withGroups.flatMap(statsOf))];
}

/** Combines groupby partials. @internal */
export function groupCombine(states: readonly GroupState[]): GroupState {
  if (states.length === 1) return states[0];
  const nk = states[0].keys.length;
  const keys = Array.from({ length: nk }, (_, k) =>
    concatCols(
      states.map((s) => s.keys[k]),
      states[0].keys[k].type,
    ),
  );
  const n = states.reduce((t, s) => t + s.size.length, 0);
  const { ids, firsts } = groupIds(keys, n);
  const accs: Record<string, Acc> = {};
  const rows = states.map((s) => s.size.length);
  for (const name of Object.keys(states[0].accs)) {
    const srcs = states.map((s) => s.accs[name]);
    const acc = newAcc(firsts.length, mergedStats(srcs));
    mergeAccs(acc, srcs, rows, ids);
    accs[name] = acc;
  }
  const g = firsts.length;
  const size = new Float64Array(g);
  {
    let row = 0;
    for (const s of states)
      for (let i = 0; i < s.size.length; i++, row++) size[ids[row]] += s.size[i];
  }
  const pick = (which: 'first' | 'last'): Record<string, Col> => {
    const out: Record<string, Col> = {};
    for (const name of Object.keys(states[0][which])) {
      const all = concatCols(
        states.map((s) => s[which][name]),
        states[0][which][name].type,
      );
      out[name] = takeOrNull(all, pickRows(all, ids, g, which === 'last'));
    }
    return out;
  };
  const pairs: Record<string, Col[]> = {};
  for (const name of Object.keys(states[0].pairs)) {
    const width = states[0].pairs[name].length;
    pairs[name] = distinctRows(
      Array.from({ length: width }, (_, k) =>
        concatCols(
          states.map((s) => s.pairs[name][k]),
          states[0].pairs[name][k].type,
        ),
      ),
    );
  }
  const samples: Record<string, Col[]> = {};
  for (const name of Object.keys(states[0].samples)) {
    const width = states[0].samples[name].length;
    samples[name] = Array.from({ length: width }, (_, k) =>
      concatCols(
        states.map((s) => s.samples[name][k]),
        states[0].samples[name][k].type,
      ),
    );
  }
  return {
    keys: keys.map((c) => take(c, firsts)),
    size,
    accs,
    first: pick('first'),
    last: pick('last'),
    pairs,
    samples,
  };
}

/** Group of each row of `rows` (key columns then a value), among the distinct `keys`. */
function alignRows(keys: readonly Col[], ngroups: number, rows: readonly Col[]): Int32Array {
  const n = rows[0]?.length ?? 0;
  if (keys.length === 0) return new Int32Array(n);
  const all = keys.map((k, j) => concatCols([k, rows[j]], k.type));
  return groupIds(all, all[0].length).ids.subarray(ngroups);
}

/**
 * Per group, the exact `q`-quantile (linear interpolation, as pandas; 0.5 is the median) of the
 * held values (NaN when none). @internal
 */
export function medianRows(
  keys: readonly Col[],
  ngroups: number,
  rows: readonly Col[],
  q = 0.5,
): Float64Array {
  const out = new Float64Array(ngroups).fill(NaN);
  if (ngroups === 0) return out;
  const ids = alignRows(keys, ngroups, rows);
  const v = rows[rows.length - 1] as Exclude<Col, { type: 'utf8' }>;
  const start = new Int32Array(ngroups + 1);
  for (let i = 0; i < ids.length; i++) start[ids[i] + 1]++;
  for (let g = 0; g < ngroups; g++) start[g + 1] += start[g];
  const fill = start.slice(0, ngroups);
  const vals = new Float64Array(ids.length);
  for (let i = 0; i < ids.length; i++) vals[fill[ids[i]]++] = v.values[i];
  for (let g = 0; g < ngroups; g++) {
    const s = vals.subarray(start[g], start[g + 1]).sort();
    const m = s.length;
    if (m === 0) continue;
    const pos = q * (m - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(m - 1, lo + 1);
    out[g] = s[lo] + (s[hi] - s[lo]) * (pos - lo);
  }
  return out;
}

/**
 * Per group of `keys` (the combined state's keys, distinct), how many distinct pairs carry its
 * key: the nunique of the pairs' value. @internal
 */
export function countPairs(
  keys: readonly Col[],
  ngroups: number,
  pairs: readonly Col[],
): Float64Array {
  const out = new Float64Array(ngroups);
  if (ngroups === 0) return out;
  if (keys.length === 0) {
    out[0] = pairs[0]?.length ?? 0;
    return out;
  }
  const all = keys.map((k, j) => concatCols([k, pairs[j]], k.type));
  const { ids } = groupIds(all, all[0].length);
  for (let i = ngroups; i < ids.length; i++) out[ids[i]]++;
  return out;
}

// Group ids for the commonest keys, one or two int32 columns (join keys, order keys, dates as
// days, category codes): an open-addressing table probed with the key values themselves, no per-row hashing of
// generic columns and no row comparison through a loop over key columns. Groups are numbered in
// order of first appearance and null keys get -1, as the general path (kernels-agg.ts) does. One
// key without nulls has a loop of its own (the commonest case: order keys, category codes). Three
// or more such keys whose value spans multiply to less than 2^31 (TPC-H Q16's brand, type and
// size) are packed into one int32 key first (`packKeys`), so they take the same paths.
import type { Col } from './columns.js';

type IntCol = Extract<Col, { values: Int32Array }>;

const valid = (v: Uint8Array | undefined, i: number): boolean =>
  v === undefined || (v[i >> 3] & (1 << (i & 7))) !== 0;

/**
 * Whether `keys` are one or two columns of int32 values: int32, date32, or categories (their codes:
 * within one partition a category column has one dictionary, so equal codes are equal strings).
 * @internal
 */
export function intKeys(keys: readonly Col[]): keys is IntCol[] {
  return (
    keys.length >= 1 &&
    keys.length <= 2 &&
    keys.every((c) => c.type === 'int32' || c.type === 'date32' || c.type === 'category')
  );
}

/** Group ids of `n` rows by one or two int32 key columns, and each group's first row. @internal */
export function intGroupIds(
  keys: readonly IntCol[],
  n: number,
): { ids: Int32Array; firsts: Int32Array } {
  if (keys.length === 1 && keys[0].valid === undefined) return oneKeyIds(keys[0].values, n);
  const a = keys[0].values;
  const va = keys[0].valid;
  const two = keys.length === 2;
  const b = two ? keys[1].values : a;
  const vb = two ? keys[1].valid : undefined;
  const ids = new Int32Array(n);
  let cap = 16;
  while (cap < n * 2) cap *= 2;
  const mask = cap - 1;
  const table = new Int32Array(cap).fill(-1);
  let firsts = new Int32Array(Math.min(n, 1024) + 1);
  let ngroups = 0;
  for (let i = 0; i < n; i++) {
    if (!valid(va, i) || !valid(vb, i)) {
      ids[i] = -1;
      continue;
    }
    const x = a[i];
    const y = b[i];
    let h = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d);
    if (two) h = Math.imul(h ^ y ^ (y >>> 13), 0x297a2d39);
    let slot = (h ^ (h >>> 16)) & mask;
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
      if (a[r] === x && b[r] === y) {
        ids[i] = g;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return { ids, firsts: firsts.slice(0, ngroups) };
}

/** Direct addressing is used while the key's span is at most this many slots per row (+ 4096). */
const SPAN_PER_ROW = 2;

/**
 * `intGroupIds` of one int32 key column without nulls: the same numbering. A key whose values span
 * few more slots than there are rows (dense ids, codes, days) is looked up directly at
 * `value - min` (no hashing, no probing); others go through the hash table in one tight loop.
 */
function oneKeyIds(a: Int32Array, n: number): { ids: Int32Array; firsts: Int32Array } {
  let lo = 2147483647;
  let hi = -2147483648;
  for (let i = 0; i < n; i++) {
    const x = a[i];
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  if (n > 0 && hi - lo < n * SPAN_PER_ROW + 4096) return directIds(a, n, lo, hi - lo + 1);
  return hashedIds(a, n);
}

/** `oneKeyIds` by direct addressing: slot `value - lo` of a `span`-slot table. */
function directIds(
  a: Int32Array,
  n: number,
  lo: number,
  span: number,
): { ids: Int32Array; firsts: Int32Array } {
  const ids = new Int32Array(n);
  const table = new Int32Array(span).fill(-1);
  let firsts = new Int32Array(Math.min(n, span, 1024) + 1);
  let ngroups = 0;
  for (let i = 0; i < n; i++) {
    const slot = a[i] - lo;
    let g = table[slot];
    if (g < 0) {
      if (ngroups === firsts.length) {
        const grown = new Int32Array(Math.min(firsts.length * 2, n));
        grown.set(firsts);
        firsts = grown;
      }
      firsts[ngroups] = i;
      g = table[slot] = ngroups++;
    }
    ids[i] = g;
  }
  return { ids, firsts: firsts.slice(0, ngroups) };
}

/** `oneKeyIds` through an open-addressing hash table. */
function hashedIds(a: Int32Array, n: number): { ids: Int32Array; firsts: Int32Array } {
  const ids = new Int32Array(n);
  let cap = 16;
  while (cap < n * 2) cap *= 2;
  const mask = cap - 1;
  const table = new Int32Array(cap).fill(-1);
  let firsts = new Int32Array(Math.min(n, 1024) + 1);
  let ngroups = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const h = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d);
    let slot = (h ^ (h >>> 16)) & mask;
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
      if (a[firsts[g]] === x) {
        ids[i] = g;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return { ids, firsts: firsts.slice(0, ngroups) };
}

/**
 * Three or more int32 / date32 / category key columns as one int32 column (each key's offset from
 * its minimum, times the product of the spans of the keys before it; null where any key is null),
 * or undefined when they are not such keys or their spans multiply to 2^31 or more. @internal
 */
export function packKeys(keys: readonly Col[], n: number): IntCol | undefined {
  if (
    keys.length < 3 ||
    !keys.every((c) => c.type === 'int32' || c.type === 'date32' || c.type === 'category')
  )
    return undefined;
  const cols = keys as readonly IntCol[];
  const mins: number[] = [];
  const strides: number[] = [];
  let stride = 1;
  for (const c of cols) {
    let lo = 0;
    let hi = -1;
    if (c.type === 'category') hi = c.dict.length - 1;
    else {
      lo = 2147483647;
      hi = -2147483648;
      for (let i = 0; i < n; i++) {
        if (!valid(c.valid, i)) continue;
        const x = c.values[i];
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
    }
    const span = Math.max(1, hi - lo + 1);
    mins.push(lo);
    strides.push(stride);
    stride *= span;
    if (stride >= 2 ** 31) return undefined;
  }
  const values = new Int32Array(n);
  const anyNull = cols.some((c) => c.valid !== undefined);
  const ok = anyNull ? new Uint8Array((n + 7) >> 3) : undefined;
  for (let i = 0; i < n; i++) {
    let v = 0;
    let present = true;
    for (let k = 0; k < cols.length; k++) {
      const c = cols[k];
      if (!valid(c.valid, i)) {
        present = false;
        break;
      }
      v += (c.values[i] - mins[k]) * strides[k];
    }
    if (!present) continue;
    values[i] = v;
    if (ok !== undefined) ok[i >> 3] |= 1 << (i & 7);
  }
  return ok === undefined
    ? { type: 'int32', length: n, values }
    : { type: 'int32', length: n, values, valid: ok };
}

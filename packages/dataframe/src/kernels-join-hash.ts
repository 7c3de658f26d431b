// The hash join's build and probe on one or two int32 keys (int32 or date32 columns: the keys of
// almost every join). Policy: one side (the build side) is hashed once into an open-addressing
// table whose groups list their rows (CSR: `start` / `rows`); each row of the other side (the
// probe side) then looks its key up, so the probe side is never copied nor hashed into the table.
// A broadcast join hashes the whole broadcast side once per worker, not once per partition: the
// build is cached against the broadcast side's partitions (the same objects while a worker holds
// them), and dropped with them. A null key matches nothing. The table keeps each slot's key values
// beside its group, so a probe reads one place, not the group's first row; one key of a narrow
// span (dense ids) is looked up directly at `value - min`. Where only membership matters (a semi
// or anti join, a range join's cut), a bitmap of one key's values (`keyBits`) answers it.
import type { Table } from 'apache-arrow';
import type { Col } from './columns.js';

/** An int32 key column (int32 or date32). @internal */
export type IntCol = Extract<Col, { type: 'int32' | 'date32' }>;

/** A hashed build side. @internal */
export interface Build {
  /** The build side's key values (one or two columns). */
  readonly a: Int32Array;
  readonly b: Int32Array | undefined;
  readonly table: Int32Array;
  readonly mask: number;
  /** Each slot's key values (read by the probe beside `table`, not through `firsts`). */
  readonly ka: Int32Array;
  readonly kb: Int32Array | undefined;
  /**
   * One key without nulls whose values span few more slots than there are rows: the group of
   * value v is `direct[v - lo]` (-1: none), no hashing.
   */
  readonly direct: Int32Array | undefined;
  readonly lo: number;
  /** Each group's first row. */
  readonly firsts: Int32Array;
  /** Group g's rows are `rows[start[g], start[g + 1])`. */
  readonly start: Int32Array;
  readonly rows: Int32Array;
}

const valid = (v: Uint8Array | undefined, i: number): boolean =>
  v === undefined || (v[i >> 3] & (1 << (i & 7))) !== 0;

/** The values of one int key column as a bitmap: bit v - lo of `bits` for v in [lo, hi]. @internal */
export interface KeyBits {
  readonly lo: number;
  readonly hi: number;
  readonly bits: Uint8Array;
}

/**
 * The valid values of `k` within [from, to] as a bitmap, or undefined when they span more than
 * `floor` or 64 per row, whichever is more. @internal
 */
export function keyBits(
  k: IntCol,
  floor: number,
  from = -2147483648,
  to = 2147483647,
): KeyBits | undefined {
  const { values: v, valid: ok, length: n } = k;
  let lo = to;
  let hi = from;
  for (let i = 0; i < n; i++) {
    const x = v[i];
    if (x < from || x > to || !valid(ok, i)) continue;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  if (hi < lo) return { lo: 0, hi: -1, bits: new Uint8Array(0) };
  if (hi - lo >= Math.max(floor, 64 * n)) return undefined;
  const bits = new Uint8Array(((hi - lo) >> 3) + 1);
  for (let i = 0; i < n; i++) {
    const x = v[i];
    if (x < lo || x > hi || !valid(ok, i)) continue;
    const b = x - lo;
    bits[b >> 3] |= 1 << (b & 7);
  }
  return { lo, hi, bits };
}

/** Whether `x` is one of the values of `keys`. @internal */
export const hasKey = (keys: KeyBits, x: number): boolean => {
  const b = x - keys.lo;
  return x >= keys.lo && x <= keys.hi && (keys.bits[b >> 3] & (1 << (b & 7))) !== 0;
};

/** Whether key columns can be joined here: one or two int32 / date32 columns. @internal */
export function intJoinKeys(keys: readonly Col[]): keys is IntCol[] {
  return (
    keys.length >= 1 &&
    keys.length <= 2 &&
    keys.every((c) => c.type === 'int32' || c.type === 'date32')
  );
}

const hash = (x: number, y: number, two: boolean): number => {
  let h = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d);
  if (two) h = Math.imul(h ^ y ^ (y >>> 13), 0x297a2d39);
  return h ^ (h >>> 16);
};

/**
 * Groups `n` rows of one or two int32 key columns by equal keys: directly by value for one key of
 * a narrow span without nulls, else through the hash table. @internal
 */
export function buildInt(keys: readonly IntCol[], n: number): Build {
  if (keys.length === 1 && keys[0].valid === undefined) {
    const d = buildDirect(keys[0].values, n);
    if (d !== undefined) return d;
  }
  return buildHashed(keys, n);
}

/** Build rows per group (CSR) from each row's group. */
function csr(ids: Int32Array, n: number, ng: number): { start: Int32Array; rows: Int32Array } {
  const start = new Int32Array(ng + 1);
  for (let i = 0; i < n; i++) if (ids[i] >= 0) start[ids[i] + 1]++;
  for (let g = 0; g < ng; g++) start[g + 1] += start[g];
  const rows = new Int32Array(start[ng]);
  const fill = start.slice(0, ng);
  for (let i = 0; i < n; i++) {
    const g = ids[i];
    if (g >= 0) rows[fill[g]++] = i;
  }
  return { start, rows };
}

const NONE = new Int32Array(0);

/** `buildInt` of one key without nulls by direct addressing, or undefined when its span is wide. */
function buildDirect(a: Int32Array, n: number): Build | undefined {
  let lo = 2147483647;
  let hi = -2147483648;
  for (let i = 0; i < n; i++) {
    const x = a[i];
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  if (n === 0 || hi - lo >= n * SPAN_PER_ROW + 4096) return undefined;
  const direct = new Int32Array(hi - lo + 1).fill(-1);
  const ids = new Int32Array(n);
  let firsts = new Int32Array(Math.min(n, 1024) + 1);
  let ng = 0;
  for (let i = 0; i < n; i++) {
    const slot = a[i] - lo;
    let g = direct[slot];
    if (g < 0) {
      if (ng === firsts.length) {
        const grown = new Int32Array(Math.min(firsts.length * 2, n));
        grown.set(firsts);
        firsts = grown;
      }
      firsts[ng] = i;
      g = direct[slot] = ng++;
    }
    ids[i] = g;
  }
  const { start, rows } = csr(ids, n, ng);
  const fs = firsts.subarray(0, ng);
  return {
    a,
    b: undefined,
    table: NONE,
    mask: 0,
    ka: NONE,
    kb: undefined,
    direct,
    lo,
    firsts: fs,
    start,
    rows,
  };
}

/** `buildInt` through an open-addressing hash table. */
function buildHashed(keys: readonly IntCol[], n: number): Build {
  const a = keys[0].values;
  const va = keys[0].valid;
  const two = keys.length === 2;
  const b = two ? keys[1].values : undefined;
  const bb = b ?? a;
  const vb = two ? keys[1].valid : undefined;
  let cap = 16;
  while (cap < n * 2) cap *= 2;
  const mask = cap - 1;
  const table = new Int32Array(cap).fill(-1);
  const ids = new Int32Array(n);
  let firsts = new Int32Array(Math.min(n, 1024) + 1);
  let ng = 0;
  for (let i = 0; i < n; i++) {
    if (!valid(va, i) || !valid(vb, i)) {
      ids[i] = -1;
      continue;
    }
    const x = a[i];
    const y = bb[i];
    let slot = hash(x, y, two) & mask;
    for (;;) {
      const g = table[slot];
      if (g === -1) {
        if (ng === firsts.length) {
          const grown = new Int32Array(firsts.length * 2);
          grown.set(firsts);
          firsts = grown;
        }
        firsts[ng] = i;
        table[slot] = ng;
        ids[i] = ng++;
        break;
      }
      const r = firsts[g];
      if (a[r] === x && bb[r] === y) {
        ids[i] = g;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  const { start, rows } = csr(ids, n, ng);
  const ka = new Int32Array(cap);
  const kb = two ? new Int32Array(cap) : undefined;
  for (let slot = 0; slot < cap; slot++) {
    const g = table[slot];
    if (g < 0) continue;
    ka[slot] = a[firsts[g]];
    if (kb !== undefined) kb[slot] = bb[firsts[g]];
  }
  const fs = firsts.subarray(0, ng);
  return { a, b, table, mask, ka, kb, direct: undefined, lo: 0, firsts: fs, start, rows };
}

/** Direct slots allowed while the key's span is at most this many per build row (+ 4096). */
const SPAN_PER_ROW = 4;

/** `probeInt` through a direct table. */
function probeDirect(direct: Int32Array, lo: number, keys: IntCol, n: number): Int32Array {
  const pa = keys.values;
  const pv = keys.valid;
  const span = direct.length;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const d = pa[i] - lo;
    out[i] = d >= 0 && d < span && valid(pv, i) ? direct[d] : -1;
  }
  return out;
}

/** The build side's group of each of `n` probe rows (-1: no match). @internal */
export function probeInt(build: Build, keys: readonly IntCol[], n: number): Int32Array {
  if (build.direct !== undefined && keys.length === 1)
    return probeDirect(build.direct, build.lo, keys[0], n);
  const { table, mask, ka } = build;
  const two = build.kb !== undefined;
  const kb = build.kb ?? ka;
  const pa = keys[0].values;
  const pva = keys[0].valid;
  const pb = two ? keys[1].values : pa;
  const pvb = two ? keys[1].valid : undefined;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (!valid(pva, i) || !valid(pvb, i)) {
      out[i] = -1;
      continue;
    }
    const x = pa[i];
    const y = pb[i];
    let slot = hash(x, y, two) & mask;
    let found = -1;
    for (;;) {
      const g = table[slot];
      if (g === -1) break;
      if (ka[slot] === x && kb[slot] === y) {
        found = g;
        break;
      }
      slot = (slot + 1) & mask;
    }
    out[i] = found;
  }
  return out;
}

/** Values cached per broadcast side: keyed by its first partition, checked against all of them. */
const cache = new WeakMap<Table, { parts: readonly Table[]; key: string; value: unknown }[]>();

/**
 * What `make` computes from a broadcast side (`parts`) for `key`, computed the first time and
 * reused while the same partitions (the same objects) come with the same key. @internal
 */
export function cachedFor<T>(parts: readonly Table[], key: string, make: () => T): T {
  const first = parts[0];
  if (first === undefined) return make();
  const hit = entryOf(parts, key);
  if (hit !== undefined) return hit.value as T;
  const value = make();
  cache.set(first, [...(cache.get(first) ?? []), { parts: [...parts], key, value }]);
  return value;
}

/** The cached entry of `parts` for `key`, if made. */
function entryOf(parts: readonly Table[], key: string): { value: unknown } | undefined {
  const first = parts[0];
  if (first === undefined) return undefined;
  return cache
    .get(first)
    ?.find(
      (e) =>
        e.key === key && e.parts.length === parts.length && e.parts.every((p, i) => p === parts[i]),
    );
}

/** Whether `cachedFor(parts, key, ...)` would find its value made already. @internal */
export function isCached(parts: readonly Table[], key: string): boolean {
  return entryOf(parts, key) !== undefined;
}

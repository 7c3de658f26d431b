// The order of a groupby's groups by their keys (pandas' `sort=True`). Policy: keys that are all
// int32 values (int32, date32, category codes: codes order as their strings) are packed with the
// row number into one exact double per group and sorted natively, when the keys' ranges times the
// group count stay below 2^53 (one key of a narrow span: a counting sort); other keys sort through
// a comparator. Ties keep row order.
import type { Col } from './columns.js';

type IntKey = Extract<Col, { type: 'int32' | 'date32' | 'category' }>;

const intKey = (c: Col): c is IntKey =>
  c.type === 'int32' || c.type === 'date32' || c.type === 'category';

/** Counting sort allowed while the key's span is at most this many slots per group (+ 4096). */
const SPAN_PER_GROUP = 16;

/** A stable counting sort of one int key whose values span `span` slots from `lo`. */
function countingOrder(v: Int32Array, n: number, lo: number, span: number): Int32Array {
  const start = new Int32Array(span + 1);
  for (let i = 0; i < n; i++) start[v[i] - lo + 1]++;
  for (let k = 0; k < span; k++) start[k + 1] += start[k];
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[start[v[i] - lo]++] = i;
  return order;
}

/**
 * Packed-double sort of int keys (a counting sort for one key of a narrow span); undefined when
 * the packed values would not be exact.
 */
function packedOrder(keys: readonly IntKey[], n: number): Int32Array | undefined {
  const mins: number[] = [];
  const spans: number[] = [];
  let total = n;
  for (const c of keys) {
    const v = c.values;
    let lo = 2147483647;
    let hi = -2147483648;
    for (let i = 0; i < n; i++) {
      const x = v[i];
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    const span = n === 0 ? 1 : hi - lo + 1;
    total *= span;
    if (total >= 2 ** 53) return undefined;
    mins.push(lo);
    spans.push(span);
  }
  if (keys.length === 1 && n > 0 && spans[0] <= n * SPAN_PER_GROUP + 4096)
    return countingOrder(keys[0].values, n, mins[0], spans[0]);
  const packed = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let p = 0;
    for (let k = 0; k < keys.length; k++) p = p * spans[k] + (keys[k].values[i] - mins[k]);
    packed[i] = p * n + i;
  }
  packed.sort();
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = packed[i] % n;
  return order;
}

function compareRows(c: Col, a: number, b: number): number {
  if (c.type === 'utf8') {
    const sa = c.offsets[a];
    const sb = c.offsets[b];
    const la = c.offsets[a + 1] - sa;
    const lb = c.offsets[b + 1] - sb;
    for (let k = 0; k < Math.min(la, lb); k++) {
      const d = c.data[sa + k] - c.data[sb + k];
      if (d !== 0) return d;
    }
    return la - lb;
  }
  return c.values[a] - c.values[b];
}

/** The order of the groups, sorted by their keys. @internal */
export function sortedGroups(keys: readonly Col[]): Int32Array {
  const n = keys[0]?.length ?? 0;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (keys.length > 0 && keys.every(intKey)) {
    const packed = packedOrder(keys, n);
    if (packed !== undefined) return packed;
  }
  const one = keys.length === 1 ? keys[0] : undefined;
  if (one !== undefined && one.type !== 'utf8') {
    // One numeric key (or category codes, which order as their strings): a comparator on one array.
    const v = one.values;
    return order.sort((a, b) => v[a] - v[b] || a - b);
  }
  order.sort((a, b) => {
    for (const c of keys) {
      const d = compareRows(c, a, b);
      if (d !== 0) return d;
    }
    return 0;
  });
  return order;
}

// The membership test behind `isin` on numbers (and on booleans as 0 / 1). Policy: the lookup is
// built once per list of values (cached by the list's identity, so a long list, such as the keys
// a join hands to a Parquet read, is not rebuilt for every page dictionary and row group): integers
// spanning up to 2^20 slots, or 64 per value, go in a bit set indexed by value, anything else in a
// Set. The loops are written out per kind, so no function is called per row.
import { isValid } from './columns.js';
import type { Literal } from './expr.js';

type Lookup =
  | { readonly kind: 'bits'; readonly bits: Int32Array; readonly lo: number; readonly span: number }
  | { readonly kind: 'set'; readonly set: ReadonlySet<number> };

const cache = new WeakMap<readonly Literal[], Lookup>();

function lookupOf(values: readonly Literal[]): Lookup {
  const hit = cache.get(values);
  if (hit !== undefined) return hit;
  const nums: number[] = [];
  for (const v of values)
    if (typeof v === 'number') nums.push(v);
    else if (typeof v === 'boolean') nums.push(v ? 1 : 0);
  let lo = Infinity;
  let hi = -Infinity;
  let ints = true;
  for (const v of nums) {
    if (!Number.isInteger(v)) ints = false;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const span = hi - lo + 1;
  let out: Lookup;
  if (nums.length > 8 && ints && span <= Math.max(1 << 20, nums.length * 64) && span < 2 ** 30) {
    const bits = new Int32Array(Math.ceil(span / 32));
    for (const v of nums) bits[(v - lo) >>> 5] |= 1 << ((v - lo) & 31);
    out = { kind: 'bits', bits, lo, span };
  } else out = { kind: 'set', set: new Set(nums) };
  cache.set(values, out);
  return out;
}

/**
 * Sets `out[i]` to 1 where row i of `xs` is valid and one of `values` (numbers and booleans;
 * strings are never met). @internal
 */
export function isinNumbers(
  xs: ArrayLike<number>,
  valid: Uint8Array | undefined,
  values: readonly Literal[],
  out: Uint8Array,
): void {
  const look = lookupOf(values);
  const n = xs.length;
  if (look.kind === 'bits') {
    const { bits, lo, span } = look;
    for (let i = 0; i < n; i++) {
      const d = xs[i] - lo;
      // Not an integer, or out of the span: never a member.
      if (d >= 0 && d < span && d === Math.floor(d) && (bits[d >>> 5] & (1 << (d & 31))) !== 0)
        out[i] = 1;
    }
  } else {
    const set = look.set;
    for (let i = 0; i < n; i++) if (set.has(xs[i])) out[i] = 1;
  }
  if (valid !== undefined) for (let i = 0; i < n; i++) if (!isValid(valid, i)) out[i] = 0;
}

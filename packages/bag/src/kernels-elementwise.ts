// Per-partition kernels that need whole partitions (map over several bags, mapPartitions, zip,
// product, accumulate, repartition...); the one-input element-wise operations run as fused
// pipeline stages (kernels-stages.ts). A partition is always an array. User functions arrive as kernel arguments (resolved with `withFns` of `@dask-ts/graph/kernels`).
// Argument lists of `map`-like kernels are described by a `kinds` string: 'b' marks a partition
// of a bag (zipped element by element), 'v' a value passed to every call.
import { withFns } from '@dask-ts/graph/kernels';

type Part = readonly unknown[];

function zipLength(op: string, kinds: string, vals: readonly unknown[]): number {
  let n = -1;
  for (let j = 0; j < kinds.length; j++) {
    if (kinds[j] !== 'b') continue;
    const len = (vals[j] as Part).length;
    if (n === -1) n = len;
    else if (len !== n) {
      throw new Error(
        `${op}: the bags passed together have partitions of different lengths here (${n} and ${len}); bags mapped together must have equal partition lengths`,
      );
    }
  }
  return n === -1 ? 0 : n;
}

/**
 * An element as it may leave its task: an iterator (a generator, `map.entries()`...) becomes an
 * array of what it yields, as Dask's `reify` does, since iterators cannot be copied to another
 * thread or process and can be read only once. Arrays, strings, Maps and Sets stay as they are.
 *
 * @example
 * reify((function* () { yield 1; yield 2; })()); // [1, 2]
 */
export function reify(x: unknown): unknown {
  return typeof x === 'object' &&
    x !== null &&
    typeof (x as Iterator<unknown>).next === 'function' &&
    typeof (x as Iterable<unknown>)[Symbol.iterator] === 'function'
    ? Array.from(x as Iterable<unknown>)
    : x;
}

/** `map`: calls `f` on each element (zipping bag arguments, broadcasting values). @example map(f, 'b', [1, 2]) */
export function map(f: unknown, kinds: string, ...vals: unknown[]): unknown[] | Promise<unknown[]> {
  return withFns([f], ([fn]) => {
    if (kinds === 'b') {
      const p = vals[0] as Part;
      const out = new Array<unknown>(p.length);
      for (let i = 0; i < p.length; i++) out[i] = reify(fn(p[i]));
      return out;
    }
    const n = zipLength('map', kinds, vals);
    const out = new Array<unknown>(n);
    const args = new Array<unknown>(kinds.length);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < kinds.length; j++) {
        args[j] = kinds[j] === 'b' ? (vals[j] as Part)[i] : vals[j];
      }
      out[i] = reify(fn(...args));
    }
    return out;
  });
}

/** `mapPartitions`: calls `f` on whole partitions; an iterable result becomes an array. @example mapPartitions(f, [1]) */
export function mapPartitions(f: unknown, ...vals: unknown[]): unknown {
  return withFns([f], ([fn]) => {
    const r = fn(...vals);
    if (r instanceof Promise) return r.then(mapPartitionsResult);
    return mapPartitionsResult(r);
  });
}

/** A `mapPartitions` function's result as a partition array. @example mapPartitionsResult(new Set([1])) // [1] */
export function mapPartitionsResult(r: unknown): unknown[] {
  if (Array.isArray(r)) return reifyAll(r);
  if (r !== null && typeof r === 'object' && Symbol.iterator in r)
    return reifyAll(Array.from(r as Iterable<unknown>));
  throw new TypeError(
    `mapPartitions: the function must return an array or an iterable, got ${describe(r)}`,
  );
}

/** Reifies every element of a partition in place (see {@link reify}). */
function reifyAll(xs: unknown[]): unknown[] {
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    if (typeof x === 'object' && x !== null) xs[i] = reify(x);
  }
  return xs;
}

/** Makes any iterable a partition array (for `fromDelayed`). @example toArray(new Set([1])) */
export function toArray(x: unknown): unknown[] {
  if (Array.isArray(x)) return x;
  if (x !== null && typeof x === 'object' && Symbol.iterator in x)
    return Array.from(x as Iterable<unknown>);
  throw new TypeError(
    `fromDelayed: a partition must be an array or an iterable, got ${describe(x)}`,
  );
}

/** Cartesian product of two partitions. @example product([1], ['a']) // [[1, 'a']] */
export function product(a: Part, b: Part): unknown[] {
  const out = new Array<unknown>(a.length * b.length);
  let k = 0;
  for (const x of a) for (const y of b) out[k++] = [x, y];
  return out;
}

/** Zips partitions of equal length into tuples. @example zip([1], ['a']) // [[1, 'a']] */
export function zip(...parts: Part[]): unknown[] {
  const n = zipLength('zip', 'b'.repeat(parts.length), parts);
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) out[i] = parts.map((p) => p[i]);
  return out;
}

/** One partition of a running accumulation: its outputs and the carried value. @example accumulateChunk(add, [1, 2], [true, 0], false) */
export function accumulateChunk(
  f: unknown,
  part: Part,
  carry: readonly [boolean, unknown?],
  emitCarry: boolean,
): [unknown[], [boolean, unknown?]] | Promise<[unknown[], [boolean, unknown?]]> {
  return withFns([f], ([fn]) => {
    let has = carry[0];
    let acc = carry[1];
    const out: unknown[] = emitCarry && has ? [acc] : [];
    for (let i = 0; i < part.length; i++) {
      acc = has ? fn(acc, part[i]) : part[i];
      has = true;
      out.push(acc);
    }
    return [out, has ? [true, acc] : [false]];
  });
}

/** Element `i` of an array (or of a tuple result). @example getIndex([1, 2], 1) // 2 */
export function getIndex(x: readonly unknown[], i: number): unknown {
  return x[i];
}

/** The first of a list of values (finalizes a one-key collection). @example first([7]) // 7 */
export function first(values: readonly unknown[]): unknown {
  return values[0];
}

/** The first element of the first of a list of values (finalizes a one-element partition). @example firstOfFirst([[7]]) // 7 */
export function firstOfFirst(values: readonly (readonly unknown[])[]): unknown {
  return values[0][0];
}

/** The first `n` elements of partitions read in order. @example take(3, [1, 2], [3, 4]) // [1, 2, 3] */
export function take(n: number, ...parts: Part[]): unknown[] {
  const out: unknown[] = [];
  for (const p of parts) {
    for (let i = 0; i < p.length && out.length < n; i++) out.push(p[i]);
    if (out.length >= n) break;
  }
  return out;
}

/** Concatenates a list of partitions (finalizes a bag). @example concatList([[1], [2]]) // [1, 2] */
export function concatList(parts: readonly (readonly unknown[])[]): unknown[] {
  return concat(...parts);
}

/** Concatenates partitions. @example concat([1], [2]) // [1, 2] */
export function concat(...parts: Part[]): unknown[] {
  if (parts.length === 1) return parts[0] as unknown[];
  let n = 0;
  for (const p of parts) n += p.length;
  if (n === 0) return [];
  const out: unknown[] = [];
  for (const p of parts) for (let i = 0; i < p.length; i++) out.push(p[i]);
  return out;
}

/** Piece `j` of `k` near-equal pieces of a partition. @example splitPart([1, 2, 3, 4], 2, 1) // [3, 4] */
export function splitPart(part: Part, k: number, j: number): unknown[] {
  const n = part.length;
  return part.slice(Math.floor((j * n) / k), Math.floor(((j + 1) * n) / k));
}

/** The integers in [start, stop). @example range(2, 5) // [2, 3, 4] */
export function range(start: number, stop: number): number[] {
  const out = new Array<number>(Math.max(0, stop - start));
  for (let i = start; i < stop; i++) out[i - start] = i;
  return out;
}

/**
 * A short description of a value for error messages.
 *
 * @example
 * describe(3); // 'number 3'
 */
export function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (typeof x === 'object') return `an object ${safeJson(x)}`;
  if (typeof x === 'string')
    return `string ${JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}...` : x)}`;
  return `${typeof x} ${String(x)}`;
}

function safeJson(x: unknown): string {
  try {
    const s = JSON.stringify(x) ?? String(x);
    return s.length > 60 ? `${s.slice(0, 60)}...` : s;
  } catch {
    return String(x);
  }
}

// An estimate of the memory a value holds, for `repartition({ partitionSize })` (Dask measures
// partitions with `sizeof`; JavaScript has no such call). The estimate follows V8's layout roughly:
// 8 bytes per number and pointer, two bytes per string character plus a header, the byte length of
// buffers and typed arrays, and the sum over the entries of arrays, Maps, Sets and plain objects.
// It is meant for sizing partitions, not for accounting.

/**
 * The estimated bytes held by `x` (shared sub-values are counted once).
 *
 * @example
 * sizeOf('abcd'); // 24
 * sizeOf([1, 2, 3]); // 40
 */
export function sizeOf(x: unknown, seen: Set<object> = new Set()): number {
  switch (typeof x) {
    case 'number':
    case 'boolean':
    case 'undefined':
    case 'symbol':
    case 'function':
      return 8;
    case 'bigint':
      return 16;
    case 'string':
      return 16 + 2 * x.length;
  }
  if (x === null) return 8;
  const o = x as object;
  if (seen.has(o)) return 8;
  seen.add(o);
  if (ArrayBuffer.isView(o)) return 64 + o.byteLength;
  if (o instanceof ArrayBuffer) return 32 + o.byteLength;
  let n = 32;
  if (Array.isArray(o)) {
    for (const v of o as unknown[]) n += 8 + sizeOf(v, seen);
  } else if (o instanceof Map) {
    for (const [k, v] of o) n += 16 + sizeOf(k, seen) + sizeOf(v, seen);
  } else if (o instanceof Set) {
    for (const v of o) n += 8 + sizeOf(v, seen);
  } else {
    for (const [k, v] of Object.entries(o)) n += 8 + sizeOf(k, seen) + sizeOf(v, seen);
  }
  return n;
}

// A gather that releases what it sends transfers the buffers of those values to the receiver; a
// buffer that a value this worker keeps still uses must be copied instead (views of one buffer are
// common: a column piece of a row band, a slice of a chunk), so it is taken out of the transfer.
import { isPlainObject } from '@dask-ts/protocol';

/**
 * Removes from `transfer` every buffer that `value` (still held) uses.
 *
 * @example
 * dropShared(keptValue, transferSet, 0);
 */
export function dropShared(value: unknown, transfer: Set<ArrayBuffer>, depth: number): void {
  if (typeof value !== 'object' || value === null || depth > 16) return;
  if (ArrayBuffer.isView(value)) {
    transfer.delete(value.buffer as ArrayBuffer);
    return;
  }
  if (value instanceof ArrayBuffer) {
    transfer.delete(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) dropShared(v, transfer, depth + 1);
  } else if (value instanceof Map) {
    for (const v of value.values()) dropShared(v, transfer, depth + 1);
  } else if (value instanceof Set) {
    for (const v of value) dropShared(v, transfer, depth + 1);
  } else if (isPlainObject(value)) {
    for (const k in value) dropShared(value[k], transfer, depth + 1);
  }
}

// Rows of a column picked by index (filters, joins, sorts and gathers by category code): one
// typed-array loop per column (one function per array type, so each stays monomorphic), short
// strings copied byte by byte, long ones with `set`.
import { isValid, type Col } from './columns.js';

/** Rows `idx` of a column. @internal */
export function take(c: Col, idx: Int32Array): Col {
  const n = idx.length;
  let valid: Uint8Array | undefined;
  if (c.valid !== undefined) {
    valid = new Uint8Array((n + 7) >> 3);
    for (let i = 0; i < n; i++) if (isValid(c.valid, idx[i])) valid[i >> 3] |= 1 << (i & 7);
  }
  if (c.type === 'utf8') {
    let bytes = 0;
    for (let i = 0; i < n; i++) bytes += c.offsets[idx[i] + 1] - c.offsets[idx[i]];
    const data = new Uint8Array(bytes);
    const offsets = new Int32Array(n + 1);
    let pos = 0;
    const src = c.data;
    const offs = c.offsets;
    for (let i = 0; i < n; i++) {
      const s = offs[idx[i]];
      const e = offs[idx[i] + 1];
      if (e - s < 32) for (let p = s; p < e; p++) data[pos++] = src[p];
      else {
        data.set(src.subarray(s, e), pos);
        pos += e - s;
      }
      offsets[i + 1] = pos;
    }
    return { type: 'utf8', length: n, offsets, data, valid };
  }
  const src = c.values;
  const values =
    src instanceof Float64Array
      ? takeF64(src, idx)
      : src instanceof Int32Array
        ? takeI32(src, idx)
        : takeU8(src, idx);
  return { ...c, length: n, values, valid } as Col;
}

// One gather per array type, so each loop sees a single element kind.
function takeF64(src: Float64Array, idx: Int32Array): Float64Array {
  const out = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = src[idx[i]];
  return out;
}

function takeI32(src: Int32Array, idx: Int32Array): Int32Array {
  const out = new Int32Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = src[idx[i]];
  return out;
}

function takeU8(src: Uint8Array, idx: Int32Array): Uint8Array {
  const out = new Uint8Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = src[idx[i]];
  return out;
}

// Persisted partitions live in shared memory. `persist()` brings each partition back to the
// calling thread, and every later compute sends them to the worker threads again: an ordinary
// buffer would be copied each time (the partition must stay usable here, so it cannot be
// transferred), while a SharedArrayBuffer crosses threads without a copy. Policy: each column's
// buffers are copied once into shared memory when persisted; tables with types the kernels do not
// handle natively (they travel as Arrow IPC anyway), and values that are not tables, are left as
// they are. Kernels never write into their inputs, so sharing is safe.
import { Table } from 'apache-arrow';
import { colsOf, dtypeOfArrow, tableOf, type Col, type Utf8Col } from './columns.js';

const isShared = (b: ArrayBufferLike): boolean =>
  Object.prototype.toString.call(b) === '[object SharedArrayBuffer]';

function shareI32(a: Int32Array): Int32Array {
  if (isShared(a.buffer)) return a;
  const out = new Int32Array(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}

function shareF64(a: Float64Array): Float64Array {
  if (isShared(a.buffer)) return a;
  const out = new Float64Array(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}

function shareU8(a: Uint8Array): Uint8Array;
function shareU8(a: Uint8Array | undefined): Uint8Array | undefined;
function shareU8(a: Uint8Array | undefined): Uint8Array | undefined {
  if (a === undefined || isShared(a.buffer)) return a;
  const out = new Uint8Array(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}

function shareUtf8(c: Utf8Col): Utf8Col {
  return { ...c, offsets: shareI32(c.offsets), data: shareU8(c.data), valid: shareU8(c.valid) };
}

function shareCol(c: Col): Col {
  switch (c.type) {
    case 'utf8':
      return shareUtf8(c);
    case 'category':
      return { ...c, values: shareI32(c.values), dict: shareUtf8(c.dict), valid: shareU8(c.valid) };
    case 'float64':
    case 'timestamp':
      return { ...c, values: shareF64(c.values), valid: shareU8(c.valid) };
    case 'int32':
    case 'date32':
      return { ...c, values: shareI32(c.values), valid: shareU8(c.valid) };
    case 'bool':
      // Arrow packs booleans into bits when the table is rebuilt: a new buffer either way.
      return c;
  }
}

/** A partition with its columns in shared memory (see the file's comment). @internal */
export function sharedPartition(v: unknown): unknown {
  if (!(v instanceof Table)) return v;
  if (!v.schema.fields.every((f) => dtypeOfArrow(f.type) !== undefined)) return v;
  const cols = new Map<string, Col>();
  for (const [name, c] of colsOf(v)) cols.set(name, shareCol(c));
  return tableOf(cols);
}

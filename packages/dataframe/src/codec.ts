// How partitions cross threads and processes: an Arrow `Table` (or `Vector`) travels as its
// columns' buffers (values, offsets, validity bitmaps), which the sender transfers instead of
// copying; the receiver rebuilds the table around the same buffers. Types the kernels do not handle
// natively travel as Arrow IPC bytes. The codec names this module, so a worker that receives a
// table before it has loaded the dataframe kernels imports it on demand.
import { Table, Vector, tableFromIPC, tableToIPC, type Data } from 'apache-arrow';
import { registerCodec } from '@dask-ts/protocol/runtime';
import { colOfData, dataOfCol, dtypeOfArrow, tableFromData, type Col } from './columns.js';

type TableWire =
  { readonly names: string[]; readonly batches: Col[][] } | { readonly ipc: Uint8Array };

function native(t: Table): boolean {
  return t.schema.fields.every((f) => dtypeOfArrow(f.type) !== undefined);
}

function buffersOf(d: Data, out: ArrayBuffer[]): void {
  for (const b of [d.values, d.valueOffsets, d.nullBitmap] as (ArrayBufferView | undefined)[]) {
    const buf = b?.buffer;
    // Shared buffers are never transferred, nor empty ones (Arrow may share one among columns).
    if (
      buf !== undefined &&
      Object.prototype.toString.call(buf) === '[object ArrayBuffer]' &&
      buf.byteLength > 0 &&
      !out.includes(buf as ArrayBuffer)
    ) {
      out.push(buf as ArrayBuffer);
    }
  }
}

function encodeTable(t: Table): TableWire {
  if (!native(t)) return { ipc: tableToIPC(t) };
  return {
    names: t.schema.fields.map((f) => f.name),
    batches: t.batches.map((b) => b.data.children.map(colOfData)),
  };
}

function decodeTable(w: TableWire): Table {
  if ('ipc' in w) return tableFromIPC(w.ipc);
  return tableFromData(
    w.names,
    w.batches.map((cols) => cols.map(dataOfCol)),
  );
}

registerCodec<Table>({
  name: 'dask-ts.dataframe.table',
  module: import.meta.url,
  test: (v): v is Table => v instanceof Table,
  encode: encodeTable,
  decode: (data) => decodeTable(data as TableWire),
  transferables: (t) => {
    const out: ArrayBuffer[] = [];
    if (native(t)) for (const b of t.batches) for (const d of b.data.children) buffersOf(d, out);
    return out;
  },
});

registerCodec<Vector>({
  name: 'dask-ts.dataframe.vector',
  module: import.meta.url,
  test: (v): v is Vector => v instanceof Vector,
  encode: (v) => encodeTable(new Table({ v })),
  decode: (data) => decodeTable(data as TableWire).getChildAt(0) as Vector,
  transferables: (v) => {
    const out: ArrayBuffer[] = [];
    if (dtypeOfArrow(v.type) !== undefined) for (const d of v.data) buffersOf(d, out);
    return out;
  },
});

/** The URL of this module (what a worker imports to decode tables). @internal */
export const codecModule = import.meta.url;

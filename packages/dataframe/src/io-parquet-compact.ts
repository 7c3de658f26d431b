// A Parquet file cut down to some of its row groups, so a task reading one row group of a large
// file hands parquet-wasm (whose synchronous reader takes a whole file in memory) only that: the
// row groups' bytes are copied one after the other behind the `PAR1` magic, and the footer is
// rewritten (io-thrift.ts) to list only them, with their offsets moved and the page-index offsets
// dropped (the indexes are not copied; pruning is done from the footer's statistics).
import { decodeStruct, encodeStruct, type TList, type TStruct } from './io-thrift.js';

const MAGIC = new Uint8Array([0x50, 0x41, 0x52, 0x31]);

/** Adds `delta` to an i64 field when it holds a positive offset. */
function shift(s: TStruct, id: number, delta: bigint): void {
  const f = s.get(id);
  if (f !== undefined && typeof f.v === 'bigint' && f.v > 0n) f.v += delta;
}

/**
 * The bytes of a Parquet file holding only row groups `groups` of the original, given the
 * original's footer (`[FileMetaData][u32 length]['PAR1']`) and each chosen group's bytes.
 * @internal
 */
export function compactParquet(
  footer: Uint8Array,
  groups: readonly { readonly index: number; readonly start: number; readonly bytes: Uint8Array }[],
): Uint8Array {
  const n = footer.length;
  const len = new DataView(footer.buffer, footer.byteOffset + n - 8, 4).getUint32(0, true);
  const meta = decodeStruct(footer.subarray(n - 8 - len, n - 8));
  const all = (meta.get(4)?.v as TList | undefined)?.items as TStruct[] | undefined;
  if (all === undefined) throw new Error('the footer lists no row groups');
  const kept: TStruct[] = [];
  let pos = MAGIC.length;
  let rows = 0n;
  for (const g of groups) {
    const rg = all[g.index];
    if (rg === undefined) throw new Error(`the footer has no row group ${g.index}`);
    const delta = BigInt(pos - g.start);
    shift(rg, 5, delta);
    rg.delete(7);
    for (const cc of (rg.get(1)?.v as TList).items as TStruct[]) {
      shift(cc, 2, delta);
      for (const id of [4, 5, 6, 7]) cc.delete(id);
      const md = cc.get(3)?.v as TStruct | undefined;
      if (md !== undefined) for (const id of [9, 10, 11]) shift(md, id, delta);
    }
    rows += rg.get(3)?.v as bigint;
    kept.push(rg);
    pos += g.bytes.length;
  }
  meta.set(4, { t: 9, v: { elem: 12, items: kept } satisfies TList });
  meta.set(3, { t: 6, v: rows });
  const body = encodeStruct(meta);
  const out = new Uint8Array(pos + body.length + 8);
  out.set(MAGIC, 0);
  let at = MAGIC.length;
  for (const g of groups) {
    out.set(g.bytes, at);
    at += g.bytes.length;
  }
  out.set(body, at);
  new DataView(out.buffer).setUint32(at + body.length, body.length, true);
  out.set(MAGIC, at + body.length + 4);
  return out;
}

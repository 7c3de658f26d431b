// A string column (Arrow Utf8: offsets + bytes) built from Parquet pages as they arrive, from PLAIN
// byte arrays (a 4-byte length, then the bytes) or from dictionary indices. Policy: no string is
// ever made; bytes are copied 4 at a time through DataViews where both sides have room to spare
// (a copy may write up to 3 bytes past its end, which the next string overwrites, and the buffer
// keeps that much slack), byte by byte only at a buffer's very end; the buffer doubles when a page
// needs more room. Damaged input (a length past the page) is an error, never a read out of bounds.
import type { Utf8Col } from './columns.js';

/** Bytes a word-wise copy may write past its end. */
const SLACK = 4;

/** Strings as offsets + bytes, grown as pages arrive. @internal */
export class Bytes {
  readonly offsets: Int32Array;
  data: Uint8Array;
  pos = 0;
  constructor(n: number, guess: number) {
    this.offsets = new Int32Array(n + 1);
    this.data = new Uint8Array(Math.max(64, guess));
  }
  /** Makes room for `extra` more bytes (and the copies' slack). */
  room(extra: number): void {
    if (this.pos + extra + SLACK <= this.data.length) return;
    const next = new Uint8Array(Math.max(this.data.length * 2, this.pos + extra + SLACK));
    next.set(this.data.subarray(0, this.pos));
    this.data = next;
  }
  /** Rows from dictionary indices (`idx` holds the non-null rows' indices). */
  fromDict(
    d: Utf8Col,
    idx: Int32Array,
    row: number,
    levels: Uint8Array | undefined,
    n: number,
  ): void {
    const dofs = d.offsets;
    const m = d.length;
    let total = 0;
    for (let j = 0; j < idx.length; j++) {
      const x = idx[j];
      if (x >= m) throw new Error(`dictionary index ${x} past the dictionary's ${m}`);
      total += dofs[x + 1] - dofs[x];
    }
    this.room(total);
    const out = this.data;
    const dd = d.data;
    const ov = new DataView(out.buffer, out.byteOffset, out.length);
    const dv = new DataView(dd.buffer, dd.byteOffset, dd.length);
    const safe = dd.length - SLACK;
    const offs = this.offsets;
    let pos = this.pos;
    let j = 0;
    for (let i = 0; i < n; i++) {
      if (levels === undefined || levels[i] === 1) {
        const x = idx[j++];
        const s = dofs[x];
        const e = dofs[x + 1];
        if (e <= safe) for (let p = s; p < e; p += 4) ov.setInt32(pos + p - s, dv.getInt32(p));
        else for (let p = s; p < e; p++) out[pos + p - s] = dd[p];
        pos += e - s;
      }
      offs[row + i + 1] = pos;
    }
    this.pos = pos;
  }
  /** Rows from PLAIN byte arrays (4-byte length, then the bytes) at `b[at]`. */
  plain(b: Uint8Array, at: number, row: number, levels: Uint8Array | undefined, n: number): void {
    this.room(b.length - at);
    const out = this.data;
    const ov = new DataView(out.buffer, out.byteOffset, out.length);
    const bv = new DataView(b.buffer, b.byteOffset, b.length);
    const offs = this.offsets;
    const size = b.length;
    const safe = size - SLACK;
    let pos = this.pos;
    let p = at;
    for (let i = 0; i < n; i++) {
      if (levels === undefined || levels[i] === 1) {
        if (p + 4 > size) throw new Error('a page ends inside a string');
        const len = bv.getInt32(p, true);
        p += 4;
        const e = p + len;
        if (len < 0 || e > size) throw new Error('a page ends inside a string');
        if (e <= safe) for (let q = p; q < e; q += 4) ov.setInt32(pos + q - p, bv.getInt32(q));
        else for (let q = p; q < e; q++) out[pos + q - p] = b[q];
        pos += len;
        p = e;
      }
      offs[row + i + 1] = pos;
    }
    this.pos = pos;
  }
  /** The column of the `n` rows written, with validity `valid`. */
  col(n: number, valid: Uint8Array | undefined): Utf8Col {
    return {
      type: 'utf8',
      length: n,
      offsets: this.offsets,
      data: this.data.subarray(0, this.pos),
      valid,
    };
  }
}

// A builder of Arrow utf8 columns from bytes, for the generator: values are appended as byte
// ranges (of the text pool, of pre-encoded vocabularies such as dates and flags) straight into one
// growing buffer with an offsets array, so a column of millions of strings is made without one
// JavaScript string per row. Short ranges are copied by a loop (cheaper than a subarray + set).
import { makeData, makeVector, Utf8, type Vector } from 'apache-arrow';

const encoder = new TextEncoder();

/**
 * Encodes each string of a vocabulary once.
 *
 * @example
 * const modes = encodeAll(['AIR', 'RAIL']);
 */
export function encodeAll(xs: readonly string[]): Uint8Array[] {
  return xs.map((s) => encoder.encode(s));
}

/**
 * An Arrow utf8 column being built, row by row.
 *
 * @example
 * const b = new Utf8Column(2, 8);
 * b.text('a'); b.bytes(new Uint8Array([98]));
 * b.vector().toArray(); // ['a', 'b']
 */
export class Utf8Column {
  private offsets: Int32Array;
  private data: Uint8Array;
  private n = 0;
  private pos = 0;

  /** Room for `rows` values of about `bytesPerRow` bytes (both buffers grow when needed). */
  constructor(rows: number, bytesPerRow: number) {
    this.offsets = new Int32Array(rows + 1);
    this.data = new Uint8Array(Math.max(64, Math.ceil(rows * bytesPerRow)));
  }

  private room(k: number): void {
    if (this.n + 2 > this.offsets.length) {
      const grown = new Int32Array(this.offsets.length * 2);
      grown.set(this.offsets);
      this.offsets = grown;
    }
    if (this.pos + k <= this.data.length) return;
    const grown = new Uint8Array(Math.max(this.data.length * 2, this.pos + k));
    grown.set(this.data.subarray(0, this.pos));
    this.data = grown;
  }

  /** Appends the bytes `src[start..end)` as one value. @example b.bytes(pool, 10, 40) */
  bytes(src: Uint8Array, start = 0, end = src.length): void {
    const len = end - start;
    this.room(len);
    const d = this.data;
    let p = this.pos;
    if (len < 48) for (let i = start; i < end; i++) d[p++] = src[i];
    else {
      d.set(src.subarray(start, end), p);
      p += len;
    }
    this.pos = p;
    this.offsets[++this.n] = p;
  }

  /** Appends a string (encoded as UTF-8). @example b.text('Customer#000000001') */
  text(s: string): void {
    this.room(s.length * 3);
    this.pos += encoder.encodeInto(s, this.data.subarray(this.pos)).written;
    this.offsets[++this.n] = this.pos;
  }

  /** The values appended so far, as an Arrow vector. @example b.vector().length */
  vector(): Vector<Utf8> {
    return makeVector(
      makeData({
        type: new Utf8(),
        length: this.n,
        nullCount: 0,
        valueOffsets: this.offsets.subarray(0, this.n + 1),
        data: this.data.subarray(0, this.pos),
      }),
    );
  }
}

// The page-header reader (io-parquet-header.ts) on headers encoded by the generic Thrift codec:
// data pages v1 and v2 (compressed or not), dictionary pages, fields it skips (CRC, statistics
// with binaries, lists, maps, nested structs, a long field-id jump), and cut-short headers.
import { describe, expect, it } from '@jest/globals';
import { encodeStruct, type TValue } from '../io-thrift.js';
import { pageHeader } from '../io-parquet-header.js';

const i32 = (v: number): TValue => ({ t: 5, v: BigInt(v) });
const struct = (fields: [number, TValue][]): TValue => ({ t: 12, v: new Map(fields) });
const stats = struct([
  [1, { t: 8, v: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]) }],
  [3, { t: 6, v: 12345678901234n }],
  [5, { t: 8, v: new TextEncoder().encode('zzz') }],
  [7, { t: 7, v: 2.5 }],
]);

function bytesOf(fields: [number, TValue][], pad = 3): Uint8Array {
  const body = encodeStruct(new Map(fields));
  const out = new Uint8Array(body.length + 2 * pad);
  out.set(body, pad);
  return out;
}

describe('pageHeader', () => {
  it('reads data pages v1 and skips CRCs and statistics', () => {
    const b = bytesOf([
      [1, i32(0)],
      [2, i32(70000)],
      [3, i32(65000)],
      [4, i32(-123456)],
      [
        5,
        struct([
          [1, i32(20000)],
          [2, i32(8)],
          [3, i32(3)],
          [4, i32(3)],
          [5, stats],
        ]),
      ],
    ]);
    const [h, end] = pageHeader(b, 3);
    expect(h).toEqual({
      type: 0,
      uncompressed: 70000,
      compressed: 65000,
      count: 20000,
      encoding: 8,
      defEncoding: 3,
    });
    expect(end).toBe(b.length - 3);
  }, 30_000);

  it('reads data pages v2, compressed or not, and dictionary pages', () => {
    for (const compressed of [true, false]) {
      const v2 = struct([
        [1, i32(100)],
        [2, i32(7)],
        [3, i32(100)],
        [4, i32(0)],
        [5, i32(13)],
        [6, i32(0)],
        [7, { t: compressed ? 1 : 2, v: compressed }],
        [8, stats],
      ]);
      const [h] = pageHeader(
        bytesOf([
          [1, i32(3)],
          [2, i32(900)],
          [3, i32(800)],
          [8, v2],
        ]),
        3,
      );
      expect(h).toEqual({
        type: 3,
        uncompressed: 900,
        compressed: 800,
        count: 100,
        encoding: 0,
        v2: { repLength: 0, defLength: 13, compressed },
      });
    }
    const dict = struct([
      [1, i32(50)],
      [2, i32(0)],
      [3, { t: 1, v: true }],
    ]);
    const [d] = pageHeader(
      bytesOf([
        [1, i32(2)],
        [2, i32(400)],
        [3, i32(380)],
        [7, dict],
      ]),
      3,
    );
    expect(d).toEqual({ type: 2, uncompressed: 400, compressed: 380, count: 50, encoding: 0 });
  }, 30_000);

  it('skips unknown fields of every type, and a field id past a jump of 15', () => {
    const b = bytesOf([
      [1, i32(0)],
      [2, i32(10)],
      [3, i32(10)],
      [
        5,
        struct([
          [1, i32(4)],
          [2, i32(0)],
          [3, i32(3)],
        ]),
      ],
      [9, { t: 9, v: { elem: 5, items: [1n, 2n, 3n] } }],
      [10, { t: 9, v: { elem: 1, items: [1, 0, 1] } }],
      [11, { t: 11, v: { key: 8, val: 12, entries: [[new Uint8Array([1]), new Map()]] } }],
      [12, { t: 3, v: 7 }],
      [40, struct([[2, stats]])],
    ]);
    const [h, end] = pageHeader(b, 3);
    expect(h).toMatchObject({ type: 0, count: 4, encoding: 0 });
    expect(end).toBe(b.length - 3);
  }, 30_000);

  it('throws on a header cut short or without a page type', () => {
    const b = bytesOf(
      [
        [1, i32(0)],
        [2, i32(10)],
        [3, i32(10)],
      ],
      0,
    );
    expect(() => pageHeader(b.subarray(0, b.length - 2), 0)).toThrow(/ends early/);
    expect(() => pageHeader(bytesOf([[2, i32(10)]], 0), 0)).toThrow(/no page type/);
  }, 30_000);
});

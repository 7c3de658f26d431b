// Parquet page headers read straight from the Thrift compact bytes: only the fields the reader uses
// become numbers (page type, sizes, value count, encodings, v2 level lengths), everything else
// (statistics, CRCs, index pages) is skipped without being decoded. Policy: a page header is read
// for every page of every column chunk, so this builds no map per field and no BigInt (the generic
// codec in io-thrift.ts does both, at several times the cost); a header that is cut short or
// holds an unknown type is an error saying so.

/** A page's header, the fields the reader uses. @internal */
export interface PageHeader {
  readonly type: number;
  readonly uncompressed: number;
  readonly compressed: number;
  /** Values (levels) in the page, nulls included. */
  readonly count: number;
  readonly encoding: number;
  /** Data page v1: how definition levels are encoded. */
  readonly defEncoding?: number;
  /** Data page v2: byte lengths of the uncompressed levels, and whether the values are compressed. */
  readonly v2?: {
    readonly repLength: number;
    readonly defLength: number;
    readonly compressed: boolean;
  };
}

const BOOL_TRUE = 1;
const BOOL_FALSE = 2;
const STRUCT = 12;

/** A cursor over the header's bytes. */
class Cursor {
  constructor(
    readonly b: Uint8Array,
    public pos: number,
  ) {}
  byte(): number {
    if (this.pos >= this.b.length) throw new Error('a page header ends early');
    return this.b[this.pos++];
  }
  uvarint(): number {
    let out = 0;
    let mul = 1;
    for (;;) {
      const x = this.byte();
      out += (x & 0x7f) * mul;
      if ((x & 0x80) === 0) return out;
      mul *= 128;
    }
  }
  /** A zigzag-encoded integer (i16, i32, i64) as a number. */
  int(): number {
    const n = this.uvarint();
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }
  /** Skips one value of compact type `t`. */
  skip(t: number): void {
    switch (t) {
      case BOOL_TRUE:
      case BOOL_FALSE:
        return;
      case 3:
        this.pos++;
        return;
      case 4:
      case 5:
      case 6:
        this.uvarint();
        return;
      case 7:
        this.pos += 8;
        return;
      case 8: {
        const n = this.uvarint();
        this.pos += n;
        return;
      }
      case 9:
      case 10: {
        const h = this.byte();
        const size = h >> 4 === 15 ? this.uvarint() : h >> 4;
        const elem = h & 15;
        for (let i = 0; i < size; i++)
          if (elem === BOOL_TRUE || elem === BOOL_FALSE) this.pos++;
          else this.skip(elem);
        return;
      }
      case 11: {
        const size = this.uvarint();
        if (size === 0) return;
        const kv = this.byte();
        for (let i = 0; i < size; i++) {
          this.skip(kv >> 4);
          this.skip(kv & 15);
        }
        return;
      }
      case STRUCT:
        this.skipStruct();
        return;
    }
    throw new Error(`a page header holds an unknown Thrift type ${t}`);
  }
  /** Skips the rest of a struct (after its fields the caller read). */
  skipStruct(): void {
    let last = 0;
    for (;;) {
      const h = this.byte();
      if (h === 0) return;
      const id = h >> 4 === 0 ? this.int() : last + (h >> 4);
      this.skip(h & 15);
      last = id;
    }
  }
}

/** The fields read, filled in as they come. */
class Fields {
  type = -1;
  uncompressed = 0;
  compressed = 0;
  count = 0;
  encoding = 0;
  defEncoding = 0;
  repLength = 0;
  defLength = 0;
  isCompressed = true;
  v2 = false;
}

/** Reads the struct at the cursor: `inner` 0 is the page header, else the page-type struct. */
function readStruct(c: Cursor, f: Fields, inner: number): void {
  let last = 0;
  for (;;) {
    const h = c.byte();
    if (h === 0) return;
    const id = h >> 4 === 0 ? c.int() : last + (h >> 4);
    const t = h & 15;
    last = id;
    if (inner === 0) {
      if (t === 5 && id === 1) f.type = c.int();
      else if (t === 5 && id === 2) f.uncompressed = c.int();
      else if (t === 5 && id === 3) f.compressed = c.int();
      else if (t === STRUCT && (id === 5 || id === 7 || id === 8)) {
        if (id === 8) f.v2 = true;
        readStruct(c, f, id);
      } else c.skip(t);
      continue;
    }
    if (inner === 8 && id === 7 && (t === BOOL_TRUE || t === BOOL_FALSE))
      f.isCompressed = t === BOOL_TRUE;
    else if (t !== 5) c.skip(t);
    else if (id === 1) f.count = c.int();
    else if (inner === 5 && id === 2) f.encoding = c.int();
    else if (inner === 5 && id === 3) f.defEncoding = c.int();
    else if (inner === 7 && id === 2) f.encoding = c.int();
    else if (inner === 8 && id === 4) f.encoding = c.int();
    else if (inner === 8 && id === 5) f.defLength = c.int();
    else if (inner === 8 && id === 6) f.repLength = c.int();
    else c.skip(t);
  }
}

/** The page header at `b[pos]`, and where the page's bytes start. @internal */
export function pageHeader(b: Uint8Array, pos: number): [PageHeader, number] {
  const c = new Cursor(b, pos);
  const f = new Fields();
  readStruct(c, f, 0);
  const { type, uncompressed, compressed, count, encoding } = f;
  if (type < 0) throw new Error('a page header has no page type');
  if (compressed < 0 || uncompressed < 0) throw new Error('a page header has a negative size');
  const v2 =
    type === 3 && f.v2
      ? { repLength: f.repLength, defLength: f.defLength, compressed: f.isCompressed }
      : undefined;
  const defEncoding = type === 0 ? f.defEncoding : undefined;
  // One object shape for every page type (fields absent for a page type are undefined).
  return [{ type, uncompressed, compressed, count, encoding, defEncoding, v2 }, c.pos];
}

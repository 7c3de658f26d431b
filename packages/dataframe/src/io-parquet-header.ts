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
      case 8:
        this.pos += this.uvarint();
        return;
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
        this.struct(() => false);
        return;
    }
    throw new Error(`a page header holds an unknown Thrift type ${t}`);
  }
  /**
   * Walks a struct's fields: `field(id, type)` reads the ones it knows (returning true), the rest
   * are skipped. Booleans are passed as their type (1 true, 2 false) with nothing to read.
   */
  struct(field: (id: number, t: number) => boolean): void {
    let last = 0;
    for (;;) {
      const h = this.byte();
      if (h === 0) return;
      const delta = h >> 4;
      const id = delta === 0 ? this.int() : last + delta;
      const t = h & 15;
      if (!field(id, t)) this.skip(t);
      last = id;
    }
  }
}

/** The page header at `b[pos]`, and where the page's bytes start. @internal */
export function pageHeader(b: Uint8Array, pos: number): [PageHeader, number] {
  const c = new Cursor(b, pos);
  let type = -1;
  let uncompressed = 0;
  let compressed = 0;
  let count = 0;
  let encoding = 0;
  let defEncoding = 0;
  let repLength = 0;
  let defLength = 0;
  let isCompressed = true;
  let v2 = false;
  c.struct((id, t) => {
    if (t === 5 && id <= 3) {
      const x = c.int();
      if (id === 1) type = x;
      else if (id === 2) uncompressed = x;
      else compressed = x;
      return true;
    }
    if (t !== STRUCT) return false;
    if (id === 5)
      c.struct((f, ft) => {
        if (ft !== 5 || f > 3) return false;
        const x = c.int();
        if (f === 1) count = x;
        else if (f === 2) encoding = x;
        else defEncoding = x;
        return true;
      });
    else if (id === 7)
      c.struct((f, ft) => {
        if (ft !== 5 || f > 2) return false;
        const x = c.int();
        if (f === 1) count = x;
        else encoding = x;
        return true;
      });
    else if (id === 8) {
      v2 = true;
      c.struct((f, ft) => {
        if (f === 7 && (ft === BOOL_TRUE || ft === BOOL_FALSE)) {
          isCompressed = ft === BOOL_TRUE;
          return true;
        }
        if (ft !== 5 || f === 2 || f === 3 || f > 6) return false;
        const x = c.int();
        if (f === 1) count = x;
        else if (f === 4) encoding = x;
        else if (f === 5) defLength = x;
        else repLength = x;
        return true;
      });
    } else return false;
    return true;
  });
  if (type < 0) throw new Error('a page header has no page type');
  if (compressed < 0 || uncompressed < 0) throw new Error('a page header has a negative size');
  const common = { type, uncompressed, compressed, count, encoding };
  if (type === 3 && v2)
    return [{ ...common, v2: { repLength, defLength, compressed: isCompressed } }, c.pos];
  if (type === 0) return [{ ...common, defEncoding }, c.pos];
  return [common, c.pos];
}

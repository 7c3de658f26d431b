// A generic Thrift compact-protocol codec: structs decode to maps from field id to a typed value
// and encode back byte for byte (integers are kept as BigInt, so nothing is rounded). Used by the
// Parquet reader to cut a file down to the row groups a task reads (io-parquet-compact.ts); page
// headers, read for every page, have a faster reader of their own (io-parquet-header.ts).

/** A compact-protocol type id. @internal */
export type TType = number;

/** A decoded value with its wire type. @internal */
export interface TValue {
  readonly t: TType;
  v: unknown;
}

/** A decoded struct: field id -> value, in wire order. @internal */
export type TStruct = Map<number, TValue>;

/** A decoded list or set. @internal */
export interface TList {
  readonly elem: TType;
  readonly items: unknown[];
}

/** A decoded map. @internal */
export interface TMap {
  readonly key: TType;
  readonly val: TType;
  readonly entries: [unknown, unknown][];
}

const T = { TRUE: 1, FALSE: 2, BYTE: 3, I16: 4, I32: 5, I64: 6, DOUBLE: 7, BINARY: 8 } as const;
const LIST = 9;
const SET = 10;
const MAP = 11;
const STRUCT = 12;

class Reader {
  pos = 0;
  constructor(readonly b: Uint8Array) {}
  byte(): number {
    if (this.pos >= this.b.length) throw new Error('thrift: unexpected end of data');
    return this.b[this.pos++];
  }
  varint(): bigint {
    let shift = 0n;
    let out = 0n;
    for (;;) {
      const x = this.byte();
      out |= BigInt(x & 0x7f) << shift;
      if ((x & 0x80) === 0) return out;
      shift += 7n;
    }
  }
  zigzag(): bigint {
    const n = this.varint();
    return (n >> 1n) ^ -(n & 1n);
  }
  value(t: TType): unknown {
    switch (t) {
      case T.TRUE:
        return true;
      case T.FALSE:
        return false;
      case T.BYTE:
        return this.byte();
      case T.I16:
      case T.I32:
      case T.I64:
        return this.zigzag();
      case T.DOUBLE: {
        const v = new DataView(this.b.buffer, this.b.byteOffset + this.pos, 8).getFloat64(0, true);
        this.pos += 8;
        return v;
      }
      case T.BINARY: {
        const n = Number(this.varint());
        const v = this.b.subarray(this.pos, this.pos + n);
        this.pos += n;
        return v;
      }
      case LIST:
      case SET: {
        const h = this.byte();
        const size = h >> 4 === 15 ? Number(this.varint()) : h >> 4;
        const elem = h & 15;
        const items: unknown[] = [];
        for (let i = 0; i < size; i++)
          items.push(elem === T.TRUE || elem === T.FALSE ? this.byte() : this.value(elem));
        return { elem, items } satisfies TList;
      }
      case MAP: {
        const size = Number(this.varint());
        const kv = size > 0 ? this.byte() : 0;
        const entries: [unknown, unknown][] = [];
        for (let i = 0; i < size; i++) entries.push([this.value(kv >> 4), this.value(kv & 15)]);
        return { key: kv >> 4, val: kv & 15, entries } satisfies TMap;
      }
      case STRUCT:
        return this.struct();
    }
    throw new Error(`thrift: unknown type ${t}`);
  }
  struct(): TStruct {
    const out: TStruct = new Map();
    let last = 0;
    for (;;) {
      const h = this.byte();
      if (h === 0) return out;
      const delta = h >> 4;
      const id = delta === 0 ? Number(this.zigzag()) : last + delta;
      const t = h & 15;
      out.set(id, { t, v: this.value(t) });
      last = id;
    }
  }
}

class Writer {
  private buf = new Uint8Array(1024);
  len = 0;
  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
  byte(x: number): void {
    this.room(1);
    this.buf[this.len++] = x;
  }
  varint(n: bigint): void {
    let x = n;
    while (x >= 0x80n) {
      this.byte(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.byte(Number(x));
  }
  zigzag(n: bigint): void {
    this.varint(n >= 0n ? n << 1n : (-n << 1n) - 1n);
  }
  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  value(t: TType, v: unknown): void {
    switch (t) {
      case T.TRUE:
      case T.FALSE:
        return;
      case T.BYTE:
        return this.byte(v as number);
      case T.I16:
      case T.I32:
      case T.I64:
        return this.zigzag(v as bigint);
      case T.DOUBLE: {
        const d = new Uint8Array(8);
        new DataView(d.buffer).setFloat64(0, v as number, true);
        return this.bytes(d);
      }
      case T.BINARY: {
        const b = v as Uint8Array;
        this.varint(BigInt(b.length));
        return this.bytes(b);
      }
      case LIST:
      case SET: {
        const { elem, items } = v as TList;
        if (items.length < 15) this.byte((items.length << 4) | elem);
        else {
          this.byte(0xf0 | elem);
          this.varint(BigInt(items.length));
        }
        for (const x of items)
          if (elem === T.TRUE || elem === T.FALSE) this.byte(x as number);
          else this.value(elem, x);
        return;
      }
      case MAP: {
        const { key, val, entries } = v as TMap;
        this.varint(BigInt(entries.length));
        if (entries.length > 0) this.byte((key << 4) | val);
        for (const [k, x] of entries) {
          this.value(key, k);
          this.value(val, x);
        }
        return;
      }
      case STRUCT:
        return this.struct(v as TStruct);
    }
    throw new Error(`thrift: unknown type ${t}`);
  }
  struct(s: TStruct): void {
    let last = 0;
    for (const [id, { t, v }] of [...s].sort((a, b) => a[0] - b[0])) {
      const wire = t === T.TRUE || t === T.FALSE ? (v ? T.TRUE : T.FALSE) : t;
      const delta = id - last;
      if (delta > 0 && delta <= 15) this.byte((delta << 4) | wire);
      else {
        this.byte(wire);
        this.zigzag(BigInt(id));
      }
      this.value(wire, v);
      last = id;
    }
    this.byte(0);
  }
  done(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

/** Decodes a compact-protocol struct. @internal */
export function decodeStruct(bytes: Uint8Array): TStruct {
  return new Reader(bytes).struct();
}

/** Encodes a compact-protocol struct. @internal */
export function encodeStruct(s: TStruct): Uint8Array {
  const w = new Writer();
  w.struct(s);
  return w.done();
}

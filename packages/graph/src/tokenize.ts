// Deterministic tokens. `tokenize` hashes a canonical, type-tagged encoding of its arguments with
// MD5, so the same value gives the same token in any thread or process: primitives are tagged by
// type (1, '1' and 1n differ; -0 and NaN are encoded explicitly), plain objects hash with sorted
// keys, Maps and Sets are order-independent, typed arrays hash their dtype and raw bytes directly,
// functions hash their name and source text. A cycle is encoded as a back-reference to the
// enclosing object on the current path, so it terminates and survives `structuredClone`. Objects
// with a `[Symbol.for('dask-ts.tokenize')]()` method are hashed through what it returns.
import { createHash, type Hash } from 'node:crypto';

/**
 * The symbol of the optional method through which an object says how it tokenizes.
 *
 * @example
 * class Point { constructor(readonly x: number) {} [tokenizeSymbol]() { return ['Point', this.x]; } }
 */
export const tokenizeSymbol: unique symbol = Symbol.for('dask-ts.tokenize') as never;

const FLUSH_AT = 1 << 14;

/** Streams a canonical encoding into a hash, buffering small writes. */
class Encoder {
  private buf = '';
  /** Objects on the current path, with their depth (for cycle back-references). */
  private readonly path = new Map<object, number>();
  /** Set when a function met is not self-contained (see `pureToken`). */
  opaque: ((...args: unknown[]) => unknown) | undefined;
  constructor(
    private readonly hash: Hash,
    /** Says whether a function's token covers what it depends on; absent: never asked. */
    private readonly known?: (f: (...args: unknown[]) => unknown) => boolean,
  ) {}

  write(s: string): void {
    this.buf += s;
    if (this.buf.length > FLUSH_AT) this.flush();
  }

  flush(): void {
    if (this.buf.length > 0) {
      this.hash.update(this.buf, 'utf8');
      this.buf = '';
    }
  }

  bytes(view: ArrayBufferView | ArrayBuffer | SharedArrayBuffer): void {
    this.flush();
    const u8 = ArrayBuffer.isView(view)
      ? new Uint8Array(view.buffer, view.byteOffset, view.byteLength)
      : new Uint8Array(view);
    this.hash.update(u8);
  }

  value(v: unknown): void {
    switch (typeof v) {
      case 'string':
        this.write(`s${v.length}:${v}`);
        return;
      case 'number':
        this.write(`n${Object.is(v, -0) ? '-0' : String(v)};`);
        return;
      case 'bigint':
        this.write(`b${v.toString()};`);
        return;
      case 'boolean':
        this.write(v ? 'T' : 'F');
        return;
      case 'undefined':
        this.write('U');
        return;
      case 'symbol': {
        const k = Symbol.keyFor(v);
        const d = k ?? v.description ?? '';
        this.write(`${k === undefined ? 'y' : 'Y'}${d.length}:${d}`);
        return;
      }
      case 'function':
        this.fn(v as (...args: unknown[]) => unknown);
        return;
      case 'object':
        if (v === null) this.write('N');
        else this.object(v);
        return;
    }
  }

  private fn(f: (...args: unknown[]) => unknown): void {
    const own = (f as { [tokenizeSymbol]?: () => unknown })[tokenizeSymbol];
    if (typeof own === 'function') {
      this.write('X');
      this.value(own.call(f));
      return;
    }
    if (this.known !== undefined && this.opaque === undefined && !this.known(f)) this.opaque = f;
    const src = Function.prototype.toString.call(f);
    this.write(`f${f.name.length}:${f.name}${src.length}:${src}`);
  }

  private object(o: object): void {
    const depth = this.path.get(o);
    if (depth !== undefined) {
      this.write(`C${this.path.size - depth};`);
      return;
    }
    const custom = (o as { [tokenizeSymbol]?: () => unknown })[tokenizeSymbol];
    if (typeof custom === 'function') {
      this.write('X');
      this.enter(o, () => this.value(custom.call(o)));
      return;
    }
    // Tags, not instanceof: values may come from another realm (a vm context, structuredClone).
    const tag = Object.prototype.toString.call(o).slice(8, -1);
    if (ArrayBuffer.isView(o)) {
      // Buffer and Uint8Array agree: the tag is the typed array's own name, not the class's.
      this.write(`A${tag}:${o.byteLength};`);
      this.bytes(o);
      return;
    }
    switch (tag) {
      case 'ArrayBuffer':
      case 'SharedArrayBuffer':
        this.write(`B${(o as ArrayBuffer).byteLength};`);
        this.bytes(o as ArrayBuffer);
        return;
      case 'Date':
        this.write(`D${Date.prototype.getTime.call(o)};`);
        return;
      case 'RegExp': {
        const r = o as RegExp;
        this.write(`R${r.source.length}:${r.source}/${r.flags};`);
        return;
      }
    }
    this.enter(o, () => this.container(o, tag));
  }

  private enter(o: object, body: () => void): void {
    this.path.set(o, this.path.size);
    try {
      body();
    } finally {
      this.path.delete(o);
    }
  }

  private container(o: object, tag: string): void {
    if (Array.isArray(o)) {
      this.write(`[${o.length};`);
      for (let i = 0; i < o.length; i++) this.value(o[i]);
      this.write(']');
      return;
    }
    if (tag === 'Map') {
      const m = o as Map<unknown, unknown>;
      const entries = [...m].map(([k, v]) => [this.sub(k), this.sub(v)] as const);
      entries.sort((a, b) =>
        a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0,
      );
      this.write(`M${entries.length};`);
      for (const [k, v] of entries) this.write(k + v);
      return;
    }
    if (tag === 'Set') {
      const items = [...(o as Set<unknown>)].map((v) => this.sub(v)).sort();
      this.write(`S${items.length};`);
      for (const s of items) this.write(s);
      return;
    }
    if (tag === 'Error') {
      const e = o as Error;
      this.write('E');
      this.value(e.name);
      this.value(e.message);
    }
    // Plain objects and other instances: the class name, then own enumerable keys, sorted.
    const proto = Object.getPrototypeOf(o) as { constructor?: { name?: unknown } } | null;
    const isPlain = proto === null || Object.getPrototypeOf(proto) === null;
    const cls = isPlain ? '' : String(proto?.constructor?.name ?? '?');
    const keys = Object.keys(o).sort();
    this.write(`O${cls.length}:${cls}${keys.length};`);
    const rec = o as Record<string, unknown>;
    for (const k of keys) {
      this.write(`${k.length}:${k}`);
      this.value(rec[k]);
    }
  }

  /** The token of a nested value, for order-independent containers; shares the cycle path. */
  private sub(v: unknown): string {
    const inner = new Encoder(createHash('md5'), this.known);
    for (const [o, d] of this.path) inner.path.set(o, d);
    inner.value(v);
    inner.flush();
    this.opaque ??= inner.opaque;
    return inner.hash.digest('hex');
  }
}

/**
 * A deterministic 32-character hex token of any values: the same values give the same token in
 * any thread or process.
 *
 * @example
 * tokenize(1) !== tokenize('1'); // true
 * tokenize(new Set([1, 2])) === tokenize(new Set([2, 1])); // true
 * tokenize({ a: 1, b: [2, 3] }) === tokenize(structuredClone({ b: [2, 3], a: 1 })); // true
 */
export function tokenize(...values: unknown[]): string {
  const hash = createHash('md5');
  const enc = new Encoder(hash);
  enc.write(`${values.length};`);
  for (const v of values) enc.value(v);
  enc.flush();
  return hash.digest('hex');
}

/**
 * The token of `values` when every function among them is known by its token (its text covers
 * all it depends on, as `known` says); otherwise the first function that is not (a closure
 * reading outer variables, a bound or native function), whose token would not tell two such
 * functions apart. @internal
 *
 * @example
 * const t = pureToken((f) => toFunctionRef(f).kind === 'source', fn, args);
 */
export function pureToken(
  known: (f: (...args: unknown[]) => unknown) => boolean,
  ...values: unknown[]
):
  | { token: string; opaque?: undefined }
  | { token?: undefined; opaque: (...args: unknown[]) => unknown } {
  const hash = createHash('md5');
  const enc = new Encoder(hash, known);
  enc.write(`${values.length};`);
  for (const v of values) enc.value(v);
  if (enc.opaque !== undefined) return { opaque: enc.opaque };
  enc.flush();
  return { token: hash.digest('hex') };
}

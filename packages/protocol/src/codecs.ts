// The codec registry: how values cross threads and processes. Both transports use structured
// clone (V8's serializer), which already keeps typed arrays, Maps, Sets, Dates and BigInts; codecs
// add what it loses (an error's name, and classes such as ndarray or Arrow tables, registered by
// their packages, or a user's own with `registerClass`). Encoding walks arrays, plain objects, Maps
// and Sets and returns them unchanged when nothing inside needs a codec. With `transfer`, the
// buffers of typed arrays are listed so the sender hands them over instead of copying (it must
// then drop the value). A circular value overflows that walk; it is then walked again, each object
// once, keeping its cycles (only circular values pay for the bookkeeping).
//
// Class instances: a codec that names its `module` travels with that module's URL, so a receiver
// that lacks the codec can import the module (which registers it) and decode again: decoding then
// throws a `MissingCodecError` naming the module (a worker imports it and retries; see
// @dask-ts/worker). An instance of a class that no codec claims is tagged with its class name and
// arrives as a plain object: the receiver warns, once per class, naming the key
// (`DASK_TS_LOST_PROTOTYPE`). Decoding never modifies the payload (copy on write), so it may be
// retried after a codec's module is loaded.
import {
  checkModuleUrl,
  classPrototypes,
  codecs,
  describeValue,
  registerCodec,
} from './codec-registry.js';
import { rebuildError, serializeError, type SerializedError } from './error-serialization.js';
import { isPlainObject } from './task.js';

export { findCodec, registerCodec, type Codec } from './codec-registry.js';

/**
 * A value prepared for a transport, with the buffers that may be transferred alongside it.
 *
 * @example
 * const { payload, transfer } = encodeValue(new Float64Array(10), { transfer: true });
 * port.postMessage(payload, transfer);
 */
export interface Encoded {
  readonly payload: unknown;
  readonly transfer: ArrayBuffer[];
}

interface Tagged {
  $codec: string;
  data: unknown;
  /** The module that registers the codec (see {@link Codec.module}). */
  module?: string;
}

/** The tag of an instance of a class that no codec claims: it crosses as a plain object. */
const INSTANCE = 'dask-ts.instance';
/** What an instance without a codec carries: its class name and its (cloned) own properties. */
interface LostInstance {
  class: string;
  value: unknown;
}

/**
 * Options of {@link registerClass}.
 *
 * @example
 * const options: ClassCodecOptions = { module: import.meta.url };
 */
export interface ClassCodecOptions {
  /**
   * The absolute URL of the module that defines and registers the class: pass `import.meta.url`.
   * A worker imports it (once) to decode the class, so it must register the class at top level.
   */
  readonly module: string;
  /** The codec's name (default: the class name and the module), the same in every thread. */
  readonly name?: string;
}

/**
 * Makes instances of a class cross threads and processes as themselves: a task's arguments
 * arrive in the worker as instances of the class, and results come back as instances. Own
 * enumerable properties are copied (each encoded, so nested registered classes, errors and typed
 * arrays keep their types); the constructor is not called on arrival and private fields (`#x`)
 * are not copied. Call it at the top level of the module that defines the class (not the entry
 * script: a worker imports this module to decode the class).
 *
 * @example
 * export class Point {
 *   constructor(readonly x: number, readonly y: number) {}
 * }
 * registerClass(Point, { module: import.meta.url });
 */
export function registerClass<T extends object>(
  cls: abstract new (...args: never[]) => T,
  options: ClassCodecOptions,
): void {
  if (typeof cls !== 'function' || typeof cls.prototype !== 'object' || cls.prototype === null) {
    throw new TypeError(`registerClass expects a class, got ${describeValue(cls)}`);
  }
  const module = options?.module;
  checkModuleUrl(module, `registerClass(${cls.name || 'anonymous class'})`);
  const proto = cls.prototype as object;
  const name = options.name ?? `class:${cls.name}@${module}`;
  classPrototypes().set(name, proto);
  registerCodec<T>({
    name,
    module,
    test: (value): value is T =>
      typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === proto,
    encode: (value) => encodeValue({ ...value }).payload,
    decode: (data) =>
      Object.assign(Object.create(proto) as T, decodeValue(data) as Record<string, unknown>),
  });
}

/**
 * Thrown by {@link decodeValue} when a payload names a codec that is not registered in this
 * thread; `module`, when the codec named one, is the module to import (it registers the codec)
 * before decoding again. Workers do so on their own.
 *
 * @example
 * try {
 *   decodeValue(payload);
 * } catch (err) {
 *   if (err instanceof MissingCodecError && err.module) await import(err.module);
 * }
 */
export class MissingCodecError extends Error {
  override readonly name = 'MissingCodecError';

  constructor(
    readonly codec: string,
    readonly module: string | undefined,
    key?: string,
  ) {
    const what = key === undefined ? 'A value' : `The value of ${key}`;
    super(
      module === undefined
        ? `${what} holds codec '${codec}', which is not registered in this thread: import the package that registers it in the worker's modules`
        : `${what} holds codec '${codec}', which is not registered in this thread: import '${module}' (it registers the codec) here too`,
    );
  }
}

/**
 * Rebuilds an `Error` from a {@link SerializedError}: its name, message, stack, own properties
 * and cause chain (a built-in class such as `TypeError` where the name is one). A thrown
 * non-Error comes back as an `Error` named `NonErrorThrown` whose `cause` is the value.
 *
 * @example
 * const err = deserializeError({ name: 'RangeError', message: 'bad index', props: { code: 7 } });
 * err instanceof RangeError; // true
 * (err as RangeError & { code: number }).code; // 7
 */
export function deserializeError(e: SerializedError): Error {
  return rebuildError(e, decodeCopy);
}

/** Decodes a payload without touching it (one serialized error may be rebuilt more than once). @internal */
export function decodeCopy<T>(payload: T): T {
  if (typeof payload !== 'object' || payload === null) return payload;
  return decodeValue(structuredClone(payload)) as T;
}

/**
 * Encodes a value for a transport.
 *
 * @example
 * const { payload } = encodeValue(new Map([['err', new RangeError('x')]]));
 */
export function encodeValue(value: unknown, options: { transfer?: boolean } = {}): Encoded {
  const transfer: ArrayBuffer[] = [];
  const list = options.transfer === true ? transfer : undefined;
  let payload: unknown;
  try {
    payload = encodeInner(value, list, 0);
  } catch (err) {
    // A circular value (structured clone copies those) overflows the plain walk: walk it again,
    // each object once (see encodeCircular). Only such values pay for it.
    if (err !== TOO_DEEP && !(err instanceof RangeError)) throw err;
    transfer.length = 0;
    payload = encodeCircular(value, list, new Map());
  }
  return { payload, transfer };
}

/**
 * Options of {@link decodeValue}.
 *
 * @example
 * decodeValue(payload, { key: 'load-3' });
 */
export interface DecodeOptions {
  /** The key whose value this is: named in warnings and errors. */
  readonly key?: string;
}

/**
 * Decodes a value that {@link encodeValue} produced, without modifying the payload. Throws a
 * {@link MissingCodecError} when a codec it names is not registered here; warns (once per class)
 * when an instance of a class without a codec arrives as a plain object.
 *
 * @example
 * const value = decodeValue(message.payload, { key: 'load-3' });
 */
export function decodeValue(payload: unknown, options?: DecodeOptions): unknown {
  try {
    return decodeInner(payload, options?.key, 0);
  } catch (err) {
    // A circular payload: walk it again, each object once (see encodeCircular).
    if (err !== TOO_DEEP && !(err instanceof RangeError)) throw err;
    return decodeCircular(payload, options?.key, new Map());
  }
}

function decodeInner(payload: unknown, key: string | undefined, depth: number): unknown {
  if (typeof payload !== 'object' || payload === null) return payload;
  if (depth > MAX_PLAIN_DEPTH) throw TOO_DEEP;
  if (Array.isArray(payload)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < payload.length; i++) {
      const v = payload[i] as unknown;
      const d = decodeInner(v, key, depth + 1);
      if (d !== v) (out ??= payload.slice())[i] = d;
    }
    return out ?? payload;
  }
  if (tag(payload) === '[object Map]') {
    const map = payload as Map<unknown, unknown>;
    let out: Map<unknown, unknown> | undefined;
    for (const [k, v] of map) {
      const d = decodeInner(v, key, depth + 1);
      if (d !== v) (out ??= new Map(map)).set(k, d);
    }
    return out ?? map;
  }
  if (!isPlainObject(payload)) return payload;
  if (typeof payload.$codec === 'string' && 'data' in payload) {
    const tagged = payload as unknown as Tagged;
    switch (tagged.$codec) {
      case 'error':
        return rebuildError(tagged.data as SerializedError, decodeCopy);
      case 'object':
        return decodeObject(tagged.data as Record<string, unknown>, key, depth + 1);
      case INSTANCE: {
        const lost = tagged.data as LostInstance;
        warnLostPrototype(String(lost.class), key);
        return lost.value;
      }
    }
    const codec = codecs().get(tagged.$codec);
    if (codec === undefined) {
      const module = typeof tagged.module === 'string' ? tagged.module : undefined;
      throw new MissingCodecError(tagged.$codec, module, key);
    }
    return codec.decode(tagged.data);
  }
  return decodeObject(payload, key, depth);
}

function decodeObject(
  obj: Record<string, unknown>,
  key: string | undefined,
  depth: number,
): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const k in obj) {
    const v = obj[k];
    const d = decodeInner(v, key, depth + 1);
    if (d !== v) (out ??= { ...obj })[k] = d;
  }
  return out ?? obj;
}

const WARNED_SLOT = Symbol.for('@dask-ts/protocol/lost-prototypes');
type GlobalWithWarned = typeof globalThis & { [WARNED_SLOT]?: Set<string> };

/** Warns, once per class in this thread, that an instance arrived as a plain object. */
function warnLostPrototype(className: string, key: string | undefined): void {
  const g = globalThis as GlobalWithWarned;
  const warned = (g[WARNED_SLOT] ??= new Set());
  if (warned.has(className)) return;
  warned.add(className);
  const where = key === undefined ? 'A value' : `The value of ${key}`;
  const message = `${where} holds an instance of class ${className}, which arrived as a plain object (its prototype and methods are lost): register the class with registerClass(${className}, { module: import.meta.url }) from @dask-ts/protocol in the module that defines it. Warned once per class.`;
  if (typeof process !== 'undefined' && typeof process.emitWarning === 'function') {
    process.emitWarning(message, { type: 'DaskTsWarning', code: 'DASK_TS_LOST_PROTOTYPE' });
  }
}

/**
 * How deep the plain walks go before they give up and walk again with the circular walkers: far
 * below the stack's limit, so that a circular value is always caught here, never by a stack
 * overflow inside some other code's try/catch (an error's getters, a codec).
 */
const MAX_PLAIN_DEPTH = 256;
const TOO_DEEP: unique symbol = Symbol('too deep for the plain walk');

function tag(value: unknown): string {
  return Object.prototype.toString.call(value);
}

function encodeInner(value: unknown, transfer: ArrayBuffer[] | undefined, depth: number): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (depth > MAX_PLAIN_DEPTH) throw TOO_DEEP;
  if (ArrayBuffer.isView(value)) {
    const buffer = value.buffer as ArrayBuffer;
    // Shared buffers are already visible to every thread: never transferred.
    if (
      transfer !== undefined &&
      tag(buffer) === '[object ArrayBuffer]' &&
      !transfer.includes(buffer)
    ) {
      transfer.push(buffer);
    }
    return value;
  }
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = value[i] as unknown;
      const e = encodeInner(v, transfer, depth + 1);
      if (e !== v) (out ??= value.slice())[i] = e;
    }
    return out ?? value;
  }
  if (isPlainObject(value)) {
    let out: Record<string, unknown> | undefined;
    for (const k in value) {
      const v = value[k];
      const e = encodeInner(v, transfer, depth + 1);
      if (e !== v) (out ??= { ...value })[k] = e;
    }
    const result = out ?? value;
    // A user object that happens to look tagged is wrapped, so it decodes as itself.
    if (typeof result.$codec === 'string')
      return { $codec: 'object', data: result } satisfies Tagged;
    return result;
  }
  const kind = tag(value);
  if (kind === '[object Error]')
    return { $codec: 'error', data: serializeError(value) } satisfies Tagged;
  if (kind === '[object Map]') {
    const map = value as Map<unknown, unknown>;
    let out: Map<unknown, unknown> | undefined;
    for (const [k, v] of map) {
      const e = encodeInner(v, transfer, depth + 1);
      if (e !== v) (out ??= new Map(map)).set(k, e);
    }
    return out ?? map;
  }
  for (const codec of codecs().values()) {
    if (codec.test(value)) {
      if (transfer !== undefined && codec.transferables) {
        for (const b of codec.transferables(value)) if (!transfer.includes(b)) transfer.push(b);
      }
      const tagged: Tagged = { $codec: codec.name, data: codec.encode(value) };
      if (codec.module !== undefined) tagged.module = codec.module;
      return tagged;
    }
  }
  // An instance of a user class (not a built-in that structured clone keeps): tagged, so that
  // the receiver can say which class lost its prototype.
  if (kind === '[object Object]') {
    return {
      $codec: INSTANCE,
      data: { class: className(value), value } satisfies LostInstance,
    } satisfies Tagged;
  }
  return value;
}

/**
 * encodeInner for circular values: every array, plain object and Map is copied, and its copy is
 * remembered before its parts are encoded, so each object is walked once and the payload has the
 * same cycles. Other objects are encoded as encodeInner does (they do not walk their parts).
 */
function encodeCircular(
  value: unknown,
  transfer: ArrayBuffer[] | undefined,
  seen: Map<object, unknown>,
): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return seen.get(value);
  if (Array.isArray(value)) {
    const out: unknown[] = new Array<unknown>(value.length);
    seen.set(value, out);
    for (let i = 0; i < value.length; i++) out[i] = encodeCircular(value[i], transfer, seen);
    return out;
  }
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    // A user object that looks tagged is wrapped, as encodeInner does.
    const result =
      typeof value.$codec === 'string' ? ({ $codec: 'object', data: out } satisfies Tagged) : out;
    seen.set(value, result);
    for (const k in value) out[k] = encodeCircular(value[k], transfer, seen);
    return result;
  }
  if (tag(value) === '[object Map]') {
    const out = new Map<unknown, unknown>();
    seen.set(value, out);
    for (const [k, v] of value as Map<unknown, unknown>) {
      out.set(k, encodeCircular(v, transfer, seen));
    }
    return out;
  }
  const encoded = encodeInner(value, transfer, 0);
  seen.set(value, encoded);
  return encoded;
}

/** decodeInner for circular payloads, as encodeCircular encodes them. */
function decodeCircular(
  payload: unknown,
  key: string | undefined,
  seen: Map<object, unknown>,
): unknown {
  if (typeof payload !== 'object' || payload === null) return payload;
  if (seen.has(payload)) return seen.get(payload);
  if (Array.isArray(payload)) {
    const out: unknown[] = new Array<unknown>(payload.length);
    seen.set(payload, out);
    for (let i = 0; i < payload.length; i++) out[i] = decodeCircular(payload[i], key, seen);
    return out;
  }
  if (tag(payload) === '[object Map]') {
    const out = new Map<unknown, unknown>();
    seen.set(payload, out);
    for (const [k, v] of payload as Map<unknown, unknown>) out.set(k, decodeCircular(v, key, seen));
    return out;
  }
  if (!isPlainObject(payload)) return payload;
  let fields: Record<string, unknown> = payload;
  if (typeof payload.$codec === 'string' && 'data' in payload) {
    if (payload.$codec !== 'object') {
      const decoded = decodeInner(payload, key, 0);
      seen.set(payload, decoded);
      return decoded;
    }
    fields = payload.data as Record<string, unknown>;
  }
  const out: Record<string, unknown> = {};
  seen.set(payload, out);
  for (const k in fields) out[k] = decodeCircular(fields[k], key, seen);
  return out;
}

/** The name of an object's class, as its constructor says (`anonymous class` when it has none). */
function className(value: object): string {
  const ctor = (Object.getPrototypeOf(value) as { constructor?: unknown } | null)?.constructor;
  return typeof ctor === 'function' && ctor.name !== '' ? ctor.name : 'anonymous class';
}

/** The size a codec's `sizeOf` hook gives a class instance, if a codec with a hook claims it. */
function codecSize(value: object): number | undefined {
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto === Object.prototype || proto === null) return undefined;
  for (const codec of codecs().values()) {
    if (codec.sizeOf !== undefined && codec.test(value)) return codec.sizeOf(value);
  }
  return undefined;
}

/**
 * A rough size in bytes of a value, for memory accounting (typed arrays exactly, others estimated).
 * A class instance claimed by a codec with a `sizeOf` hook has the size the hook gives (an
 * ndarray view counts its own elements, not its whole buffer).
 *
 * @example
 * sizeOf(new Float64Array(1000)); // 8000
 */
export function sizeOf(value: unknown, depth = 0): number {
  switch (typeof value) {
    case 'number':
    case 'bigint':
      return 8;
    case 'boolean':
    case 'undefined':
      return 4;
    case 'string':
      return 16 + value.length * 2;
    case 'object': {
      if (value === null) return 4;
      if (ArrayBuffer.isView(value)) return value.byteLength;
      if (value instanceof ArrayBuffer) return value.byteLength;
      if (depth > 3) return 64;
      if (!Array.isArray(value)) {
        const own = codecSize(value);
        if (own !== undefined) return own;
      }
      if (Array.isArray(value)) {
        // Sample large arrays instead of walking them all.
        const n = value.length;
        if (n === 0) return 16;
        const step = Math.max(1, Math.floor(n / 32));
        let sampled = 0;
        let count = 0;
        for (let i = 0; i < n; i += step) {
          sampled += sizeOf(value[i], depth + 1);
          count++;
        }
        return 16 + Math.round((sampled / count) * n);
      }
      if (value instanceof Map || value instanceof Set) return 64 + value.size * 48;
      let total = 32;
      let i = 0;
      for (const k in value as Record<string, unknown>) {
        total += 16 + k.length * 2 + sizeOf((value as Record<string, unknown>)[k], depth + 1);
        if (++i > 64) break;
      }
      return total;
    }
    default:
      return 16;
  }
}

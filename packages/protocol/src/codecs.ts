// The codec registry: how values cross threads and processes. Both transports use structured
// clone (V8's serializer), which already keeps typed arrays, Maps, Sets, Dates and BigInts; codecs
// add what it loses (an error's name, and classes such as ndarray or Arrow tables, registered by
// their packages). Encoding walks arrays, plain objects, Maps and Sets and returns them unchanged
// when nothing inside needs a codec. With `transfer`, the buffers of typed arrays are listed so the
// sender hands them over instead of copying (it must then drop the value).
import { deserializeError, serializeError, type SerializedError } from './errors.js';
import { isPlainObject } from './task.js';

/**
 * Teaches transports to move values of one type.
 *
 * @example
 * registerCodec({
 *   name: 'point',
 *   test: (v): v is Point => v instanceof Point,
 *   encode: (p) => [p.x, p.y],
 *   decode: (d) => new Point(...(d as [number, number])),
 * });
 */
export interface Codec<T = unknown> {
  readonly name: string;
  test(value: unknown): value is T;
  /** Returns a structured-cloneable representation. */
  encode(value: T): unknown;
  decode(data: unknown): T;
  /** Buffers that may be transferred with the encoded value. */
  transferables?(value: T): ArrayBuffer[];
}

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
}

const CODECS_SLOT = Symbol.for('@dask-ts/protocol/codecs');
type GlobalWithCodecs = typeof globalThis & { [CODECS_SLOT]?: Map<string, Codec> };

function codecs(): Map<string, Codec> {
  const g = globalThis as GlobalWithCodecs;
  return (g[CODECS_SLOT] ??= new Map());
}

/**
 * Registers a codec (per thread or process; packages register theirs when imported).
 *
 * @example
 * registerCodec(pointCodec);
 */
export function registerCodec<T>(codec: Codec<T>): void {
  codecs().set(codec.name, codec as Codec);
}

/**
 * The registered codec that claims `value`, if any (internal: errors use it for their properties).
 *
 * @example
 * findCodec(new Point(1, 2))?.name; // 'point'
 */
export function findCodec(value: unknown): Codec | undefined {
  for (const codec of codecs().values()) if (codec.test(value)) return codec;
  return undefined;
}

/**
 * Encodes a value for a transport.
 *
 * @example
 * const { payload } = encodeValue(new Map([['err', new RangeError('x')]]));
 */
export function encodeValue(value: unknown, options: { transfer?: boolean } = {}): Encoded {
  const transfer: ArrayBuffer[] = [];
  const payload = encodeInner(value, options.transfer === true ? transfer : undefined);
  return { payload, transfer };
}

/**
 * Decodes a value that {@link encodeValue} produced.
 *
 * @example
 * const value = decodeValue(message.payload);
 */
export function decodeValue(payload: unknown): unknown {
  if (typeof payload !== 'object' || payload === null) return payload;
  if (Array.isArray(payload)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < payload.length; i++) {
      const v = payload[i] as unknown;
      const d = decodeValue(v);
      if (d !== v) (out ??= payload)[i] = d;
    }
    return out ?? payload;
  }
  if (tag(payload) === '[object Map]') {
    const map = payload as Map<unknown, unknown>;
    for (const [k, v] of map) {
      const d = decodeValue(v);
      if (d !== v) map.set(k, d);
    }
    return map;
  }
  if (!isPlainObject(payload)) return payload;
  if (typeof payload.$codec === 'string' && 'data' in payload) {
    const tagged = payload as unknown as Tagged;
    if (tagged.$codec === 'error') return deserializeError(tagged.data as SerializedError);
    if (tagged.$codec === 'object') return decodeObject(tagged.data as Record<string, unknown>);
    const codec = codecs().get(tagged.$codec);
    if (codec === undefined) {
      throw new Error(
        `No codec '${tagged.$codec}' is registered in this thread: import the package that registers it in the worker's modules`,
      );
    }
    return codec.decode(tagged.data);
  }
  return decodeObject(payload);
}

function decodeObject(obj: Record<string, unknown>): Record<string, unknown> {
  for (const k in obj) {
    const v = obj[k];
    const d = decodeValue(v);
    if (d !== v) obj[k] = d;
  }
  return obj;
}

function tag(value: unknown): string {
  return Object.prototype.toString.call(value);
}

function encodeInner(value: unknown, transfer: ArrayBuffer[] | undefined): unknown {
  if (typeof value !== 'object' || value === null) return value;
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
      const e = encodeInner(v, transfer);
      if (e !== v) (out ??= value.slice())[i] = e;
    }
    return out ?? value;
  }
  if (isPlainObject(value)) {
    let out: Record<string, unknown> | undefined;
    for (const k in value) {
      const v = value[k];
      const e = encodeInner(v, transfer);
      if (e !== v) (out ??= { ...value })[k] = e;
    }
    const result = out ?? value;
    // A user object that happens to look tagged is wrapped, so it decodes as itself.
    if (typeof result.$codec === 'string')
      return { $codec: 'object', data: result } satisfies Tagged;
    return result;
  }
  if (tag(value) === '[object Error]')
    return { $codec: 'error', data: serializeError(value) } satisfies Tagged;
  if (tag(value) === '[object Map]') {
    const map = value as Map<unknown, unknown>;
    let out: Map<unknown, unknown> | undefined;
    for (const [k, v] of map) {
      const e = encodeInner(v, transfer);
      if (e !== v) (out ??= new Map(map)).set(k, e);
    }
    return out ?? map;
  }
  for (const codec of codecs().values()) {
    if (codec.test(value)) {
      if (transfer !== undefined && codec.transferables) {
        for (const b of codec.transferables(value)) if (!transfer.includes(b)) transfer.push(b);
      }
      return { $codec: codec.name, data: codec.encode(value) } satisfies Tagged;
    }
  }
  return value;
}

/**
 * A rough size in bytes of a value, for memory accounting (typed arrays exactly, others estimated).
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

// How a message travels over ZeroMQ: one msgpack header frame (msgpackr, with records so objects
// stay objects and Maps stay Maps) followed by one raw frame per binary value found inside it:
// every typed array and ArrayBuffer (in arrays, plain objects, Maps and Sets) is replaced in the
// header by a reference to its frame, and its bytes travel as they are, never re-encoded (and never
// as JSON). Sets, BigInts, Dates and `undefined` survive as they do through structured clone. Decoding a frame list that is not such
// a message (garbage, truncated, an index past the last frame, a typed array whose bytes do not
// fit its element size) throws a FrameError; the receiver drops it and logs, and goes on.
import { Packr, addExtension } from 'msgpackr';

/**
 * A frame list that is not a dask-ts message (see the file comment).
 *
 * @example
 * try { decodeFrames(frames); } catch (e) { if (e instanceof FrameError) log(e.message); }
 */
export class FrameError extends Error {
  override readonly name = 'FrameError';
}

type BinaryClass =
  | Float64ArrayConstructor
  | Float32ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int8ArrayConstructor
  | Uint8ArrayConstructor
  | Uint8ClampedArrayConstructor
  | BigInt64ArrayConstructor
  | BigUint64ArrayConstructor;

const TYPED: readonly BinaryClass[] = [
  Float64Array,
  Float32Array,
  Int32Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  BigInt64Array,
  BigUint64Array,
];
/** Kinds by class name (`[object Float64Array]`), which holds across realms (vm contexts). */
const KIND = new Map<string, number>(TYPED.map((C, i) => [`[object ${C.name}]`, i]));
/** The kind of a bare ArrayBuffer. */
const ARRAY_BUFFER = -1;

/**
 * Where a binary value was in a message: its frame and what to rebuild. Only this class has a
 * msgpack extension here (msgpackr's extensions are global to the process), so other users of
 * msgpackr in the same process encode typed arrays as they always did.
 */
class FrameRef {
  constructor(
    readonly index: number,
    readonly kind: number,
  ) {}
}

/** The msgpack extension type of a FrameRef (application range 0..127). */
const EXT_FRAME = 40;

let inFrames: readonly Uint8Array[] | undefined;
/** Where the buffers made while decoding are listed (see decodeFrames' `owned`). */
let ownedBuffers: ArrayBuffer[] | undefined;

/** A fresh, aligned copy of a frame's bytes (frames may share a larger buffer at any offset). */
function ownBuffer(frame: Uint8Array): ArrayBuffer {
  const copy = frame.buffer.slice(
    frame.byteOffset,
    frame.byteOffset + frame.byteLength,
  ) as ArrayBuffer;
  ownedBuffers?.push(copy);
  return copy;
}

function readFrameRef(data: unknown): unknown {
  if (!Array.isArray(data) || data.length !== 2)
    throw new FrameError('a malformed frame reference');
  const [index, kind] = data as unknown[];
  const frame = typeof index === 'number' ? inFrames?.[index] : undefined;
  if (frame === undefined) {
    throw new FrameError(`the header names binary frame ${String(index)}, which is missing`);
  }
  if (kind === ARRAY_BUFFER) return ownBuffer(frame);
  const Class = typeof kind === 'number' ? TYPED[kind] : undefined;
  if (Class === undefined) throw new FrameError(`a binary frame of unknown kind ${String(kind)}`);
  if (frame.byteLength % Class.BYTES_PER_ELEMENT !== 0) {
    throw new FrameError(
      `a ${Class.name} frame of ${frame.byteLength} bytes is not a whole number of elements`,
    );
  }
  return new Class(ownBuffer(frame));
}

let registered = false;
function registerExtension(): void {
  if (registered) return;
  registered = true;
  addExtension({
    Class: FrameRef,
    type: EXT_FRAME,
    write: (ref: FrameRef) => [ref.index, ref.kind],
    read: readFrameRef,
  });
}

/**
 * `value` with every typed array and ArrayBuffer inside it (in arrays, plain objects, Maps and
 * Sets) replaced by a FrameRef, its bytes pushed to `frames`. Copy on write: the caller's value
 * is never modified, and a value without binaries is returned as it is.
 */
function withFrameRefs(value: unknown, frames: Uint8Array[]): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const r = typeof v === 'object' && v !== null ? withFrameRefs(v, frames) : v;
      if (r !== v) (out ??= value.slice())[i] = r;
    }
    return out ?? value;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto === Object.prototype || proto === null) {
    let out: Record<string, unknown> | undefined;
    for (const key in value) {
      const v = (value as Record<string, unknown>)[key];
      const r = typeof v === 'object' && v !== null ? withFrameRefs(v, frames) : v;
      if (r !== v) (out ??= { ...(value as Record<string, unknown>) })[key] = r;
    }
    return out ?? value;
  }
  const tag = Object.prototype.toString.call(value);
  const kind = KIND.get(tag);
  if (kind !== undefined) {
    const view = value as ArrayBufferView;
    frames.push(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
    return new FrameRef(frames.length - 1, kind);
  }
  if (tag === '[object ArrayBuffer]') {
    frames.push(new Uint8Array(value as ArrayBuffer));
    return new FrameRef(frames.length - 1, ARRAY_BUFFER);
  }
  if (value instanceof Map) {
    let changed = false;
    const entries = [...value].map(([k, v]) => {
      const r = withFrameRefs(v, frames);
      if (r !== v) changed = true;
      return [k, r] as const;
    });
    return changed ? new Map(entries) : value;
  }
  if (value instanceof Set) {
    let changed = false;
    const items = [...value].map((v) => {
      const r = withFrameRefs(v, frames);
      if (r !== v) changed = true;
      return r;
    });
    return changed ? new Set(items) : value;
  }
  return value;
}

const options = {
  useRecords: true,
  mapsAsObjects: false,
  int64AsType: 'bigint',
  // Sets, Errors and anything else structured clone keeps, as msgpackr's own extensions.
  moreTypes: true,
} as const;
let packr: Packr | undefined;
let unpackr: Packr | undefined;

/**
 * Encodes `message` as ZeroMQ frames: a msgpack header, then the raw bytes of each binary value.
 *
 * @example
 * const frames = encodeFrames({ op: 'put', keys: ['x'], values: [new Float64Array(3)] });
 * frames.length; // 2
 */
export function encodeFrames(message: unknown): Uint8Array[] {
  registerExtension();
  packr ??= new Packr(options);
  const frames: Uint8Array[] = [];
  const header = packr.pack(withFrameRefs(message, frames));
  return [header, ...frames];
}

/**
 * Decodes frames made by {@link encodeFrames}; anything else throws a {@link FrameError}. The
 * buffers of the binary values are fresh copies, listed in `owned` when given (a relay can hand
 * them over to a thread instead of copying them again).
 *
 * @example
 * decodeFrames(encodeFrames({ op: 'release', keys: ['x'] })); // { op: 'release', keys: ['x'] }
 */
export function decodeFrames(frames: readonly Uint8Array[], owned?: ArrayBuffer[]): unknown {
  registerExtension();
  unpackr ??= new Packr(options);
  const header = frames[0];
  if (header === undefined || header.byteLength === 0) throw new FrameError('an empty message');
  inFrames = frames.slice(1);
  ownedBuffers = owned;
  // Garbage is common on an open port and its errors are only logged by message: no stack traces
  // are captured while decoding (they cost more than the decoding).
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return unpackr.unpack(header);
  } catch (err) {
    if (err instanceof FrameError) throw err;
    throw new FrameError(
      `a header that is not msgpack (${header.byteLength} bytes): ${err instanceof Error ? err.message : String(err)}`,
    );
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
    inFrames = undefined;
    ownedBuffers = undefined;
  }
}

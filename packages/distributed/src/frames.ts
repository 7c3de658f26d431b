// How a message travels over ZeroMQ: one msgpack header frame (msgpackr, with records so objects
// stay objects and Maps stay Maps) followed by one raw frame per binary value found inside it:
// every typed array and ArrayBuffer is replaced in the header by an extension naming its frame,
// and its bytes travel as they are, never re-encoded (and never as JSON). Sets, BigInts, Dates and
// `undefined` survive as they do through structured clone. Decoding a frame list that is not such
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

/** msgpack extension types used here (application range 0..127; msgpackr keeps a few). */
const EXT_TYPED = 40;
const EXT_ARRAY_BUFFER = 60;
const EXT_SET = 61;

/** The side frames of the message being packed or unpacked (packing is synchronous). */
let outFrames: Uint8Array[] | undefined;
let inFrames: readonly Uint8Array[] | undefined;
/** Where the buffers made while decoding are listed (see decodeFrames' `owned`). */
let ownedBuffers: ArrayBuffer[] | undefined;

function sideFrame(index: unknown): Uint8Array {
  const frame = typeof index === 'number' ? inFrames?.[index] : undefined;
  if (frame === undefined)
    throw new FrameError(`the header names binary frame ${String(index)}, which is missing`);
  return frame;
}

/** A fresh, aligned copy of a frame's bytes (frames may share a larger buffer at any offset). */
function ownBuffer(frame: Uint8Array): ArrayBuffer {
  const copy = frame.buffer.slice(
    frame.byteOffset,
    frame.byteOffset + frame.byteLength,
  ) as ArrayBuffer;
  ownedBuffers?.push(copy);
  return copy;
}

let registered = false;
function registerExtensions(): void {
  if (registered) return;
  registered = true;
  TYPED.forEach((Class, i) => {
    addExtension({
      Class,
      type: EXT_TYPED + i,
      write(value: ArrayBufferView) {
        const frames = outFrames!;
        frames.push(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
        return frames.length - 1;
      },
      read(index: unknown) {
        const bytes = ownBuffer(sideFrame(index));
        if (bytes.byteLength % Class.BYTES_PER_ELEMENT !== 0) {
          throw new FrameError(
            `a ${Class.name} frame of ${bytes.byteLength} bytes is not a whole number of elements`,
          );
        }
        return new Class(bytes);
      },
    });
  });
  addExtension({
    Class: ArrayBuffer,
    type: EXT_ARRAY_BUFFER,
    write(value: ArrayBuffer) {
      const frames = outFrames!;
      frames.push(new Uint8Array(value));
      return frames.length - 1;
    },
    read: (index: unknown) => ownBuffer(sideFrame(index)),
  });
  addExtension({
    Class: Set,
    type: EXT_SET,
    write: (value: Set<unknown>) => [...value],
    read(items: unknown) {
      if (!Array.isArray(items)) throw new FrameError('a Set extension that holds no array');
      return new Set(items);
    },
  });
}

const options = {
  useRecords: true,
  mapsAsObjects: false,
  int64AsType: 'bigint',
  // Typed arrays of another realm (a vm context) miss the extensions: inline, typed, not lost.
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
  registerExtensions();
  packr ??= new Packr(options);
  const frames: Uint8Array[] = [];
  outFrames = frames;
  try {
    const header = packr.pack(message);
    return [header, ...frames];
  } finally {
    outFrames = undefined;
  }
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
  registerExtensions();
  unpackr ??= new Packr(options);
  const header = frames[0];
  if (header === undefined || header.byteLength === 0) throw new FrameError('an empty message');
  inFrames = frames.slice(1);
  ownedBuffers = owned;
  try {
    return unpackr.unpack(header);
  } catch (err) {
    if (err instanceof FrameError) throw err;
    throw new FrameError(
      `a header that is not msgpack (${header.byteLength} bytes): ${err instanceof Error ? err.message : String(err)}`,
    );
  } finally {
    inFrames = undefined;
    ownedBuffers = undefined;
  }
}

// The copy a message gets when it goes to a peer in the same process as an object (inproc.ts)
// instead of as msgpack frames: the receiver must get what decoding frames would have given it, a
// fresh value that the sender can change afterwards without reaching the receiver, and the sender
// must not see the receiver's changes. So arrays, plain objects, Maps and Sets are copied
// element by element, typed arrays and ArrayBuffers as their bytes (only a view's own bytes, as a
// frame carries them; a Buffer arrives as a plain Uint8Array, as from a frame), primitives
// (strings included) are shared, and any other object (a Date, an Error, a class instance, ...)
// goes through structuredClone. A value that cannot be copied this way throws: the caller then
// sends frames, as it would have without this shortcut, and gets the same errors as before.

/** Typed array classes by their tag (`[object Float64Array]`), which holds across realms. */
const TYPED = new Map<string, new (source: ArrayLike<number> & ArrayLike<bigint>) => object>(
  [
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
  ].map((C) => [
    `[object ${C.name}]`,
    C as unknown as new (source: ArrayLike<number> & ArrayLike<bigint>) => object,
  ]),
);

/**
 * A fresh copy of `value` as the receiver of an in-process message gets it (see the file
 * comment); throws when some part of it cannot be copied.
 *
 * @example
 * const copy = copyMessage({ op: 'hold', keys: ['x'] });
 */
export function copyMessage(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const n = value.length;
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const v: unknown = value[i];
      out[i] = typeof v === 'object' && v !== null ? copyMessage(v) : v;
    }
    return out;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto === Object.prototype || proto === null) {
    const out: Record<string, unknown> = {};
    for (const key in value) {
      const v = (value as Record<string, unknown>)[key];
      out[key] = typeof v === 'object' && v !== null ? copyMessage(v) : v;
    }
    return out;
  }
  const tag = Object.prototype.toString.call(value);
  const Typed = TYPED.get(tag);
  if (Typed !== undefined) return new Typed(value as ArrayLike<number> & ArrayLike<bigint>);
  if (tag === '[object ArrayBuffer]') return (value as ArrayBuffer).slice(0);
  if (value instanceof Map) {
    const out = new Map<unknown, unknown>();
    for (const [k, v] of value) out.set(copyMessage(k), copyMessage(v));
    return out;
  }
  if (value instanceof Set) {
    const out = new Set<unknown>();
    for (const v of value) out.add(copyMessage(v));
    return out;
  }
  return structuredClone(value);
}

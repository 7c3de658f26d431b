// How what a task threw crosses threads and processes: `serializeError` turns anything thrown into
// a `SerializedError` that structured clone can copy (name, message, stack, own properties as codec
// payloads, the cause chain, the registered class), describing what cannot cross rather than
// dropping it: a function becomes '[Function: name]', a cycle '[Circular]', anything past 8
// levels or 2,000 values '[Truncated]'. `rebuildError` does the reverse; it is handed the codec
// decoder by codecs.ts (which encodes errors found inside values), so that this module depends on
// the codec registry only and codecs.ts on it, with no import cycle. The policy for which class a
// task failure is rebuilt as lives in errors.ts.
import { findCodec, registeredClassOf, registeredPrototype } from './codec-registry.js';
import { isPlainObject } from './task.js';

/** Decodes a codec payload without modifying it (one serialized error may be rebuilt twice). */
export type PayloadDecoder = <T>(payload: T) => T;

/**
 * What a task threw, as it crosses threads and processes: its name, message and stack, its own
 * enumerable properties and its cause (recursively); or, for a non-Error, the value itself.
 *
 * @example
 * const e: SerializedError = { name: 'RangeError', message: 'bad index', props: { code: 'E_IDX' } };
 */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  /** The `cause`, serialized the same way (an Error or, `thrown`, any value). */
  readonly cause?: SerializedError;
  /** Own enumerable properties other than name, message, stack and cause, as codec payloads. */
  readonly props?: Readonly<Record<string, unknown>>;
  /** Present when what was thrown is not an Error: the value itself, as a codec payload. */
  readonly thrown?: { readonly value?: unknown };
  /** The codec name of the error's class, when it was registered with `registerClass`. */
  readonly class?: string;
}

/** Own properties handled by their own fields, never copied as properties. */
const RESERVED = new Set(['name', 'message', 'stack', 'cause']);
/** Nesting (of causes and of property values) past which values are described, not copied. */
const MAX_DEPTH = 8;
/** Values copied per serialized error, at most. */
const MAX_VALUES = 2000;

interface Walk {
  readonly seen: Set<object>;
  values: number;
}

/**
 * Turns anything a task threw into a {@link SerializedError} that structured clone can copy,
 * keeping properties and cause (see the policy above); never throws.
 *
 * @example
 * const e = Object.assign(new Error('gone'), { code: 'ENOENT' });
 * serializeError(e).props; // { code: 'ENOENT' }
 * serializeError({ code: 42 }).thrown; // { value: { code: 42 } }
 */
export function serializeError(err: unknown): SerializedError {
  return serialize(err, 0, { seen: new Set(), values: 0 });
}

export function isError(value: unknown): value is Error {
  return value instanceof Error || Object.prototype.toString.call(value) === '[object Error]';
}

function serialize(err: unknown, depth: number, walk: Walk): SerializedError {
  if (!isError(err)) {
    return {
      name: 'NonErrorThrown',
      message: `A task threw a non-Error value: ${describe(err)}`,
      thrown: { value: portable(err, depth, walk) },
    };
  }
  walk.seen.add(err);
  try {
    return serializeOwn(err, depth, walk);
  } finally {
    walk.seen.delete(err);
  }
}

function serializeOwn(err: Error, depth: number, walk: Walk): SerializedError {
  let name: string;
  let message: string;
  let stack: unknown;
  try {
    name = String(err.name);
    message = String(err.message);
    stack = err.stack;
  } catch {
    name = 'Error';
    message = '(the error could not be read)';
  }
  const out: {
    name: string;
    message: string;
    stack?: string;
    cause?: SerializedError;
    props?: Record<string, unknown>;
    class?: string;
  } = { name, message };
  const cls = registeredClassOf(err);
  if (cls !== undefined) out.class = cls;
  if (typeof stack === 'string') out.stack = stack;
  const props = ownProps(err, depth, walk);
  if (props !== undefined) out.props = props;
  if ('cause' in err && err.cause !== undefined) {
    const cause = err.cause;
    if (depth >= MAX_DEPTH || walk.values >= MAX_VALUES) {
      out.cause = { name: 'Truncated', message: 'The cause chain is too deep to copy' };
    } else if (typeof cause === 'object' && cause !== null && walk.seen.has(cause)) {
      out.cause = { name: 'Circular', message: 'The cause refers back to an error of its chain' };
    } else {
      out.cause = serialize(cause, depth + 1, walk);
    }
  }
  return out;
}

function ownProps(err: object, depth: number, walk: Walk): Record<string, unknown> | undefined {
  let props: Record<string, unknown> | undefined;
  for (const k of Object.keys(err)) {
    if (RESERVED.has(k)) continue;
    let v: unknown;
    try {
      v = (err as Record<string, unknown>)[k];
    } catch (e) {
      v = `[getter threw: ${e instanceof Error ? e.message : String(e)}]`;
    }
    (props ??= {})[k] = portable(v, depth + 1, walk);
  }
  return props;
}

/** A codec payload for `value` that structured clone can copy, described where it cannot. */
function portable(value: unknown, depth: number, walk: Walk): unknown {
  switch (typeof value) {
    case 'function':
      return `[Function: ${(value as { name?: string }).name || 'anonymous'}]`;
    case 'symbol':
      return value.toString();
    case 'object':
      break;
    default:
      return value;
  }
  if (value === null) return null;
  if (walk.seen.has(value)) return '[Circular]';
  if (depth > MAX_DEPTH || ++walk.values > MAX_VALUES) return '[Truncated]';
  if (isError(value)) return { $codec: 'error', data: serialize(value, depth, walk) };
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value;
  walk.seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => portable(v, depth + 1, walk));
    const tag = Object.prototype.toString.call(value);
    if (tag === '[object Date]' || tag === '[object RegExp]') return value;
    if (tag === '[object Map]') {
      const m = new Map<unknown, unknown>();
      for (const [k, v] of value as Map<unknown, unknown>)
        m.set(portable(k, depth + 1, walk), portable(v, depth + 1, walk));
      return m;
    }
    if (tag === '[object Set]') {
      const s = new Set<unknown>();
      for (const v of value as Set<unknown>) s.add(portable(v, depth + 1, walk));
      return s;
    }
    const codec = isPlainObject(value) ? undefined : findCodec(value);
    if (codec !== undefined) return { $codec: codec.name, data: codec.encode(value) };
    // Plain objects, and class instances without a codec (copied as plain objects).
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value)) {
      let v: unknown;
      try {
        v = (value as Record<string, unknown>)[k];
      } catch {
        v = '[getter threw]';
      }
      out[k] = portable(v, depth + 1, walk);
    }
    return typeof out.$codec === 'string' ? { $codec: 'object', data: out } : out;
  } finally {
    walk.seen.delete(value);
  }
}

/** A short text of a thrown non-Error, for messages. */
function describe(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (typeof value !== 'object' || value === null) text = String(value);
  else {
    try {
      text = JSON.stringify(value) ?? Object.prototype.toString.call(value);
    } catch {
      text = Object.prototype.toString.call(value);
    }
  }
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

export const BUILT_IN: Readonly<Record<string, ErrorConstructor>> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/**
 * Rebuilds an `Error` from a {@link SerializedError} (the work of `deserializeError`, in
 * codecs.ts), decoding codec payloads (properties, thrown values) with `decode`. @internal
 */
export function rebuildError(e: SerializedError, decode: PayloadDecoder): Error {
  const cause =
    e.thrown !== undefined
      ? thrownValue(e, decode)
      : e.cause
        ? rebuildThrown(e.cause, decode)
        : undefined;
  const hasCause = e.thrown !== undefined || e.cause !== undefined;
  const Ctor = Object.prototype.hasOwnProperty.call(BUILT_IN, e.name) ? BUILT_IN[e.name] : Error;
  const proto = e.class !== undefined ? registeredPrototype(e.class) : undefined;
  const err: Error =
    proto !== undefined ? (Object.create(proto) as Error) : new Ctor(e.message, undefined);
  if (proto !== undefined) define(err, 'message', e.message);
  if (hasCause) define(err, 'cause', cause);
  if (err.name !== e.name) define(err, 'name', e.name);
  if (e.stack !== undefined) define(err, 'stack', e.stack);
  if (e.props !== undefined) copyProps(err, decode(e.props), RESERVED);
  return err;
}

/** Sets an own, non-enumerable property, as the Error constructor sets message and cause. @internal */
export function define(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    writable: true,
    configurable: true,
    enumerable: false,
  });
}

/**
 * What was thrown, rebuilt: the value itself for a non-Error, else the rebuilt Error. @internal
 */
export function rebuildThrown(e: SerializedError, decode: PayloadDecoder): unknown {
  return e.thrown !== undefined ? thrownValue(e, decode) : rebuildError(e, decode);
}

function thrownValue(e: SerializedError, decode: PayloadDecoder): unknown {
  return e.thrown === undefined ? undefined : decode(e.thrown.value);
}

export function copyProps(target: object, source: unknown, skip: ReadonlySet<string>): void {
  if (typeof source !== 'object' || source === null || Array.isArray(source)) return;
  for (const k of Object.keys(source)) {
    if (skip.has(k)) continue;
    try {
      (target as Record<string, unknown>)[k] = (source as Record<string, unknown>)[k];
    } catch {
      // A read-only property of the target: the original stays reachable through `cause`.
    }
  }
}

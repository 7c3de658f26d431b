// A held result that cannot leave its worker (structured clone refuses it: a generator, a
// function, a native handle; or its codec fails) travels in place of its value as a marker: a
// tagged payload carrying the error. A scheduler that gathers it for a caller fails that compute
// with a TaskError naming the key; a worker that receives it as an input (a fetch between workers)
// holds the marker (an `Unsent`), and a task that reads it fails with that error, naming both keys;
// `sendable` makes a refused message sendable by putting markers in. User values
// cannot look like the marker: the codec layer wraps any object with a string `$codec` field.
import type { FromWorker, SerializedError } from '@dask-ts/protocol/runtime';

/**
 * The `$codec` tag of a value that could not be sent.
 *
 * @example
 * if (payload.$codec === UNSENDABLE_CODEC) console.log('not sent');
 */
export const UNSENDABLE_CODEC = 'dask-ts.unsendable';

/**
 * The payload sent in place of a value that cannot be copied, with why.
 *
 * @example
 * const p: UnsendablePayload = { $codec: UNSENDABLE_CODEC, data: { name: 'DataCloneError', message: '...' } };
 */
export interface UnsendablePayload {
  readonly $codec: typeof UNSENDABLE_CODEC;
  readonly data: SerializedError;
}

/**
 * The marker for a value that cannot be sent.
 *
 * @example
 * values[i] = unsendable({ name: 'DataCloneError', message: 'x is a generator' });
 */
export function unsendable(error: SerializedError): UnsendablePayload {
  return { $codec: UNSENDABLE_CODEC, data: error };
}

/**
 * Whether a payload is the marker of a value that could not be sent.
 *
 * @example
 * if (isUnsendable(msg.values[0])) reject(msg.values[0].data);
 */
export function isUnsendable(payload: unknown): payload is UnsendablePayload {
  return (
    typeof payload === 'object' &&
    payload !== null &&
    (payload as { $codec?: unknown }).$codec === UNSENDABLE_CODEC &&
    typeof (payload as { data?: unknown }).data === 'object'
  );
}

/**
 * Why the result of `key` cannot be copied out of its worker, in a sentence that says what to
 * do; `err` is what structured clone or the codec threw.
 *
 * @example
 * cannotSend('gen-1', new Error('#<Generator> could not be cloned.'));
 */
export function cannotSend(key: string, err: unknown): SerializedError {
  const why = (err instanceof Error ? err.message : String(err)).replace(/\.$/, '');
  const overflow = err instanceof RangeError && /call stack/i.test(why);
  return {
    name: 'DataCloneError',
    message: overflow
      ? `The result of ${key} cannot be sent from its worker: it is nested too deeply to encode (${why})`
      : `The result of ${key} cannot be sent from its worker: ${why}. Structured clone cannot copy functions, symbols, generators, iterators, promises, WeakMaps or native handles: return plain data (materialise a generator with Array.from)`,
  };
}

/**
 * A held input that its holder could not send.
 *
 * @example
 * if (value instanceof Unsent) throw value.failure('task-1', 'input-0');
 */
export class Unsent {
  constructor(readonly error: SerializedError) {}

  /** The error of task `task`, which reads this input `key`. */
  failure(task: string, key: string): Error {
    const err = new Error(
      `Task '${task}' cannot run: its input '${key}' could not be copied to this worker: ${this.error.message}`,
    );
    err.name = this.error.name;
    return err;
  }
}

/**
 * A message that could not be sent as it was, made sendable: each value of a `gathered` that
 * structured clone refuses (or of a `finished`) is replaced by a marker that says why, and an
 * `erred` keeps only its error's name, message and stack. Undefined when nothing can be done.
 *
 * @example
 * try { port.postMessage(m); } catch { const fixed = sendable(m); if (fixed) port.postMessage(fixed); }
 */
export function sendable(message: FromWorker): FromWorker | undefined {
  if (message.op === 'finished' && message.values !== undefined) {
    return { ...message, values: markUncopyable(message.valueKeys ?? [], message.values) };
  }
  if (message.op === 'gathered') {
    return { ...message, values: markUncopyable(message.keys, message.values) };
  }
  if (message.op === 'erred') {
    const { name, message: text, stack } = message.error;
    const error = { name: String(name), message: String(text) };
    return {
      ...message,
      error: typeof stack === 'string' ? { ...error, stack } : error,
    };
  }
  return undefined;
}

/** `values`, each one that structured clone refuses replaced by the marker naming its key. */
function markUncopyable(keys: readonly string[], values: readonly unknown[]): unknown[] {
  return values.map((v, i) => {
    try {
      structuredClone(v);
      return v;
    } catch (err) {
      return unsendable(cannotSend(keys[i] ?? '?', err));
    }
  });
}

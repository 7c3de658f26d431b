// One batch of tasks as it runs: what it finished (keys, sizes, the values a compute wants, up to
// VALUE_WITH_FINISHED bytes each, copied), what erred, and since when. A long batch reports what it
// has so far every EARLY_MS (`cut`), and at its end the rest (`flush`), as `finished` and `erred`
// messages; wanted values that cannot be encoded travel as markers that say why.
import { encodeValue, type FromWorker } from '@dask-ts/protocol/runtime';
import { cannotSend, unsendable } from './unsendable.js';
import type { Outgoing } from './worker-state.js';

function out(message: FromWorker): Outgoing {
  return { message, transfer: [] };
}

/** Results of one batch, collected as it runs (from `start`, a `performance.now()`). */
export interface Batch {
  readonly keys: string[];
  readonly nbytes: number[];
  /** Keys a compute wants (from the message's `want`), and their values sent so far. */
  readonly want: ReadonlySet<string> | undefined;
  readonly valueKeys: string[];
  readonly values: unknown[];
  readonly erred: Outgoing[];
  failed: Set<string> | undefined;
  start: number;
}

/**
 * After this long (ms), a batch of synchronous tasks reports what it has finished so far through
 * `early`, so that progress and the scheduler see long tasks finish one by one.
 */
export const EARLY_MS = 50;

/** Resolves after one turn of the event loop (its I/O included). */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** What a batch has produced so far; the batch goes on from empty. */
export function cut(batch: Batch): Outgoing[] {
  const now = performance.now();
  const messages = batch.erred.splice(0);
  if (batch.keys.length > 0) {
    const ms = Math.max(0, now - batch.start);
    const keys = batch.keys.splice(0);
    const nbytes = batch.nbytes.splice(0);
    messages.unshift(finished(keys, nbytes, ms, batch.valueKeys.splice(0), batch.values.splice(0)));
  }
  batch.start = now;
  return messages;
}

export function flush(batch: Batch): Outgoing[] {
  const messages = batch.erred;
  if (batch.keys.length > 0) {
    const ms = Math.max(0, performance.now() - batch.start);
    messages.unshift(finished(batch.keys, batch.nbytes, ms, batch.valueKeys, batch.values));
  }
  return messages;
}

/**
 * The largest wanted result (in estimated bytes) that rides with its `finished` report, copied.
 * Larger ones are gathered, so their buffers are transferred, never copied.
 */
export const VALUE_WITH_FINISHED = 64 * 1024;

/** A `finished` report, with the values of wanted keys when there are any. */
export function finished(
  keys: string[],
  nbytes: number[],
  ms: number,
  valueKeys: string[],
  values: unknown[],
): Outgoing {
  if (valueKeys.length === 0) return out({ op: 'finished', keys, nbytes, ms });
  return out({ op: 'finished', keys, nbytes, ms, valueKeys, values });
}

/** The keys a compute message marks as wanted (see `want` in the wire format). */
export function wantedKeys(message: {
  keys: readonly string[];
  want?: readonly number[] | undefined;
}) {
  const want = message.want;
  if (want === undefined || want.length === 0) return undefined;
  const keys = new Set<string>();
  for (const i of want) {
    const key = message.keys[i];
    if (key !== undefined) keys.add(key);
  }
  return keys;
}

/**
 * Adds the value of wanted `key` to the batch's report, copied (the worker keeps its result until
 * told to release it); a value that cannot be encoded travels as the marker that says why.
 */
export function withValue(batch: Batch, key: string, value: unknown): void {
  let payload: unknown;
  try {
    payload = encodeValue(value).payload;
  } catch (err) {
    payload = unsendable(cannotSend(key, err));
  }
  batch.valueKeys.push(key);
  batch.values.push(payload);
}

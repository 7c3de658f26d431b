// Results that rode with `finished`. A worker sends the value of each wanted key (up to 64 KiB)
// with the message that says it finished, so the core's `deliver` can be carried out from it with
// no `gather` round trip. A value is kept only until it is used, until its worker releases the key
// or goes, or until the key finishes again (it is stale then); a `deliver` that cannot find every
// value from the same worker falls back to a `gather`, and the values kept for its keys are
// dropped. A marker for a value that could not be sent is never kept: the `gather` reports it.
import { isUnsendable } from '@dask-ts/worker';

/**
 * The values of wanted keys that workers sent with `finished` (codec payloads), by key.
 *
 * @example
 * const sent = new SentResults();
 * sent.finished('thread-0', ['x'], ['x'], [payload]);
 * sent.take('thread-0', ['x']); // [payload]
 */
export class SentResults {
  private readonly byKey = new Map<string, { readonly worker: string; readonly value: unknown }>();

  /** Worker `worker` finished `keys`, sending the values of `valueKeys` along. */
  finished(
    worker: string,
    keys: readonly string[],
    valueKeys: readonly string[] | undefined,
    values: readonly unknown[] | undefined,
  ): void {
    const byKey = this.byKey;
    if (byKey.size > 0) for (const key of keys) byKey.delete(key);
    if (valueKeys === undefined || values === undefined) return;
    for (let i = 0; i < valueKeys.length && i < values.length; i++) {
      if (!isUnsendable(values[i])) byKey.set(valueKeys[i], { worker, value: values[i] });
    }
  }

  /**
   * The values of `keys`, all sent by `worker`, now removed; undefined (nothing removed) when
   * one is missing or came from another worker.
   */
  take(worker: string, keys: readonly string[]): unknown[] | undefined {
    const byKey = this.byKey;
    if (byKey.size === 0) return undefined;
    const values = new Array<unknown>(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const s = byKey.get(keys[i]);
      if (s === undefined || s.worker !== worker) return undefined;
      values[i] = s.value;
    }
    for (const key of keys) byKey.delete(key);
    return values;
  }

  /** Forgets the values of `keys` (from `worker` only, when given). */
  drop(keys: readonly string[], worker?: string): void {
    const byKey = this.byKey;
    if (byKey.size === 0) return;
    for (const key of keys) {
      if (worker === undefined || byKey.get(key)?.worker === worker) byKey.delete(key);
    }
  }

  /** Forgets every value `worker` sent (it is gone). */
  dropWorker(worker: string): void {
    for (const [key, s] of this.byKey) if (s.worker === worker) this.byKey.delete(key);
  }

  /** Forgets everything. */
  clear(): void {
    this.byKey.clear();
  }
}

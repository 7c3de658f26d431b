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
  /**
   * Each worker's last batch, kept whole until its `deliver` takes it (the usual case: the
   * `deliver` of a batch names its keys in the order they came); anything else first moves every
   * batch into `byKey`, so that `byKey` alone says what is kept.
   */
  private readonly last = new Map<
    string,
    { readonly keys: readonly string[]; readonly values: readonly unknown[] }
  >();

  /** Worker `worker` finished `keys`, sending the values of `valueKeys` along. */
  finished(
    worker: string,
    keys: readonly string[],
    valueKeys: readonly string[] | undefined,
    values: readonly unknown[] | undefined,
  ): void {
    this.spill();
    const byKey = this.byKey;
    if (byKey.size > 0) for (const key of keys) byKey.delete(key);
    if (valueKeys === undefined || values === undefined) return;
    if (valueKeys.length === values.length && !values.some(isUnsendable)) {
      if (valueKeys.length > 0) this.last.set(worker, { keys: valueKeys, values });
      return;
    }
    for (let i = 0; i < valueKeys.length && i < values.length; i++) {
      if (!isUnsendable(values[i])) byKey.set(valueKeys[i], { worker, value: values[i] });
    }
  }

  /**
   * The values of `keys`, all sent by `worker`, now removed; undefined (nothing removed) when
   * one is missing or came from another worker.
   */
  take(worker: string, keys: readonly string[]): readonly unknown[] | undefined {
    const batch = this.last.get(worker);
    if (batch !== undefined && sameKeys(batch.keys, keys)) {
      this.last.delete(worker);
      return batch.values;
    }
    this.spill();
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
    this.spill();
    const byKey = this.byKey;
    if (byKey.size === 0) return;
    for (const key of keys) {
      if (worker === undefined || byKey.get(key)?.worker === worker) byKey.delete(key);
    }
  }

  /** Forgets every value `worker` sent (it is gone). */
  dropWorker(worker: string): void {
    this.last.delete(worker);
    for (const [key, s] of this.byKey) if (s.worker === worker) this.byKey.delete(key);
  }

  /** Forgets everything. */
  clear(): void {
    this.last.clear();
    this.byKey.clear();
  }

  /** Moves every worker's last batch into `byKey`. */
  private spill(): void {
    if (this.last.size === 0) return;
    for (const [worker, { keys, values }] of this.last) {
      for (let i = 0; i < keys.length; i++) this.byKey.set(keys[i], { worker, value: values[i] });
    }
    this.last.clear();
  }
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

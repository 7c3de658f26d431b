// Keys clients hold on the workers, as the scheduler shell hands them out (see
// `SchedulerShell.hold`). One `hold` call is one batch: one compute record in the shell and one
// submission in the core for all its keys, which settle key by key (the core's `held` and
// `key-failed` commands), so holding 20,000 keys costs one record, not 20,000. A HeldKey settles
// once: ready, failed, or cancelled by its holder. Cancelling one key settles it at once; the
// core drops it from the batch when its holder lets go of it (`unhold`), and a batch whose every
// key was cancelled is cancelled in the core as a whole. Callbacks run while a key is pending;
// a promise is made only when asked for.
import { ComputeAbortedError } from '@dask-ts/protocol';
import type { Compute } from './cluster-records.js';

/**
 * A key held on the workers (see {@link SchedulerShell.hold}).
 *
 * @example
 * const [held] = shell.hold(graph, ['y']);
 * held.cancel('not needed');
 */
export interface HeldKey {
  readonly key: string;
  /** 'ready' once the key is in memory, 'failed' once it cannot be (see `error`). */
  readonly state: 'pending' | 'ready' | 'failed';
  /** Why it failed (a TaskError, or a ComputeAbortedError once cancelled). */
  readonly error: unknown;
  /** Settles once the key is in memory (or rejects with why it is not). */
  readonly ready: Promise<void>;
  /** Stops computing it (the hold stays until `unhold`); it fails with a ComputeAbortedError. */
  cancel(reason: string): void;
}

/**
 * A HeldKey: callbacks while it is pending, a promise only when asked for one. The shell's own
 * callback (`onSettle`, one per key of a 20,000-key hold) is kept in two fields of its own, told
 * first, so watching a key makes no closure and no array.
 */
export class Held implements HeldKey {
  state: 'pending' | 'ready' | 'failed' = 'pending';
  error: unknown;
  private waiters: ((held: Held) => void)[] | undefined;
  private promise: Promise<void> | undefined;
  private watcher: ((index: number, error: unknown) => void) | undefined;
  private watchIndex = -1;

  constructor(
    readonly key: string,
    private readonly batch: HoldBatch | undefined,
  ) {}

  get ready(): Promise<void> {
    this.promise ??= new Promise<void>((resolve, reject) =>
      this.when((h) => (h.state === 'ready' ? resolve() : reject(h.error))),
    );
    return this.promise;
  }

  cancel(reason: string): void {
    if (this.state !== 'pending') return;
    this.settle(new ComputeAbortedError(reason));
    this.batch?.memberCancelled(reason);
  }

  onSettle(index: number, settled: (index: number, error: unknown) => void): void {
    if (this.state !== 'pending') settled(index, this.error);
    else if (this.watcher === undefined) {
      this.watcher = settled;
      this.watchIndex = index;
    } else this.when((h) => settled(index, h.error));
  }

  settle(error: unknown): void {
    if (this.state !== 'pending') return;
    this.state = error === undefined ? 'ready' : 'failed';
    this.error = error;
    if (this.batch !== undefined) this.batch.open--;
    const watcher = this.watcher;
    this.watcher = undefined;
    watcher?.(this.watchIndex, error);
    const ws = this.waiters;
    this.waiters = undefined;
    if (ws !== undefined) for (const w of ws) w(this);
  }

  private when(f: (held: Held) => void): void {
    if (this.state !== 'pending') f(this);
    else if (this.waiters === undefined) this.waiters = [f];
    else this.waiters.push(f);
  }
}

/**
 * The keys of one `hold` call: their HeldKeys by key, and how many are still pending. `keys` may
 * repeat a key (one HeldKey serves every mention); `distinct` lists each once, in order of first
 * mention, and `held` has each mention's HeldKey (the same arrays as given and made, when no key
 * repeats: a 20,000-key hold makes no second list).
 *
 * @example
 * const batch = new HoldBatch('threads-7', ['a', 'b'], (reason) => cancelInCore(reason));
 */
export class HoldBatch {
  readonly byKey = new Map<string, Held>();
  /** Keys still pending. */
  open: number;
  /** The shell's record of the batch (set right after construction). */
  compute: Compute | undefined;
  /** Each key once, in order of first mention. */
  readonly distinct: readonly string[];
  /** The HeldKey of each mention of `keys`. */
  readonly held: Held[];

  constructor(
    readonly id: string,
    keys: readonly string[],
    private readonly cancelAll: (reason: string) => void,
  ) {
    const { distinct, held } = this.members(keys);
    this.distinct = distinct;
    this.held = held;
    this.open = distinct.length;
  }

  /** Fills `byKey` from `keys`: each key's HeldKey, and the lists (see the class comment). */
  private members(keys: readonly string[]): { distinct: readonly string[]; held: Held[] } {
    const byKey = this.byKey;
    const held = new Array<Held>(keys.length);
    if (fillDistinct(this, keys, byKey, held)) return { distinct: keys, held };
    // A key repeats: made again, each key's first HeldKey serving every mention.
    byKey.clear();
    const distinct: string[] = [];
    for (const key of keys) {
      if (byKey.has(key)) continue;
      byKey.set(key, new Held(key, this));
      distinct.push(key);
    }
    return { distinct, held: keys.map((k) => byKey.get(k)!) };
  }

  /** A member was cancelled: the whole batch is, once none is pending. */
  memberCancelled(reason: string): void {
    if (this.open === 0) this.cancelAll(reason);
  }

  /** Settles every pending member with `error` (undefined: ready). */
  settleAll(error: unknown): void {
    for (const h of this.byKey.values()) h.settle(error);
  }
}

/**
 * HeldKeys for `keys` that failed at once with `refusal` (each told to `settled` too).
 *
 * @example
 * return refusedHolds(keys, new Error('The threads scheduler is closed'), settled);
 */
export function refusedHolds(
  keys: readonly string[],
  refusal: unknown,
  settled?: (index: number, error: unknown) => void,
): HeldKey[] {
  return keys.map((key, i) => {
    const h = new Held(key, undefined);
    h.settle(refusal);
    settled?.(i, refusal);
    return h;
  });
}

/**
 * Fills `byKey` and `held` with a HeldKey per key of `keys`; false at the first key that repeats.
 * A loop of its own that returns right after it (see `core/intake.ts` on V8 and hot loops).
 */
function fillDistinct(
  batch: HoldBatch,
  keys: readonly string[],
  byKey: Map<string, Held>,
  held: Held[],
): boolean {
  for (let i = 0; i < keys.length; i++) {
    const size = byKey.size;
    const h = new Held(keys[i], batch);
    byKey.set(keys[i], h);
    if (byKey.size === size) return false;
    held[i] = h;
  }
  return true;
}

// The scheduling core's language: the events it handles and the commands it returns. The core is
// a pure state machine, `handle(events) -> commands`: no I/O, timers or threads. Shells (sync,
// threads, processes, distributed) turn transport messages into events and carry out commands.
// Several computes (submissions) may share one core; keys they share are computed once.
import type { Graph, GraphNode, SerializedError } from '@dask-ts/protocol';

/** A worker's name, unique within one core. @example const w: WorkerId = 'thread-0'; */
export type WorkerId = string;

/**
 * Something that happened, told to the core. `cause` (optional) is carried into key stories.
 *
 * @example
 * core.handle([{ type: 'add-worker', worker: 'w0', slots: 1 }]);
 */
export type CoreEvent =
  /**
   * A worker joined; it may run `slots` tasks at once. `group` names the worker node it belongs
   * to (a task restricted to the group may run on it), and `resources` what the group has
   * (`{ GPU: 2 }`, shared by the group's workers; see restrictions.ts).
   */
  | {
      readonly type: 'add-worker';
      readonly worker: WorkerId;
      readonly slots: number;
      readonly group?: string;
      readonly resources?: Readonly<Record<string, number>>;
      readonly cause?: string;
    }
  /**
   * A worker left or died; its tasks and results are lost and recomputed elsewhere. Each loss
   * counts toward `maxRetries`, unless `stopped`: the shell ended the worker on purpose (it ran a
   * task no compute wanted anymore).
   */
  | {
      readonly type: 'remove-worker';
      readonly worker: WorkerId;
      readonly reason: string;
      readonly stopped?: boolean;
    }
  /**
   * A compute: run `graph` until every key of `wanted` is in memory. `priorities` (smaller runs
   * first; for example from `order()`) default to the graph's insertion order.
   */
  | {
      readonly type: 'submit';
      readonly id: string;
      readonly graph: Graph;
      readonly wanted: readonly string[];
      readonly priorities?: ReadonlyMap<string, number>;
      readonly cause?: string;
    }
  /**
   * Client-held keys ("wants"): hold `keys[i]` as submission `ids[i]` (keys distinct). Each
   * submission ends `done` once its key is in memory (no value is delivered), or `failed`,
   * `lost`, `refused` or `cancelled` as a compute would; the key stays held (kept in memory, and
   * recomputed if its worker is lost) until an `unwant` event lets go of it.
   *
   * With ONE id for several `keys` (a batch), one submission holds them all and settles key by key:
   * a `held` command as each is in memory (with `deliver`, a `deliver` command instead, as a
   * compute's), a `key-failed` command for one that erred or was lost (the others go on), and
   * `done` once none is pending. A key no client holds any more (`unwant`) is dropped from it.
   */
  | {
      readonly type: 'hold';
      readonly ids: readonly string[];
      readonly graph: Graph;
      readonly keys: readonly string[];
      readonly deliver?: boolean;
      readonly cause?: string;
    }
  /**
   * The shell copied `key` (in memory) to `workers` (a broadcast): they hold it too, and are told
   * to release it with the other copies. A key no longer in memory is released there at once.
   */
  | { readonly type: 'replicated'; readonly key: string; readonly workers: readonly WorkerId[] }
  /**
   * `holder` does not have `key` (any more): a worker asked it for the key and it answered that it
   * lacks it, or could not be asked (it died or refused). `worker`, when given, is the worker that
   * could not get it. The core uses another holder, or computes the key again (missing-data.ts).
   * `compute`, when given, is the submission whose `deliver` of `key` from `holder` the shell could
   * not carry out: the key is delivered again once it is in memory (from another holder, or
   * computed again).
   */
  | {
      readonly type: 'missing-data';
      readonly key: string;
      readonly holder: WorkerId;
      readonly worker?: WorkerId;
      readonly compute?: string;
    }
  /** Lets go of one hold on each of `keys` (a key may be repeated); unknown keys are ignored. */
  | { readonly type: 'unwant'; readonly keys: readonly string[] }
  /**
   * `worker` takes no new tasks until it is unpaused (`paused: false`); what it holds stays
   * readable. Each `reason` pauses on its own (default 'waiting': a task there waits for other
   * tasks, as Dask's `secede`; 'memory': its node is short of memory), and the worker resumes
   * once no reason holds it.
   */
  | {
      readonly type: 'pause-worker';
      readonly worker: WorkerId;
      readonly paused: boolean;
      readonly reason?: string;
    }
  /** A task finished on `worker`; its result (`nbytes` big) stays there. */
  | {
      readonly type: 'finished';
      readonly key: string;
      readonly worker: WorkerId;
      readonly nbytes: number;
    }
  /**
   * Tasks finished on `worker`, in the order it ran them (`nbytes[i]` for `keys[i]`): the same as
   * one `finished` event per key, without an object per task. `ms`, when given, is how long the
   * worker took to run them; it sizes how many tasks the worker is sent at once.
   */
  | {
      readonly type: 'finished-many';
      readonly keys: readonly string[];
      readonly worker: WorkerId;
      readonly nbytes: readonly number[];
      readonly ms?: number;
    }
  /**
   * `worker` answers a `steal` command: it gave back `keys` (those it had not started; it runs and
   * reports the others as usual). They are placed again.
   */
  | { readonly type: 'stolen'; readonly worker: WorkerId; readonly keys: readonly string[] }
  /** A task threw. */
  | {
      readonly type: 'erred';
      readonly key: string;
      readonly worker: WorkerId;
      readonly error: SerializedError;
    }
  /** The shell handed the values of a `deliver` command to the caller. */
  | { readonly type: 'delivered'; readonly id: string; readonly keys: readonly string[] }
  /** The caller aborted a compute. */
  | { readonly type: 'cancel'; readonly id: string; readonly reason: string };

/**
 * Something the core asks its shell to do.
 *
 * @example
 * for (const cmd of core.handle(events)) if (cmd.type === 'compute') send(cmd.worker, cmd.keys, cmd.nodes);
 */
export type CoreCommand =
  /**
   * Run these tasks (or hold these data nodes) on `worker`, in order: `nodes[i]` is the node of
   * `keys[i]`. First copy each `fetch` entry's key from the worker named beside it: inputs of this
   * batch that `worker` does not hold yet (each listed once). Parallel arrays, not an object per
   * task: a million tasks pass through here. `want` (when present) lists the positions in `keys`
   * of tasks a compute wants: the shell may have the worker send their values with its
   * `finished` report, and then carry out their `deliver` without asking the worker again.
   */
  | {
      readonly type: 'compute';
      readonly worker: WorkerId;
      readonly keys: readonly string[];
      readonly nodes: readonly GraphNode[];
      readonly fetch: ReadonlyArray<readonly [key: string, from: WorkerId]>;
      readonly want?: readonly number[];
    }
  /**
   * Ask `worker` to give back these queued tasks if it has not started them; it answers with a
   * `stolen` event (see stealing.ts). Sent only by a core with `workStealing`.
   */
  | { readonly type: 'steal'; readonly worker: WorkerId; readonly keys: readonly string[] }
  /** Forget these results on `worker`. */
  | { readonly type: 'release'; readonly worker: WorkerId; readonly keys: readonly string[] }
  /**
   * Wanted keys of compute `id` are ready on `worker`: fetch them for the caller (or use the
   * values the worker already sent with `finished`), then send a `delivered` event. With
   * `release`, the worker may drop them once sent (a move).
   */
  | {
      readonly type: 'deliver';
      readonly id: string;
      readonly worker: WorkerId;
      readonly keys: readonly string[];
      readonly release: boolean;
    }
  /** Every wanted key of compute `id` was delivered. */
  | { readonly type: 'done'; readonly id: string }
  /** Key `key` of batch hold `id` is in memory (see the `hold` event). */
  | { readonly type: 'held'; readonly id: string; readonly key: string }
  /**
   * Key `key` of batch hold `id` failed: task `origin` erred with `error`, or (`lost`) was lost
   * with its worker more times than allowed. The batch goes on with its other keys.
   */
  | {
      readonly type: 'key-failed';
      readonly id: string;
      readonly key: string;
      readonly origin: string;
      readonly error: SerializedError;
      readonly lost: boolean;
      readonly story: readonly string[];
    }
  /** Compute `id` failed because task `key` erred (`key` may be a dependency of a wanted key). */
  | {
      readonly type: 'failed';
      readonly id: string;
      readonly key: string;
      readonly error: SerializedError;
      readonly story: readonly string[];
    }
  /** Compute `id` was refused before anything ran (a cycle, a missing dependency). */
  | { readonly type: 'refused'; readonly id: string; readonly error: Error }
  /** Compute `id` was cancelled; nothing more of it will run. */
  | { readonly type: 'cancelled'; readonly id: string; readonly reason: string }
  /** A task was lost with its worker more times than allowed. */
  | {
      readonly type: 'lost';
      readonly id: string;
      readonly key: string;
      readonly story: readonly string[];
    };

/**
 * The state of one key in the core, with the data each state needs.
 *
 * @example
 * const s = core.state('y'); if (s?.state === 'memory') console.log(s.workers);
 */
export type TaskState =
  | { readonly state: 'waiting'; readonly waitingOn: number }
  | { readonly state: 'ready' }
  | { readonly state: 'processing'; readonly worker: WorkerId }
  | { readonly state: 'memory'; readonly workers: readonly WorkerId[]; readonly nbytes: number }
  | { readonly state: 'released' }
  | { readonly state: 'erred'; readonly error: SerializedError; readonly origin: string }
  | { readonly state: 'cancelled' };

// What a scheduler shell is made with (its owner's hooks: when workers are wanted, when the shell
// restarted), and how it reports a worker's departure to the owner of its endpoint.
/**
 * What a {@link SchedulerShell} is made with.
 *
 * @example
 * const opts: ShellOptions = { name: 'threads', log: console.error, onDemand: () => pool.start() };
 */
export interface ShellOptions {
  readonly name: string;
  /** Where problems are reported (never throws into the shell). */
  readonly log: (line: string) => void;
  readonly queueFactor?: number;
  readonly maxRetries?: number;
  /** Root tasks in flight per worker slot while they are held back for memory (the core's option). */
  readonly rootSaturation?: number;
  /** Called by each accepted `get`, before it is submitted: workers are wanted now. */
  readonly onDemand?: () => void;
  /** Called after an internal error closed every endpoint and started a fresh core. */
  readonly onRestart?: () => void;
  /**
   * Moves inputs `keys` from worker `from` to worker `to` without the shell (peer to peer: the
   * distributed scheduler's workers fetch from each other). Returns false when it cannot (the
   * shell then relays them itself); otherwise it calls `done` exactly once, with the keys it did
   * not move and, for those it moved, the values the shell puts for them in the worker's queue,
   * in order before the task (the transport's stand-ins for the values it moved). When some keys
   * were not moved, the shell relays them all.
   */
  readonly transfer?: (
    from: string,
    to: string,
    keys: readonly string[],
    done: (unmoved: readonly string[], moved: TransferredValues) => void,
  ) => boolean;
}

/**
 * What a transfer moved (see {@link ShellOptions.transfer}): `values[i]` is put for `keys[i]`.
 *
 * @example
 * done([], { keys: ['x'], values: [standIn] });
 */
export interface TransferredValues {
  readonly keys: readonly string[];
  readonly values: readonly unknown[];
}

/**
 * How a worker left, as {@link SchedulerShell.disconnected} reports it: `ready` (it had said
 * hello; its tasks are recomputed), `starting` (it left before saying hello), `refused` (the
 * shell refused it) or `unknown` (not connected, or the shell is closed).
 *
 * @example
 * if (shell.disconnected(name, 'exit code 1') === 'starting') failures++;
 */
export type Departure = 'ready' | 'starting' | 'refused' | 'unknown';

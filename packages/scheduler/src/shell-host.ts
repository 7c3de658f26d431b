// What the scheduler shell's parts (shell-commands.ts: core commands to the wire; shell-messages.ts:
// worker messages to core events) reach of the shell (shell.ts): its tables, its current core,
// and the few operations that keep its invariants (events queued for the next round, computes
// settled once). Internal, not exported from the package.
import type { Compute, Gather, Member } from './cluster-records.js';
import type { CoreEvent, SchedulerCore } from './core/index.js';
import type { HoldBatch } from './held-keys.js';
import type { SendHost } from './send-compute.js';
import type { SentResults } from './sent-results.js';

/** The shell as its parts see it (see the file comment). */
export interface ShellHost {
  /** The core now (a restart replaces it). */
  core(): SchedulerCore;
  readonly members: Map<string, Member>;
  readonly computes: Map<string, Compute>;
  readonly gathers: Map<number, Gather>;
  /** Client holds by compute id (held-keys.ts). */
  readonly batches: Map<string, HoldBatch>;
  /** Wanted results that rode with `finished` (sent-results.ts). */
  readonly sent: SentResults;
  readonly sendHost: SendHost;
  /** Whether the shell is closed. */
  closed(): boolean;
  /** Logs `line`, prefixed with the scheduler's name. */
  logLine(line: string): void;
  /** Queues `events` for the core's next round (the caller schedules the turn). */
  push(...events: CoreEvent[]): void;
  /** Schedules a turn (if none is). */
  schedule(): void;
  /** Queues `event` and schedules a turn. */
  emit(event: CoreEvent): void;
  /** A fresh gather id. */
  gatherId(): number;
  /** Decodes delivered values into compute `c`'s results (a bad one fails and cancels it). */
  receive(c: Compute, keys: readonly string[], values: readonly unknown[]): void;
  /** Settles `c` (once) with `err`, or with `values`. */
  settle(c: Compute, err: unknown, values?: unknown[]): void;
  /** The workers cannot work: every compute fails now and later. */
  fail(err: Error): void;
  /** Counts finished `keys` toward progress. */
  countDone(keys: readonly string[]): void;
}

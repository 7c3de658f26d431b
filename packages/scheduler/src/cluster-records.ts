// What the scheduler shell keeps about its workers, its computes and its outstanding gathers (internal,
// not exported from the package). A member is refused after a bad hello, ready after a good
// one, and stopping once the pool ends it on purpose; a compute is settled once, and a gather is either a delivery of results to a compute or a
// fetch of dependencies from one worker for another.
import type { Graph } from '@dask-ts/protocol';
import type { ComputeTicket, Outbox } from './outbox.js';
import type { WorkerEndpoint } from './pool-worker.js';
import type { ProgressReporter } from './progress.js';

/** A worker of the pool with its outbox. */
export interface Member {
  readonly endpoint: WorkerEndpoint;
  ready: boolean;
  refused: boolean;
  /** Why the pool is stopping it on purpose (its exit then costs no retries). */
  stopping: string | undefined;
  readonly outbox: Outbox;
}

/** One running `get`: its wanted keys, results so far and how it settles. */
export interface Compute {
  readonly id: string;
  readonly keys: readonly string[];
  readonly graph: Graph;
  /** The tasks progress counts: those the wanted keys need (the whole graph without progress). */
  readonly counted: Graph;
  readonly results: Map<string, unknown>;
  readonly resolve: (values: unknown[]) => void;
  readonly reject: (err: unknown) => void;
  readonly progress: ProgressReporter | undefined;
  done: number;
  settled: boolean;
  cleanup: () => void;
}

/** An outstanding `gather` request, by its id. */
export type Gather =
  | { readonly kind: 'deliver'; readonly compute: string; readonly worker: string }
  | {
      readonly kind: 'fetch';
      readonly worker: string;
      readonly target: string;
      readonly ticket: ComputeTicket;
      readonly keys: readonly string[];
    }
  /** Which of some keys a worker holds (see `SchedulerShell.holdsOn`). */
  | { readonly kind: 'probe'; readonly worker: string; readonly resolve: (keys: string[]) => void };

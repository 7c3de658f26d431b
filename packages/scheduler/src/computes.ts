// The life of one client compute in the scheduler shell: it opens with its wanted keys and (with
// progress) the count of the tasks they need; it collects decoded results as they are delivered;
// it settles exactly once, resolving with the values of its keys in order or rejecting with the
// first error, and leaves its abort listener and progress finished. A delivered value that could
// not be sent or decoded fails the compute, naming the key. The shell cancels it in the core.
import {
  ComputeAbortedError,
  TaskError,
  decodeValue,
  type ComputeOptions,
  type Graph,
} from '@dask-ts/protocol';
import { cull } from '@dask-ts/graph';
import { isUnsendable } from '@dask-ts/worker';
import type { Compute } from './cluster-records.js';
import { createProgress } from './progress.js';

/**
 * A new compute `id` of `graph` for `keys`; `onAbort` runs when its signal aborts (after it
 * settled with a ComputeAbortedError).
 *
 * @example
 * const c = openCompute('threads-1', graph, ['y'], {}, resolve, reject, () => cancel());
 */
export function openCompute(
  id: string,
  graph: Graph,
  keys: readonly string[],
  wanted: readonly string[],
  options: ComputeOptions,
  resolve: (values: unknown[]) => void,
  reject: (err: unknown) => void,
  onAbort: () => void,
): Compute {
  // Progress counts the tasks the wanted keys need (culling costs a pass: only with progress).
  let counted: Graph = graph;
  const progress = createProgress(options, () => (counted = neededPart(graph, wanted)).size);
  const compute: Compute = {
    id,
    keys,
    graph,
    counted,
    results: new Map(),
    resolve,
    reject,
    progress,
    done: 0,
    settled: false,
    cleanup: () => undefined,
  };
  const signal = options.signal;
  if (signal !== undefined) {
    const aborted = (): void => {
      settleCompute(compute, new ComputeAbortedError(signal.reason));
      onAbort();
    };
    signal.addEventListener('abort', aborted, { once: true });
    compute.cleanup = () => signal.removeEventListener('abort', aborted);
  }
  return compute;
}

/**
 * Settles `c` with `err`, or with `values` when `err` is undefined; false if it had settled.
 *
 * @example
 * if (settleCompute(c, undefined, values)) updateRefs();
 */
export function settleCompute(c: Compute, err: unknown, values?: unknown[]): boolean {
  if (c.settled) return false;
  c.settled = true;
  c.cleanup();
  if (err === undefined) {
    c.progress?.finish(c.counted.size, 0);
    c.resolve(values ?? []);
  } else {
    c.progress?.finish(Math.min(c.done, c.counted.size), err instanceof TaskError ? 1 : 0);
    c.reject(err);
  }
  return true;
}

/**
 * Counts finished `keys` toward the progress of every compute that counts them.
 *
 * @example
 * countProgress(computes.values(), ['x', 'y']);
 */
export function countProgress(computes: Iterable<Compute>, keys: readonly string[]): void {
  for (const c of computes) {
    if (c.progress === undefined || c.settled) continue;
    for (const k of keys) if (c.counted.has(k)) c.done++;
    c.progress.update(Math.min(c.done, c.counted.size), 0);
  }
}

/**
 * Decodes delivered `values` of `keys` into `c`'s results. A value that could not be sent or
 * decoded settles `c` with an error naming the key; the reason to cancel it is returned then.
 *
 * @example
 * const why = receiveResults(c, keys, values, (k) => core.story(k));
 */
export function receiveResults(
  c: Compute,
  keys: readonly string[],
  values: readonly unknown[],
  story: (key: string) => readonly string[],
): string | undefined {
  if (c.settled) return undefined;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const value = values[i];
    if (isUnsendable(value)) {
      // The worker could not send this result (see @dask-ts/worker's unsendable.ts).
      settleCompute(c, new TaskError(key, value.data, [...story(key)]));
      return `${key} could not be sent`;
    }
    try {
      c.results.set(key, decodeValue(value, { key }));
    } catch (err) {
      settleCompute(c, err);
      return `${key} could not be decoded`;
    }
  }
  return undefined;
}

/**
 * The part of `graph` the wanted keys need, which progress counts; the whole graph when a wanted
 * key is missing (the core refuses such a compute with an error that names it).
 */
function neededPart(graph: Graph, wanted: readonly string[]): Graph {
  try {
    return cull(graph, wanted);
  } catch {
    return graph;
  }
}

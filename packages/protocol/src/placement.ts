// Where and how often a task may run: its placement. A node may carry one (`Task.placement`;
// a data node's `workers` say where its value is put);
// every scheduler core reads it when it places the task. `retries`: a task that throws runs again,
// on any worker, up to that many more times before its error is final. `workers`: it runs only on
// these workers (a worker node's name stands for each of its threads); `allowOtherWorkers` lets it
// run elsewhere when none of them is alive. `resources`: abstract amounts (`{ GPU: 1 }`) a worker
// must have free while the task runs there. A placement is plain data, checked where it is made
// (`checkPlacement` names the bad field), so it travels unchanged across threads and sockets.
import type { Graph, GraphNode } from './task.js';

/**
 * A task's placement (see the file comment).
 *
 * @example
 * const p: Placement = { retries: 2, workers: ['gpu-box'], resources: { GPU: 1 } };
 */
export interface Placement {
  /** How many times to run the task again after it throws (default 0). */
  readonly retries?: number;
  /** Only these workers (or worker nodes, by name) may run it. */
  readonly workers?: readonly string[];
  /** With `workers`: run it anywhere when none of the named workers is alive. */
  readonly allowOtherWorkers?: boolean;
  /** Abstract resources it holds while it runs (a worker declares what it has). */
  readonly resources?: Readonly<Record<string, number>>;
}

/**
 * Checks a placement given by a user; throws a TypeError naming the field and what was wrong.
 * Returns it unchanged, or undefined when it asks for nothing.
 *
 * @example
 * checkPlacement({ retries: 2 }, 'submit'); // { retries: 2 }
 */
export function checkPlacement(p: unknown, where: string): Placement | undefined {
  if (p === undefined) return undefined;
  if (typeof p !== 'object' || p === null)
    throw new TypeError(`${where}: a placement must be an object, got ${String(p)}`);
  const { retries, workers, allowOtherWorkers, resources } = p as Record<string, unknown>;
  if (retries !== undefined && !(Number.isInteger(retries) && (retries as number) >= 0))
    throw new TypeError(`${where}: retries must be an integer >= 0, got ${String(retries)}`);
  if (
    workers !== undefined &&
    !(Array.isArray(workers) && workers.every((w) => typeof w === 'string' && w !== ''))
  )
    throw new TypeError(`${where}: workers must be an array of worker names, got ${show(workers)}`);
  if (allowOtherWorkers !== undefined && typeof allowOtherWorkers !== 'boolean')
    throw new TypeError(
      `${where}: allowOtherWorkers must be a boolean, got ${String(allowOtherWorkers)}`,
    );
  const need =
    resources === undefined ? undefined : checkResources(resources, `${where}: resources`);
  const empty =
    (retries === undefined || retries === 0) &&
    workers === undefined &&
    (need === undefined || Object.keys(need).length === 0);
  return empty ? undefined : p;
}

/**
 * Checks abstract resources (`{ GPU: 2 }`: names to finite amounts >= 0); throws a TypeError
 * naming `what` and the bad entry.
 *
 * @example
 * checkResources({ GPU: 2, MEM: 1e9 }, 'startWorker resources');
 */
export function checkResources(r: unknown, what: string): Readonly<Record<string, number>> {
  if (typeof r !== 'object' || r === null || Array.isArray(r))
    throw new TypeError(`${what} must be an object of names to amounts, got ${show(r)}`);
  for (const [name, v] of Object.entries(r)) {
    if (name === '' || typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      throw new TypeError(
        `${what}: ${name || '(empty name)'} must be a number >= 0, got ${show(v)}`,
      );
  }
  return r as Readonly<Record<string, number>>;
}

/**
 * The same node with `placement` (merged over the one it had); the node itself is unchanged.
 *
 * @example
 * const t2 = withPlacement(task(fnRef, []), { retries: 1 });
 */
export function withPlacement<N extends GraphNode>(node: N, placement: Placement | undefined): N {
  if (placement === undefined) return node;
  // Shared, not copied, when the node had none: the nodes of one call keep one placement object
  // (it travels once, and a scheduler queues their waiting tasks together).
  const merged = node.placement === undefined ? placement : { ...node.placement, ...placement };
  return { ...node, placement: merged };
}

/**
 * `graph` with `placement` on the nodes of `keys` (default: on every task), as a new graph; the
 * same graph when `placement` is undefined.
 *
 * @example
 * const placed = placeGraph(graph, { retries: 2 });
 */
export function placeGraph(
  graph: Graph,
  placement: Placement | undefined,
  keys?: readonly string[],
): Graph {
  if (placement === undefined) return graph;
  const out = new Map(graph);
  if (keys === undefined) {
    for (const [k, node] of graph)
      if (node.kind === 'task') out.set(k, withPlacement(node, placement));
  } else {
    for (const k of keys) {
      const node = graph.get(k);
      if (node !== undefined) out.set(k, withPlacement(node, placement));
    }
  }
  return out;
}

function show(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

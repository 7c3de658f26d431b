// Linear fusion: a task whose only dependent is the next task of a chain, and which that task
// alone depends on, is inlined into it as a `{ $call }`, so a chain a -> b -> c runs as one task
// under c's key. Keys in `keep` (the requested keys) are never fused away, data nodes stay as
// they are, and a chain fuses at most `maxChain` tasks (deeply nested calls cost stack when run).
// The result maps each fused-away key to the key of the task that now computes it.
// Cost: a graph without a single-dependency task (a tree reduction, a blockwise map over data)
// has no chain, and one pass over its nodes, hashing nothing, finds that out. Otherwise the graph
// is interned to integers (graph-index.ts) and chains are found over typed arrays. Fusion never
// hides a bad graph: a task with a missing dependency, a chain whose bottom depends on its top,
// and tasks that only form a cycle among themselves are left as they are, so validation (or the
// scheduler) still names the real culprits.
import { mapArgs, type Call, type Graph, type GraphNode, type Task } from '@dask-ts/protocol';
import { indexGraph, indicesOf, type GraphIndex } from './graph-index.js';

/**
 * Options of {@link fuse}.
 *
 * @example
 * const opts: FuseOptions = { keep: ['total'], maxChain: 32 };
 */
export interface FuseOptions {
  /** Keys that must stay in the graph (the requested keys). */
  readonly keep?: Iterable<string>;
  /** The most tasks fused into one (default 64). */
  readonly maxChain?: number;
}

/**
 * What {@link fuse} returns: the fused graph (the input graph itself when nothing fuses), and for
 * each fused-away key the key whose task now computes it inline.
 *
 * @example
 * const { graph, fused } = fuse(g, { keep: ['c'] }); // fused: Map { 'a' => 'c', 'b' => 'c' }
 */
export interface FuseResult {
  readonly graph: Graph;
  readonly fused: Map<string, string>;
}

/** The default longest chain fused into one task. @internal */
export const DEFAULT_MAX_CHAIN = 64;

/**
 * Fuses linear chains of tasks into single tasks with inline `{ $call }`s. When nothing fuses, the
 * result's graph is `graph` itself (no copy).
 *
 * @example
 * // a -> b -> c, where only c is wanted, becomes one task 'c': inc(inc(a)).
 * const { graph } = fuse(new Map<string, GraphNode>([['a', data(1)], ['b', task(inc, [ref('a')])], ['c', task(inc, [ref('b')])]]), { keep: ['c'] });
 */
export function fuse(graph: Graph, options: FuseOptions = {}): FuseResult {
  const maxChain = Math.max(1, options.maxChain ?? DEFAULT_MAX_CHAIN);
  if (!mayFuse(graph)) return { graph, fused: new Map() };
  const g = indexGraph(graph);
  const keep = indicesOf(g, options.keep ?? []);
  return fuseIndexed(g, undefined, keep, maxChain) ?? { graph, fused: new Map() };
}

/**
 * Whether some task has exactly one dependency: without one there is no chain to fuse. One pass
 * over the nodes; no key is hashed. @internal
 */
export function mayFuse(graph: Graph): boolean {
  for (const node of graph.values())
    if (node.kind === 'task' && node.deps.length === 1) return true;
  return false;
}

/**
 * Fuses the chains among the nodes of `g` in `mask` (all nodes when undefined); `keep` holds node
 * indices never fused away. Returns undefined when nothing fuses, else the fused graph (masked
 * nodes only, in index order). @internal
 */
export function fuseIndexed(
  g: GraphIndex,
  mask: Uint8Array | undefined,
  keep: readonly number[],
  maxChain: number,
): { graph: Map<string, GraphNode>; fused: Map<string, string> } | undefined {
  const { keys, nodes, depStart, depList, broken } = g;
  const n = keys.length;
  // How many (masked) tasks depend on each node; kept nodes get -1 so they never fuse away.
  const dependents = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (mask !== undefined && mask[i] === 0) continue;
    for (let p = depStart[i], end = depStart[i + 1]; p < end; p++) dependents[depList[p]]++;
  }
  for (let k = 0; k < keep.length; k++) dependents[keep[k]] = -1;
  // child[i]: the single dependency that fuses into task i (-1: none); absorbed[j]: j fuses away.
  const child = new Int32Array(n).fill(-1);
  const absorbed = new Uint8Array(n);
  let any = false;
  for (let i = 0; i < n; i++) {
    if (mask !== undefined && mask[i] === 0) continue;
    const node = nodes[i];
    if (node.kind !== 'task' || node.deps.length !== 1 || depStart[i + 1] - depStart[i] !== 1)
      continue;
    const j = depList[depStart[i]];
    if (j === i || dependents[j] !== 1 || nodes[j].kind !== 'task') continue;
    if (broken !== undefined && broken[j] === 1) continue;
    child[i] = j;
    absorbed[j] = 1;
    any = true;
  }
  if (!any) return undefined;
  splitChains(g, child, absorbed, maxChain);

  const out = new Map<string, GraphNode>();
  const fused = new Map<string, string>();
  const chain: number[] = [];
  for (let i = 0; i < n; i++) {
    if ((mask !== undefined && mask[i] === 0) || absorbed[i] !== 0) continue;
    if (child[i] < 0) {
      out.set(keys[i], nodes[i]);
      continue;
    }
    // Collect the chain top-down, then build the nested call bottom-up.
    chain.length = 0;
    chain.push(i);
    for (let cur = child[i]; cur >= 0; cur = child[cur]) {
      chain.push(cur);
      fused.set(keys[cur], keys[i]);
    }
    const bottom = nodes[chain[chain.length - 1]] as Task;
    let inner: Call = { $call: bottom.fn, args: bottom.args };
    let top: Task = bottom;
    for (let c = chain.length - 2; c >= 0; c--) {
      const t = nodes[chain[c]] as Task;
      const args = replaceRef(t.args, keys[chain[c + 1]], inner) as unknown[];
      top = { kind: 'task', fn: t.fn, args, deps: bottom.deps };
      inner = { $call: t.fn, args };
    }
    out.set(keys[i], top);
  }
  return { graph: out, fused };
}

/**
 * Walks down from each chain top (a task with a child that is not itself absorbed), cutting every
 * `maxChain` links; marks what the walks reach with absorbed = 2. Then un-fuses a chain whose
 * bottom depends on its top, and tasks no walk reached (they only form a cycle among themselves).
 */
function splitChains(
  g: GraphIndex,
  child: Int32Array,
  absorbed: Uint8Array,
  maxChain: number,
): void {
  const n = child.length;
  for (let i = 0; i < n; i++) {
    if (absorbed[i] !== 0 || child[i] < 0) continue;
    let cur = i;
    let len = 1;
    while (child[cur] >= 0) {
      const next = child[cur];
      if (len === maxChain) {
        child[cur] = -1;
        absorbed[next] = 0;
        len = 1;
      } else {
        absorbed[next] = 2;
        len++;
      }
      cur = next;
    }
    if (dependsOn(g, cur, i)) {
      for (let c = i, next = child[c]; next >= 0; c = next, next = child[c]) {
        child[c] = -1;
        absorbed[next] = 0;
      }
    }
  }
  for (let j = 0; j < n; j++) {
    if (absorbed[j] === 1) {
      absorbed[j] = 0;
      child[j] = -1;
    }
  }
}

/** Whether node `from` lists node `to` among its dependencies. */
function dependsOn(g: GraphIndex, from: number, to: number): boolean {
  for (let p = g.depStart[from], end = g.depStart[from + 1]; p < end; p++)
    if (g.depList[p] === to) return true;
  return false;
}

/** `value` with every `{ $ref: key }` replaced by `by`, copying only what changes. */
function replaceRef(value: unknown, key: string, by: unknown): unknown {
  return mapArgs(value, { ref: (k, node) => (k === key ? by : node) });
}

// Linear fusion: a task whose only dependent is the next task of a chain, and which that task
// alone depends on, is inlined into it as a `{ $call }`, so a chain a -> b -> c runs as one task
// under c's key. Keys in `keep` (the requested keys) are never fused away, data nodes stay as
// they are, and a chain fuses at most `maxChain` tasks (deeply nested calls cost stack when run).
// The result maps each fused-away key to the key of the task that now computes it.
import { isCall, isPlainObject, type Call, type Graph, type GraphNode, type Task } from '@dask-ts/protocol';

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
 * What {@link fuse} returns: the fused graph, and for each fused-away key the key whose task now
 * computes it inline.
 *
 * @example
 * const { graph, fused } = fuse(g, { keep: ['c'] }); // fused: Map { 'a' => 'c', 'b' => 'c' }
 */
export interface FuseResult {
  readonly graph: Map<string, GraphNode>;
  readonly fused: Map<string, string>;
}

/**
 * Fuses linear chains of tasks into single tasks with inline `{ $call }`s.
 *
 * @example
 * // a -> b -> c, where only c is wanted, becomes one task 'c': inc(inc(a)).
 * const { graph } = fuse(new Map([['a', data(1)], ['b', task(inc, [ref('a')])], ['c', task(inc, [ref('b')])]]), { keep: ['c'] });
 */
export function fuse(graph: Graph, options: FuseOptions = {}): FuseResult {
  const keep = new Set(options.keep ?? []);
  const maxChain = Math.max(1, options.maxChain ?? 64);
  // How many tasks depend on each key.
  const dependents = new Map<string, number>();
  for (const node of graph.values()) {
    if (node.kind !== 'task') continue;
    for (const d of node.deps) dependents.set(d, (dependents.get(d) ?? 0) + 1);
  }
  // `into`: task key -> its single dependency when that dependency fuses into it.
  const child = new Map<string, string>();
  const absorbed = new Set<string>();
  for (const [k, node] of graph) {
    if (node.kind !== 'task' || node.deps.length !== 1) continue;
    const d = node.deps[0];
    const dn = graph.get(d);
    if (dn === undefined || dn.kind !== 'task' || keep.has(d) || dependents.get(d) !== 1) continue;
    child.set(k, d);
    absorbed.add(d);
  }
  const out = new Map<string, GraphNode>();
  const fused = new Map<string, string>();
  if (child.size === 0) {
    for (const [k, v] of graph) out.set(k, v);
    return { graph: out, fused };
  }
  // Split chains longer than maxChain: walking down from each chain top, cut every maxChain links.
  for (const [k] of graph) {
    if (absorbed.has(k) || !child.has(k)) continue;
    let cur = k;
    let len = 1;
    while (child.has(cur)) {
      const next = child.get(cur) as string;
      if (len === maxChain) {
        child.delete(cur);
        absorbed.delete(next);
        len = 1;
      } else len++;
      cur = next;
    }
  }
  for (const [k, node] of graph) {
    if (absorbed.has(k)) continue;
    if (node.kind !== 'task' || !child.has(k)) {
      out.set(k, node);
      continue;
    }
    // Collect the chain top-down, then build the nested call bottom-up.
    const chain: string[] = [k];
    let cur = k;
    while (child.has(cur)) {
      cur = child.get(cur) as string;
      chain.push(cur);
      fused.set(cur, k);
    }
    const bottom = graph.get(chain[chain.length - 1]) as Task;
    let inner: Call = { $call: bottom.fn, args: bottom.args };
    let top: Task = bottom;
    for (let i = chain.length - 2; i >= 0; i--) {
      const t = graph.get(chain[i]) as Task;
      const args = replaceRef(t.args, chain[i + 1], inner) as unknown[];
      top = { kind: 'task', fn: t.fn, args, deps: bottom.deps };
      inner = { $call: t.fn, args };
    }
    out.set(k, top);
  }
  return { graph: out, fused };
}

/** `value` with every `{ $ref: key }` replaced by `by`, copying only what changes. */
function replaceRef(value: unknown, key: string, by: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = value[i] as unknown;
      const r = replaceRef(v, key, by);
      if (r !== v) (out ??= value.slice())[i] = r;
    }
    return out ?? value;
  }
  if (!isPlainObject(value)) return value;
  if (typeof value.$ref === 'string') return value.$ref === key ? by : value;
  if ('$literal' in value) return value;
  if (isCall(value)) {
    const args = replaceRef(value.args, key, by);
    return args === value.args ? value : { $call: value.$call, args };
  }
  let out: Record<string, unknown> | undefined;
  for (const k in value) {
    const v = value[k];
    const r = replaceRef(v, key, by);
    if (r !== v) (out ??= { ...value })[k] = r;
  }
  return out ?? value;
}

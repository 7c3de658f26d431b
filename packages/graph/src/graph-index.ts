// Internal: a graph interned to integers once, so that culling, fusion, validation and ordering of
// a million tasks walk typed arrays instead of Maps. Node i is the graph's i-th key in insertion
// order. A dependency is first looked for right after the previous dependency's node, then at that
// node again: graphs made by collections and `delayed` list a layer's inputs in order, so nearly
// every edge resolves with one string comparison. The few misses are found after the pass with one
// scan of the keys against a small map of them; the key-to-index Map is built only when asked for
// (`index`), or when misses are many. `deps` lists node indices in `node.deps` order; a missing dependency
// is not indexed but recorded (the first one found, and which nodes have one). Dependents (the
// reverse edges) are built only by the passes that need them.
import type { Graph, GraphNode } from '@dask-ts/protocol';

/** A graph's dependency structure over node indices. */
export interface GraphIndex {
  /** Key of node i. */
  readonly keys: string[];
  /** Node i itself. */
  readonly nodes: GraphNode[];
  /** Key to node index (owned by the index: passes may reuse it for their own output). */
  readonly index: Map<string, number>;
  /** deps of node i: depList[depStart[i] .. depStart[i + 1]). */
  readonly depStart: Int32Array;
  readonly depList: Int32Array;
  /** The first missing dependency found, if any. */
  readonly missing: { readonly task: string; readonly dep: string } | undefined;
  /** 1 for each node with a missing dependency; undefined when none is missing. */
  readonly broken: Uint8Array | undefined;
}

/** The reverse edges of a {@link GraphIndex}: dependents of node i are list[start[i] .. start[i + 1]). */
export interface Dependents {
  readonly start: Int32Array;
  readonly list: Int32Array;
}

/** Builds the {@link GraphIndex} of a graph in O(nodes + edges). */
export function indexGraph(graph: Graph): GraphIndex {
  const n = graph.size;
  const keys = new Array<string>(n);
  const nodes = new Array<GraphNode>(n);
  let i = 0;
  let edges = 0;
  for (const [k, node] of graph) {
    keys[i] = k;
    nodes[i++] = node;
    if (node.kind === 'task') edges += node.deps.length;
  }
  let index: Map<string, number> | undefined;
  const keyIndex = (): Map<string, number> => {
    if (index === undefined) {
      index = new Map();
      for (let j = 0; j < n; j++) index.set(keys[j], j);
    }
    return index;
  };
  const depStart = new Int32Array(n + 1);
  const depList = new Int32Array(edges);
  // Dependencies the prediction missed: their place in depList, their task, their key.
  const missedAt: number[] = [];
  const missedKeys: string[] = [];
  let e = 0;
  let guess = -1;
  for (i = 0; i < n; i++) {
    depStart[i] = e;
    const node = nodes[i];
    if (node.kind !== 'task') continue;
    const deps = node.deps;
    for (let p = 0; p < deps.length; p++) {
      const d = deps[p];
      const g = guess + 1;
      if (g < n && keys[g] === d) depList[e++] = guess = g;
      else if (guess >= 0 && keys[guess] === d) depList[e++] = guess;
      else {
        missedAt.push(e, i);
        missedKeys.push(d);
        depList[e++] = -1;
      }
    }
  }
  depStart[n] = e;
  let missing: GraphIndex['missing'];
  let broken: Uint8Array | undefined;
  if (missedKeys.length > 0) {
    const found = findAll(keys, missedKeys, 8 * missedKeys.length >= n ? keyIndex() : undefined);
    for (let m = 0; m < missedKeys.length; m++) {
      const at = missedAt[2 * m];
      const j = found[m];
      if (j !== undefined) {
        depList[at] = j;
        continue;
      }
      const task = missedAt[2 * m + 1];
      missing ??= { task: keys[task], dep: missedKeys[m] };
      (broken ??= new Uint8Array(n))[task] = 1;
    }
  }
  // A node with a missing dependency keeps only the ones found (the rest is not indexed).
  let list = depList;
  if (broken !== undefined) {
    let k = 0;
    for (i = 0; i < n; i++) {
      const from = depStart[i];
      const to = depStart[i + 1];
      depStart[i] = k;
      for (let p = from; p < to; p++) if (depList[p] >= 0) depList[k++] = depList[p];
    }
    depStart[n] = k;
    list = depList.subarray(0, k);
  }
  return {
    keys,
    nodes,
    get index() {
      return keyIndex();
    },
    depStart,
    depList: list,
    missing,
    broken,
  };
}

/**
 * The node indices of `wanted` keys (undefined: not in the graph): with `index`, by lookup;
 * without, by one scan of `keys` against a small map of the wanted ones (the keys' hashes are
 * cached by the graph's Map, so this costs far less than building the index).
 */
function findAll(
  keys: readonly string[],
  wanted: readonly string[],
  index: Map<string, number> | undefined,
): (number | undefined)[] {
  if (index !== undefined) return wanted.map((k) => index.get(k));
  const at = new Map<string, number>();
  for (const k of wanted) at.set(k, -1);
  let left = at.size;
  for (let j = 0; j < keys.length && left > 0; j++) {
    if (at.get(keys[j]) === -1) {
      at.set(keys[j], j);
      left--;
    }
  }
  return wanted.map((k) => {
    const j = at.get(k)!;
    return j >= 0 ? j : undefined;
  });
}

/** The dependents of every node (a counting sort of the edges by dependency), in node order. */
export function dependentsOf(g: GraphIndex): Dependents {
  const n = g.keys.length;
  const { depStart, depList } = g;
  const start = new Int32Array(n + 1);
  for (let p = 0; p < depList.length; p++) start[depList[p] + 1]++;
  for (let j = 0; j < n; j++) start[j + 1] += start[j];
  const fill = start.slice(0, n);
  const list = new Int32Array(depList.length);
  for (let t = 0; t < n; t++) {
    for (let p = depStart[t], end = depStart[t + 1]; p < end; p++) list[fill[depList[p]]++] = t;
  }
  return { start, list };
}

/**
 * Marks (1) every node that one of `roots` needs, roots included, walking dependencies with an
 * explicit stack. Returns the mask and how many nodes it marks.
 */
export function reach(
  g: GraphIndex,
  roots: ArrayLike<number>,
): { mask: Uint8Array; count: number } {
  const n = g.keys.length;
  const { depStart, depList } = g;
  const mask = new Uint8Array(n);
  const stack = new Int32Array(n);
  let top = 0;
  let count = 0;
  for (let r = 0; r < roots.length; r++) {
    const v = roots[r];
    if (mask[v] === 0) {
      mask[v] = 1;
      count++;
      stack[top++] = v;
    }
  }
  while (top > 0) {
    const v = stack[--top];
    for (let p = depStart[v], end = depStart[v + 1]; p < end; p++) {
      const d = depList[p];
      if (mask[d] === 0) {
        mask[d] = 1;
        count++;
        stack[top++] = d;
      }
    }
  }
  return { mask, count };
}

/**
 * Node indices of the given keys that are in the graph (others are skipped). Requested keys are
 * usually the last ones added: those are found without building the key index.
 */
export function indicesOf(g: GraphIndex, keys: Iterable<string>): number[] {
  const out: number[] = [];
  const n = g.keys.length;
  for (const k of keys) {
    let i: number | undefined;
    for (let j = n - 1; j >= 0 && j >= n - 8; j--) {
      if (g.keys[j] === k) {
        i = j;
        break;
      }
    }
    i ??= g.index.get(k);
    if (i !== undefined) out.push(i);
  }
  return out;
}

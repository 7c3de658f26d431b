// Internal: a graph interned to integers once (interner.ts), so that culling, fusion, validation
// and ordering of a million tasks walk typed arrays instead of Maps. Node i is the graph's i-th key
// in insertion order. `deps` lists node indices in `node.deps` order; a missing dependency is not
// indexed but recorded (the first one found, and which nodes have one). The key-to-index Map is
// built only when asked for (`index`). Dependents (the reverse edges) are built only by the passes
// that need them.
import type { Graph, GraphNode } from '@dask-ts/protocol';
import { findRecent, internGraph } from './interner.js';

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
  const g = internGraph(graph);
  const { keys, nodes, depStart } = g;
  const n = keys.length;
  let index: Map<string, number> | undefined;
  const keyIndex = (): Map<string, number> => {
    if (index === undefined) {
      index = new Map();
      for (let j = 0; j < n; j++) index.set(keys[j], j);
    }
    return index;
  };
  // A node with a missing dependency keeps only the ones found (the rest is not indexed).
  let depList = g.deps;
  let broken: Uint8Array | undefined;
  if (g.missing !== undefined) {
    broken = new Uint8Array(n);
    let k = 0;
    for (let i = 0; i < n; i++) {
      const from = depStart[i];
      const to = depStart[i + 1];
      depStart[i] = k;
      for (let p = from; p < to; p++) {
        if (depList[p] >= 0) depList[k++] = depList[p];
        else broken[i] = 1;
      }
    }
    depStart[n] = k;
    depList = depList.subarray(0, k);
  }
  return {
    keys,
    nodes,
    get index() {
      return keyIndex();
    },
    depStart,
    depList,
    missing:
      g.missing === undefined ? undefined : { task: keys[g.missing.task], dep: g.missing.dep },
    broken,
  };
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
  const wanted = [...keys];
  const n = g.keys.length;
  const lookup = { get: (k: string) => g.index.get(k), current: false };
  const out: number[] = [];
  for (const i of findRecent(g.keys, 0, n, wanted, lookup)) if (i !== undefined) out.push(i);
  return out;
}

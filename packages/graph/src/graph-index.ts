// Internal: a graph as integer arrays (compressed sparse rows), so that validation and ordering of
// a million tasks walk typed arrays instead of Maps. Node i is the graph's i-th key in insertion
// order; `deps` lists node indices (a missing dependency is recorded, not indexed).
import type { Graph } from '@dask-ts/protocol';

/** A graph's dependency structure over node indices. */
export interface GraphIndex {
  readonly keys: readonly string[];
  readonly index: ReadonlyMap<string, number>;
  /** deps of node i: depList[depStart[i] .. depStart[i + 1]). */
  readonly depStart: Int32Array;
  readonly depList: Int32Array;
  /** dependents of node i: dependentList[dependentStart[i] .. dependentStart[i + 1]). */
  readonly dependentStart: Int32Array;
  readonly dependentList: Int32Array;
  /** The first missing dependency found, if any. */
  readonly missing: { readonly task: string; readonly dep: string } | undefined;
}

/** Builds the {@link GraphIndex} of a graph in O(nodes + edges). */
export function indexGraph(graph: Graph): GraphIndex {
  const n = graph.size;
  const keys: string[] = new Array<string>(n);
  const index = new Map<string, number>();
  let i = 0;
  let edges = 0;
  for (const [k, node] of graph) {
    keys[i] = k;
    index.set(k, i++);
    if (node.kind === 'task') edges += node.deps.length;
  }
  const depStart = new Int32Array(n + 1);
  const depList = new Int32Array(edges);
  const indeg = new Int32Array(n + 1);
  let missing: GraphIndex['missing'];
  let e = 0;
  i = 0;
  for (const node of graph.values()) {
    depStart[i] = e;
    if (node.kind === 'task') {
      for (const d of node.deps) {
        const j = index.get(d);
        if (j === undefined) {
          missing ??= { task: keys[i], dep: d };
          continue;
        }
        depList[e++] = j;
        indeg[j + 1]++;
      }
    }
    i++;
  }
  depStart[n] = e;
  // Dependents: counting sort of the edges by their dependency.
  const dependentStart = new Int32Array(n + 1);
  for (let j = 0; j < n; j++) dependentStart[j + 1] = dependentStart[j] + indeg[j + 1];
  const fill = dependentStart.slice(0, n);
  const dependentList = new Int32Array(e);
  for (let t = 0; t < n; t++) {
    for (let p = depStart[t]; p < depStart[t + 1]; p++) dependentList[fill[depList[p]]++] = t;
  }
  return { keys, index, depStart, depList: depList.subarray(0, e), dependentStart, dependentList, missing };
}

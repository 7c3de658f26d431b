// What `client.scatter` sends: each item of an array or plain record becomes a data node, keyed
// `TYPE-TOKEN` (a token of the data, so scattering the same data twice gives the same key, as in
// Dask; `hash: false` gives fresh keys). Anything else is refused, naming what it got. `workers`
// puts the data on those workers (or worker nodes): its data nodes carry the restriction, and the
// core places them there.
import { checkPlacement, type Graph, type GraphNode } from '@dask-ts/protocol';
import { tokenize } from '@dask-ts/graph';
import type { Future } from './future.js';

/**
 * Options of {@link Client.scatter}.
 *
 * @example
 * const options: ScatterOptions = { hash: false };
 */
export interface ScatterOptions {
  /** Copy the data to every worker (default false: it stays on one, and is fetched from there). */
  readonly broadcast?: boolean;
  /**
   * Put the data on these workers (names, or worker node names: any of the node's threads);
   * it waits until one of them is connected.
   */
  readonly workers?: readonly string[];
  /**
   * Name the keys by a token of the data (default true: scattering the same data twice gives the
   * same keys); false gives fresh keys.
   */
  readonly hash?: boolean;
}

/** Scatter's futures in the shape of its data: one per item of an array or record. */
export type Scattered<D> = D extends readonly (infer T)[]
  ? Future<T>[]
  : D extends Record<string, unknown>
    ? { [K in keyof D]: Future<D[K]> }
    : never;

/**
 * The graph of the data nodes `data` scatters as, their keys, and the names of its items.
 *
 * @example
 * const { graph, keys } = scatterGraph([1, 2], {});
 */
export function scatterGraph(
  data: unknown,
  options: ScatterOptions,
): { graph: Graph; keys: string[]; names: string[] } {
  if (!Array.isArray(data) && !isPlainRecord(data)) {
    throw new TypeError(
      `client.scatter: expected an array or a plain record of values, got ${describe(data)}`,
    );
  }
  const placement = checkPlacement(
    options.workers === undefined ? undefined : { workers: options.workers },
    'client.scatter',
  );
  const entries: [string, unknown][] = Array.isArray(data)
    ? data.map((v, i) => [String(i), v as unknown])
    : Object.entries(data);
  const graph = new Map<string, GraphNode>();
  const keys = entries.map(([, v]) => {
    const name = typeName(v);
    const key =
      options.hash === false
        ? `${name}-${tokenize(Math.random(), Date.now())}`
        : `${name}-${tokenize(v)}`;
    graph.set(key, { kind: 'data', value: v, ...(placement !== undefined ? { placement } : {}) });
    return key;
  });
  return { graph, keys, names: entries.map(([k]) => k) };
}

function isPlainRecord(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v !== 'object') return typeof v;
  return v.constructor?.name ?? 'an object';
}

/** A key prefix naming the type of a scattered value (Dask names them the same way). */
function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v !== 'object') return typeof v;
  const name = v.constructor?.name;
  return typeof name === 'string' && name !== '' ? name : 'object';
}

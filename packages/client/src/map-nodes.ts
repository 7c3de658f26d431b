// `client.map` over plain items (numbers, strings, booleans, bigints, null, undefined) without a
// Delayed per item: the first call is made by `delayed(fn)` as usual (which checks the function
// and gives its reference, its key name and its node), and every other item gets the same node
// with its own argument and a fresh random key under the same name, as `delayed(fn)(item)`
// would give it. Items that are objects (futures, Delayed values, collections, arrays...) need
// delayed's walk over arguments: the caller takes the ordinary way for those. The tasks become
// either a graph (`mapGraph`, to place them) or straight the graph part of a `hold` message
// (`mapMessage`, what `graphMessage` would make of that graph, without the Map between).
import { randomFillSync } from 'node:crypto';
import { daskGraph, encodeValue, type Collection, type GraphNode } from '@dask-ts/protocol';
import { delayed, toPortableRef } from '@dask-ts/graph';
import type { GraphMessage } from '@dask-ts/distributed';

/** A random key's token: 32 hex digits (as @dask-ts/graph's delayed makes them). */
const TOKEN = /-[0-9a-f]{32}$/;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * Makes keys `${prefix}${32 random hex digits}` as flat strings (a concatenation would keep a rope
 * of two parts per key).
 */
function keyMaker(prefix: string, count: number): () => string {
  const random = randomFillSync(Buffer.allocUnsafe(16 * count));
  let at = 0;
  if (!/^[\x20-\x7e]*$/.test(prefix)) return () => prefix + random.toString('hex', at, (at += 16));
  const buf = Buffer.alloc(prefix.length + 32);
  buf.write(prefix, 'latin1');
  return () => {
    let o = prefix.length;
    for (let i = 0; i < 16; i++) {
      const h = HEX[random[at++]];
      buf[o++] = h.charCodeAt(0);
      buf[o++] = h.charCodeAt(1);
    }
    return buf.toString('latin1');
  };
}

/** Whether `x` is a plain item (see the file comment). */
function isPlain(x: unknown): boolean {
  return (typeof x !== 'object' && typeof x !== 'function') || x === null;
}

/** The calls of one map over plain items: their keys, and the node of the first. */
export interface MapCalls {
  readonly keys: string[];
  readonly node: Extract<GraphNode, { kind: 'task' }>;
  readonly items: readonly unknown[];
}

/**
 * The calls of `fn` over `items`, in order, with their keys; undefined when some item is not a
 * plain item (or the first call's key is not a random one): then make the calls with `delayed`.
 * Throws what `delayed(fn)` throws (a bad function).
 *
 * @example
 * const calls = mapCalls((x: number) => x + 1, [1, 2, 3]); // 3 keys 'delayed-…'
 */
export function mapCalls(
  fn: (item: never) => unknown,
  items: readonly unknown[],
): MapCalls | undefined {
  if (items.length === 0 || !items.every(isPlain)) return undefined;
  const first = (delayed(fn) as unknown as (x: unknown) => Collection)(items[0]);
  const own = first[daskGraph]();
  if (own.size !== 1) return undefined;
  const [[key, node]] = own;
  if (node.kind !== 'task' || !TOKEN.test(key)) return undefined;
  const next = keyMaker(key.slice(0, key.length - 32), items.length - 1);
  const keys = new Array<string>(items.length);
  keys[0] = key;
  for (let i = 1; i < items.length; i++) keys[i] = next();
  return { keys, node, items };
}

/**
 * The calls as a graph, one task per key, in order.
 *
 * @example
 * const graph = mapGraph(mapCalls(inc, [1, 2])!);
 */
export function mapGraph({ keys, node, items }: MapCalls): Map<string, GraphNode> {
  const graph = new Map<string, GraphNode>();
  for (let i = 0; i < keys.length; i++)
    graph.set(keys[i], { kind: 'task', fn: node.fn, args: [items[i]], deps: node.deps });
  return graph;
}

/**
 * The graph part of the `hold` message of the calls, as `graphMessage(mapGraph(calls))` makes it
 * (a closure is refused here, naming the first key).
 *
 * @example
 * send({ op: 'hold', ...mapMessage(calls), keys: calls.keys });
 */
export function mapMessage({ keys, node, items }: MapCalls): GraphMessage {
  const n = keys.length;
  const fns = [toPortableRef(node.fn, keys[0])];
  const fnIndex = new Array<number>(n).fill(0);
  const payloads = new Array<unknown>(n);
  const deps = new Array<string[]>(n).fill(node.deps as string[]);
  for (let i = 0; i < n; i++) payloads[i] = encodeValue([items[i]]).payload;
  return { graphKeys: keys.slice(), fns, fnIndex, payloads, deps };
}

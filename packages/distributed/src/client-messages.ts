// What a client and a scheduler server say to each other, after the handshake: the client sends a
// graph to compute (its nodes as codec payloads, its functions as portable references) and may
// cancel it; the server answers with the values of the wanted keys, or the error, once. A graph
// travels as parallel lists (keys, nodes), so it needs no Map on the wire. Both sides check what
// they receive with these schemas; errors cross as serialized errors, and a task's failure keeps
// its key and story (the client rebuilds it with `taskFailure`).
import {
  decodeValue,
  deserializeError,
  encodeValue,
  isTaskError,
  portableFunctionRefSchema,
  serializeError,
  taskFailure,
  type Graph,
  type GraphNode,
  type SerializedError,
} from '@dask-ts/protocol';
import { toPortableRef } from '@dask-ts/graph';
import { z } from 'zod';

const serializedError = z.custom<SerializedError>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { name?: unknown }).name === 'string' &&
    typeof (v as { message?: unknown }).message === 'string',
  { message: 'expected a serialized error (name, message)' },
);

const wireNode = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('task'),
    fn: portableFunctionRefSchema,
    args: z.array(z.unknown()),
    deps: z.array(z.string()),
  }),
  z.object({ kind: z.literal('data'), value: z.unknown() }),
]);

/**
 * Messages from a client to the scheduler server.
 *
 * @example
 * fromClientSchema.parse({ op: 'cancel', id: 1 });
 */
export const fromClientSchema = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('compute'),
    id: z.number().int(),
    graphKeys: z.array(z.string()),
    nodes: z.array(wireNode),
    keys: z.array(z.string()),
  }),
  z.object({ op: z.literal('cancel'), id: z.number().int() }),
]);

/** A message from a client (see {@link fromClientSchema}). @example const m: FromClient = { op: 'cancel', id: 1 }; */
export type FromClient = z.infer<typeof fromClientSchema>;

/**
 * Messages from the scheduler server to a client.
 *
 * @example
 * toClientSchema.parse({ op: 'result', id: 1, values: [42] });
 */
export const toClientSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('result'), id: z.number().int(), values: z.array(z.unknown()) }),
  z.object({
    op: z.literal('error'),
    id: z.number().int(),
    error: serializedError,
    task: z.object({ key: z.string(), story: z.array(z.string()) }).optional(),
  }),
]);

/** A message to a client (see {@link toClientSchema}). @example const m: ToClient = { op: 'result', id: 1, values: [] }; */
export type ToClient = z.infer<typeof toClientSchema>;

/**
 * The `compute` message for `graph`: functions made portable (a closure is refused here, naming
 * its key) and values encoded by the codecs.
 *
 * @example
 * send(computeMessage(1, graph, ['y']));
 */
export function computeMessage(id: number, graph: Graph, keys: readonly string[]): FromClient {
  const graphKeys: string[] = [];
  const nodes: z.infer<typeof wireNode>[] = [];
  for (const [key, node] of graph) {
    graphKeys.push(key);
    if (node.kind === 'data') nodes.push({ kind: 'data', value: encodeValue(node.value).payload });
    else {
      nodes.push({
        kind: 'task',
        fn: toPortableRef(node.fn, key),
        args: encodeValue(node.args).payload as unknown[],
        deps: [...node.deps],
      });
    }
  }
  return { op: 'compute', id, graphKeys, nodes, keys: [...keys] };
}

/**
 * The graph a `compute` message carries, with its values decoded.
 *
 * @example
 * const graph = graphOf(message);
 */
export function graphOf(message: Extract<FromClient, { op: 'compute' }>): Graph {
  const { graphKeys, nodes } = message;
  if (graphKeys.length !== nodes.length) {
    throw new Error(`a compute message with ${graphKeys.length} keys but ${nodes.length} nodes`);
  }
  const graph = new Map<string, GraphNode>();
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i];
    graph.set(
      graphKeys[i],
      node.kind === 'data'
        ? { kind: 'data', value: decodeValue(node.value) }
        : {
            kind: 'task',
            fn: node.fn,
            args: decodeValue(node.args) as unknown[],
            deps: node.deps,
          },
    );
  }
  return graph;
}

/**
 * The `error` message for compute `id` failing with `err`.
 *
 * @example
 * send(errorMessage(1, err));
 */
export function errorMessage(id: number, err: unknown): ToClient {
  if (isTaskError(err)) {
    const cause = (err as { cause?: unknown }).cause;
    return {
      op: 'error',
      id,
      error: serializeError(cause ?? err),
      task: { key: err.key, story: [...err.story] },
    };
  }
  return { op: 'error', id, error: serializeError(err) };
}

/**
 * The error an `error` message stands for, rebuilt on the client.
 *
 * @example
 * reject(errorOf(message));
 */
export function errorOf(message: Extract<ToClient, { op: 'error' }>): Error {
  if (message.task !== undefined) {
    return taskFailure(message.task.key, message.error, message.task.story);
  }
  return deserializeError(message.error);
}

// What a client and a scheduler server say to each other, after the handshake: the client sends a
// graph to compute (its values as codec payloads, its functions as portable references) and may
// cancel it; the server answers with the values of the wanted keys, or the error, once. A `hold`
// carries a graph too, but its keys stay on the cluster: the server reports each key's status once
// (`key`: finished, error or cancelled), and forgets the key on `release`. `run` asks for a
// function to run on every worker (`ran` answers, per worker). Data nodes whose value is a Future
// of the sending client are left out of a graph: their keys are held on the cluster already. A graph
// travels as parallel lists (keys, function indices, payloads, dependencies), each distinct
// function once, so it needs no Map on the wire and checks in plain loops. Both sides check what
// they receive with these schemas; errors cross as serialized errors, and a task's failure keeps
// its key and story (the client rebuilds it with `taskFailure`).
import {
  decodeValue,
  deserializeError,
  encodeValue,
  isTaskError,
  placementSchema,
  portableFunctionRefSchema,
  serializeError,
  taskFailure,
  type FunctionRef,
  type Graph,
  type GraphNode,
  type Placement,
  type PortableFunctionRef,
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

/**
 * An array whose elements pass `ok`, checked in one plain loop: a compute carries tens of
 * thousands of nodes, and zod's per-element parsing would cost more than the tasks.
 */
function arrayOf<T>(what: string, ok: (x: unknown) => boolean): z.ZodType<T[]> {
  return z.custom<T[]>().superRefine((v, ctx) => {
    if (!Array.isArray(v)) {
      ctx.addIssue({ code: 'custom', message: `expected an array (each ${what})` });
      return;
    }
    for (let i = 0; i < v.length; i++) {
      if (!ok(v[i])) {
        ctx.addIssue({ code: 'custom', message: `expected ${what}`, path: [i] });
        return;
      }
    }
  });
}

const isString = (x: unknown): boolean => typeof x === 'string';
const strings = arrayOf<string>('a string', isString);

/** The fields of a message that carries a graph (see {@link graphOf}). */
const graphFields = {
  /** The graph's keys; node `i` is a task of `fns[fnIndex[i]]` or, at -1, a data node. */
  graphKeys: strings,
  fns: z.array(portableFunctionRefSchema),
  fnIndex: arrayOf<number>('an integer >= -1', (x) => Number.isInteger(x) && (x as number) >= -1),
  /** A task's arguments (an array), or a data node's value; codec payloads. */
  payloads: z.custom<unknown[]>((v) => Array.isArray(v), { message: 'expected an array' }),
  deps: arrayOf<string[]>('an array of keys', (x) => Array.isArray(x) && x.every(isString)),
  /** Distinct placements (retries, workers, resources) of the graph's nodes; see placementIndex. */
  placements: z.array(placementSchema).optional(),
  /** Per node: its index in `placements`, or -1 (absent: no node has one). */
  placementIndex: arrayOf<number>(
    'an integer >= -1',
    (x) => Number.isInteger(x) && (x as number) >= -1,
  ).optional(),
};

/**
 * Messages from a client to the scheduler server.
 *
 * @example
 * fromClientSchema.parse({ op: 'cancel', id: 1 });
 */
export const fromClientSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('compute'), id: z.number().int(), ...graphFields, keys: strings }),
  z.object({ op: z.literal('cancel'), id: z.number().int() }),
  z.object({
    op: z.literal('hold'),
    ...graphFields,
    keys: strings,
    /** Keys whose values the client awaits already: sent to it (`value`) once ready. */
    push: strings.optional(),
    /** Copy the (data) keys to every worker once they are in memory (scatter's broadcast). */
    broadcast: z.boolean().optional(),
  }),
  z.object({ op: z.literal('release'), keys: strings, cancel: z.boolean().optional() }),
  /** A task on `worker` (this client's, from getClient) waits for others: pause the worker. */
  z.object({ op: z.literal('pause'), worker: z.string(), paused: z.boolean() }),
  /** Keep computing these held keys even once the client releases them (fireAndForget). */
  z.object({ op: z.literal('forget'), keys: strings }),
  z.object({
    op: z.literal('run'),
    id: z.number().int(),
    fn: portableFunctionRefSchema,
    /** The arguments (an array), as a codec payload. */
    args: z.unknown(),
  }),
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
  /** The values of held keys the client asked to be pushed (`failed`: fetch them instead). */
  z.object({
    op: z.literal('values'),
    keys: strings,
    values: z.array(z.unknown()).optional(),
    failed: z.boolean().optional(),
  }),
  /** Held keys now in memory on the cluster (sent in batches). */
  z.object({ op: z.literal('finished'), keys: strings }),
  z.object({
    op: z.literal('key'),
    key: z.string(),
    status: z.enum(['finished', 'error', 'cancelled']),
    error: serializedError.optional(),
    task: z.object({ key: z.string(), story: z.array(z.string()) }).optional(),
  }),
  z.object({
    op: z.literal('ran'),
    id: z.number().int(),
    workers: strings,
    /** Per worker: its result as a codec payload, or null when it failed. */
    values: z.array(z.unknown()),
    /** Per worker: its error, or null. */
    errors: z.array(serializedError.nullable()),
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
export function computeMessage(
  id: number,
  graph: Graph,
  keys: readonly string[],
  held?: (key: string, value: unknown) => boolean,
): Extract<FromClient, { op: 'compute' }> {
  return { op: 'compute', id, ...graphMessage(graph, held), keys: [...keys] };
}

/**
 * The graph part of a `compute` or `hold` message: functions made portable (a closure is refused
 * here, naming its key) and values encoded by the codecs; data nodes for which `held` says true
 * are left out (their keys are held on the cluster).
 *
 * @example
 * send({ op: 'hold', ...graphMessage(graph), keys: ['y'] });
 */
export function graphMessage(
  graph: Graph,
  held?: (key: string, value: unknown) => boolean,
): GraphMessage {
  const graphKeys: string[] = [];
  const fns: PortableFunctionRef[] = [];
  const fnIds = new Map<FunctionRef, number>();
  const fnIndex: number[] = [];
  const payloads: unknown[] = [];
  const deps: string[][] = [];
  const placed = new PlacementList();
  for (const [key, node] of graph) {
    graphKeys.push(key);
    if (node.kind === 'data') {
      if (held?.(key, node.value) === true) {
        graphKeys.pop();
        continue;
      }
      placed.add(graphKeys.length - 1, node.placement);
      fnIndex.push(-1);
      payloads.push(encodeValue(node.value).payload);
      deps.push([]);
      continue;
    }
    // Each distinct function reference travels once.
    let at = fnIds.get(node.fn);
    if (at === undefined) {
      at = fns.push(toPortableRef(node.fn, key)) - 1;
      fnIds.set(node.fn, at);
    }
    fnIndex.push(at);
    payloads.push(encodeValue(node.args).payload);
    deps.push(node.deps as string[]);
    placed.add(graphKeys.length - 1, node.placement);
  }
  return { graphKeys, fns, fnIndex, payloads, deps, ...placed.fields(graphKeys.length) };
}

/** The placements of a graph's nodes as they travel: each distinct one once, an index per node. */
class PlacementList {
  private readonly list: Placement[] = [];
  private readonly ids = new Map<Placement, number>();
  private readonly at: [node: number, placement: number][] = [];

  add(i: number, p: Placement | undefined): void {
    if (p === undefined) return;
    let id = this.ids.get(p);
    if (id === undefined) {
      id = this.list.push(p) - 1;
      this.ids.set(p, id);
    }
    this.at.push([i, id]);
  }

  fields(n: number): { placements?: Placement[]; placementIndex?: number[] } {
    if (this.at.length === 0) return {};
    const placementIndex = new Array<number>(n).fill(-1);
    for (const [i, id] of this.at) placementIndex[i] = id;
    return { placements: this.list, placementIndex };
  }
}

/** The graph a message carries, as parallel lists. @example const g: GraphMessage = graphMessage(graph); */
export interface GraphMessage {
  readonly graphKeys: string[];
  readonly fns: PortableFunctionRef[];
  readonly fnIndex: number[];
  readonly payloads: unknown[];
  readonly deps: string[][];
  readonly placements?: Placement[];
  readonly placementIndex?: number[];
}

/**
 * The graph a `compute` message carries, with its values decoded.
 *
 * @example
 * const graph = graphOf(message);
 */
export function graphOf(message: GraphMessage): Graph {
  const { graphKeys, fns, fnIndex, payloads, deps, placements, placementIndex } = message;
  const n = graphKeys.length;
  if (fnIndex.length !== n || payloads.length !== n || deps.length !== n) {
    throw new Error(
      `a compute message with ${n} keys but ${fnIndex.length} function indices, ${payloads.length} payloads and ${deps.length} dependency lists`,
    );
  }
  if (placementIndex !== undefined && placementIndex.length !== n)
    throw new Error(
      `a compute message with ${n} keys but ${placementIndex.length} placement indices`,
    );
  const placementOf = (i: number): { placement?: Placement } => {
    const p = placementIndex === undefined ? -1 : placementIndex[i];
    if (p === -1) return {};
    const placement = placements?.[p];
    if (placement === undefined)
      throw new Error(`node ${graphKeys[i]} names placement ${p}, which is missing`);
    return { placement };
  };
  const graph = new Map<string, GraphNode>();
  for (let i = 0; i < n; i++) {
    const at = fnIndex[i];
    if (at === -1) {
      graph.set(graphKeys[i], {
        kind: 'data',
        value: decodeValue(payloads[i]),
        ...placementOf(i),
      });
      continue;
    }
    const fn = fns[at];
    if (fn === undefined)
      throw new Error(`node ${graphKeys[i]} names function ${at}, which is missing`);
    const args = decodeValue(payloads[i]);
    if (!Array.isArray(args)) throw new Error(`the arguments of ${graphKeys[i]} are not an array`);
    graph.set(graphKeys[i], { kind: 'task', fn, args, deps: deps[i], ...placementOf(i) });
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

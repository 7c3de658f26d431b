// Wire messages between a scheduler and its workers, as zod schemas. Every message is validated
// where it arrives; a malformed one is refused with an error naming the sender and the field, and
// never crashes the receiver. Messages are batched (many tasks or results per message) to keep the
// per-task cost in microseconds. Values inside messages are codec payloads (see codecs.ts).
// The message types, their packing and the version live in wire.ts (no zod), which a worker loads
// alone; wire-check.ts validates incoming messages there without zod, matching these schemas.
import { z } from 'zod';
import type { PortableFunctionRef } from './functions.js';
import { throwProtocol } from './wire.js';

export {
  PROTOCOL_VERSION,
  packCompute,
  unpackCompute,
  type ToWorker,
  type FromWorker,
  type WireTask,
  type ComputeMessage,
} from './wire.js';

/**
 * The zod schema of a portable function reference.
 *
 * @example
 * portableFunctionRefSchema.parse({ kind: 'builtin', name: 'graph.identity' });
 */
export const portableFunctionRefSchema: z.ZodType<PortableFunctionRef> = z.discriminatedUnion(
  'kind',
  [
    z.object({
      kind: z.literal('module'),
      specifier: z.string().min(1),
      exportName: z.string().min(1),
    }),
    z.object({
      kind: z.literal('builtin'),
      name: z.string().min(1),
      module: z.string().min(1).optional(),
    }),
    z.object({
      kind: z.literal('source'),
      source: z.string().min(1),
      scope: z.record(z.string(), z.unknown()),
      name: z.string().optional(),
      helpers: z.record(z.string(), z.string()).optional(),
      origin: z.string().optional(),
    }),
  ],
);

const serializedErrorSchema: z.ZodType<{
  name: string;
  message: string;
  stack?: string;
  cause?: unknown;
  props?: Record<string, unknown>;
  thrown?: { value?: unknown };
  class?: string;
}> = z.object({
  name: z.string(),
  message: z.string(),
  stack: z.string().optional(),
  cause: z.unknown().optional(),
  props: z.record(z.string(), z.unknown()).optional(),
  thrown: z.object({ value: z.unknown() }).optional(),
  class: z.string().optional(),
});

/**
 * An array whose elements pass `ok`, checked in one plain loop. Batches carry tens of thousands of
 * keys; zod's per-element parsing of `z.array(z.string())` costs more than the tasks themselves.
 * A bad element is reported with its index (`keys.17: expected a string, got number`).
 */
function arrayOf<T>(what: string, ok: (x: unknown) => boolean): z.ZodType<T[]> {
  return z.custom<T[]>().superRefine((v, ctx) => {
    if (!Array.isArray(v)) {
      ctx.addIssue({
        code: 'custom',
        message: `expected an array (each ${what}), got ${typeof v}`,
      });
      return;
    }
    for (let i = 0; i < v.length; i++) {
      if (!ok(v[i])) {
        const got = v[i] === null ? 'null' : typeof v[i];
        ctx.addIssue({ code: 'custom', message: `expected ${what}, got ${got}`, path: [i] });
        return;
      }
    }
  });
}

const strings = arrayOf<string>('a string', (x) => typeof x === 'string');
const numbers = arrayOf<number>('a number', (x) => typeof x === 'number');
const counts = arrayOf<number>(
  'an integer >= -1',
  (x) => Number.isInteger(x) && (x as number) >= -1,
);
const unknownArrays = arrayOf<unknown[]>('an array', Array.isArray);
const values = z.custom<unknown[]>((v) => Array.isArray(v), { message: 'expected an array' });

/** The schema of one task as a worker sees it. @example wireTaskSchema.parse({ key: 'x', fn, args: [], deps: [] }) */
export const wireTaskSchema = z.object({
  key: z.string(),
  fn: portableFunctionRefSchema,
  args: z.array(z.unknown()),
  deps: z.array(z.string()),
});

/**
 * The packed form of a batch of tasks, as it travels. Structured clone of many small objects costs
 * microseconds per task, so a batch is sent as parallel arrays: each distinct function reference
 * once (`fns`), and for the common task whose arguments are all references (`argCount[i] >= 0`),
 * just the referenced keys (`argKeys`, flattened). Other tasks (`argCount[i] === -1`) carry their
 * arguments in `args`, in order. Use {@link packCompute} and {@link unpackCompute}.
 *
 * @example
 * computeSchema.parse(packCompute([{ key: 'y', fn, args: [{ $ref: 'x' }], deps: ['x'] }]));
 */
export const computeSchema = z.object({
  op: z.literal('compute'),
  fns: z.array(portableFunctionRefSchema),
  keys: strings,
  fnIndex: arrayOf<number>('an integer >= 0', (x) => Number.isInteger(x) && (x as number) >= 0),
  argCount: counts,
  argKeys: strings,
  args: unknownArrays,
  want: arrayOf<number>(
    'an integer >= 0',
    (x) => Number.isInteger(x) && (x as number) >= 0,
  ).optional(),
});

const toWorkerSingle = [
  computeSchema,
  z.object({ op: z.literal('put'), keys: strings, values }),
  z.object({ op: z.literal('release'), keys: strings }),
  z.object({
    op: z.literal('gather'),
    id: z.number().int(),
    keys: strings,
    release: z.boolean(),
  }),
  z.object({ op: z.literal('steal'), keys: strings }),
  z.object({ op: z.literal('close') }),
] as const;

/**
 * Messages a scheduler sends to a worker.
 *
 * - `compute`: run these tasks (their dependencies are already in the worker's memory, or arrive
 *   first with `put`) and report each as `finished` or `erred`.
 * - `put`: hold these values (literal data, or inputs gathered from another worker).
 * - `release`: forget these keys.
 * - `gather`: send these values back with `gathered`; `release` drops them after sending (so their
 *   buffers can be transferred instead of copied).
 * - `steal`: give back these queued tasks if they have not started (work stealing): answer
 *   at once with `stolen`, and never run or report them.
 * - `close`: finish and exit.
 * - `batch`: several of the above, handled in order. Each message between threads costs tens of
 *   microseconds however small it is, so a scheduler sends what one turn produced (say a
 *   `release`, a `put` and a `compute`) as one `batch`.
 *
 * @example
 * toWorkerSchema.parse({ op: 'release', keys: ['x'] });
 */
export const toWorkerSchema = z.discriminatedUnion('op', [
  ...toWorkerSingle,
  z.object({
    op: z.literal('batch'),
    messages: z.array(z.discriminatedUnion('op', toWorkerSingle)),
  }),
]);

/**
 * Messages a worker sends to its scheduler.
 *
 * - `hello`: the worker is up (with its protocol version).
 * - `finished`: these tasks finished; their results stay in the worker (`nbytes` each); `ms` is
 *   how long they took to run, together (the scheduler sizes its batches by it). The values of
 *   those a compute wants (`want` in `compute`) come along: `values[i]` for `valueKeys[i]`.
 * - `erred`: this task threw; `error` keeps its name, message and stack.
 * - `gathered`: the values asked for by `gather` `id` (`missing` lists keys it did not hold).
 * - `stolen`: the answer to `steal`: the keys given back.
 *
 * @example
 * fromWorkerSchema.parse({ op: 'finished', keys: ['x'], nbytes: [8] });
 */
export const fromWorkerSchema = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('hello'),
    worker: z.string(),
    version: z.number().int(),
    pid: z.number().int(),
  }),
  z.object({
    op: z.literal('finished'),
    keys: strings,
    nbytes: numbers,
    ms: z.number().nonnegative().optional(),
    valueKeys: strings.optional(),
    values: values.optional(),
  }),
  z.object({ op: z.literal('erred'), key: z.string(), error: serializedErrorSchema }),
  z.object({
    op: z.literal('gathered'),
    id: z.number().int(),
    keys: strings,
    values,
    missing: strings,
  }),
  z.object({ op: z.literal('stolen'), keys: strings }),
]);

/**
 * Validates a message against a schema; a malformed message becomes a {@link ProtocolError} that
 * names the sender and the offending fields.
 *
 * @example
 * const msg = parseMessage(fromWorkerSchema, raw, 'worker-1');
 */
export function parseMessage<T>(schema: z.ZodType<T>, raw: unknown, from: string): T {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issues = result.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : '(message)'}: ${i.message}`)
    .join('; ');
  let shown: string;
  try {
    shown = JSON.stringify(raw)?.slice(0, 200) ?? String(raw);
  } catch {
    shown = String(raw);
  }
  return throwProtocol(`Malformed message from ${from}: ${issues}. Received: ${shown}`);
}

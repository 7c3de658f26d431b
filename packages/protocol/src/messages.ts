// Wire messages between a scheduler and its workers, as zod schemas. Every message is validated
// where it arrives; a malformed one is refused with an error naming the sender and the field, and
// never crashes the receiver. Messages are batched (many tasks or results per message) to keep the
// per-task cost in microseconds. Values inside messages are codec payloads (see codecs.ts).
import { z } from 'zod';
import { ProtocolError } from './errors.js';
import type { PortableFunctionRef } from './functions.js';

/**
 * The version of the wire protocol; a worker of another version is refused at `hello`.
 *
 * @example
 * if (hello.version !== PROTOCOL_VERSION) throw new Error('version mismatch');
 */
export const PROTOCOL_VERSION = 1;

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
    }),
  ],
) as z.ZodType<PortableFunctionRef>;

const serializedErrorSchema: z.ZodType<{
  name: string;
  message: string;
  stack?: string;
  cause?: unknown;
}> = z.object({
  name: z.string(),
  message: z.string(),
  stack: z.string().optional(),
  cause: z.unknown().optional(),
});

/** The schema of a task as sent to a worker. @example wireTaskSchema.parse({ key: 'x', fn, args: [], deps: [] }) */
export const wireTaskSchema = z.object({
  key: z.string(),
  fn: portableFunctionRefSchema,
  args: z.array(z.unknown()),
  deps: z.array(z.string()),
});

/**
 * Messages a scheduler sends to a worker.
 *
 * - `compute`: run these tasks (their dependencies are already in the worker's memory, or arrive
 *   first with `put`) and report each as `finished` or `erred`.
 * - `put`: hold these values (literal data, or inputs gathered from another worker).
 * - `release`: forget these keys.
 * - `gather`: send these values back with `gathered`; `release` drops them after sending (so their
 *   buffers can be transferred instead of copied).
 * - `close`: finish and exit.
 *
 * @example
 * toWorkerSchema.parse({ op: 'release', keys: ['x'] });
 */
export const toWorkerSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('compute'), tasks: z.array(wireTaskSchema) }),
  z.object({ op: z.literal('put'), keys: z.array(z.string()), values: z.array(z.unknown()) }),
  z.object({ op: z.literal('release'), keys: z.array(z.string()) }),
  z.object({
    op: z.literal('gather'),
    id: z.number().int(),
    keys: z.array(z.string()),
    release: z.boolean(),
  }),
  z.object({ op: z.literal('close') }),
]);

/**
 * Messages a worker sends to its scheduler.
 *
 * - `hello`: the worker is up (with its protocol version).
 * - `finished`: these tasks finished; their results stay in the worker (`nbytes` each).
 * - `erred`: this task threw; `error` keeps its name, message and stack.
 * - `gathered`: the values asked for by `gather` `id` (`missing` lists keys it did not hold).
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
  z.object({ op: z.literal('finished'), keys: z.array(z.string()), nbytes: z.array(z.number()) }),
  z.object({ op: z.literal('erred'), key: z.string(), error: serializedErrorSchema }),
  z.object({
    op: z.literal('gathered'),
    id: z.number().int(),
    keys: z.array(z.string()),
    values: z.array(z.unknown()),
    missing: z.array(z.string()),
  }),
]);

/** A message to a worker. @example const m: ToWorker = { op: 'close' }; */
export type ToWorker = z.infer<typeof toWorkerSchema>;
/** A message from a worker. @example const m: FromWorker = { op: 'finished', keys: ['x'], nbytes: [8] }; */
export type FromWorker = z.infer<typeof fromWorkerSchema>;
/** A task as sent to a worker. @example const t: WireTask = { key: 'x', fn, args: [], deps: [] }; */
export type WireTask = z.infer<typeof wireTaskSchema>;

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

function throwProtocol(message: string): never {
  throw new ProtocolError(message);
}

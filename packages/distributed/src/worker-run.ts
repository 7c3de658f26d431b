// `client.run` on a worker node: the scheduler sends `run` (a portable function and its encoded
// arguments) down each worker's link; the node's main thread runs it itself (not the worker
// thread, which may be busy with a task: as Dask runs it in the worker process, beside its tasks)
// and answers `ran` with the encoded result, or the serialized error. It never throws: a function
// that cannot be resolved, that throws or whose result cannot be encoded answers with the error.
import {
  decodeValue,
  encodeValue,
  portableFunctionRefSchema,
  serializeError,
  type PortableFunctionRef,
  type SerializedError,
} from '@dask-ts/protocol';
import { resolveFunction } from '@dask-ts/worker';
import { z } from 'zod';

/**
 * The scheduler asks a worker to run a function.
 *
 * @example
 * const m: RunMessage = { op: 'run', id: 1, fn: ref, args: [] };
 */
export interface RunMessage {
  readonly op: 'run';
  readonly id: number;
  readonly fn: PortableFunctionRef;
  /** The arguments (an array), as a codec payload. */
  readonly args: unknown;
}

/**
 * A worker's answer to a {@link RunMessage}.
 *
 * @example
 * const m: RanMessage = { op: 'ran', id: 1, value: 42 };
 */
export interface RanMessage {
  readonly op: 'ran';
  readonly id: number;
  /** The result as a codec payload. */
  readonly value?: unknown;
  readonly error?: SerializedError;
}

const runSchema = z.object({
  op: z.literal('run'),
  id: z.number().int(),
  fn: portableFunctionRefSchema,
  args: z.unknown(),
});

/**
 * Checks a worker's `ran` answer.
 *
 * @example
 * const parsed = ranSchema.safeParse(raw);
 */
export const ranSchema = z.object({
  op: z.literal('ran'),
  id: z.number().int(),
  value: z.unknown().optional(),
  error: z
    .custom<SerializedError>(
      (v) =>
        typeof v === 'object' &&
        v !== null &&
        typeof (v as { message?: unknown }).message === 'string',
    )
    .optional(),
});

/**
 * Whether `raw` is a message for {@link runHere} (rather than for the worker thread).
 *
 * @example
 * if (isRunMessage(raw)) void runHere(raw, send);
 */
export function isRunMessage(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && (raw as { op?: unknown }).op === 'run';
}

/**
 * Runs a `run` message's function in this thread and sends the answer with `send`.
 *
 * @example
 * link.listen({ message: (raw) => (isRunMessage(raw) ? void runHere(raw, (m) => link.send(m)) : ...) });
 */
export async function runHere(raw: unknown, send: (message: RanMessage) => void): Promise<void> {
  const parsed = runSchema.safeParse(raw);
  if (!parsed.success) return;
  const { id, fn, args } = parsed.data;
  let answer: RanMessage;
  try {
    const f = await resolveFunction(fn, `run-${id}`);
    const values = decodeValue(args);
    const result: unknown = await f(...(Array.isArray(values) ? values : []));
    answer = { op: 'ran', id, value: encodeValue(result).payload };
  } catch (err) {
    answer = { op: 'ran', id, error: serializeError(err) };
  }
  send(answer);
}

// Errors that reach users. Each names its culprit (a key, a cycle, a variable, a message field)
// and, for task failures, carries the task's original error name, message and stack plus the
// key's story, so a failure explains itself.

/**
 * A task's error as it crosses threads and processes: its name, message and stack survive.
 *
 * @example
 * const e: SerializedError = { name: 'RangeError', message: 'bad index', stack: 'RangeError: ...' };
 */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly cause?: SerializedError;
}

/**
 * Turns any thrown value into a {@link SerializedError}.
 *
 * @example
 * serializeError(new TypeError('x')); // { name: 'TypeError', message: 'x', stack: ... }
 */
export function serializeError(err: unknown): SerializedError {
  if (err instanceof Error) {
    const out: { name: string; message: string; stack?: string; cause?: SerializedError } = {
      name: err.name,
      message: err.message,
    };
    if (err.stack !== undefined) out.stack = err.stack;
    if (err.cause !== undefined) out.cause = serializeError(err.cause);
    return out;
  }
  return { name: 'NonErrorThrown', message: `A task threw a non-Error value: ${String(err)}` };
}

/**
 * Rebuilds an `Error` from a {@link SerializedError}, keeping its name, message and stack.
 *
 * @example
 * const err = deserializeError({ name: 'RangeError', message: 'bad index' });
 */
export function deserializeError(e: SerializedError): Error {
  const err = new Error(e.message, e.cause ? { cause: deserializeError(e.cause) } : undefined);
  err.name = e.name;
  if (e.stack !== undefined) err.stack = e.stack;
  return err;
}

/**
 * A task failed. `name`, `message` and `stack` are the original error's, `key` names the task,
 * `cause` is the rebuilt original error and `story` says what happened to the key.
 *
 * @example
 * try { await compute(x); } catch (e) { if (e instanceof TaskError) console.log(e.key, e.story); }
 */
export class TaskError extends Error {
  readonly key: string;
  readonly story: readonly string[];
  constructor(key: string, original: SerializedError, story: readonly string[] = []) {
    super(`Task ${key} failed: ${original.name}: ${original.message}`, {
      cause: deserializeError(original),
    });
    this.name = original.name;
    this.key = key;
    this.story = story;
    // The original stack (showing the user's function) leads, followed by where it surfaced.
    this.stack = `${original.stack ?? `${original.name}: ${original.message}`}\n    [dask-ts] while computing task ${key}`;
  }
}

/**
 * A graph is malformed: a missing dependency, a cycle, or a bad node. `keys` names the culprits.
 *
 * @example
 * throw new GraphError('Task y depends on missing key x', ['y', 'x']);
 */
export class GraphError extends Error {
  readonly keys: readonly string[];
  constructor(message: string, keys: readonly string[]) {
    super(message);
    this.name = 'GraphError';
    this.keys = keys;
  }
}

/**
 * A function cannot be sent to another thread or process (for example, it captures an outer
 * variable that was not passed in `scope`). The message names the task, the variable and the fix.
 *
 * @example
 * throw new FunctionRefError("Task f-1 uses outer variable 'k' ...", 'f-1', ['k']);
 */
export class FunctionRefError extends Error {
  readonly key: string | undefined;
  readonly variables: readonly string[];
  constructor(message: string, key: string | undefined, variables: readonly string[] = []) {
    super(message);
    this.name = 'FunctionRefError';
    this.key = key;
    this.variables = variables;
  }
}

/**
 * A message that arrived on a transport is malformed or of another protocol version.
 *
 * @example
 * throw new ProtocolError('Malformed message from worker-1: op: expected "finished"');
 */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/**
 * A compute was aborted through its `AbortSignal`.
 *
 * @example
 * if (err instanceof ComputeAbortedError) console.log('cancelled');
 */
export class ComputeAbortedError extends Error {
  constructor(reason?: unknown) {
    super(
      `Compute aborted${reason instanceof Error ? `: ${reason.message}` : reason !== undefined ? `: ${String(reason)}` : ''}`,
    );
    this.name = 'AbortError';
  }
}

// Errors that reach users. Each names its culprit (a key, a cycle, a variable, a message field)
// and, for task failures, carries what the task threw, whole, plus the key's story, so a failure
// explains itself.
//
// Policy for what a task throws, on every scheduler (as Dask re-raises the original exception):
// the caller gets an error OF THE ORIGINAL CLASS wherever that class exists in the caller: the
// built-in errors (Error, TypeError, RangeError, ...), classes registered with `registerClass`,
// and, in-thread, any class at all. It is a copy of the original made without running the
// constructor (as `registerClass` decodes instances): the original's prototype, message, own
// properties (`err.code`, `err.errno`, custom fields) and stack (followed by the task it surfaced
// from), plus `key` (the task) and `story` (what happened to the key), which dask-ts sets; `cause`
// is the original itself: the very object in-thread, a rebuilt one (with its own cause chain)
// from a worker. So `catch (e) { if (e instanceof RangeError) ... }` works everywhere. What cannot
// be rebuilt (a class the caller does not know, a thrown non-Error such as `throw { code: 42 }`)
// arrives as a `TaskError` named after the original, with the same `key`, `story`, copied
// properties and `cause` (a thrown non-Error is kept as that value). Every task failure, rebuilt
// or not, is `instanceof TaskError` and passes `isTaskError`. Properties that cannot cross
// threads are described rather than dropped: a function becomes '[Function: name]', a cycle
// '[Circular]', anything past 8 levels or 2,000 values '[Truncated]'.
import { registeredPrototype } from './codec-registry.js';
import { decodeCopy, deserializeError } from './codecs.js';
import {
  BUILT_IN,
  copyProps,
  define,
  isError,
  rebuildThrown,
  serializeError,
  type SerializedError,
} from './error-serialization.js';

export { deserializeError, serializeError, type SerializedError };

/** Properties of the original that a task failure keeps its own values for. */
const TASK_ERROR_OWN = new Set(['name', 'message', 'stack', 'cause', 'key', 'story']);

/** Brands every task failure, rebuilt or not (see `TaskError[Symbol.hasInstance]`). */
const FAILURE = Symbol.for('dask-ts.task-failure');

/**
 * A task failed, and what it threw could not be rebuilt as an instance of its own class in the
 * caller (a class the caller does not know, or a thrown non-Error). `name` and `stack` are the
 * original's, `key` names the task, `story` says what happened to the key, `cause` is what the
 * task threw (a thrown non-Error is kept as that value), and the original's own enumerable
 * properties (such as `code`) are copied. Every task failure, including those rebuilt as their
 * own class (a `RangeError`...), is `instanceof TaskError`, with `key` and `story`.
 *
 * @example
 * try { await compute(x); } catch (e) {
 *   if (e instanceof RangeError) console.log('out of range in', (e as RangeError & TaskFailure).key);
 *   else if (e instanceof TaskError) console.log(e.key, e.story, e.cause);
 * }
 */
export class TaskError extends Error {
  readonly key: string;
  readonly story: readonly string[];
  /**
   * @param options.cause what the task threw, when it is at hand (the in-thread scheduler);
   *   otherwise it is rebuilt from `original`.
   */
  constructor(
    key: string,
    original: SerializedError,
    story: readonly string[] = [],
    options?: { readonly cause?: unknown },
  ) {
    const cause =
      options !== undefined && 'cause' in options
        ? options.cause
        : rebuildThrown(original, decodeCopy);
    super(`Task ${key} failed: ${original.name}: ${original.message}`, { cause });
    this.name = original.name;
    this.key = key;
    this.story = story;
    copyProps(this, cause, TASK_ERROR_OWN);
    // The original stack (showing the user's function) leads, followed by where it surfaced.
    this.stack = surfaced(original, key);
    define(this, FAILURE as unknown as string, true);
  }

  /** True for every task failure: a TaskError, or an error rebuilt as its original class. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isTaskError(value);
  }
}

/**
 * What every task failure carries besides its own class's members.
 *
 * @example
 * catch (e) { if (isTaskError(e)) console.log(e.key, e.story.join('\n')); }
 */
export interface TaskFailure extends Error {
  /** The key of the task that failed. */
  readonly key: string;
  /** What happened to the key, in order. */
  readonly story: readonly string[];
  /** What the task threw: the very value in-thread, a rebuilt copy from a worker. */
  readonly cause?: unknown;
}

/**
 * Whether `value` is a task failure (a {@link TaskError}, or what a task threw rebuilt as its own
 * class), with its `key` and `story`.
 *
 * @example
 * catch (e) { if (isTaskError(e) && e instanceof TypeError) retry(e.key); }
 */
export function isTaskError(value: unknown): value is TaskFailure {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { [FAILURE]?: unknown })[FAILURE] === true
  );
}

function surfaced(original: SerializedError, key: string): string {
  return `${original.stack ?? `${original.name}: ${original.message}`}\n    [dask-ts] while computing task ${key}`;
}

/**
 * The error a caller gets for a failed task (see the policy above): what the task threw, as an
 * instance of its own class where that class exists here, with `key`, `story` and `cause` (the
 * original); else a {@link TaskError}. `options.thrown` is what the task threw, when it is at hand
 * (the in-thread scheduler); otherwise it is rebuilt from `original`.
 *
 * @example
 * const e = taskFailure('load-1', serializeError(new RangeError('bad')), ['load-1: erred']);
 * e instanceof RangeError; // true
 * e.key; // 'load-1'
 */
export function taskFailure(
  key: string,
  original: SerializedError,
  story: readonly string[] = [],
  options?: { readonly thrown?: unknown },
): TaskFailure {
  const inThread = options !== undefined && 'thrown' in options;
  const thrown = inThread ? options.thrown : rebuildThrown(original, decodeCopy);
  const proto = rebuildable(thrown, original, inThread);
  if (proto === undefined) return new TaskError(key, original, story, { cause: thrown });
  try {
    const err = Object.create(proto) as Error;
    for (const [k, d] of Object.entries(Object.getOwnPropertyDescriptors(thrown as Error))) {
      if (k !== 'stack' && k !== 'cause' && k !== 'key' && k !== 'story') {
        Object.defineProperty(err, k, d);
      }
    }
    if (!Object.prototype.hasOwnProperty.call(err, 'message'))
      define(err, 'message', original.message);
    define(err, 'stack', surfaced(original, key));
    define(err, 'cause', thrown);
    Object.defineProperty(err, 'key', {
      value: key,
      enumerable: true,
      configurable: true,
      writable: true,
    });
    Object.defineProperty(err, 'story', {
      value: story,
      enumerable: true,
      configurable: true,
      writable: true,
    });
    define(err, FAILURE as unknown as string, true);
    // A class whose members need internal slots (DOMException) cannot be copied so: refuse it.
    if (String(err.name) !== original.name) throw new TypeError('not rebuilt');
    return err as TaskFailure;
  } catch {
    return new TaskError(key, original, story, { cause: thrown });
  }
}

/** The prototype to rebuild a task's error with, or undefined when its class is not known here. */
function rebuildable(
  thrown: unknown,
  original: SerializedError,
  inThread: boolean,
): object | undefined {
  if (original.thrown !== undefined || !isError(thrown)) return undefined;
  const proto = Object.getPrototypeOf(thrown) as object | null;
  if (proto === null) return undefined;
  if (inThread) return proto;
  // From a worker: the rebuilt error has its class only where the class was found here.
  if (original.class !== undefined && registeredPrototype(original.class) === proto) return proto;
  const builtIn = Object.prototype.hasOwnProperty.call(BUILT_IN, original.name)
    ? BUILT_IN[original.name]
    : undefined;
  if (builtIn !== undefined && proto === builtIn.prototype) return proto;
  return undefined;
}

/**
 * A graph is malformed: a missing dependency, a cycle, or a bad node. `keys` names the culprits.
 * Every place that checks a graph (graph validation, the in-thread plan, the scheduling core)
 * refuses the same fault with the same text, through the static constructors below.
 *
 * @example
 * throw GraphError.missingDependency('y', 'x');
 * // GraphError: Task 'y' depends on key 'x', which is not in the graph
 */
export class GraphError extends Error {
  readonly keys: readonly string[];
  constructor(message: string, keys: readonly string[]) {
    super(message);
    this.name = 'GraphError';
    this.keys = keys;
  }

  /**
   * A wanted (output) key is not in the graph.
   *
   * @example
   * GraphError.missingWanted('z').message; // "Wanted key 'z' is not in the graph"
   */
  static missingWanted(key: string): GraphError {
    return new GraphError(`Wanted key '${key}' is not in the graph`, [key]);
  }

  /**
   * A task depends on a key that is not in the graph. `keys` is `[task, dependency]`.
   *
   * @example
   * GraphError.missingDependency('b', 'a').message;
   * // "Task 'b' depends on key 'a', which is not in the graph"
   */
  static missingDependency(task: string, dependency: string): GraphError {
    return new GraphError(
      `Task '${task}' depends on key '${dependency}', which is not in the graph`,
      [task, dependency],
    );
  }

  /**
   * The graph has a cycle: `cycle` lists its keys, each depending on the next and the last on the
   * first; they are `keys`.
   *
   * @example
   * GraphError.cycle(['a', 'b']).message;
   * // "Graph has a cycle: a -> b -> a (each key depends on the next)"
   */
  static cycle(cycle: readonly string[]): GraphError {
    if (cycle.length === 0) return new GraphError('Graph has a cycle', cycle);
    const shown = [...cycle, cycle[0]].join(' -> ');
    return new GraphError(`Graph has a cycle: ${shown} (each key depends on the next)`, cycle);
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

// Refuses, before anything runs or is sent, a graph that cannot leave this thread: a local closure
// as a task's function or in an inline `{ $call }` among its arguments (outside `$literal` and
// `$ref`) makes `toPortableRef` throw a FunctionRefError that names the task's key; a value that
// structured clone cannot copy (a function, a Symbol, a WeakMap... see clone-check.ts) in a task's
// arguments, a data node's value or a source function's scope is refused with a GraphError that
// names the key, where the value is and what it is. Plain references are skipped without a look;
// data values and function references already checked (they are shared across computes of a
// cached graph) are not walked again.
import {
  ArgKind,
  argKind,
  GraphError,
  visitArgs,
  type ArgVisitor,
  type FunctionRef,
  type Graph,
} from '@dask-ts/protocol';
import { toPortableRef } from '@dask-ts/graph';
import { findUncloneable } from './clone-check.js';

/** Data values and function references found copyable (immutable once in a graph). */
const checked = new WeakSet<object>();

/**
 * Refuses a graph whose functions or values cannot leave this thread, before anything runs.
 *
 * @example
 * checkPortable(graph); // throws a FunctionRefError or GraphError naming the culprit
 */
export function checkPortable(graph: Graph): void {
  for (const [key, node] of graph) {
    if (node.kind !== 'task') {
      checkValue(node.value, key);
      continue;
    }
    checkFn(node.fn, key);
    const args = node.args;
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      const k = argKind(a);
      // Most arguments are plain references: skip them without a deeper look.
      if (k === ArgKind.Ref) continue;
      if (k !== ArgKind.Value) {
        callChecker.key = key;
        visitArgs(a, callChecker);
      }
      checkArg(a, key, i);
    }
  }
}

/** The function reference checked last: tasks in a row mostly share one. */
let lastFn: FunctionRef | undefined;

function checkFn(fn: FunctionRef, key: string): void {
  if (fn === lastFn) return;
  if (fn.kind === 'local') toPortableRef(fn, key);
  if (fn.kind === 'source' && !checked.has(fn)) {
    const bad = findUncloneable(fn.scope);
    if (bad !== undefined) throw refusal('Task', key, `its function's scope${bad.path}`, bad.what);
    checked.add(fn);
  }
  lastFn = fn;
}

function checkArg(value: unknown, key: string, i: number): void {
  if (typeof value !== 'object' || value === null) {
    if (typeof value !== 'function' && typeof value !== 'symbol') return;
  }
  const bad = findUncloneable(value);
  if (bad !== undefined) throw refusal('Task', key, `its argument args[${i}]${bad.path}`, bad.what);
}

function checkValue(value: unknown, key: string): void {
  const cacheable = typeof value === 'object' && value !== null;
  if (cacheable && checked.has(value)) return;
  const bad = findUncloneable(value);
  if (bad !== undefined) {
    throw refusal(
      'Data',
      key,
      bad.path === '' ? 'its value' : `its value at ${bad.path}`,
      bad.what,
    );
  }
  if (cacheable) checked.add(value);
}

function refusal(noun: 'Task' | 'Data', key: string, where: string, what: string): GraphError {
  return new GraphError(
    `${noun} '${key}' cannot be sent to a worker: ${where} is ${what}, which structured clone cannot copy to another thread or process. Pass functions as task functions (module, builtin or source references), and plain data as values; or compute it with the sync scheduler.`,
    [key],
  );
}

/** Checks the functions of the inline calls inside one task's argument. */
const callChecker: ArgVisitor & { key: string } = {
  key: '',
  call(fn: FunctionRef): void {
    checkFn(fn, this.key);
  },
};

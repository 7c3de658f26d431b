// Refuses a graph whose functions cannot leave this thread, before anything runs: a local closure
// as a task's function, or in an inline `{ $call }` among its arguments (outside `$literal` and
// `$ref`), makes `toPortableRef` throw a FunctionRefError that names the task's key.
import { isPlainObject, type FunctionRef, type Graph } from '@dask-ts/protocol';
import { toPortableRef } from '@dask-ts/graph';

/** Refuses a graph whose functions cannot leave this thread, before anything runs. */
export function checkPortable(graph: Graph): void {
  for (const [key, node] of graph) {
    if (node.kind !== 'task') continue;
    if (node.fn.kind === 'local') toPortableRef(node.fn, key);
    const args = node.args;
    for (let i = 0; i < args.length; i++) {
      const a = args[i] as { $ref?: unknown } | null;
      // Most arguments are plain references: skip them without a deeper look.
      if (typeof a === 'object' && a !== null && typeof a.$ref !== 'string') checkCalls(a, key);
    }
  }
}

function checkCalls(value: unknown, key: string): void {
  if (Array.isArray(value)) {
    for (const v of value) if (typeof v === 'object' && v !== null) checkCalls(v, key);
    return;
  }
  if (!isPlainObject(value) || '$literal' in value || typeof value.$ref === 'string') return;
  if ('$call' in value && Array.isArray(value.args)) {
    const fn = value.$call as FunctionRef;
    if (fn.kind === 'local') toPortableRef(fn, key);
    checkCalls(value.args, key);
    return;
  }
  for (const k in value) {
    const v = value[k];
    if (typeof v === 'object' && v !== null) checkCalls(v, key);
  }
}

// How kernels get hold of user functions (the kernel side of kit-user-fn.ts). A task argument
// cannot hold a function, so a user function travels in one of two forms: an inline call that
// evaluates to the function where the task runs (source and local references: the scheduler
// resolves and checks them like any other function), or a literal module/builtin reference that
// the kernel resolves here with the one resolver of every scheduler (protocol's
// `resolveFunctionRef`, which the worker runtime installs wherever tasks run: the same per-thread
// module loader, caches and error texts). Kernels stay synchronous unless a module must be
// imported first.
import { resolveFunctionRef, type FunctionRef, type TaskFunction } from '@dask-ts/protocol/runtime';

const REF_KINDS = new Set(['module', 'builtin']);

/**
 * The function a kernel argument stands for: the function itself, or a module/builtin reference
 * resolved (asynchronously only while its module is being imported).
 *
 * @example
 * const fn = fnOf({ kind: 'module', specifier: 'node:path', exportName: 'basename' });
 */
export function fnOf(f: unknown): TaskFunction | Promise<TaskFunction> {
  if (typeof f === 'function') return f as TaskFunction;
  if (typeof f === 'object' && f !== null && REF_KINDS.has((f as { kind?: string }).kind ?? '')) {
    return resolveFunctionRef(f as FunctionRef);
  }
  throw new TypeError(`Expected a function or a function reference, got ${String(f)}`);
}

/**
 * Runs `body` with the functions `fs` stand for: synchronously when all are at hand, else once
 * their modules are loaded.
 *
 * @example
 * return withFns([f], ([fn]) => part.map((x) => fn(x)));
 */
export function withFns<R>(
  fs: readonly unknown[],
  body: (fns: TaskFunction[]) => R,
): R | Promise<R> {
  const got = fs.map((f) => (f === null || f === undefined ? identity : fnOf(f)));
  if (got.every((g) => typeof g === 'function')) return body(got);
  return Promise.all(got).then(body);
}

function identity(x: unknown): unknown {
  return x;
}

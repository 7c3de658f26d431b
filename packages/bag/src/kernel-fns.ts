// How kernels get hold of user functions. A task argument cannot hold a function, so a user
// function travels in one of two forms (see fn-arg.ts): an inline call that evaluates to the
// function where the task runs (source and local references: the scheduler resolves and checks
// them like any other function), or a literal module/builtin reference that the kernel resolves
// here, importing the module once per thread. Kernels stay synchronous unless a module must be
// imported first.
import {
  lookupBuiltin,
  type BuiltinRef,
  type ModuleRef,
  type TaskFunction,
} from '@dask-ts/protocol';

const imports = new Map<string, Promise<Record<string, unknown>>>();
const resolved = new Map<string, TaskFunction>();

/**
 * The function a kernel argument stands for: the function itself, or a module/builtin reference
 * resolved (asynchronously only while its module is being imported).
 *
 * @example
 * const fn = fnOf({ kind: 'module', specifier: 'node:path', exportName: 'basename' });
 */
export function fnOf(f: unknown): TaskFunction | Promise<TaskFunction> {
  if (typeof f === 'function') return f as TaskFunction;
  const r = f as ModuleRef | BuiltinRef | null;
  if (r !== null && typeof r === 'object' && r.kind === 'builtin') {
    const fn = lookupBuiltin(r.name);
    if (fn !== undefined) return fn;
    if (r.module === undefined) throw new Error(`Builtin function '${r.name}' is not registered`);
    return load(r.module).then(() => {
      const again = lookupBuiltin(r.name);
      if (again === undefined) {
        throw new Error(
          `Builtin function '${r.name}' is not registered, even after importing '${r.module}'`,
        );
      }
      return again;
    });
  }
  if (r !== null && typeof r === 'object' && r.kind === 'module') {
    const id = `${r.specifier}#${r.exportName}`;
    const hit = resolved.get(id);
    if (hit !== undefined) return hit;
    return load(r.specifier).then((mod) => {
      const fn = mod[r.exportName];
      if (typeof fn !== 'function') {
        throw new Error(`Module '${r.specifier}' has no function export '${r.exportName}'`);
      }
      resolved.set(id, fn as TaskFunction);
      return fn as TaskFunction;
    });
  }
  throw new TypeError(`Expected a function or a function reference, got ${String(f)}`);
}

function load(specifier: string): Promise<Record<string, unknown>> {
  let p = imports.get(specifier);
  if (p === undefined) {
    p = import(specifier) as Promise<Record<string, unknown>>;
    imports.set(specifier, p);
    p.catch(() => imports.delete(specifier));
  }
  return p;
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
  if (got.every((g) => typeof g === 'function')) return body(got as TaskFunction[]);
  return Promise.all(got).then(body);
}

function identity(x: unknown): unknown {
  return x;
}

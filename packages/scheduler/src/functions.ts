// Function resolution for the in-thread (sync) scheduler. Every function reference becomes a
// callable once per compute: `local` refs are called directly, `source` refs are rebuilt as the
// workers rebuild them (cached by text when they carry nothing else, by reference object otherwise),
// `module` refs are imported (cached by specifier), and `builtin` refs are looked up in the
// registry, importing their module first when the name is not registered yet. Resolution is
// asynchronous only when a module must be imported, so the task loop itself never awaits for it.
import {
  FunctionRefError,
  lookupBuiltin,
  type FunctionRef,
  type SourceRef,
  type TaskFunction,
} from '@dask-ts/protocol';
import { isEntryModule } from '@dask-ts/graph';
import { buildSourceFunction } from '@dask-ts/worker';

const bySourceText = new Map<string, TaskFunction>();
const bySourceRef = new WeakMap<SourceRef, TaskFunction>();
const modules = new Map<string, Promise<Record<string, unknown>>>();

/**
 * Rebuilds a source reference into a function, binding its `scope` values by name.
 *
 * @example
 * rebuildSource({ kind: 'source', source: '(x) => x * k', scope: { k: 2 } })(21); // 42
 */
export function rebuildSource(ref: SourceRef, key?: string): TaskFunction {
  // Only a bare text (no scope, helpers or origin) is shared between reference objects.
  const byText =
    Object.keys(ref.scope).length === 0 && ref.helpers === undefined && ref.origin === undefined;
  if (byText) {
    const hit = bySourceText.get(ref.source);
    if (hit !== undefined) return hit;
  } else {
    const hit = bySourceRef.get(ref);
    if (hit !== undefined) return hit;
  }
  let fn: unknown;
  try {
    fn = buildSourceFunction(ref);
  } catch (err) {
    throw new FunctionRefError(
      `${key !== undefined ? `Task ${key}: ` : ''}cannot rebuild source function ${ref.name ?? ''}: ${(err as Error).message}. Source: ${ref.source.slice(0, 120)}`,
      key,
    );
  }
  if (typeof fn !== 'function') {
    throw new FunctionRefError(
      `${key !== undefined ? `Task ${key}: ` : ''}source ${JSON.stringify(ref.source.slice(0, 80))} does not evaluate to a function`,
      key,
    );
  }
  if (byText) bySourceText.set(ref.source, fn as TaskFunction);
  else bySourceRef.set(ref, fn as TaskFunction);
  return fn as TaskFunction;
}

function importModule(specifier: string): Promise<Record<string, unknown>> {
  // The entry script is still evaluating while it awaits its compute: importing it would wait for
  // itself (a silent exit with code 13). Refused, with the fix (see moduleRef).
  if (isEntryModule(specifier)) {
    return Promise.reject(
      new Error(
        `'${specifier}' is the entry script (the file node was started with); move the functions into a module of their own and reference that module instead`,
      ),
    );
  }
  let p = modules.get(specifier);
  if (p === undefined) {
    p = import(specifier) as Promise<Record<string, unknown>>;
    modules.set(specifier, p);
    // A failed import is not cached, so a fixed module can be tried again.
    p.catch(() => modules.delete(specifier));
  }
  return p;
}

/**
 * Resolves a function reference for the task `key` (named in errors). Returns the function, or
 * a promise of it when a module has to be imported first.
 *
 * @example
 * const fn = resolveFunction({ kind: 'local', fn: (x: number) => x + 1, name: 'inc' }, 'y');
 */
export function resolveFunction(
  ref: FunctionRef,
  key: string,
): TaskFunction | Promise<TaskFunction> {
  switch (ref.kind) {
    case 'local':
      return ref.fn;
    case 'source':
      return rebuildSource(ref, key);
    case 'builtin': {
      const fn = lookupBuiltin(ref.name);
      if (fn !== undefined) return fn;
      if (ref.module === undefined) throw missingBuiltin(ref.name, key);
      const mod = ref.module;
      return importModule(mod).then(
        () => lookupBuiltin(ref.name) ?? Promise.reject(missingBuiltin(ref.name, key, mod)),
        (err: unknown) => Promise.reject(importFailed(mod, key, err)),
      );
    }
    case 'module':
      return importModule(ref.specifier).then(
        (mod) => {
          const fn = mod[ref.exportName];
          if (typeof fn !== 'function') {
            throw new FunctionRefError(
              `Task ${key}: module '${ref.specifier}' has no function export '${ref.exportName}' (found ${typeof fn})`,
              key,
            );
          }
          return fn as TaskFunction;
        },
        (err: unknown) => Promise.reject(importFailed(ref.specifier, key, err)),
      );
  }
}

function missingBuiltin(name: string, key: string, module?: string): FunctionRefError {
  return new FunctionRefError(
    `Task ${key}: no builtin '${name}' is registered${module !== undefined ? ` (even after importing '${module}')` : ''}. Import the package that registers it, or give the builtin reference its module.`,
    key,
  );
}

function importFailed(specifier: string, key: string, err: unknown): FunctionRefError {
  return new FunctionRefError(
    `Task ${key}: cannot import module '${specifier}': ${(err as Error)?.message ?? String(err)}`,
    key,
  );
}

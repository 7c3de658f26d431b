// Loading danfojs, an optional peer: nothing here runs until a danfo function is used, so the
// package loads and works without it. The module is found once per thread and cached: first
// `danfojs-node`, then `danfojs`. Asynchronous paths (toDanfo, the mapPartitions kernel) use a
// dynamic `import()`; only inferring a danfo mapPartitions' output columns while the operation is
// built must be synchronous, and uses `require` (danfojs-node ships CommonJS). When neither
// package can be found, the error names both, says which operation needed them and how to install
// them; any other failure to load (a broken install) is reported with its own message. Tests swap
// the loader through `setDanfoLoader` to simulate a missing package without uninstalling it.
import { createRequire } from 'node:module';
import type { DanfoModule } from './danfo-types.js';

/** The package names tried, in order. @internal */
export const DANFO_PACKAGES = ['danfojs-node', 'danfojs'] as const;

/** How danfo is loaded: the seam tests replace. @internal */
export interface DanfoLoader {
  import(specifier: string): Promise<unknown>;
  require(specifier: string): unknown;
}

const defaultLoader: DanfoLoader = {
  import: (specifier) => import(specifier),
  require: (specifier) => createRequire(import.meta.url)(specifier),
};

let loader: DanfoLoader = defaultLoader;
let cached: DanfoModule | undefined;

/** Replaces the loader (undefined: the default) and forgets the cached module. @internal */
export function setDanfoLoader(next: DanfoLoader | undefined): void {
  loader = next ?? defaultLoader;
  cached = undefined;
}

function isNotFound(err: unknown, specifier: string): boolean {
  const e = err as { code?: string; message?: string } | null;
  const code = e?.code ?? '';
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    (e?.message ?? '').includes(specifier)
  );
}

/** The module object whatever the loader returned (an ES namespace or CommonJS exports). */
function unwrap(mod: unknown, specifier: string): DanfoModule {
  const m = mod as { DataFrame?: unknown; default?: { DataFrame?: unknown } } | null;
  const found = typeof m?.DataFrame === 'function' ? m : m?.default;
  if (typeof found?.DataFrame !== 'function')
    throw new Error(`'${specifier}' loaded, but it exports no DataFrame class`);
  return found as DanfoModule;
}

function missing(op: string, errors: readonly unknown[]): Error {
  return new Error(
    `${op} needs danfojs, an optional peer dependency of @dask-ts/dataframe that is not installed: ` +
      `neither 'danfojs-node' nor 'danfojs' could be found. Install it with ` +
      `'npm install danfojs-node@1.1.2 @tensorflow/tfjs@3.21.0' (danfojs-node 1.1.2 also needs the ` +
      `override "@tensorflow/tfjs-node": "npm:@tensorflow/tfjs@3.21.0"; see the README)`,
    { cause: errors[0] },
  );
}

function broken(op: string, specifier: string, err: unknown): Error {
  return new Error(
    `${op}: '${specifier}' is installed but failed to load: ${(err as Error)?.message ?? String(err)}`,
    { cause: err },
  );
}

/**
 * danfo's module, imported on first use (`op` names the operation in errors). @internal
 */
export async function loadDanfo(op: string): Promise<DanfoModule> {
  if (cached !== undefined) return cached;
  const errors: unknown[] = [];
  for (const specifier of DANFO_PACKAGES) {
    let mod: unknown;
    try {
      mod = await loader.import(specifier);
    } catch (err) {
      if (!isNotFound(err, specifier)) throw broken(op, specifier, err);
      errors.push(err);
      continue;
    }
    return (cached = unwrap(mod, specifier));
  }
  throw missing(op, errors);
}

/**
 * danfo's module, required synchronously (only where an operation is built and cannot wait).
 * @internal
 */
export function loadDanfoSync(op: string): DanfoModule {
  if (cached !== undefined) return cached;
  const errors: unknown[] = [];
  for (const specifier of DANFO_PACKAGES) {
    let mod: unknown;
    try {
      mod = loader.require(specifier);
    } catch (err) {
      if (!isNotFound(err, specifier)) throw broken(op, specifier, err);
      errors.push(err);
      continue;
    }
    return (cached = unwrap(mod, specifier));
  }
  throw missing(op, errors);
}

// Loading the modules that function references and codecs name: the one loader of every thread
// (the in-thread scheduler, worker threads and processes, and collection kernels all share the
// thread's `threadModules`). Policy:
// - Each specifier is imported once per thread and its outcome (namespace or failure) is kept, so
//   every later task finds it synchronously. A failure is kept too: Node keeps a module that threw
//   while evaluating anyway, and a batch of tasks must not retry a missing file once per task.
// - The entry script (the file node was started with, and, in workers, the one of the process that
//   started them, passed down in `DASK_TS_ENTRY`) is refused: a worker importing it would run its
//   top-level code again (computes and pools inside every worker), and the calling thread would
//   wait for its own evaluation, a silent deadlock.
// - TypeScript: a `file:` URL ending in `.ts` (development and tests run from `src/*.ts`) needs a
//   loader. tsx's ESM hooks are registered once per thread before the first such import; tsx is
//   found from this package, else from the TypeScript module's own folder (the user's project).
//   When it cannot be had (tsx missing; jest refuses hooks but transforms TypeScript itself) the
//   import is tried anyway, and if it fails too the error says to install tsx and names the module.
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { isEntryModule, shareEntryModule } from '@dask-ts/protocol/runtime';

/** The outcome of importing one specifier. */
export type ModuleEntry =
  | { readonly state: 'loading'; readonly done: Promise<void> }
  | { readonly state: 'loaded'; readonly namespace: Readonly<Record<string, unknown>> }
  | { readonly state: 'failed'; readonly error: Error };

const TSX_API = 'tsx/esm/api';
const tsLoaders = new Map<string, Promise<void>>();

// Workers learn the entry script of the process that started them (see protocol's entry-module.ts).
if (isMainThread) shareEntryModule();

/**
 * Whether a specifier is a TypeScript source file that plain Node cannot import.
 *
 * @example
 * isTypeScriptUrl('file:///app/src/kernels.ts'); // true
 */
export function isTypeScriptUrl(specifier: string): boolean {
  return specifier.startsWith('file:') && /\.[mc]?ts$/.test(specifier.split(/[?#]/)[0] ?? '');
}

/** Imports tsx's API from this package, else from the folder of the module that needs it. */
async function importTsx(api: string, specifier: string): Promise<{ register?: () => unknown }> {
  try {
    return (await import(api)) as { register?: () => unknown };
  } catch (err) {
    let found: string;
    try {
      found = createRequire(fileURLToPath(specifier)).resolve(api);
    } catch {
      throw new Error(`cannot import '${api}': ${(err as Error).message}`, { cause: err });
    }
    return (await import(pathToFileURL(found).href)) as { register?: () => unknown };
  }
}

/** Registers the TypeScript loader found at `api` (tsx's ESM API), once per thread. */
function registerTypeScriptLoader(api: string, specifier: string): Promise<void> {
  let registering = tsLoaders.get(api);
  if (registering === undefined) {
    registering = importTsx(api, specifier).then((loaded) => {
      if (typeof loaded.register !== 'function') throw new Error(`'${api}' has no register()`);
      loaded.register();
    });
    tsLoaders.set(api, registering);
    // Not kept when it failed: a later module may find tsx in its own project.
    registering.catch(() => tsLoaders.delete(api));
  }
  return registering;
}

async function importSpecifier(
  specifier: string,
  tsLoader: string,
): Promise<Readonly<Record<string, unknown>>> {
  if (isEntryModule(specifier)) {
    throw new Error(
      `'${specifier}' is the entry script (the file node was started with): a worker would run its top-level code again, and this thread would wait for itself. Move the functions into a module of their own and reference that module instead`,
    );
  }
  if (!isTypeScriptUrl(specifier))
    return (await import(specifier)) as Readonly<Record<string, unknown>>;
  let loaderProblem: Error | undefined;
  try {
    await registerTypeScriptLoader(tsLoader, specifier);
  } catch (err) {
    loaderProblem = err as Error;
  }
  try {
    return (await import(specifier)) as Readonly<Record<string, unknown>>;
  } catch (err) {
    if (loaderProblem === undefined) throw err;
    throw new Error(
      `Cannot import TypeScript module '${specifier}': install tsx (npm install --save-dev tsx) to run TypeScript sources (the loader: ${loaderProblem.message}; the import: ${(err as Error).message})`,
      { cause: err },
    );
  }
}

/**
 * Options of a {@link ModuleLoader}.
 *
 * @example
 * new ModuleLoader({ typeScriptLoader: 'tsx/esm/api' });
 */
export interface ModuleLoaderOptions {
  /** The module whose `register()` installs TypeScript hooks (default: 'tsx/esm/api'). */
  readonly typeScriptLoader?: string;
}

/**
 * Imports modules once per specifier and answers synchronously once they are loaded.
 *
 * @example
 * const modules = new ModuleLoader();
 * const entry = modules.get('node:path') ?? modules.load('node:path');
 */
export class ModuleLoader {
  private readonly entries = new Map<string, ModuleEntry>();
  private readonly tsLoader: string;

  constructor(options: ModuleLoaderOptions = {}) {
    this.tsLoader = options.typeScriptLoader ?? TSX_API;
  }

  /**
   * The entry of a specifier, or `undefined` when it was never asked for.
   *
   * @example
   * if (modules.get(spec)?.state === 'loaded') use(spec);
   */
  get(specifier: string): ModuleEntry | undefined {
    return this.entries.get(specifier);
  }

  /**
   * Starts importing a specifier (once); the returned entry's `done` never rejects: a failure is
   * kept as a `failed` entry.
   *
   * @example
   * const entry = modules.load('file:///app/kernels.js');
   * if (entry.state === 'loading') await entry.done;
   */
  load(specifier: string): ModuleEntry {
    const existing = this.entries.get(specifier);
    if (existing !== undefined) return existing;
    const done = importSpecifier(specifier, this.tsLoader).then(
      (namespace) => {
        this.entries.set(specifier, { state: 'loaded', namespace });
      },
      (err: unknown) => {
        const error = err instanceof Error ? err : new Error(String(err));
        this.entries.set(specifier, { state: 'failed', error });
      },
    );
    const entry: ModuleEntry = { state: 'loading', done };
    this.entries.set(specifier, entry);
    return entry;
  }
}

/** The loader of this thread, shared by every resolver in it (modules are per thread anyway). */
export const threadModules = new ModuleLoader();

// Loading modules in a worker. Each specifier is imported once per thread or process and its
// outcome (namespace or failure) is kept, so every later task finds it synchronously. A `file:`
// URL ending in `.ts` (development, jest: `import.meta.url` points at `src/*.ts`) needs a
// TypeScript loader: tsx's ESM hooks are registered once per thread, before the first such
// import. When that fails (tsx missing; jest refuses hooks but transforms TypeScript itself) the
// import is tried anyway, and if it fails too the error says to install tsx and names the module.

/** The outcome of importing one specifier. */
export type ModuleEntry =
  | { readonly state: 'loading'; readonly done: Promise<void> }
  | { readonly state: 'loaded'; readonly namespace: Readonly<Record<string, unknown>> }
  | { readonly state: 'failed'; readonly error: Error };

const TSX_API = 'tsx/esm/api';
const tsLoaders = new Map<string, Promise<void>>();

/**
 * Whether a specifier is a TypeScript source file that plain Node cannot import.
 *
 * @example
 * isTypeScriptUrl('file:///app/src/kernels.ts'); // true
 */
export function isTypeScriptUrl(specifier: string): boolean {
  return specifier.startsWith('file:') && /\.[mc]?ts$/.test(specifier.split(/[?#]/)[0] ?? '');
}

/** Registers the TypeScript loader found at `api` (tsx's ESM API), once per thread. */
function registerTypeScriptLoader(api: string): Promise<void> {
  let registering = tsLoaders.get(api);
  if (registering === undefined) {
    registering = (async () => {
      let loaded: { register?: () => unknown };
      try {
        loaded = (await import(api)) as { register?: () => unknown };
      } catch (err) {
        throw new Error(`cannot import '${api}': ${(err as Error).message}`, { cause: err });
      }
      if (typeof loaded.register !== 'function') throw new Error(`'${api}' has no register()`);
      loaded.register();
    })();
    tsLoaders.set(api, registering);
  }
  return registering;
}

async function importSpecifier(
  specifier: string,
  tsLoader: string,
): Promise<Readonly<Record<string, unknown>>> {
  if (!isTypeScriptUrl(specifier))
    return (await import(specifier)) as Readonly<Record<string, unknown>>;
  // Where the loader cannot be registered (tsx missing; or jest, whose own transform already
  // handles TypeScript and which refuses loader hooks), the import is still tried without it.
  let loaderProblem: Error | undefined;
  try {
    await registerTypeScriptLoader(tsLoader);
  } catch (err) {
    loaderProblem = err as Error;
  }
  try {
    return (await import(specifier)) as Readonly<Record<string, unknown>>;
  } catch (err) {
    if (loaderProblem === undefined) throw err;
    throw new Error(
      `Cannot import TypeScript module '${specifier}': install tsx to load TypeScript modules in workers (the loader: ${loaderProblem.message}; the import: ${(err as Error).message})`,
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

// Function references. A JavaScript function cannot be pickled, so a task names its function:
// `module` (import specifier + export name; the canonical, portable form), `builtin` (a kernel a
// package registered, found by name, with the module that registers it), `source` (the text of a
// self-contained function plus the values it captures, passed explicitly in `scope`), or `local`
// (a closure that only an in-thread scheduler may call). Portable references survive structured
// clone; `local` never leaves the thread that made it.

/**
 * Any function a task may call. Arguments arrive with references to other keys already replaced
 * by their values.
 *
 * @example
 * const add: TaskFunction = (a, b) => (a as number) + (b as number);
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TaskFunction = (...args: any[]) => unknown;

/**
 * A reference to a function exported by a module, loaded with dynamic `import()` where the task runs.
 *
 * @example
 * const ref: ModuleRef = { kind: 'module', specifier: 'file:///app/kernels.js', exportName: 'parse' };
 */
export interface ModuleRef {
  readonly kind: 'module';
  /** An import specifier resolvable from the worker (a package name or an absolute `file:` URL). */
  readonly specifier: string;
  /** The name of the export (`default` for the default export). */
  readonly exportName: string;
}

/**
 * A reference to a kernel registered under `name` with {@link registerBuiltin}; `module` is
 * imported first where the name is not yet registered (the module registers it on load).
 *
 * @example
 * const ref: BuiltinRef = { kind: 'builtin', name: 'bag.count', module: '@dask-ts/bag' };
 */
export interface BuiltinRef {
  readonly kind: 'builtin';
  readonly name: string;
  readonly module?: string;
}

/**
 * The source text of a self-contained function, plus the outer values it uses, passed by name.
 * Rebuilt where the task runs, so it works on worker threads and processes. Functions (and
 * classes) it uses travel as `helpers`, their own text, rebuilt beside it: each helper and the
 * function see every scope value and every helper by name.
 *
 * @example
 * const ref: SourceRef = {
 *   kind: 'source',
 *   source: '(x) => clamp(x * factor)',
 *   scope: { factor: 2 },
 *   helpers: { clamp: '(v) => Math.min(v, 10)' },
 *   origin: 'file:///app/main.mjs:12:7',
 * };
 */
export interface SourceRef {
  readonly kind: 'source';
  readonly source: string;
  readonly scope: Readonly<Record<string, unknown>>;
  /** The function's name, for error messages. */
  readonly name?: string;
  /** Functions and classes the function uses, by name: their source text. */
  readonly helpers?: Readonly<Record<string, string>>;
  /**
   * Where the reference was made (`file:///app/main.mjs:12:7`, the user's call of `delayed` or
   * `bag.map`): a rebuilt function's stack frames point into that file, at the function's own
   * lines where its text is found there.
   */
  readonly origin?: string;
}

/**
 * A closure called directly by an in-thread scheduler. It cannot travel to another thread; when
 * it could not be turned into a {@link SourceRef}, `problem` says why (for example, which outer
 * variable it captures) so a threaded scheduler can refuse it before anything runs.
 *
 * @example
 * const factor = 3;
 * const ref: LocalRef = { kind: 'local', fn: (x: number) => x * factor, name: 'triple', problem: "it uses the outer variable 'factor'" };
 */
export interface LocalRef {
  readonly kind: 'local';
  readonly fn: TaskFunction;
  readonly name: string;
  readonly problem?: string;
}

/**
 * A function reference of any kind.
 *
 * @example
 * const ref: FunctionRef = { kind: 'builtin', name: 'graph.identity' };
 */
export type FunctionRef = ModuleRef | BuiltinRef | SourceRef | LocalRef;

/**
 * A function reference that can cross threads and processes.
 *
 * @example
 * const portable: PortableFunctionRef = { kind: 'module', specifier: 'node:path', exportName: 'join' };
 */
export type PortableFunctionRef = ModuleRef | BuiltinRef | SourceRef;

/**
 * A short human-readable name of a function reference, for errors and progress.
 *
 * @example
 * functionName({ kind: 'module', specifier: 'x.js', exportName: 'f' }); // 'x.js#f'
 */
export function functionName(ref: FunctionRef): string {
  switch (ref.kind) {
    case 'module':
      return `${ref.specifier}#${ref.exportName}`;
    case 'builtin':
      return ref.name;
    case 'source':
      return ref.name ?? ref.source.slice(0, 40);
    case 'local':
      return ref.name;
  }
}

const BUILTINS_SLOT = Symbol.for('@dask-ts/protocol/builtins');
type GlobalWithBuiltins = typeof globalThis & { [BUILTINS_SLOT]?: Map<string, TaskFunction> };

function builtinTable(): Map<string, TaskFunction> {
  const g = globalThis as GlobalWithBuiltins;
  return (g[BUILTINS_SLOT] ??= new Map());
}

/**
 * Registers a kernel under a global name (per thread), so tasks can reference it with a
 * {@link BuiltinRef}. Registering the same name twice with a different function is an error.
 *
 * @example
 * registerBuiltin('bag.count', (xs: unknown[]) => xs.length);
 */
export function registerBuiltin(name: string, fn: TaskFunction): BuiltinRef {
  const table = builtinTable();
  const existing = table.get(name);
  if (existing !== undefined && existing !== fn) {
    throw new Error(`Builtin '${name}' is already registered with a different function`);
  }
  table.set(name, fn);
  return { kind: 'builtin', name };
}

/**
 * Looks up a registered kernel; `undefined` where none is registered under that name.
 *
 * @example
 * const count = lookupBuiltin('bag.count');
 */
export function lookupBuiltin(name: string): TaskFunction | undefined {
  return builtinTable().get(name);
}

/**
 * How a function reference becomes a function in this thread: the function, or a promise of it
 * only while its module is being imported. The worker runtime (`@dask-ts/worker`) installs the
 * one resolver every scheduler uses when it loads.
 *
 * @example
 * const r: FunctionResolve = (ref) => lookupBuiltin(ref.kind === 'builtin' ? ref.name : '')!;
 */
export type FunctionResolve = (
  ref: FunctionRef,
  key?: string,
) => TaskFunction | Promise<TaskFunction>;

const RESOLVER_SLOT = Symbol.for('@dask-ts/protocol/functionResolver');
type GlobalWithResolver = typeof globalThis & { [RESOLVER_SLOT]?: FunctionResolve };

/**
 * Installs this thread's function resolver (done by `@dask-ts/worker` when it loads; a second
 * call replaces the first).
 *
 * @example
 * registerFunctionResolver((ref, key) => resolver.resolveNow(ref, key));
 */
export function registerFunctionResolver(resolve: FunctionResolve): void {
  (globalThis as GlobalWithResolver)[RESOLVER_SLOT] = resolve;
}

/**
 * Resolves a function reference with this thread's resolver, for code that runs inside tasks
 * (collection kernels that take user functions): the function, or a promise of it only while its
 * module is being imported. Throws when no scheduler or worker runtime is loaded in this thread.
 *
 * @example
 * const fn = resolveFunctionRef({ kind: 'module', specifier: 'node:path', exportName: 'join' });
 */
export function resolveFunctionRef(
  ref: FunctionRef,
  key?: string,
): TaskFunction | Promise<TaskFunction> {
  const resolve = (globalThis as GlobalWithResolver)[RESOLVER_SLOT];
  if (resolve === undefined) {
    throw new Error(
      `Cannot resolve function '${functionName(ref)}': no task runtime is loaded in this thread (import @dask-ts/scheduler or @dask-ts/worker)`,
    );
  }
  return resolve(ref, key);
}

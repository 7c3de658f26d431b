// Kernel registration for collection packages. A task cannot hold a function, so a collection's
// tasks name their kernels: `builtin` references `<namespace>.<name>` that carry the URL of the
// module that registers them. Declaring the table registers every kernel at once (in the thread
// that imports the module); a worker thread or process that meets an unknown name imports the
// module named in the reference, which registers the table there too. The module URL is the
// declaring module's own `import.meta.url`, as it is: built code names `dist/*.js`, and code run
// from TypeScript sources names `src/*.ts`, which workers load through tsx (the worker's module
// loader), so there is no mapping from sources to builds. Kernel modules run in workers: this file
// (the `@dask-ts/graph/kernels` entry) imports only protocol's zod-free runtime, so registering a
// table costs a worker no more than the kernels themselves.
import {
  registerBuiltin,
  shareKernelModule,
  task,
  type BuiltinRef,
  type Task,
  type TaskFunction,
} from '@dask-ts/protocol/runtime';

/**
 * The kernels of one collection package: typed references and task builders by name.
 *
 * @example
 * const t = kernels.task('inc', [{ $ref: '["x",0]' }]);
 */
export interface Kernels<Name extends string> {
  /** The namespace: kernel `n` is registered as the builtin `<namespace>.<n>`. */
  readonly namespace: string;
  /** The URL of the module that registers them (what workers import). */
  readonly module: string;
  /** The function reference of a kernel (one shared object per name). */
  ref(name: Name): BuiltinRef;
  /** A task calling a kernel with `args` (task arguments: values, `{ $ref }`s, inline calls). */
  task(name: Name, args: readonly unknown[]): Task;
}

const NAMESPACE = /^[A-Za-z_$][\w$-]*$/;

/**
 * Registers a table of kernels under `namespace`, from the module at `moduleUrl` (pass
 * `import.meta.url`; the module must be the one that makes this call, so that importing it in a
 * worker registers the table there), and returns their typed references.
 *
 * @example
 * // src/kernels.ts of a collection package
 * export const kernels = defineKernels('vector', import.meta.url, {
 *   range: (start: number, stop: number) => Array.from({ length: stop - start }, (_, i) => start + i),
 *   sum: (xs: number[]) => xs.reduce((a, b) => a + b, 0),
 * });
 * kernels.ref('sum'); // { kind: 'builtin', name: 'vector.sum', module: 'file:///…/kernels.ts' }
 */
export function defineKernels<const Table extends Readonly<Record<string, TaskFunction>>>(
  namespace: string,
  moduleUrl: string,
  table: Table,
): Kernels<keyof Table & string> {
  if (!NAMESPACE.test(namespace)) {
    throw new TypeError(
      `defineKernels: namespace ${JSON.stringify(namespace)} must be a plain identifier (letters, digits, _ $ -; no dots)`,
    );
  }
  if (!URL.canParse(moduleUrl)) {
    throw new TypeError(
      `defineKernels('${namespace}'): module ${JSON.stringify(moduleUrl)} is not a URL; pass import.meta.url`,
    );
  }
  const refs = new Map<string, BuiltinRef>();
  for (const [name, fn] of Object.entries(table)) {
    if (typeof fn !== 'function') {
      throw new TypeError(`defineKernels('${namespace}'): kernel '${name}' is not a function`);
    }
    registerBuiltin(`${namespace}.${name}`, fn);
    refs.set(
      name,
      Object.freeze({ kind: 'builtin', name: `${namespace}.${name}`, module: moduleUrl }),
    );
  }
  // Workers started from now on import this module as they boot (protocol's kernel-modules.ts).
  shareKernelModule(moduleUrl);
  const ref = (name: string): BuiltinRef => {
    const r = refs.get(name);
    if (r === undefined) throw new Error(`No kernel '${name}' in namespace '${namespace}'`);
    return r;
  };
  return Object.freeze({
    namespace,
    module: moduleUrl,
    ref,
    task: (name: string, args: readonly unknown[]) => task(ref(name), args),
  });
}

// Function-reference helpers. `sourceRef` ships a function as its text, refusing (when the graph
// is built, never later in a worker) one that reads outer variables not passed in `scope`;
// `toFunctionRef` falls back to a `local` ref that carries the reason, so the in-thread scheduler
// still runs closures while threaded schedulers refuse them up front; `toPortableRef` is that
// refusal. `moduleRef` and `builtinRef` name functions that workers import or find registered.
// Parses are cached per function object: a million-task graph asks a million times. A plain
// reference (no scope, no name option) is shared by every function with the same text and name,
// so a lambda written inside a loop costs one parse and one look at the stack in all; its origin
// is where that text was first made. An explicit
// `scope` asks for portability: functions in it are shipped as helpers (see scope-check.ts), and
// what cannot be shipped is refused here, when the reference is made, on every scheduler. Each
// source ref records where the user made it (origin.ts), so stack traces point at their file.
import {
  FunctionRefError,
  type BuiltinRef,
  type FunctionRef,
  type LocalRef,
  type ModuleRef,
  type PortableFunctionRef,
  type SourceRef,
  type TaskFunction,
} from '@dask-ts/protocol';
import { analyseFunction, type Analysis } from './free-variables.js';
import { entryModuleProblem, isEntryModule } from './entry-module.js';
import { callerOrigin } from './origin.js';
import { checkScope } from './scope-check.js';
import { standardName } from './standard-globals.js';

/**
 * Options of {@link sourceRef} and {@link toFunctionRef}.
 *
 * @example
 * const opts: SourceRefOptions = { scope: { factor: 3 }, name: 'triple', key: 'triple-1' };
 */
export interface SourceRefOptions {
  /** Outer values the function uses, passed by name (structured-cloned to workers). */
  readonly scope?: Readonly<Record<string, unknown>>;
  /** The function's name, for errors and progress. */
  readonly name?: string;
  /** The task key, named in errors. */
  readonly key?: string;
}

type Checked =
  | { readonly ok: true; readonly source: string; readonly free: readonly string[] }
  | { readonly ok: false; readonly problem: string };

const cache = new WeakMap<TaskFunction, Checked>();
const plainRefs = new WeakMap<TaskFunction, SourceRef>();
const localVars = new WeakMap<LocalRef, readonly string[]>();

// A lambda written inside a loop is a new function object on every pass with the same text:
// clean analyses are also kept by text (a bounded map), so it is parsed once, not per compute.
const byText = new Map<string, Checked>();
/** Plain references by name and text (see `build`). */
const refsByText = new Map<string, SourceRef>();
const MAX_TEXTS = 4096;

function check(fn: TaskFunction | string): Checked {
  if (typeof fn === 'string') return analyseFunction(fn);
  const hit = cache.get(fn);
  if (hit !== undefined) return hit;
  // A standard native function (JSON.parse) ships as its name; never cached by its text, which
  // every native function of that name shares.
  const standard = standardName(fn);
  if (standard !== undefined) {
    const named: Checked = { ok: true, source: standard, free: [] };
    cache.set(fn, named);
    return named;
  }
  const text = Function.prototype.toString.call(fn);
  let result = byText.get(text);
  if (result === undefined) {
    result = analyseText(fn);
    if (result.ok) {
      if (byText.size >= MAX_TEXTS) byText.clear();
      byText.set(text, result);
    }
  }
  cache.set(fn, result);
  return result;
}

function analyseText(fn: TaskFunction): Analysis {
  const text = Function.prototype.toString.call(fn);
  if (/\{\s*\[native code\]\s*\}\s*$/.test(text)) {
    if (fn.name.startsWith('bound ')) {
      return {
        ok: false,
        problem: `the function '${fn.name}' is a bound function, whose source a worker thread cannot rebuild. Pass the unbound function and its bound values explicitly, e.g. delayed((x) => f(x), { scope: { ... } })`,
      };
    }
    return {
      ok: false,
      problem: `the function '${fn.name || 'anonymous'}' is native code, whose source a worker thread cannot rebuild. Wrap it in a function, e.g. delayed((x) => structuredClone(x)), or use builtinRef/moduleRef (standard ones such as JSON.parse or Math.sqrt are shipped by name)`,
    };
  }
  return analyseFunction(text);
}

function freeProblem(vars: readonly string[], name: string | undefined): string {
  const fnName = name ? ` '${name}'` : '';
  const listed = vars.map((v) => `'${v}'`).join(', ');
  const what = vars.length === 1 ? `the outer variable ${listed}` : `the outer variables ${listed}`;
  return `the function${fnName} uses ${what}, which a worker thread cannot see. Pass ${vars.length === 1 ? 'it' : 'them'} explicitly: delayed(fn, { scope: { ${vars.join(', ')} } }), or export the function from its own module (not the entry script) and name it there with moduleRef(import.meta.url, '${name || 'name'}').`;
}

function withKey(problem: string, key: string | undefined): string {
  return key !== undefined
    ? `Task '${key}': ${problem}`
    : problem.charAt(0).toUpperCase() + problem.slice(1);
}

/** The refusal of a checked function, or undefined and the ref when it is fine. */
function build(
  fn: TaskFunction | string,
  options: SourceRefOptions,
):
  | { ref: SourceRef; problem?: undefined; vars?: undefined; fatal?: undefined }
  | { ref?: undefined; problem: string; vars: readonly string[]; fatal: boolean } {
  const checked = check(fn);
  const name = options.name ?? (typeof fn === 'function' && fn.name !== '' ? fn.name : undefined);
  if (!checked.ok) return { problem: checked.problem, vars: [], fatal: false };
  const scope = options.scope ?? {};
  const missing = checked.free.filter((v) => !Object.prototype.hasOwnProperty.call(scope, v));
  if (missing.length > 0)
    return { problem: freeProblem(missing, name), vars: missing, fatal: false };
  if (options.scope === undefined && typeof fn === 'function' && options.name === undefined) {
    // The common case: share one ref object per function, and per text and name (a lambda made
    // anew on every pass of a loop is one reference, whose origin is where it was first made:
    // finding the caller's frame costs more than the rest of a small compute).
    let shared = plainRefs.get(fn);
    if (shared === undefined) {
      const textKey = `${name ?? ''}\n${checked.source}`;
      shared = refsByText.get(textKey);
      if (shared === undefined) {
        shared = makeRef(checked.source, {}, undefined, name, callerOrigin());
        if (refsByText.size >= MAX_TEXTS) refsByText.clear();
        refsByText.set(textKey, shared);
      }
      plainRefs.set(fn, shared);
    }
    return { ref: shared };
  }
  // An explicit scope was given to make the function portable: what it holds must be shippable
  // (functions become helpers), or the reference is refused now, whatever the scheduler.
  const split = checkScope(scope);
  if (!split.ok) return { problem: split.problem, vars: split.vars, fatal: true };
  // Texts come mostly from dask-ts itself (and cost no stack capture); functions from the user.
  const origin = typeof fn === 'function' ? callerOrigin() : undefined;
  return { ref: makeRef(checked.source, split.values, split.helpers, name, origin) };
}

function makeRef(
  source: string,
  scope: Readonly<Record<string, unknown>>,
  helpers: Readonly<Record<string, string>> | undefined,
  name: string | undefined,
  origin: string | undefined,
): SourceRef {
  return {
    kind: 'source',
    source,
    scope,
    ...(name !== undefined ? { name } : {}),
    ...(helpers !== undefined ? { helpers } : {}),
    ...(origin !== undefined ? { origin } : {}),
  };
}

/**
 * A {@link SourceRef} for a self-contained function (or its text): throws `FunctionRefError` when
 * the function reads outer variables missing from `scope` (naming them and showing the fix), is
 * native or bound, or cannot be parsed.
 *
 * @example
 * const ref = sourceRef((x: number) => x * factor, { scope: { factor: 2 } });
 */
export function sourceRef(fn: TaskFunction | string, options: SourceRefOptions = {}): SourceRef {
  const r = build(fn, options);
  if (r.ref !== undefined) return r.ref;
  throw new FunctionRefError(withKey(r.problem, options.key), options.key, r.vars);
}

/**
 * A {@link SourceRef} when the function is self-contained, else a {@link LocalRef} whose `problem`
 * says why it cannot leave this thread (the in-thread scheduler still runs it).
 *
 * @example
 * const factor = 3;
 * toFunctionRef((x: number) => x + 1).kind; // 'source'
 * toFunctionRef((x: number) => x * factor).kind; // 'local'
 */
export function toFunctionRef(
  fn: TaskFunction,
  options: SourceRefOptions = {},
): SourceRef | LocalRef {
  const r = build(fn, options);
  if (r.ref !== undefined) return r.ref;
  if (r.fatal) throw new FunctionRefError(withKey(r.problem, options.key), options.key, r.vars);
  const local: LocalRef = {
    kind: 'local',
    fn,
    name: options.name ?? (fn.name || 'anonymous'),
    problem: r.problem,
  };
  localVars.set(local, r.vars);
  return local;
}

/**
 * Returns a portable reference as it is; for a `local` one, throws `FunctionRefError` naming the
 * task key and why the function cannot be sent to a worker.
 *
 * @example
 * const portable = toPortableRef(task.fn, 'inc-1f3a');
 */
export function toPortableRef(ref: FunctionRef, key: string): PortableFunctionRef {
  if (ref.kind !== 'local') return ref;
  const problem =
    ref.problem ??
    `the function '${ref.name}' is a local closure, which a worker thread cannot call. Use sourceRef or moduleRef(import.meta.url, '${ref.name}').`;
  throw new FunctionRefError(withKey(problem, key), key, localVars.get(ref) ?? []);
}

/**
 * A reference to a module's export, loaded with dynamic `import()` where the task runs. The
 * specifier is an absolute URL (such as `import.meta.url` of a module of functions) or a package
 * name; relative paths are refused because a worker resolves them from somewhere else, and so is
 * the entry script (the file node was started with): workers would re-run its top-level code.
 * Keep task functions in a module of their own.
 *
 * @example
 * const parse = moduleRef(import.meta.url, 'parseLine');
 */
export function moduleRef(specifier: string, exportName = 'default'): ModuleRef {
  if (typeof specifier !== 'string' || specifier === '') {
    throw new FunctionRefError(
      `moduleRef: the specifier must be a non-empty string, got ${String(specifier)}`,
      undefined,
    );
  }
  if (specifier.startsWith('./') || specifier.startsWith('../') || specifier.startsWith('/')) {
    throw new FunctionRefError(
      `moduleRef: '${specifier}' is a relative path, which a worker would resolve from elsewhere. Pass an absolute file: URL (new URL('${specifier}', import.meta.url).href) or a package name.`,
      undefined,
    );
  }
  if (typeof exportName !== 'string' || exportName === '') {
    throw new FunctionRefError(
      `moduleRef('${specifier}'): the export name must be a non-empty string`,
      undefined,
    );
  }
  if (isEntryModule(specifier)) {
    throw new FunctionRefError(entryModuleProblem(specifier, exportName), undefined);
  }
  return { kind: 'module', specifier, exportName };
}

/**
 * A reference to a kernel registered with `registerBuiltin`; `module` is imported first where the
 * name is not yet registered.
 *
 * @example
 * const count = builtinRef('bag.count', '@dask-ts/bag');
 */
export function builtinRef(name: string, module?: string): BuiltinRef {
  if (typeof name !== 'string' || name === '') {
    throw new FunctionRefError(
      `builtinRef: the name must be a non-empty string, got ${String(name)}`,
      undefined,
    );
  }
  return module === undefined ? { kind: 'builtin', name } : { kind: 'builtin', name, module };
}

/**
 * Whether a function's text covers all it depends on: it parses, reads no outer variable and is
 * neither bound nor native. Such a function's token (its text) tells it apart from any other;
 * others cannot be keyed by their text (two closures over different values share it). @internal
 *
 * @example
 * isSelfContained((x: number) => x + 1); // true
 * isSelfContained(add.bind(null, 10)); // false
 */
export function isSelfContained(fn: TaskFunction): boolean {
  const c = check(fn);
  return c.ok && c.free.length === 0;
}

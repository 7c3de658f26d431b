// delayed: lazy function calls that build a task graph. Each Delayed holds only its own task and
// references to the Delayeds it reads; the graph is materialized on demand by an iterative walk
// (dependencies first), so building a million tasks costs one small object per task, never a
// copied Map. This file makes Delayeds from functions and values; the pieces live beside it:
// delayed-types.ts (public types), delayed-node.ts (the object behind each Delayed and its graph
// walk), delayed-proxy.ts (member access and method calls), delayed-args.ts (Delayed values and
// collections inside arguments) and key-maker.ts (keys).
import {
  functionName,
  isCollection,
  isPlainObject,
  type FunctionRef,
  type TaskFunction,
} from '@dask-ts/protocol';
import { isSelfContained, sourceRef, toFunctionRef } from './source.js';
import { pureToken } from './tokenize.js';
import { KeyMaker } from './key-maker.js';
import { DelayedImpl, NO_PARENTS, type Parent } from './delayed-node.js';
import { isDelayed, wrap } from './delayed-proxy.js';
import { resolveArg } from './delayed-args.js';
import { isIterator } from './unpack.js';
import type {
  Delayed,
  DelayedArgs,
  DelayedFunction,
  DelayedOptions,
  DelayedTuple,
} from './delayed-types.js';

export { isDelayed } from './delayed-proxy.js';
export type {
  Delayed,
  DelayedCore,
  DelayedMember,
  DelayedArg,
  DelayedArgs,
  DelayedFunction,
  DelayedTuple,
  DelayedOptions,
} from './delayed-types.js';

const FUNCTION_REF_KINDS = new Set(['module', 'builtin', 'source', 'local']);
function isFunctionRef(v: unknown): v is FunctionRef {
  return (
    isPlainObject(v) &&
    typeof v.kind === 'string' &&
    FUNCTION_REF_KINDS.has(v.kind) &&
    (typeof v.fn === 'function' ||
      typeof v.source === 'string' ||
      typeof v.specifier === 'string' ||
      typeof v.name === 'string')
  );
}

function keyName(fn: FunctionRef, options: DelayedOptions): string {
  if (options.name !== undefined) return options.name;
  const n = fn.kind === 'module' ? fn.exportName : functionName(fn);
  return n === '' || n === 'anonymous' || (fn.kind === 'source' && fn.name === undefined)
    ? 'delayed'
    : n;
}

/**
 * Makes a function lazy: calling the result builds a task and returns a {@link Delayed}. Arguments
 * may be Delayed values or collections, anywhere inside arrays and plain objects. A function that
 * reads outer variables must pass them in `scope` to run on worker threads (in-thread it runs
 * anyway). Given a value instead of a function, wraps it as a data node (or, when it holds Delayed
 * values, as a task that assembles them).
 *
 * @example
 * const inc = delayed((x: number) => x + 1);
 * const add = delayed((a: number, b: number) => a + b);
 * const total = add(inc(1), inc(2));
 * await total.compute(); // 5
 * const [q, r] = delayed((a: number, b: number) => [Math.floor(a / b), a % b] as [number, number], { nout: 2 })(7, 2);
 */
export function delayed<F extends (...args: never[]) => unknown>(
  fn: F,
  options: DelayedOptions & { readonly nout: number },
): (...args: DelayedArgs<Parameters<F>>) => DelayedTuple<Awaited<ReturnType<F>>>;
export function delayed<F extends (...args: never[]) => unknown>(
  fn: F,
  options?: DelayedOptions,
): DelayedFunction<F>;
export function delayed(
  fn: FunctionRef,
  options?: DelayedOptions,
): (...args: unknown[]) => Delayed<unknown>;
export function delayed<T>(
  value: T,
  options?: Pick<DelayedOptions, 'name' | 'nout' | 'traverse'>,
): Delayed<T>;
export function delayed(fnOrValue: unknown, options: DelayedOptions = {}): unknown {
  const made = typeof fnOrValue === 'function' ? madeBy.get(fnOrValue) : undefined;
  if (made !== undefined) {
    // Already lazy (`client.submit(delayed(f, { scope }), x)`): as it is, or with new options.
    return Object.keys(options).length === 0
      ? fnOrValue
      : delayedFunction(made.fn, { ...made.options, ...options });
  }
  if (typeof fnOrValue === 'function' && !isDelayed(fnOrValue)) {
    return delayedFunction(
      toFunctionRef(fnOrValue as TaskFunction, { scope: options.scope, name: options.name }),
      options,
    );
  }
  if (isFunctionRef(fnOrValue)) return delayedFunction(fnOrValue, options);
  return delayedValue(fnOrValue, options);
}

/** Functions already warned about: a pure call of theirs gets a random key. */
const warned = new WeakSet<object>();

function warnOpaque(f: object, where: string): void {
  if (warned.has(f)) return;
  warned.add(f);
  const name = (f as { name?: unknown }).name;
  process.emitWarning(
    `${where}: the function '${typeof name === 'string' && name !== '' ? name : 'anonymous'}' reads outer variables or is bound or native, so its text does not say what it computes; its calls get random keys, as impure calls do. Pass what it reads in { scope } (or use moduleRef) to give it pure keys.`,
    { code: 'DASK_TS_OPAQUE_FUNCTION' },
  );
}

/**
 * A key for a pure value: `name-<token>` when the token covers everything the value depends on
 * (every function in it is self-contained), else a random key, with a warning once per function.
 */
function pureKey(keys: KeyMaker, where: string, ...values: unknown[]): string {
  const t = pureTokenOf(where, values);
  return t !== undefined ? keys.with(t) : keys.random();
}

function pureTokenOf(where: string, values: unknown[]): string | undefined {
  const t = pureToken(isSelfContained, ...values);
  if (t.token === undefined) warnOpaque(t.opaque, where);
  return t.token;
}

/** Each lazy function `delayed` made, with what it was made from. */
const madeBy = new WeakMap<object, { fn: FunctionRef; options: DelayedOptions }>();

function delayedFunction(fn: FunctionRef, options: DelayedOptions): (...args: unknown[]) => object {
  const lazy = makeLazy(fn, options);
  madeBy.set(lazy, { fn, options });
  return lazy;
}

function makeLazy(fn: FunctionRef, options: DelayedOptions): (...args: unknown[]) => object {
  const keys = KeyMaker.of(keyName(fn, options));
  // A pure call's key is a token of its function and arguments, the function's part made once.
  // A `local` function (a closure over outer variables, a bound or native function) has no
  // token that tells it from another with the same text: its calls are not pure.
  const opaque = options.pure === true && fn.kind === 'local' ? fn.fn : undefined;
  if (opaque !== undefined) warnOpaque(opaque, 'delayed(fn, { pure: true })');
  const pure = options.pure === true && opaque === undefined;
  const fnToken = pure ? (pureToken(isSelfContained, fn).token ?? '') : '';
  const nout = options.nout;
  if (nout !== undefined && (!Number.isInteger(nout) || nout < 0)) {
    throw new RangeError(`delayed: nout must be a non-negative integer, got ${String(nout)}`);
  }
  return (...args: unknown[]) => {
    const parents: Parent[] = [];
    const resolved = new Array<unknown>(args.length);
    for (let i = 0; i < args.length; i++) resolved[i] = resolveArg(args[i], parents);
    const key = pure
      ? pureKey(keys, 'delayed(fn, { pure: true })', fnToken, resolved)
      : keys.random();
    const impl = new DelayedImpl(
      key,
      fn,
      resolved,
      parents.length === 0 ? NO_PARENTS : parents.slice(),
      nout,
    );
    if (!pure) impl.unique = true;
    return wrap(impl);
  };
}

function delayedValue(
  value: unknown,
  options: Pick<DelayedOptions, 'name' | 'nout' | 'traverse'>,
): object {
  if (isDelayed(value)) return value;
  // An iterator is read into an array (as Dask reads one into a list), once.
  if (
    options.traverse !== false &&
    typeof value === 'object' &&
    value !== null &&
    isIterator(value)
  ) {
    value = [...value];
  }
  const parents: Parent[] = [];
  // traverse: false keeps Delayed values inside `value` as they are (only the top level counts).
  const resolved =
    options.traverse === false && !isCollection(value) ? value : resolveArg(value, parents);
  if (isCollection(value)) return wrap(parents[0] as DelayedImpl);
  const type =
    value === null
      ? 'null'
      : Array.isArray(value)
        ? 'array'
        : typeof value === 'object'
          ? (
              (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)
                ?.constructor?.name ?? 'object'
            ).toLowerCase()
          : typeof value;
  const name = options.name ?? type;
  // A value's key is its token, unless a closure inside makes the token ambiguous.
  const token = pureTokenOf('delayed(value)', [value]);
  const key = token !== undefined ? `${name}-${token}` : KeyMaker.of(name).random();
  if (parents.length === 0) {
    return wrap(new DelayedImpl(key, undefined, value, NO_PARENTS, options.nout));
  }
  const identity = sourceRef('(x) => x', { name: 'identity' });
  return wrap(new DelayedImpl(key, identity, [resolved], parents, options.nout));
}

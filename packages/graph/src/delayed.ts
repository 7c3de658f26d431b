// delayed: lazy function calls that build a task graph. Each Delayed holds only its own task and
// references to the Delayeds it reads; the graph is materialized on demand by an iterative walk
// (dependencies first), so building a million tasks costs one small object per task, never a
// copied Map. A Delayed is a Proxy: attribute access, indexing and method calls give new Delayed
// values computed by `source` kernels (so they run on workers); `then` is not proxied (a Delayed
// is not thenable) and symbol-keyed members (the collection protocol) reach the object itself.
// Other collections passed as arguments merge their graphs in, finalized by a task of their own.
import { randomFillSync } from 'node:crypto';
import {
  daskFinalize,
  daskGraph,
  daskKeys,
  daskRebuild,
  flattenKeys,
  functionName,
  isCollection,
  isPlainObject,
  type Collection,
  type FunctionRef,
  type GraphNode,
  type LocalRef,
  type NestedKeys,
  type PortableFunctionRef,
  type SourceRef,
  type TaskFunction,
} from '@dask-ts/protocol';
import { compute, persist, type GraphComputeOptions } from './compute.js';
import { addsAncestorsOnly, daskGraphInto } from './graph-into.js';
import { sourceRef, toFunctionRef } from './source.js';
import { tokenize, tokenizeSymbol } from './tokenize.js';

/**
 * The optional method through which a collection names a portable function that turns its computed
 * key values (in flattened key order) into its result; used when the collection is passed to a
 * delayed function, so that the finalizing task can run on a worker.
 *
 * @example
 * class Chunks { [daskFinalizeRef]() { return builtinRef('array.concat', '@dask-ts/array'); } }
 */
export const daskFinalizeRef: unique symbol = Symbol.for('dask-ts.finalize-ref') as never;

const IMPL = Symbol('dask-ts.delayed-impl');
const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

/**
 * Options of {@link delayed}.
 *
 * @example
 * const load = delayed(readChunk, { name: 'load', pure: true });
 */
export interface DelayedOptions {
  /** The key prefix (default: the function's name). */
  readonly name?: string;
  /** Same function and arguments give the same key (default false: every call gets a new key). */
  readonly pure?: boolean;
  /** The result is a sequence of `nout` values: it can be destructured into Delayeds. */
  readonly nout?: number;
  /** Outer values the function reads, passed by name so it can run on workers. */
  readonly scope?: Readonly<Record<string, unknown>>;
}

/**
 * The members every Delayed has, besides those proxied to its value.
 *
 * @example
 * const k: string = inc(1).key;
 */
export interface DelayedCore<T> extends Collection<T> {
  /** The key of this value in the graph. */
  readonly key: string;
  /** Computes this value (see `compute` for the options). */
  compute(options?: GraphComputeOptions): Promise<T>;
  /** Computes this value and returns a Delayed holding it as data. */
  persist(options?: GraphComputeOptions): Promise<Delayed<T>>;
  [daskRebuild](values: ReadonlyMap<string, unknown>): Delayed<T>;
  toString(): string;
}

type Apparent<T> = T extends string
  ? string
  : T extends number
    ? number
    : T extends boolean
      ? boolean
      : T extends bigint
        ? bigint
        : T;
type MemberKeys<T> = Exclude<
  keyof Apparent<T>,
  symbol | keyof DelayedCore<unknown> | 'then' | 'constructor'
>;

/**
 * A lazily accessed member of a Delayed value: a Delayed, callable when the member is a method.
 *
 * @example
 * const upper: Delayed<string> = name.toUpperCase();
 */
export type DelayedMember<V> = V extends (...args: infer A) => infer R
  ? Delayed<V> & ((...args: DelayedArgs<A>) => Delayed<Awaited<R>>)
  : Delayed<V>;

/**
 * A lazy value: the result of a delayed call, computed on demand. Member access, indexing and
 * method calls give new Delayed values.
 *
 * @example
 * const n: Delayed<number> = delayed((s: string) => s.length)('abc');
 * const first: Delayed<string> = delayed(['a', 'b'])[0];
 */
export type Delayed<T> = DelayedCore<T> & {
  readonly [K in MemberKeys<T>]: DelayedMember<Apparent<T>[K]>;
};

/**
 * What a delayed function accepts for a parameter of type `T`: the value itself, a Delayed or
 * collection giving it, or (for arrays) an array of those.
 *
 * @example
 * const x: DelayedArg<number> = inc(1);
 */
export type DelayedArg<T> =
  | T
  | Delayed<T>
  | Collection<T>
  | (T extends readonly unknown[]
      ? { readonly [K in keyof T]: DelayedArg<T[K]> }
      : T extends (...args: never[]) => unknown
        ? never
        : T extends object
          ? { readonly [K in keyof T]: DelayedArg<T[K]> }
          : never);

/**
 * The parameters of a delayed function.
 *
 * @example
 * type P = DelayedArgs<[number, string]>; // [DelayedArg<number>, DelayedArg<string>]
 */
export type DelayedArgs<A extends readonly unknown[]> = { [K in keyof A]: DelayedArg<A[K]> };

/**
 * A function made lazy by {@link delayed}: calling it builds a task and returns its Delayed result.
 *
 * @example
 * const inc: DelayedFunction<(x: number) => number> = delayed((x: number) => x + 1);
 */
export type DelayedFunction<F extends (...args: never[]) => unknown> = (
  ...args: DelayedArgs<Parameters<F>>
) => Delayed<Awaited<ReturnType<F>>>;

/**
 * A Delayed sequence of known length: it destructures into Delayed items.
 *
 * @example
 * const [q, r] = divmod(7, 2);
 */
export type DelayedTuple<T> = Delayed<T> &
  (T extends readonly unknown[]
    ? readonly [...{ [K in keyof T]: Delayed<T[K]> }]
    : Iterable<Delayed<unknown>>);

type Parent = DelayedImpl | Collection;

/**
 * The object behind each Delayed proxy. Its graph node is made once, with the Delayed, so that
 * materializing a graph only inserts existing nodes (no allocation per task).
 */
class DelayedImpl {
  /** This value's node: a task, or a data node. */
  readonly node: GraphNode;

  constructor(
    readonly key: string,
    /** The function, or undefined for a data node. */
    fn: FunctionRef | undefined,
    /** The task's arguments (refs in place), or the data node's value. */
    payload: unknown,
    readonly parents: readonly Parent[],
    readonly nout: number | undefined,
    /** Explicit dependencies (finalize nodes of foreign collections); default: the parents' keys. */
    deps?: readonly string[],
  ) {
    this.node =
      fn === undefined
        ? { kind: 'data', value: payload }
        : {
            kind: 'task',
            fn,
            args: payload as unknown[],
            deps: deps ?? parentKeys(parents as readonly DelayedImpl[]),
          };
  }

  get [IMPL](): DelayedImpl {
    return this;
  }

  get [addsAncestorsOnly](): true {
    return true;
  }

  compute(this: object, options?: GraphComputeOptions): Promise<unknown> {
    return compute(this, options ?? {}).then((r) => r[0]);
  }

  persist(this: object, options?: GraphComputeOptions): Promise<unknown> {
    return persist(this, options ?? {}).then((r) => r[0]);
  }

  toString(this: object): string {
    return `Delayed('${implOf(this).key}')`;
  }

  [inspectSymbol](): string {
    return `Delayed('${implOf(this).key}')`;
  }

  [tokenizeSymbol](this: object): unknown {
    return ['Delayed', implOf(this).key];
  }

  [daskKeys](this: object): NestedKeys[] {
    return [implOf(this).key];
  }

  [daskFinalize](values: readonly unknown[]): unknown {
    return values[0];
  }

  [daskRebuild](this: object, values: ReadonlyMap<string, unknown>): object {
    const self = implOf(this);
    return wrap(new DelayedImpl(self.key, undefined, values.get(self.key), NO_PARENTS, self.nout));
  }

  [daskGraph](this: object): Map<string, GraphNode> {
    const out = new Map<string, GraphNode>();
    implOf(this).addInto(out, new Set());
    return out;
  }

  [daskGraphInto](this: object, into: Map<string, GraphNode>, seen: Set<unknown>): void {
    implOf(this).addInto(into, seen);
  }

  /** Adds this node and its ancestors not yet in `into`, dependencies first (iteratively). */
  addInto(into: Map<string, GraphNode>, seen: Set<unknown>): void {
    if (into.has(this.key)) return;
    const stack: DelayedImpl[] = [this];
    const pos: number[] = [0];
    while (stack.length > 0) {
      const top = stack.length - 1;
      const d = stack[top];
      const i = pos[top];
      if (i < d.parents.length) {
        pos[top] = i + 1;
        const p = d.parents[i];
        if (p instanceof DelayedImpl) {
          if (!into.has(p.key)) {
            stack.push(p);
            pos.push(0);
          }
        } else if (!seen.has(p)) {
          seen.add(p);
          const adder = (p as Partial<Record<typeof daskGraphInto, DelayedImpl['addInto']>>)[
            daskGraphInto
          ];
          if (typeof adder === 'function') adder.call(p, into, seen);
          else for (const [k, v] of p[daskGraph]()) into.set(k, v);
        }
      } else {
        stack.pop();
        pos.pop();
        into.set(d.key, d.node);
      }
    }
  }

  *[Symbol.iterator](this: object): Iterator<object> {
    const self = implOf(this);
    if (self.nout === undefined) {
      throw new TypeError(
        `Delayed '${self.key}' is not iterable: its length is unknown. Pass { nout: n } to delayed() to destructure its result.`,
      );
    }
    for (let i = 0; i < self.nout; i++) yield item(self, i);
  }
}

/** The node of a foreign collection's finalizing task: its dependencies are the collection's keys. */
class FinalizeImpl extends DelayedImpl {
  constructor(
    key: string,
    fn: FunctionRef,
    payload: unknown,
    parents: readonly Parent[],
    deps: readonly string[],
  ) {
    super(key, fn, payload, parents, undefined, deps);
  }
}

/** An attribute of a Delayed: calling it is a method call on the object. */
class AttrImpl extends DelayedImpl {
  constructor(
    key: string,
    fn: FunctionRef,
    payload: unknown,
    readonly attrOf: DelayedImpl,
    readonly attrName: string,
  ) {
    super(key, fn, payload, [attrOf], undefined);
  }
}

const NO_PARENTS: readonly Parent[] = Object.freeze([]);
const NO_DEPS: readonly string[] = Object.freeze([]);

/** The distinct keys of a task's parents, in order (one small array; shared when empty). */
function parentKeys(ps: readonly DelayedImpl[]): readonly string[] {
  switch (ps.length) {
    case 0:
      return NO_DEPS;
    case 1:
      return [ps[0].key];
    case 2:
      return ps[0].key === ps[1].key ? [ps[0].key] : [ps[0].key, ps[1].key];
    default:
      return [...new Set(ps.map((p) => p.key))];
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const pool = Buffer.allocUnsafe(4096);
let poolOffset = pool.length;

/**
 * Makes `${name}-${token}` keys as flat strings (a template literal would keep a rope of parts,
 * and crypto.randomUUID's string is itself a rope of ~20 pieces: hundreds of bytes per key). Random
 * tokens are 128 bits from the crypto random pool, in hex.
 */
class KeyMaker {
  private readonly prefix: string;
  private readonly buf: Buffer | undefined;
  constructor(name: string) {
    this.prefix = `${name}-`;
    if (/^[\x20-\x7e]*$/.test(this.prefix)) {
      this.buf = Buffer.alloc(this.prefix.length + 32);
      this.buf.write(this.prefix, 'latin1');
    }
  }

  random(): string {
    if (poolOffset + 16 > pool.length) {
      randomFillSync(pool);
      poolOffset = 0;
    }
    const buf = this.buf;
    if (buf === undefined)
      return `${this.prefix}${pool.toString('hex', poolOffset, (poolOffset += 16))}`;
    let o = this.prefix.length;
    for (let i = 0; i < 16; i++) {
      const h = HEX[pool[poolOffset++]];
      buf[o++] = h.charCodeAt(0);
      buf[o++] = h.charCodeAt(1);
    }
    return buf.toString('latin1');
  }

  with(token: string): string {
    if (this.buf === undefined || token.length !== 32) return `${this.prefix}${token}`;
    this.buf.write(token, this.prefix.length, 'latin1');
    return this.buf.toString('latin1');
  }
}

function implOf(x: object): DelayedImpl {
  return (x as { [IMPL]: DelayedImpl })[IMPL];
}

const RESERVED = new Set<string | symbol>(['key', 'compute', 'persist', 'toString', 'constructor']);

const handler: ProxyHandler<object> = {
  get(target, prop) {
    const impl = implOf(target);
    if (typeof prop === 'symbol' || RESERVED.has(prop)) return Reflect.get(impl, prop, impl);
    if (prop === 'then') return undefined;
    return /^(0|[1-9]\d*)$/.test(prop) ? item(impl, Number(prop)) : attr(impl, prop);
  },
  apply(target, _this, args: unknown[]) {
    const impl = implOf(target);
    if (!(impl instanceof AttrImpl)) {
      throw new TypeError(`Delayed '${impl.key}' is not a function`);
    }
    return callMethod(impl.attrOf, impl.attrName, args);
  },
  set(target, prop) {
    throw new TypeError(
      `Cannot set '${String(prop)}' on Delayed '${implOf(target).key}': Delayed values are immutable; build a new one with a delayed function`,
    );
  },
  deleteProperty(target, prop) {
    throw new TypeError(
      `Cannot delete '${String(prop)}' from Delayed '${implOf(target).key}': Delayed values are immutable`,
    );
  },
};

function wrap(impl: DelayedImpl, callable = false): object {
  let target: object = impl;
  if (callable) {
    const fn = (): void => undefined;
    Object.defineProperty(fn, IMPL, { value: impl });
    target = fn;
  }
  return new Proxy(target, handler);
}

let kernels: { getattr: SourceRef; getitem: SourceRef; callMethod: SourceRef } | undefined;
function kernel(name: 'getattr' | 'getitem' | 'callMethod'): SourceRef {
  kernels ??= {
    getattr: sourceRef('(obj, name) => obj[name]', { name: 'getattr' }),
    getitem: sourceRef('(obj, index) => obj[index]', { name: 'getitem' }),
    callMethod: sourceRef('(obj, name, ...args) => obj[name](...args)', { name: 'callMethod' }),
  };
  return kernels[name];
}

function attr(of: DelayedImpl, name: string): object {
  const key = `getattr-${tokenize(of.key, name)}`;
  return wrap(new AttrImpl(key, kernel('getattr'), [{ $ref: of.key }, name], of, name), true);
}

function item(of: DelayedImpl, index: number): object {
  const key = `getitem-${tokenize(of.key, index)}`;
  return wrap(new DelayedImpl(key, kernel('getitem'), [{ $ref: of.key }, index], [of], undefined));
}

function callMethod(of: DelayedImpl, name: string, args: readonly unknown[]): object {
  const parents: Parent[] = [of];
  const resolved: unknown[] = [{ $ref: of.key }, name];
  for (const a of args) resolved.push(resolveArg(a, parents));
  return wrap(
    new DelayedImpl(
      new KeyMaker(name).random(),
      kernel('callMethod'),
      resolved,
      parents,
      undefined,
    ),
  );
}

/** Whether a value is a Delayed. @example isDelayed(inc(1)); // true */
export function isDelayed(value: unknown): value is Delayed<unknown> {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  return (value as { [IMPL]?: unknown })[IMPL] instanceof DelayedImpl;
}

const RESERVED_ARG_KEYS = ['$ref', '$call', '$literal'];

/** An argument with Delayed values and collections replaced by refs; their nodes join `parents`. */
function resolveArg(v: unknown, parents: Parent[]): unknown {
  if ((typeof v !== 'object' && typeof v !== 'function') || v === null) return v;
  const impl = (v as { [IMPL]?: unknown })[IMPL];
  if (impl instanceof DelayedImpl) {
    parents.push(impl);
    return { $ref: impl.key };
  }
  if (isCollection(v)) {
    const f = finalizeNode(v);
    parents.push(f);
    return { $ref: f.key };
  }
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x = v[i] as unknown;
      const r = resolveArg(x, parents);
      if (r !== x) (out ??= v.slice())[i] = r;
    }
    return out ?? v;
  }
  if (!isPlainObject(v)) return v;
  let out: Record<string, unknown> | undefined;
  for (const k in v) {
    const x = v[k];
    const r = resolveArg(x, parents);
    if (r !== x) (out ??= { ...v })[k] = r;
  }
  if (out === undefined && RESERVED_ARG_KEYS.some((k) => k in v)) return { $literal: v };
  return out ?? v;
}

/** A task turning a foreign collection's computed keys into its value. */
function finalizeNode(c: Collection): DelayedImpl {
  const keys = flattenKeys(c[daskKeys]());
  const own = (c as { [daskFinalizeRef]?: () => PortableFunctionRef })[daskFinalizeRef];
  const fn: FunctionRef =
    typeof own === 'function'
      ? own.call(c)
      : ({
          kind: 'local',
          fn: (values: unknown[]) => c[daskFinalize](values),
          name: 'finalize',
          problem:
            'a collection passed to a delayed function is finalized by a method of the collection object, which a worker thread cannot call. Compute the collection first, or give it a [daskFinalizeRef]() method',
        } satisfies LocalRef);
  const key = `finalize-${tokenize(keys)}`;
  return new FinalizeImpl(key, fn, [keys.map((k) => ({ $ref: k }))], [c], keys);
}

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
export function delayed<T>(value: T, options?: Pick<DelayedOptions, 'name' | 'nout'>): Delayed<T>;
export function delayed(fnOrValue: unknown, options: DelayedOptions = {}): unknown {
  if (typeof fnOrValue === 'function' && !isDelayed(fnOrValue)) {
    return delayedFunction(
      toFunctionRef(fnOrValue as TaskFunction, { scope: options.scope, name: options.name }),
      options,
    );
  }
  if (isFunctionRef(fnOrValue)) return delayedFunction(fnOrValue, options);
  return delayedValue(fnOrValue, options);
}

function delayedFunction(fn: FunctionRef, options: DelayedOptions): (...args: unknown[]) => object {
  const keys = new KeyMaker(keyName(fn, options));
  const pure = options.pure === true;
  const nout = options.nout;
  if (nout !== undefined && (!Number.isInteger(nout) || nout < 0)) {
    throw new RangeError(`delayed: nout must be a non-negative integer, got ${String(nout)}`);
  }
  return (...args: unknown[]) => {
    const parents: Parent[] = [];
    const resolved = new Array<unknown>(args.length);
    for (let i = 0; i < args.length; i++) resolved[i] = resolveArg(args[i], parents);
    const key = pure ? keys.with(tokenize(fn, args)) : keys.random();
    return wrap(
      new DelayedImpl(key, fn, resolved, parents.length === 0 ? NO_PARENTS : parents.slice(), nout),
    );
  };
}

function delayedValue(value: unknown, options: Pick<DelayedOptions, 'name' | 'nout'>): object {
  if (isDelayed(value)) return value;
  const parents: Parent[] = [];
  const resolved = resolveArg(value, parents);
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
  if (parents.length === 0) {
    return wrap(
      new DelayedImpl(`${name}-${tokenize(value)}`, undefined, value, NO_PARENTS, options.nout),
    );
  }
  const identity = sourceRef('(x) => x', { name: 'identity' });
  return wrap(
    new DelayedImpl(`${name}-${tokenize(value)}`, identity, [resolved], parents, options.nout),
  );
}

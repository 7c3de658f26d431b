// The Delayed proxy: attribute access, indexing and method calls on a Delayed give new Delayed
// values computed by `source` kernels (so they run on workers); `then` is not proxied (a Delayed is
// not thenable), symbol-keyed members (the collection protocol) and the reserved names reach the
// DelayedImpl itself, and setting or deleting members is an error (Delayed values are immutable).
// The two symbol members that give new Delayed values, `daskRebuild` and `Symbol.iterator`, are
// served here, not by the DelayedImpl: only this module makes proxies, and delayed-node.ts must
// not import it (no import cycle).
import { daskRebuild, type SourceRef } from '@dask-ts/protocol';
import { sourceRef } from './source.js';
import { tokenize } from './tokenize.js';
import { KeyMaker } from './key-maker.js';
import { AttrImpl, DelayedImpl, IMPL, NO_PARENTS, implOf, type Parent } from './delayed-node.js';
import { resolveArg } from './delayed-args.js';
import type { Delayed } from './delayed-types.js';

const RESERVED = new Set<string | symbol>(['key', 'compute', 'persist', 'toString', 'constructor']);

const handler: ProxyHandler<object> = {
  get(target, prop) {
    const impl = implOf(target);
    if (typeof prop === 'symbol') {
      if (prop === daskRebuild) return rebuild;
      if (prop === Symbol.iterator) return iterate;
      return Reflect.get(impl, prop, impl);
    }
    if (RESERVED.has(prop)) return Reflect.get(impl, prop, impl);
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

/** The Delayed proxy of `impl` (callable: a function target, for attributes that may be methods). */
export function wrap(impl: DelayedImpl, callable = false): object {
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

/** `[daskRebuild]`: a Delayed holding its computed value (a data node with the same key). */
function rebuild(this: object, values: ReadonlyMap<string, unknown>): object {
  const self = implOf(this);
  return wrap(new DelayedImpl(self.key, undefined, values.get(self.key), NO_PARENTS, self.nout));
}

/** `[Symbol.iterator]`: the items of a Delayed whose length (`nout`) is known. */
function* iterate(this: object): Iterator<object> {
  const self = implOf(this);
  if (self.nout === undefined) {
    throw new TypeError(
      `Delayed '${self.key}' is not iterable: its length is unknown. Pass { nout: n } to delayed() to destructure its result.`,
    );
  }
  for (let i = 0; i < self.nout; i++) yield item(self, i);
}

/** The Delayed `of[index]`. */
export function item(of: DelayedImpl, index: number): object {
  const key = `getitem-${tokenize(of.key, index)}`;
  return wrap(new DelayedImpl(key, kernel('getitem'), [{ $ref: of.key }, index], [of], undefined));
}

/** The Delayed `of[name](...args)`. */
function callMethod(of: DelayedImpl, name: string, args: readonly unknown[]): object {
  const parents: Parent[] = [of];
  const resolved: unknown[] = [{ $ref: of.key }, name];
  for (const a of args) resolved.push(resolveArg(a, parents));
  return wrap(
    new DelayedImpl(KeyMaker.of(name).random(), kernel('callMethod'), resolved, parents, undefined),
  );
}

/** Whether a value is a Delayed. @example isDelayed(inc(1)); // true */
export function isDelayed(value: unknown): value is Delayed<unknown> {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  return (value as { [IMPL]?: unknown })[IMPL] instanceof DelayedImpl;
}

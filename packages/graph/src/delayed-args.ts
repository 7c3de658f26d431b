// Arguments of delayed calls: Delayed values and collections anywhere inside arrays, plain
// objects, Sets and Maps (as Dask traverses lists, tuples, sets and dicts) are replaced by refs
// (copying only the containers that change) and become the task's parents. A Set or Map holding
// one is rebuilt where the task runs, by an inline call (`$call`) over its items; an iterator is
// read into an array (as Dask reads one into a list); other objects (class instances) are opaque
// values, as in Dask. A foreign collection is read through a finalizing task of its own, portable when the
// collection names its finalizer with [daskFinalizeRef](). A plain object that the argument
// language would read as a ref, a call or a literal (protocol's `argKind`) is wrapped in
// `$literal` so it reaches the function as it is.
import {
  ArgKind,
  argKind,
  daskFinalize,
  daskFinalizeRef,
  daskKeys,
  flattenKeys,
  isCollection,
  isPlainObject,
  type Collection,
  type FunctionRef,
  type LocalRef,
  type SourceRef,
} from '@dask-ts/protocol';
import { sourceRef } from './source.js';
import { isIterator } from './unpack.js';
import { tokenize } from './tokenize.js';
import { DelayedImpl, FinalizeImpl, IMPL, type Parent } from './delayed-node.js';

/** An argument with Delayed values and collections replaced by refs; their nodes join `parents`. */
export function resolveArg(v: unknown, parents: Parent[]): unknown {
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
  if (v instanceof Set || v instanceof Map) return resolveKeyed(v, parents);
  if (isIterator(v)) return resolveArg([...v], parents);
  if (!isPlainObject(v)) return v;
  let out: Record<string, unknown> | undefined;
  for (const k in v) {
    const x = v[k];
    const r = resolveArg(x, parents);
    if (r !== x) (out ??= { ...v })[k] = r;
  }
  if (out === undefined && argKind(v) !== ArgKind.Object) return { $literal: v };
  return out ?? v;
}

let builders: { set: SourceRef; map: SourceRef } | undefined;

/** A Set or Map as it is, or, when it holds Delayed values, an inline call that rebuilds it. */
function resolveKeyed(v: Set<unknown> | Map<unknown, unknown>, parents: Parent[]): unknown {
  const items = v instanceof Set ? [...v] : [...v].map(([k, x]) => [k, x]);
  const before = parents.length;
  const resolved = resolveArg(items, parents);
  if (resolved === items && parents.length === before) return v;
  builders ??= {
    set: sourceRef('(items) => new Set(items)', { name: 'set' }),
    map: sourceRef('(entries) => new Map(entries)', { name: 'map' }),
  };
  return { $call: v instanceof Set ? builders.set : builders.map, args: [resolved] };
}

/** A task turning a foreign collection's computed keys into its value. */
function finalizeNode(c: Collection): DelayedImpl {
  const keys = flattenKeys(c[daskKeys]());
  const own = c[daskFinalizeRef];
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

// Collections nested in the arguments of `compute` and `persist`: as Dask's `unpack_collections`,
// arrays, plain objects, Sets, Maps (keys and values) and iterators (read into an array, as Dask
// reads one into a list) are searched, the collections found are computed together, and each
// container holding one is rebuilt around the results (a new container; the caller's is
// untouched, and a container holding none is returned as it is). Other objects (class instances)
// are values, not searched. A cycle back to an enclosing container is left as it is.
import { isCollection, isPlainObject, type Collection } from '@dask-ts/protocol';

/** Builds a value back from the results of the collections found in it. */
type Repack = (results: readonly unknown[]) => unknown;

/**
 * The collections in `values` (searched inside containers when `traverse`), and a function that
 * rebuilds every value with the i-th collection replaced by the i-th result. @internal
 *
 * @example
 * const { collections, repack } = unpack([{ a: d }, 1], true);
 * repack([5]); // [{ a: 5 }, 1]
 */
export function unpack(
  values: readonly unknown[],
  traverse: boolean,
): { collections: Collection[]; repack: (results: readonly unknown[]) => unknown[] } {
  const collections: Collection[] = [];
  const path = new Set<object>();
  const plans = values.map((v) =>
    traverse ? plan(v, collections, path) : topLevel(v, collections),
  );
  return {
    collections,
    repack: (results) => values.map((v, i) => (plans[i] === undefined ? v : plans[i](results))),
  };
}

function topLevel(v: unknown, out: Collection[]): Repack | undefined {
  if (!isCollection(v)) return undefined;
  const at = out.push(v) - 1;
  return (r) => r[at];
}

function plan(v: unknown, out: Collection[], path: Set<object>): Repack | undefined {
  if (typeof v !== 'object' || v === null) {
    return typeof v === 'function' ? topLevel(v, out) : undefined;
  }
  if (isCollection(v)) return topLevel(v, out);
  if (path.has(v)) return undefined;
  if (Array.isArray(v)) return within(v, path, () => planArray(v, out, path));
  if (v instanceof Set) {
    return within(v, path, () => {
      const items = planArray([...v], out, path);
      return items && ((r) => new Set(items(r) as unknown[]));
    });
  }
  if (v instanceof Map) {
    return within(v, path, () => {
      const entries = planArray(
        [...v].map(([k, x]) => [k, x]),
        out,
        path,
      );
      return entries && ((r) => new Map(entries(r) as [unknown, unknown][]));
    });
  }
  if (isIterator(v)) {
    // Read once, here; the items are what Dask would compute (as a list).
    const items = [...v];
    const p = plan(items, out, path);
    return p ?? (() => items);
  }
  if (!isPlainObject(v)) return undefined;
  return within(v, path, () => {
    const keys = Object.keys(v);
    const vals = planArray(
      keys.map((k) => v[k]),
      out,
      path,
    );
    return (
      vals &&
      ((r) => {
        const xs = vals(r) as unknown[];
        const o: Record<string, unknown> = { ...v };
        keys.forEach((k, i) => (o[k] = xs[i]));
        return o;
      })
    );
  });
}

function within(v: object, path: Set<object>, body: () => Repack | undefined): Repack | undefined {
  path.add(v);
  try {
    return body();
  } finally {
    path.delete(v);
  }
}

function planArray(
  xs: readonly unknown[],
  out: Collection[],
  path: Set<object>,
): Repack | undefined {
  let parts: (Repack | undefined)[] | undefined;
  for (let i = 0; i < xs.length; i++) {
    const p = plan(xs[i], out, path);
    if (p !== undefined) (parts ??= new Array<Repack | undefined>(xs.length))[i] = p;
  }
  if (parts === undefined) return undefined;
  const ps = parts;
  return (r) => xs.map((x, i) => (ps[i] === undefined ? x : ps[i](r)));
}

/** A one-shot iterator (a generator, `arr.values()`...): it is its own iterable. */
export function isIterator(v: object): v is IterableIterator<unknown> {
  const it = (v as { [Symbol.iterator]?: unknown })[Symbol.iterator];
  return (
    typeof it === 'function' &&
    typeof (v as { next?: unknown }).next === 'function' &&
    (it as () => unknown).call(v) === v
  );
}

// Finds, without copying anything, a part of a value that structured clone (how values reach a
// worker thread or process) cannot copy: a function, a Symbol, a WeakMap or WeakSet, a WeakRef, a
// Promise, a generator or iterator, a Proxy, an `arguments` object, a module namespace. It walks
// what structured clone would walk (arrays, plain objects and class instances by their own
// enumerable properties, Map keys and values, Set members) and skips values a registered codec
// encodes. Circular and shared parts are fine: a walk that goes very deep (a cycle) or visits very
// many objects (shared parts) starts again remembering the objects it visited; a Set per object
// would cost most of the walk. The walk is iterative (no stack overflow on deep values) and only
// the slow path, once something was found, tracks where it is. What this cannot see (a host object with native fields) is
// caught when the message is sent (see outbox.ts).
import { types } from 'node:util';
import type { Codec } from '@dask-ts/protocol';
import { isDelayed } from '@dask-ts/graph';

const CODECS_SLOT = Symbol.for('@dask-ts/protocol/codecs');

/** The codecs registered in this thread (the protocol package's global registry). */
function codecs(): ReadonlyMap<string, Codec> | undefined {
  return (globalThis as { [CODECS_SLOT]?: Map<string, Codec> })[CODECS_SLOT];
}

/**
 * A part of a value that cannot be copied: where it is (`.a[2].f`, empty for the value itself)
 * and what it is (`a function (parse)`, `a WeakMap`).
 *
 * @example
 * const bad: Uncloneable = { path: '.f', what: 'a function (f)' };
 */
export interface Uncloneable {
  readonly path: string;
  readonly what: string;
}

/**
 * The first part of `value` that structured clone cannot copy, or undefined when it can all be
 * copied (as far as JavaScript can tell).
 *
 * @example
 * findUncloneable({ a: [1, 2], f: () => 1 }); // { path: '.f', what: 'a function (f)' }
 */
export function findUncloneable(value: unknown): Uncloneable | undefined {
  if (cloneable(value)) return undefined;
  return locate(value);
}

/** The fast walk: no paths and no set, unless the value turns out to be circular or huge. */
function cloneable(root: unknown): boolean {
  if (typeof root !== 'object' || root === null) return refusal(root) === undefined;
  const verdict = walk(root, false);
  return (verdict === RESTART ? walk(root, true) : verdict) === OK;
}

const OK = 0;
const BAD = 1;
const RESTART = 2;
/** Deeper than this (a cycle, most likely) or more visits (shared parts), the walk remembers. */
const MAX_DEPTH = 10_000;
const MAX_VISITS = 4_000_000;

/** Depth-first, with an explicit stack; with `remember`, each object is visited once. */
function walk(root: object, remember: boolean): typeof OK | typeof BAD | typeof RESTART {
  const stack: object[] = [root];
  const depths: number[] = [0];
  const seen = remember ? new Set<object>() : undefined;
  let visits = 0;
  let depth = 0;
  const push = (v: unknown): boolean => {
    if (typeof v !== 'object' || v === null)
      return typeof v !== 'function' && typeof v !== 'symbol';
    stack.push(v);
    depths.push(depth + 1);
    return true;
  };
  while (stack.length > 0) {
    const v = stack.pop()!;
    depth = depths.pop()!;
    if (seen !== undefined) {
      if (seen.has(v)) continue;
      seen.add(v);
    } else if (depth > MAX_DEPTH || ++visits > MAX_VISITS) return RESTART;
    if (Array.isArray(v)) {
      if (types.isProxy(v)) return BAD;
      for (let i = 0; i < v.length; i++) if (!push(v[i])) return BAD;
      continue;
    }
    const kind = objectKind(v);
    if (kind === LEAF) continue;
    if (kind !== WALK) return BAD;
    if (v instanceof Map) {
      for (const [k, x] of v) if (!push(k) || !push(x)) return BAD;
    } else if (v instanceof Set) {
      for (const x of v) if (!push(x)) return BAD;
    } else {
      const o = v as Record<string, unknown>;
      for (const k of Object.keys(o)) if (!push(o[k])) return BAD;
    }
  }
  return OK;
}

/** The slow walk, once the fast one found something: breadth-first, with paths. */
function locate(root: unknown): Uncloneable | undefined {
  const queue: [unknown, string][] = [[root, '']];
  const seen = new Set<object>();
  for (let i = 0; i < queue.length; i++) {
    const [v, path] = queue[i];
    if (typeof v !== 'object' || v === null) {
      const what = refusal(v);
      if (what !== undefined) return { path, what };
      continue;
    }
    if (seen.has(v)) continue;
    seen.add(v);
    if (Array.isArray(v)) {
      if (types.isProxy(v)) return { path, what: proxyKind(v) };
      for (let j = 0; j < v.length; j++) queue.push([v[j], `${path}[${j}]`]);
      continue;
    }
    const kind = objectKind(v);
    if (kind === LEAF) continue;
    if (kind !== WALK) return { path, what: kind };
    if (v instanceof Map) {
      let j = 0;
      for (const [k, x] of v) {
        queue.push([k, `${path}.keys()[${j}]`], [x, `${path}.get(${describeKey(k)})`]);
        j++;
      }
    } else if (v instanceof Set) {
      let j = 0;
      for (const x of v) queue.push([x, `${path}.values()[${j++}]`]);
    } else {
      const o = v as Record<string, unknown>;
      for (const k of Object.keys(o)) {
        queue.push([
          o[k],
          /^[A-Za-z_$][\w$]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`,
        ]);
      }
    }
  }
  return undefined;
}

const LEAF = 0;
const WALK = 1;

/**
 * How the walk treats an object: LEAF (copied whole: typed arrays, dates, errors, a codec's
 * values), WALK (its parts are copied: plain objects, class instances, Maps, Sets), or a
 * description of why it cannot be copied.
 */
function objectKind(v: object): typeof LEAF | typeof WALK | string {
  const proto = Object.getPrototypeOf(v) as object | null;
  if (proto === Object.prototype || proto === null) {
    if (types.isProxy(v)) return proxyKind(v);
    return types.isArgumentsObject(v) ? 'an arguments object (copy it with Array.from)' : WALK;
  }
  if (ArrayBuffer.isView(v) || types.isAnyArrayBuffer(v)) return LEAF;
  if (types.isDate(v) || types.isRegExp(v) || types.isNativeError(v)) return LEAF;
  if (types.isMap(v) || types.isSet(v)) return types.isProxy(v) ? proxyKind(v) : WALK;
  if (types.isBoxedPrimitive(v)) return types.isSymbolObject(v) ? 'a Symbol object' : LEAF;
  const special = specialKind(v);
  if (special !== undefined) return special;
  const registered = codecs();
  if (registered !== undefined) for (const c of registered.values()) if (c.test(v)) return LEAF;
  return WALK;
}

/** What a built-in object that structured clone refuses is, or undefined. */
function specialKind(v: object): string | undefined {
  if (types.isProxy(v)) return proxyKind(v);
  if (types.isPromise(v)) return 'a Promise';
  if (types.isGeneratorObject(v)) return 'a generator (materialise it first, e.g. with Array.from)';
  if (types.isWeakMap(v)) return 'a WeakMap';
  if (types.isWeakSet(v)) return 'a WeakSet';
  if (types.isMapIterator(v) || types.isSetIterator(v)) {
    return `a ${tagOf(v)} (materialise it first, e.g. with Array.from)`;
  }
  if (types.isArgumentsObject(v)) return 'an arguments object (copy it with Array.from)';
  if (types.isModuleNamespaceObject(v)) return 'a module namespace object';
  if (types.isExternal(v)) return 'a native (external) value';
  const tag = tagOf(v);
  if (tag === 'WeakRef' || tag === 'FinalizationRegistry') return `a ${tag}`;
  if (tag.endsWith('Iterator')) return `a ${tag} (materialise it first, e.g. with Array.from)`;
  return undefined;
}

/** A Proxy; a Delayed value (one) is found only in arrays and plain objects, not in a Set or Map. */
function proxyKind(v: object): string {
  let delayed = false;
  try {
    delayed = isDelayed(v);
  } catch {
    // A proxy whose traps throw: not a Delayed value.
  }
  return delayed
    ? 'a Delayed value that was not computed first (Delayed values are found inside arrays and plain objects only: pass an array instead of a Set or Map)'
    : 'a Proxy';
}

/** Why a primitive or function cannot be copied, or undefined when it can. */
function refusal(v: unknown): string | undefined {
  if (typeof v === 'function') {
    const name = (v as { name?: unknown }).name;
    return typeof name === 'string' && name !== '' ? `a function (${name})` : 'a function';
  }
  if (typeof v === 'symbol') return `a Symbol (${v.toString()})`;
  if (typeof v === 'object' && v !== null) {
    const kind = objectKind(v);
    return typeof kind === 'string' ? kind : undefined;
  }
  return undefined;
}

function tagOf(v: object): string {
  return Object.prototype.toString.call(v).slice(8, -1);
}

function describeKey(k: unknown): string {
  if (typeof k === 'string') return JSON.stringify(k);
  if (typeof k === 'object' && k !== null) return `(a ${tagOf(k)})`;
  return String(k);
}

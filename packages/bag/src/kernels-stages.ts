// The element-wise stages of a fused pipeline (see kernels-pipe.ts). A stage spec is a small tuple
// that travels in task arguments (its kinds and their parameters: the table STAGES of specs.ts)
// and becomes, where the task runs, a push function: it takes one element and pushes what it
// makes (zero, one or many elements) to the next stage. Functions are resolved before the
// pipeline starts, so pushing is synchronous. Each stage counts the elements it has seen, so its
// errors name the element's place in the partition.
import { describe } from './kernels-elementwise.js';
import { strMethod } from './kernels-str.js';
import { groupKey } from './group-key.js';
import type { TaskFunction } from '@dask-ts/protocol';
import { unreachableSpec, type RunStage } from './specs.js';

/**
 * Pushes one element into a stage (or a sink).
 *
 * @example
 * const log: Push = (x) => console.log(x);
 */
export type Push = (x: unknown) => void;

/**
 * Makes the push function of one stage in front of `next` (functions already resolved).
 *
 * @example
 * const push = makeStage(['flatten'], (x) => out.push(x));
 */
export function makeStage(spec: RunStage, next: Push): Push {
  switch (spec[0]) {
    case 'map':
      return mapStage(spec[1], spec[2], next);
    case 'starmap':
      return starmapStage(spec[1], spec[2], next);
    case 'filter':
      return filterStage(spec[1], spec[2], next);
    case 'flatten':
      return flattenStage(next);
    case 'pluck':
      return pluckStage(spec[1], spec[2], spec[3], next);
    case 'str': {
      const f = strMethod(spec[1], spec[2]);
      return (x) => next(f(x));
    }
    case 'strMatch': {
      const f = strMethod('match', [spec[1]]);
      return (x) => {
        if (f(x)) next(x);
      };
    }
    case 'join':
      return joinStage(spec[1], spec[2], spec[3], next);
    default:
      return unreachableSpec(spec, 'stage');
  }
}

function mapStage(fn: TaskFunction, extra: readonly unknown[], next: Push): Push {
  if (extra.length === 0) return (x) => next(fn(x));
  if (extra.length === 1) {
    const a = extra[0];
    return (x) => next(fn(x, a));
  }
  return (x) => next(fn(x, ...extra));
}

function starmapStage(fn: TaskFunction, extra: readonly unknown[], next: Push): Push {
  let i = 0;
  return (x) => {
    if (!Array.isArray(x)) {
      throw new TypeError(
        `starmap: element ${i} of this partition is not an array (got ${describe(x)})`,
      );
    }
    i++;
    next(extra.length === 0 ? fn(...(x as unknown[])) : fn(...(x as unknown[]), ...extra));
  };
}

function filterStage(fn: TaskFunction, keep: boolean, next: Push): Push {
  return keep
    ? (x) => {
        if (fn(x)) next(x);
      }
    : (x) => {
        if (!fn(x)) next(x);
      };
}

function flattenStage(next: Push): Push {
  let i = 0;
  return (x) => {
    if (Array.isArray(x)) {
      for (let j = 0; j < x.length; j++) next(x[j]);
    } else if (
      x !== null &&
      (typeof x === 'object' || typeof x === 'string') &&
      Symbol.iterator in Object(x)
    ) {
      for (const y of x as Iterable<unknown>) next(y);
    } else {
      throw new TypeError(
        `flatten: element ${i} of this partition is not iterable (got ${describe(x)})`,
      );
    }
    i++;
  };
}

function pluckStage(
  key: PropertyKey | readonly PropertyKey[],
  hasDefault: boolean,
  dflt: unknown,
  next: Push,
): Push {
  let i = 0;
  const get = (x: unknown, k: PropertyKey): unknown => {
    if (x !== null && x !== undefined && k in Object(x))
      return (x as Record<PropertyKey, unknown>)[k];
    if (hasDefault) return dflt;
    throw new Error(
      `pluck: element ${i} of this partition has no key ${JSON.stringify(k)} (got ${describe(x)}); pass a default to fill missing keys`,
    );
  };
  if (isKeyList(key)) {
    const ks = key;
    return (x) => {
      const t = new Array<unknown>(ks.length);
      for (let j = 0; j < ks.length; j++) t[j] = get(x, ks[j]);
      i++;
      next(t);
    };
  }
  const k = key;
  return (x) => {
    const v = get(x, k);
    i++;
    next(v);
  };
}

function isKeyList(key: PropertyKey | readonly PropertyKey[]): key is readonly PropertyKey[] {
  return Array.isArray(key);
}

/**
 * `join` with an in-memory sequence: for each element, a `[match, element]` pair for every item of
 * `other` whose key equals the element's (keys compared as grouping keys, so tuples match by
 * value). The index of `other` is built once per task.
 */
function joinStage(onSelf: TaskFunction, onOther: TaskFunction, other: unknown, next: Push): Push {
  const index = new Map<unknown, unknown[]>();
  for (const o of toIterable(other)) {
    const k = groupKey(onOther(o));
    const list = index.get(k);
    if (list !== undefined) list.push(o);
    else index.set(k, [o]);
  }
  return (x) => {
    const matches = index.get(groupKey(onSelf(x)));
    if (matches !== undefined) for (const m of matches) next([m, x]);
  };
}

function toIterable(x: unknown): Iterable<unknown> {
  if (x !== null && typeof x === 'object' && Symbol.iterator in x) return x as Iterable<unknown>;
  throw new TypeError(`join: the other sequence is not iterable (got ${describe(x)})`);
}

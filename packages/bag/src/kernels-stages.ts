// The element-wise stages of a fused pipeline (see kernels-pipe.ts). A stage spec is a small array
// that travels in task arguments - `['map', fn, extra]`, `['starmap', fn, extra]`, `['filter', fn,
// keep]`, `['flatten']`, `['pluck', key, hasDefault, default]` - and becomes, where the task runs, a
// push function: it takes one element and pushes what it makes (zero, one or many elements) to the
// next stage. Functions are resolved before the pipeline starts, so pushing is synchronous. Each
// stage counts the elements it has seen, so its errors name the element's place in the partition.
import { describe } from './kernels-elementwise.js';
import { strMethod } from './kernels-str.js';
import { groupKey } from './group-key.js';
import type { TaskFunction } from '@dask-ts/protocol';

/**
 * Pushes one element into a stage (or a sink).
 *
 * @example
 * const log: Push = (x) => console.log(x);
 */
export type Push = (x: unknown) => void;

/** The positions of function slots in each kind of stage spec. @example FN_SLOTS.map // [1] */
export const STAGE_FN_SLOTS: Readonly<Record<string, readonly number[]>> = {
  map: [1],
  starmap: [1],
  filter: [1],
  flatten: [],
  pluck: [],
  str: [],
  strMatch: [],
  join: [1, 2],
};

/**
 * Makes the push function of one stage in front of `next` (functions already resolved).
 *
 * @example
 * const push = makeStage(['flatten'], (x) => out.push(x));
 */
export function makeStage(spec: readonly unknown[], next: Push): Push {
  switch (spec[0]) {
    case 'map':
      return mapStage(spec[1] as TaskFunction, spec[2] as readonly unknown[], next);
    case 'starmap':
      return starmapStage(spec[1] as TaskFunction, spec[2] as readonly unknown[], next);
    case 'filter':
      return filterStage(spec[1] as TaskFunction, spec[2] as boolean, next);
    case 'flatten':
      return flattenStage(next);
    case 'pluck':
      return pluckStage(spec[1], spec[2] as boolean, spec[3], next);
    case 'str': {
      const f = strMethod(spec[1] as string, spec[2] as unknown[]);
      return (x) => next(f(x));
    }
    case 'strMatch': {
      const f = strMethod('match', [spec[1]]);
      return (x) => {
        if (f(x)) next(x);
      };
    }
    case 'join':
      return joinStage(spec[1] as TaskFunction, spec[2] as TaskFunction, spec[3], next);
    default:
      throw new Error(`Unknown bag pipeline stage ${JSON.stringify(spec[0])}`);
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

function pluckStage(key: unknown, hasDefault: boolean, dflt: unknown, next: Push): Push {
  let i = 0;
  const get = (x: unknown, k: PropertyKey): unknown => {
    if (x !== null && x !== undefined && k in Object(x))
      return (x as Record<PropertyKey, unknown>)[k];
    if (hasDefault) return dflt;
    throw new Error(
      `pluck: element ${i} of this partition has no key ${JSON.stringify(k)} (got ${describe(x)}); pass a default to fill missing keys`,
    );
  };
  if (Array.isArray(key)) {
    const ks = key as PropertyKey[];
    return (x) => {
      const t = new Array<unknown>(ks.length);
      for (let j = 0; j < ks.length; j++) t[j] = get(x, ks[j]!);
      i++;
      next(t);
    };
  }
  const k = key as PropertyKey;
  return (x) => {
    const v = get(x, k);
    i++;
    next(v);
  };
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

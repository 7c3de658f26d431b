// The ends of a fused pipeline (see kernels-pipe.ts): what a task does with the elements of its
// partition once they have gone through every stage. `collect` makes the partition array (an
// element-wise layer that is computed or read by several consumers); the others are the
// per-partition steps of the aggregations, fed element by element so no partition array is ever
// made: counting words goes straight into a Map while the lines are being split. Partial results
// have the shapes the combine kernels of kernels-aggregate.ts expect. The kinds of sinks and their
// parameters are the table SINKS of specs.ts.
import type { TaskFunction } from '@dask-ts/protocol';
import { groupKey, hashKey } from './group-key.js';
import { compare } from './kernels-aggregate.js';
import { writeText } from './kernels-io.js';
import { mapPartitionsResult, reify } from './kernels-elementwise.js';
import type { Push } from './kernels-stages.js';
import { seededRandom } from './seeded-random.js';
import { sizeOf } from './sizeof.js';
import { unreachableSpec, type RunSink } from './specs.js';

/**
 * A pipeline's end: `push` takes each element, `result` gives the partition's result.
 *
 * @example
 * const s = makeSink(['count']); s.push('a'); s.result(); // 1
 */
export interface Sink {
  readonly push: Push;
  result(): unknown;
}

type Groups = Map<unknown, [unknown, unknown]>;

/**
 * Makes the sink a spec describes (functions already resolved).
 *
 * @example
 * const s = makeSink(['frequencies']);
 */
export function makeSink(spec: RunSink): Sink {
  switch (spec[0]) {
    case 'collect':
      return collect((xs) => xs);
    case 'count': {
      let n = 0;
      return { push: () => void n++, result: () => n };
    }
    case 'sum': {
      let s = 0;
      return { push: (x) => void (s += x as number), result: () => s };
    }
    case 'extreme':
      return extreme(spec[1]);
    case 'truthy':
      return truthy(spec[1]);
    case 'moments':
      return moments();
    case 'frequencies':
      return frequencies();
    case 'fold':
      return fold(spec[1], spec[2], spec[3]);
    case 'foldby':
      return foldby(spec[1], spec[2], spec[3], spec[4]);
    case 'distinct':
      return distinct(spec[1]);
    case 'topk':
      return topkSink(spec[1], spec[2]);
    case 'apply': {
      const fn = spec[1];
      return collect((xs) => fn(xs));
    }
    case 'mapPartitions': {
      const [, fn, extra] = spec;
      return collect((xs) => {
        const r = fn(xs, ...extra);
        return r instanceof Promise ? r.then(mapPartitionsResult) : mapPartitionsResult(r);
      });
    }
    case 'sample': {
      const prob = spec[1];
      const next = seededRandom(spec[2]);
      const out: unknown[] = [];
      return {
        push: (x) => {
          if (next() < prob) out.push(typeof x === 'object' && x !== null ? reify(x) : x);
        },
        result: () => out,
      };
    }
    case 'sizeof': {
      let n = 0;
      let bytes = 0;
      return {
        push: (x) => {
          n++;
          bytes += 8 + sizeOf(x);
        },
        result: () => [n, bytes],
      };
    }
    case 'hashSplit':
      return hashSplit(spec[1], spec[2]);
    case 'shuffleSplit':
      return shuffleSplit(spec[1], spec[2], spec[3]);
    case 'write': {
      const [, path, compression, encoding, lastEndline] = spec;
      return collect((xs) => writeText(xs, path, compression, encoding, lastEndline));
    }
    default:
      return unreachableSpec(spec, 'sink');
  }
}

function collect(finish: (xs: unknown[]) => unknown): Sink {
  const out: unknown[] = [];
  // Elements that are iterators (a map's generator) are materialised as they are collected.
  return {
    push: (x) => void out.push(typeof x === 'object' && x !== null ? reify(x) : x),
    result: () => finish(out),
  };
}

function extreme(max: boolean): Sink {
  let has = false;
  let best: unknown;
  return {
    push: (x) => {
      if (!has) {
        best = x;
        has = true;
        return;
      }
      const c = compare(x, best);
      if (max ? c > 0 : c < 0) best = x;
    },
    result: () => (has ? [best] : []),
  };
}

function truthy(every: boolean): Sink {
  let acc = every;
  return {
    push: every ? (x) => void (acc &&= Boolean(x)) : (x) => void (acc ||= Boolean(x)),
    result: () => acc,
  };
}

function moments(): Sink {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  return {
    push: (v) => {
      const x = v as number;
      n++;
      const d = x - mean;
      mean += d / n;
      m2 += d * (x - mean);
    },
    result: () => [n, mean, m2],
  };
}

function frequencies(): Sink {
  const m: Groups = new Map();
  return {
    push: (x) => {
      const gk = x === null || (typeof x !== 'object' && typeof x !== 'function') ? x : groupKey(x);
      const e = m.get(gk);
      if (e !== undefined) (e[1] as number)++;
      else m.set(gk, [x, 1]);
    },
    result: () => m,
  };
}

function fold(fn: TaskFunction, hasInit: boolean, init: unknown): Sink {
  let has = hasInit;
  let acc = init;
  return {
    push: (x) => {
      acc = has ? fn(acc, x) : x;
      has = true;
    },
    result: () => (has ? [acc] : []),
  };
}

function foldby(key: TaskFunction, fn: TaskFunction, hasInit: boolean, init: unknown): Sink {
  const m: Groups = new Map();
  return {
    push: (x) => {
      const k = key(x);
      const gk = groupKey(k);
      const e = m.get(gk);
      if (e !== undefined) e[1] = fn(e[1], x);
      else m.set(gk, [k, hasInit ? fn(init, x) : x]);
    },
    result: () => m,
  };
}

function distinct(key: TaskFunction): Sink {
  const m: Groups = new Map();
  return {
    push: (x) => {
      const gk = groupKey(key(x));
      if (!m.has(gk)) m.set(gk, [x, x]);
    },
    result: () => m,
  };
}

/** Keeps the k largest by key, trimming a buffer of at most about 2k elements as it goes. */
function topkSink(k: number, key: TaskFunction): Sink {
  let keyed: [unknown, number, unknown][] = [];
  let i = 0;
  const limit = Math.max(2 * k, 1024);
  const trim = (): void => {
    keyed.sort((a, b) => compare(b[0], a[0]) || a[1] - b[1]);
    if (keyed.length > k) keyed = keyed.slice(0, k);
  };
  return {
    push: (x) => {
      keyed.push([key(x), i++, x]);
      if (keyed.length >= limit) trim();
    },
    result: () => {
      trim();
      return keyed.map((e) => e[2]);
    },
  };
}

function hashSplit(key: TaskFunction, p: number): Sink {
  const buckets: unknown[][] = Array.from({ length: p }, () => []);
  return {
    push: (x) => {
      const k = key(x);
      buckets[hashKey(groupKey(k)) % p].push([k, x]);
    },
    result: () => buckets,
  };
}

/**
 * The first stage of a multi-stage shuffle: `[key, element, target]` triples (target: the output
 * partition) in `base` buckets by the target's lowest base-`base` digit.
 */
function shuffleSplit(key: TaskFunction, p: number, base: number): Sink {
  const buckets: unknown[][] = Array.from({ length: base }, () => []);
  return {
    push: (x) => {
      const k = key(x);
      const t = hashKey(groupKey(k)) % p;
      buckets[t % base].push([k, x, t]);
    },
    result: () => buckets,
  };
}

// randomSample: keeps each element with probability `prob`, drawn from a seeded generator per
// partition (its seed made from the bag's seed and the partition index), so a sample is the same
// at every compute and on every scheduler, and two samples with the same seed are equal. Without
// a seed, one is drawn when the sample is defined (as Dask does): repeated computes of one sample
// agree, two definitions differ.
import { tokenize } from '@dask-ts/graph';
import { sinkLayer } from './pipeline.js';
import type { Bag } from './bag.js';

/** `Bag.randomSample`. @example randomSample(b, 0.1, 42) */
export function randomSample<T>(b: Bag<T>, prob: number, seed?: number): Bag<T> {
  if (typeof prob !== 'number' || !(prob >= 0 && prob <= 1)) {
    throw new RangeError(`randomSample: prob must be a number in [0, 1], got ${String(prob)}`);
  }
  if (seed !== undefined && !Number.isFinite(seed)) {
    throw new TypeError(`randomSample: seed must be a finite number, got ${String(seed)}`);
  }
  const s = seed ?? Math.floor(Math.random() * 2 ** 32);
  const name = `random-sample-${tokenize(b.name, prob, s)}`;
  return b.derive<T>(
    name,
    b.npartitions,
    sinkLayer(name, b.npartitions, b.layer, (i) => ['sample', prob, partitionSeed(s, i)]),
  );
}

/** A 32-bit seed for partition `i` of a sample seeded with `seed`. */
function partitionSeed(seed: number, i: number): number {
  let h = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(i + 1, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h >>> 0;
}

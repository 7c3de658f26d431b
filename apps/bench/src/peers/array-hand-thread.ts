// One thread of the hand-written loop of the `array-chain` suite: sums abs(sin(2x + 1)) over the
// elements [first, first + count) of the seeded uniform stream, chunk by chunk, each element
// generated and transformed in one pass with nothing stored: the physical limit the suite
// compares dask-ts against. The generator is a copy of @dask-ts/array's counter-based one
// (random-kernel.ts: element g is two rounds of a 32-bit mixer over g keyed by the seed), so both
// sum the same numbers; the suite checks that the sums agree. Posts `{ sum }` when done.
import { parentPort, workerData } from 'node:worker_threads';

interface Job {
  readonly seed: number;
  readonly first: number;
  readonly count: number;
  readonly chunk: number;
}

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

function keys(seed: number): [number, number] {
  const base = mix((seed ^ Math.imul(1, 0x9e3779b9)) >>> 0);
  return [mix(base ^ 0x243f6a88), mix(base ^ 0x85a308d3)];
}

const TWO32 = 4294967296;

/** The chain's sum over `n` elements from global index `g` (all of one high word of g). */
function run(g: number, n: number, k0: number, k1: number): number {
  const hk = Math.imul(Math.floor(g / TWO32), 0x9e3779b9);
  let lo = g >>> 0;
  let s = 0;
  for (let j = 0; j < n; j++, lo = (lo + 1) | 0) {
    let h = ((lo ^ k0) + hk) | 0;
    h ^= h >>> 16;
    h = Math.imul(h, 0x7feb352d);
    h ^= h >>> 15;
    h = Math.imul(h, 0x846ca68b);
    h ^= h >>> 16;
    let m = h ^ ((lo + k1) | 0);
    m ^= m >>> 16;
    m = Math.imul(m, 0x7feb352d);
    m ^= m >>> 15;
    m = Math.imul(m, 0x846ca68b);
    m ^= m >>> 16;
    const x = ((h >>> 5) * 67108864 + (m >>> 6)) / 9007199254740992;
    s += Math.abs(Math.sin(x * 2 + 1));
  }
  return s;
}

const job = workerData as Job;
const [k0, k1] = keys(job.seed >>> 0);
let sum = 0;
for (let c = 0; c < job.count; c += job.chunk) {
  let g = job.first + c;
  let left = Math.min(job.chunk, job.count - c);
  while (left > 0) {
    const n = Math.min(left, (Math.floor(g / TWO32) + 1) * TWO32 - g);
    sum += run(g, n, k0, k1);
    g += n;
    left -= n;
  }
}
parentPort?.postMessage({ sum });

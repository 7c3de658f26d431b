// A small seeded generator of uniform numbers for randomSample, the same in every thread and
// process (mulberry32: 32 bits of state, good enough for sampling, not for cryptography).

/**
 * A small seeded generator (mulberry32) of numbers in [0, 1).
 *
 * @example
 * const next = seededRandom(42); next(); // 0.6011...
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// A small seeded pseudo-random generator for the TPC-H-like data: one independent stream per
// table and column (seeded from a name), so a column's values do not depend on the order in which
// other columns are generated, and the same scale factor always gives the same files.

/**
 * A seeded stream of pseudo-random numbers (mulberry32), with the draws the generator needs.
 *
 * @example
 * const r = new Rng('lineitem.l_quantity');
 * r.int(1, 50); // an integer in [1, 50]
 */
export class Rng {
  private s: number;

  constructor(seed: string | number) {
    let h = 2166136261;
    const text = String(seed);
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
    this.s = h >>> 0;
  }

  /** A float in [0, 1). @example new Rng(1).next() */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [lo, hi], uniform. @example new Rng(1).int(1, 6) */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** An amount in [lo, hi] with two decimals (drawn as whole cents). @example new Rng(1).money(-999.99, 9999.99) */
  money(lo: number, hi: number): number {
    return this.int(Math.round(lo * 100), Math.round(hi * 100)) / 100;
  }

  /** One element of a list, uniform. @example new Rng(1).pick(['a', 'b']) */
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }
}

// Test helpers: seeded data, and tables turned into plain column arrays for comparison with a
// reference computed directly on plain JS arrays.
import type { Table } from 'apache-arrow';

export type Plain = Record<string, (number | string | boolean | null)[]>;

/** A seeded generator (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Columns a (float, some nulls), b (int-valued), k (string key), s (strings with commas/quotes). */
export function sample(n: number, seed: number): Plain {
  const r = rng(seed);
  const keys = ['x', 'y', 'z', 'w'];
  const a: (number | null)[] = [];
  const b: number[] = [];
  const k: string[] = [];
  const s: string[] = [];
  for (let i = 0; i < n; i++) {
    a.push(r() < 0.1 ? null : Math.round(r() * 2000 - 1000) / 8 || 0);
    b.push(Math.floor(r() * 100));
    k.push(keys[Math.floor(r() * keys.length)]);
    s.push(r() < 0.2 ? `q "${i}", é` : `v${i % 17}`);
  }
  return { a, b, k, s };
}

/** A table's columns as plain arrays (nulls as null). */
export function plain(t: Table): Plain {
  const out: Plain = {};
  for (const f of t.schema.fields) {
    const v = t.getChild(f.name)!;
    out[f.name] = [...v].map((x: unknown) =>
      x === undefined ? null : (x as number | string | boolean | null),
    );
  }
  return out;
}

/** Row indices where `pred` holds. */
export function rowsWhere(n: number, pred: (i: number) => boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (pred(i)) out.push(i);
  return out;
}

/** Picks rows of every column. */
export function pick(p: Plain, rows: readonly number[]): Plain {
  const out: Plain = {};
  for (const [c, xs] of Object.entries(p)) out[c] = rows.map((i) => xs[i]!);
  return out;
}

/** Sum / mean / min / max / count of the non-null numbers. */
export function agg(xs: readonly (number | string | boolean | null)[], how: string): number {
  const v = xs.filter((x): x is number => typeof x === 'number' && !Number.isNaN(x));
  switch (how) {
    case 'count':
      return xs.filter((x) => x !== null).length;
    case 'sum':
      return v.reduce((s, x) => s + x, 0);
    case 'mean':
      return v.length === 0 ? NaN : v.reduce((s, x) => s + x, 0) / v.length;
    case 'min':
      return v.length === 0 ? NaN : Math.min(...v);
    default:
      return v.length === 0 ? NaN : Math.max(...v);
  }
}

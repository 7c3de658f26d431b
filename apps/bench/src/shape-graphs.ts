// The graph shapes of the `shapes` suite, built with `delayed` as a user would: a tree reduction
// (the reference), a wide fan-in (one task reading every leaf), a wide fan-out (one input read by
// every task, summed at the end), a long chain, a shuffle (k splits, k × k parts picked by
// indexing the splits' results, k combines), a 5-point stencil on a 20 × 20 periodic grid, and many
// small trees computed concurrently. python/shapes_bench.py builds the same shapes (same task and
// edge counts, same results) for Dask. Functions are plain lambdas without free variables, so the
// same values run in-thread and on worker threads.
import { delayed, type Delayed } from '@dask-ts/graph';

/**
 * One built workload: the values to compute together (concurrently, one compute each) and the
 * results they must give.
 *
 * @example
 * const w = SHAPES[0].build(1_000); // the tree: w.values.length === 1
 */
export interface ShapeWorkload {
  readonly values: readonly Delayed<number>[];
  readonly expected: readonly number[];
}

/**
 * A named shape and how to build it with about `tasks` tasks.
 *
 * @example
 * for (const s of SHAPES) console.log(s.name, s.describe);
 */
export interface Shape {
  readonly name: string;
  readonly describe: string;
  build(tasks: number): ShapeWorkload;
}

const noop = delayed((x: number) => x, { name: 'noop' });
const add = delayed((a: number, b: number) => a + b, { name: 'add' });
const inc = delayed((x: number) => x + 1, { name: 'inc' });
const sumList = delayed(
  (xs: number[]) => {
    let s = 0;
    for (const x of xs) s += x;
    return s;
  },
  { name: 'sum' },
);
const stencil = delayed(
  (c: number, a: number, b: number, d: number, e: number) => (c + a + b + d + e) % 1000,
  {
    name: 'stencil',
  },
);

const range = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));
const triangle = (m: number): number => (m * (m - 1)) / 2;

/** Pairwise `add` up to one root (an odd one out moves up a level), as tree-graph.ts. */
function reduceTree(level: Delayed<number>[]): Delayed<number> {
  while (level.length > 1) {
    const next: Delayed<number>[] = [];
    for (let j = 0; j + 1 < level.length; j += 2) next.push(add(level[j], level[j + 1]));
    if (level.length % 2 === 1) next.push(level[level.length - 1]);
    level = next;
  }
  return level[0];
}

/** The 20 × 20 periodic grid of the stencil shape. */
const GRID = 20;

/**
 * Every shape of the suite, the tree first.
 *
 * @example
 * const fanIn = SHAPES.find((s) => s.name === 'fan-in')!.build(10_000);
 */
export const SHAPES: readonly Shape[] = [
  {
    name: 'tree',
    describe: 'tree reduction: n/2 leaves, pairwise add',
    build(n) {
      const leaves = Math.ceil(n / 2);
      return { values: [reduceTree(range(leaves, noop))], expected: [triangle(leaves)] };
    },
  },
  {
    name: 'fan-in',
    describe: 'one task reading n - 1 leaves (an array argument)',
    build(n) {
      return { values: [sumList(range(n - 1, noop))], expected: [triangle(n - 1)] };
    },
  },
  {
    name: 'fan-out',
    describe: 'one input read by n - 2 tasks, summed by one task',
    build(n) {
      const root = noop(1);
      const m = n - 2;
      return { values: [sumList(range(m, (i) => add(root, i)))], expected: [m + triangle(m)] };
    },
  },
  {
    name: 'chain',
    describe: 'n links, each reading the one before',
    build(n) {
      let x = noop(0);
      for (let i = 1; i < n; i++) x = inc(x);
      return { values: [x], expected: [n - 1] };
    },
  },
  {
    name: 'shuffle',
    describe: 'k = √n splits, k × k parts (indexing), k combines: all-to-all',
    build(n) {
      const k = Math.round(Math.sqrt(n));
      const split = delayed(
        (i: number, k: number) => Array.from({ length: k }, (_, j) => i * k + j),
        {
          name: 'split',
          nout: k,
        },
      );
      const parts = range(k, (i) => split(i, k));
      const combines = range(k, (j) => sumList(range(k, (i) => parts[i][j])));
      return { values: [sumList(combines)], expected: [triangle(k * k)] };
    },
  },
  {
    name: 'stencil',
    describe: '5-point stencil on a 20 × 20 periodic grid, n/400 steps',
    build(n) {
      const cells = GRID * GRID;
      const steps = Math.max(1, Math.round(n / cells) - 1);
      let grid = range(cells, noop);
      let values = range(cells, (i) => i);
      for (let t = 0; t < steps; t++) {
        const prev = grid;
        const old = values;
        const at = (r: number, c: number): number =>
          ((r + GRID) % GRID) * GRID + ((c + GRID) % GRID);
        const near = (i: number): number[] => {
          const r = Math.floor(i / GRID);
          const c = i % GRID;
          return [at(r - 1, c), at(r + 1, c), at(r, c - 1), at(r, c + 1)];
        };
        grid = range(cells, (i) => {
          const [a, b, d, e] = near(i);
          return stencil(prev[i], prev[a], prev[b], prev[d], prev[e]);
        });
        values = range(cells, (i) => near(i).reduce((s, j) => s + old[j], old[i]) % 1000);
      }
      return { values: [sumList(grid)], expected: [values.reduce((s, v) => s + v, 0)] };
    },
  },
  {
    name: 'many',
    describe: 'n/15 small trees (8 leaves each), computed concurrently',
    build(n) {
      const graphs = Math.max(1, Math.round(n / 15));
      return {
        values: range(graphs, (g) => reduceTree(range(8, (i) => noop(g * 8 + i)))),
        expected: range(graphs, (g) => 8 * g * 8 + 28),
      };
    },
  },
];

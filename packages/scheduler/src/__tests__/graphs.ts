// Graphs shared by the scheduler tests and benchmarks, each with a plain reference result.
// Functions are source refs (or module refs to fixture-fns.mjs) so every scheduler can run them.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { data, ref, task, type FunctionRef, type Graph, type GraphNode } from '@dask-ts/protocol';

export const src = (
  source: string,
  scope: Record<string, unknown> = {},
  name?: string,
): FunctionRef => ({
  kind: 'source',
  source,
  scope,
  ...(name !== undefined ? { name } : {}),
});

export const fixtureUrl = pathToFileURL(
  fileURLToPath(new URL('./fixture-fns.mjs', import.meta.url)),
).href;

export const mod = (exportName: string): FunctionRef => ({
  kind: 'module',
  specifier: fixtureUrl,
  exportName,
});

const ident = src('(i) => i', {}, 'ident');
const add = src('(a, b) => a + b', {}, 'add');

/** A tree reduction over `n` leaf tasks: about 2n tasks; the result is n(n-1)/2. */
export function treeReduction(
  n: number,
  leaf: FunctionRef = ident,
  combine: FunctionRef = add,
): {
  graph: Graph;
  key: string;
  expected: number;
} {
  const g = new Map<string, GraphNode>();
  let level: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = `leaf-${i}`;
    g.set(k, task(leaf, [i]));
    level.push(k);
  }
  let depth = 0;
  while (level.length > 1) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 2) {
      if (i + 1 === level.length) {
        next.push(level[i]);
        continue;
      }
      const k = `sum-${depth}-${i / 2}`;
      g.set(k, task(combine, [ref(level[i]), ref(level[i + 1])]));
      next.push(k);
    }
    level = next;
    depth++;
  }
  return { graph: g, key: level[0], expected: (n * (n - 1)) / 2 };
}

/** a -> (b, c) -> d, with data at the root. */
export function diamond(): { graph: Graph; expected: Record<string, unknown> } {
  const g = new Map<string, GraphNode>([
    ['a', data(10)],
    ['b', task(src('(x) => x + 1'), [ref('a')])],
    ['c', task(src('(x, k) => x * k', {}, 'times'), [ref('a'), 3])],
    ['d', task(src('(p) => p.b - p.c'), [{ b: ref('b'), c: ref('c') }])],
  ]);
  return { graph: g, expected: { a: 10, b: 11, c: 30, d: -19 } };
}

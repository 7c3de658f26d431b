// The tree graph: its shape (task count, one root, every ref resolvable) and the value it must
// compute, checked by evaluating it with a plain recursive reference evaluator.
import { expect, test } from '@jest/globals';
import { daskGraph, isRef, type Graph } from '@dask-ts/protocol';
import { treeDelayed, treeGraph } from './tree-graph.js';

function evaluate(graph: Graph, key: string, memo = new Map<string, number>()): number {
  const hit = memo.get(key);
  if (hit !== undefined) return hit;
  const node = graph.get(key);
  if (node === undefined) throw new Error(`missing ${key}`);
  let v: number;
  if (node.kind === 'data') v = node.value as number;
  else {
    const args = node.args.map((a) => (isRef(a) ? evaluate(graph, a.$ref, memo) : (a as number)));
    if (node.fn.kind !== 'source') throw new Error('expected source refs');
    v = (new Function(`return (${node.fn.source})`)() as (...xs: number[]) => number)(...args);
  }
  memo.set(key, v);
  return v;
}

test.each([1, 2, 3, 7, 1000])('a tree over %i leaves has 2n-1 tasks and sums 0..n-1', (n) => {
  const t = treeGraph(n);
  expect(t.tasks).toBe(2 * n - 1);
  expect(t.graph.size).toBe(2 * n - 1);
  expect(t.expected).toBe((n * (n - 1)) / 2);
  expect(evaluate(t.graph, t.root)).toBe(t.expected);
  const d = treeGraph(n, 'data');
  expect(d.graph.get('l-0')).toEqual({ kind: 'data', value: 0 });
  expect(evaluate(d.graph, d.root)).toBe(d.expected);
});

test('treeGraph refuses a bad leaf count, naming it', () => {
  expect(() => treeGraph(0)).toThrow('treeGraph: leaves must be a positive integer, got 0');
  expect(() => treeGraph(1.5)).toThrow('treeGraph: leaves must be a positive integer, got 1.5');
});

test.each([1, 2, 7, 1000])(
  'the delayed tree over %i leaves has 2n-1 tasks and sums 0..n-1',
  (n) => {
    const t = treeDelayed(n);
    expect(t.tasks).toBe(2 * n - 1);
    expect(t.root[daskGraph]().size).toBe(2 * n - 1);
    expect(evaluate(t.root[daskGraph](), t.root.key)).toBe(t.expected);
  },
);

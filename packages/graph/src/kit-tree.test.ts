// The kit's tree reduction: levels of at most `splitEvery`, a combine even for one partition, the
// root's own task when given, the caller's key on the last step, and a bad `splitEvery` refused.
import { describe, expect, test } from '@jest/globals';
import { task, type Ref, type Task } from '@dask-ts/protocol';
import { treeNodes, type TreeSpec } from './index.js';

const fn = (name: string) => ({ kind: 'builtin', name }) as const;
const spec = (n: number, extra: Partial<TreeSpec> = {}): TreeSpec => ({
  name: 'sum-ab',
  npartitions: n,
  leaf: (i) => task(fn('leaf'), [i]),
  combine: (refs: Ref[]): Task => task(fn('combine'), refs),
  splitEvery: 4,
  outKey: ['sum-ab', 0],
  ...extra,
});

describe('treeNodes', () => {
  test('combines in levels of at most splitEvery; the last combine gets the output key', () => {
    const nodes = treeNodes(spec(10));
    const keys = nodes.map(([k]) => k);
    expect(keys.filter((k) => k.includes('-part'))).toHaveLength(10);
    // 10 -> 3 -> 1: three combines on level 0, then the root.
    expect(keys.filter((k) => k.includes('-agg'))).toHaveLength(3);
    expect(keys[keys.length - 1]).toBe('["sum-ab",0]');
    const root = nodes[nodes.length - 1][1] as Task;
    expect(root.args).toHaveLength(3);
  });

  test('one partition still gets a combine; a root task replaces the last combine', () => {
    expect(treeNodes(spec(1)).map(([k]) => k)).toEqual(['["sum-ab-part",0]', '["sum-ab",0]']);
    const nodes = treeNodes(spec(3, { root: (refs) => task(fn('final'), refs) }));
    expect((nodes[nodes.length - 1][1] as Task).fn).toEqual(fn('final'));
  });

  test('an optional finish task follows the root combine', () => {
    const nodes = treeNodes(spec(2, { finish: (r) => task(fn('finish'), [r]) }));
    expect(nodes.map(([k]) => k)).toEqual([
      '["sum-ab-part",0]',
      '["sum-ab-part",1]',
      '["sum-ab-agg",0,0]',
      '["sum-ab",0]',
    ]);
  });

  test('refuses a splitEvery below 2', () => {
    expect(() => treeNodes(spec(4, { splitEvery: 1 }))).toThrow(
      /splitEvery must be an integer of at least 2, got 1/,
    );
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  GraphError,
  closeSchedulers,
  daskFinalize,
  daskGraph,
  daskKeys,
  data,
  ref,
  registerScheduler,
  task,
  type Collection,
  type ComputeOptions,
  type Graph,
  type GraphNode,
  type LocalRef,
} from '@dask-ts/protocol';
import { compute, persist } from './compute.js';
import { delayed } from './delayed.js';
import { makeTestScheduler } from './__tests__/test-scheduler.js';

afterAll(() => closeSchedulers());

const inc: LocalRef = { kind: 'local', fn: (x: number) => x + 1, name: 'inc' };

/** A minimal collection over a hand-written graph. */
class Raw implements Collection<unknown[]> {
  constructor(
    private readonly graph: Graph,
    private readonly keys: string[],
  ) {}
  [daskGraph](): Graph {
    return this.graph;
  }
  [daskKeys](): string[] {
    return this.keys;
  }
  [daskFinalize](values: readonly unknown[]): unknown[] {
    return [...values];
  }
}

describe('compute without a scheduler', () => {
  it('explains what to import', async () => {
    const x = new Raw(new Map([['a', data(1)]]), ['a']);
    await expect(compute(x)).rejects.toThrow(
      "No scheduler is registered. Import '@dask-ts/scheduler' (it registers 'sync', 'threads' and 'processes'), or pass { scheduler } explicitly.",
    );
    await expect(compute(x, { scheduler: 'nope' })).rejects.toThrow("Unknown scheduler 'nope'");
  });

  it('passes plain values through without a scheduler', async () => {
    expect(await compute(1, 'a', { x: 1 })).toEqual([1, 'a', { x: 1 }]);
    expect(await compute()).toEqual([]);
  });
});

describe('compute', () => {
  const sched = makeTestScheduler('test-compute');
  beforeAll(() => registerScheduler('test-compute', () => sched, { asDefault: true }));

  it('culls, fuses and finalizes; non-collections pass through', async () => {
    const g = new Map<string, GraphNode>([
      ['a', data(1)],
      ['b', task(inc, [ref('a')])],
      ['c', task(inc, [ref('b')])],
      ['unused', task(inc, [ref('a')])],
    ]);
    const [r, plain] = await compute(new Raw(g, ['c']), 'plain');
    expect(r).toEqual([3]);
    expect(plain).toBe('plain');
    const sent = sched.graphs[sched.graphs.length - 1];
    expect([...sent.keys()]).toEqual(['a', 'c']);
    await compute(new Raw(g, ['c']), { optimize: false });
    expect([...sched.graphs[sched.graphs.length - 1].keys()]).toEqual(['a', 'b', 'c']);
  });

  it('computes nested keys and several collections at once', async () => {
    const g = new Map<string, GraphNode>([
      ['a', data(1)],
      ['b', task(inc, [ref('a')])],
    ]);
    const x = new Raw(g, ['a', 'b']);
    const y = delayed((v: number) => v * 10)(5);
    expect(await compute(x, y)).toEqual([[1, 2], 50]);
  });

  it("passes the scheduler's refusal of a missing wanted key, a missing dependency or a cycle through", async () => {
    const runs = sched.graphs.length;
    await expect(compute(new Raw(new Map([['a', data(1)]]), ['zz']))).rejects.toThrow(
      "Wanted key 'zz' is not in the graph",
    );
    await expect(compute(new Raw(new Map([['b', task(inc, [ref('a')])]]), ['b']))).rejects.toThrow(
      "Task 'b' depends on key 'a', which is not in the graph",
    );
    const cyc = new Map<string, GraphNode>([
      ['a', task(inc, [ref('b')])],
      ['b', task(inc, [ref('a')])],
    ]);
    await expect(compute(new Raw(cyc, ['a']))).rejects.toThrow(GraphError);
    await expect(compute(new Raw(cyc, ['a']))).rejects.toThrow(
      'Graph has a cycle: a -> b -> a (each key depends on the next)',
    );
    expect(sched.graphs.length).toBe(runs);
  });

  it('does not validate again: a bad graph reaches the scheduler as it is', async () => {
    const got: Graph[] = [];
    const recorder = {
      name: 'recorder',
      async get(graph: Graph, keys: readonly string[]) {
        got.push(graph);
        return keys.map(() => 0);
      },
    };
    const missing = new Map<string, GraphNode>([['b', task(inc, [ref('a')])]]);
    await compute(new Raw(missing, ['b']), { scheduler: recorder });
    expect([...got[0]]).toEqual([...missing]);
    // A cycle through a chain is not fused away: the scheduler still sees (and names) both keys.
    const cyc = new Map<string, GraphNode>([
      ['a', task(inc, [ref('b')])],
      ['b', task(inc, [ref('a')])],
    ]);
    await compute(new Raw(cyc, ['a']), { scheduler: recorder });
    expect([...got[1].keys()]).toEqual(['a', 'b']);
    await compute(new Raw(new Map([['a', data(1)]]), ['zz']), { scheduler: recorder });
    expect([...got[2].keys()]).toEqual([]);
  });

  it('sends a delayed graph as materialized when nothing culls or fuses, culls foreign extras, fuses chains', async () => {
    const inc1 = delayed((v: number) => v + 1, { name: 'inc1' });
    const add = delayed((a: number, b: number) => a + b, { name: 'add' });
    const tree = add(add(inc1(1), inc1(2)), add(inc1(3), inc1(4)));
    expect(await compute(tree)).toEqual([14]);
    const sent = sched.graphs[sched.graphs.length - 1];
    const materialized = tree[daskGraph]();
    expect([...sent.keys()]).toEqual([...materialized.keys()]);
    for (const [k, node] of materialized) expect(sent.get(k)).toBe(node);

    const g = new Map<string, GraphNode>([
      ['a', data(1)],
      ['b', task(inc, [ref('a')])],
      ['unused', task(inc, [ref('a')])],
    ]);
    const first = delayed((xs: unknown[], y: number) => (xs[0] as number) + y, { name: 'first' });
    const viaRaw = first(new Raw(g, ['b']), 10);
    expect(await compute(viaRaw)).toEqual([12]);
    expect(sched.graphs[sched.graphs.length - 1].has('unused')).toBe(false);
    expect(sched.graphs[sched.graphs.length - 1].has('a')).toBe(true);

    const chain = inc1(inc1(inc1(1)));
    expect(await compute(chain)).toEqual([4]);
    expect([...sched.graphs[sched.graphs.length - 1].keys()]).toEqual([chain.key]);
    expect(await compute(chain, { optimize: false })).toEqual([4]);
    expect(sched.graphs[sched.graphs.length - 1].size).toBe(3);
  });

  it('accepts a scheduler instance and passes options through', async () => {
    let seen: ComputeOptions | undefined;
    const ac = new AbortController();
    const onProgress = (): void => undefined;
    const custom = {
      name: 'custom',
      async get(graph: Graph, keys: readonly string[], options?: ComputeOptions) {
        seen = options;
        return keys.map((k) => (graph.get(k)?.kind === 'data' ? 'data' : 'task'));
      },
    };
    const x = new Raw(new Map([['a', data(1)]]), ['a']);
    expect(
      await compute(x, { scheduler: custom, signal: ac.signal, onProgress, progress: false }),
    ).toEqual([['data']]);
    expect(seen).toEqual({ signal: ac.signal, onProgress, progress: false });
  });

  it('treats a last plain object with other keys as a value', async () => {
    expect(await compute({ scheduler: 'x', other: 1 })).toEqual([{ scheduler: 'x', other: 1 }]);
  });

  it('persists Delayed values and refuses collections without daskRebuild', async () => {
    const d = delayed((v: number) => v + 1)(1);
    const [p, plain] = await persist(d, 7);
    expect(plain).toBe(7);
    expect(p[daskGraph]()).toEqual(new Map([[d.key, data(2)]]));
    const x = new Raw(new Map([['a', data(1)]]), ['a']);
    await expect(persist(x)).rejects.toThrow(
      'persist: argument 0 is a collection without a [daskRebuild] method',
    );
  });
});

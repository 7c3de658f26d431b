// The core taking in graphs: insertion orders and layouts, refusals (missing keys, cycles) before
// anything runs, and compaction of a core that is never idle.
import { describe, expect, jest, test } from '@jest/globals';
import { GraphError } from '@dask-ts/protocol';
import { SchedulerCore } from './core.js';
import { Sim, data, g, t } from './__tests__/test-sim.js';

describe('compaction', () => {
  test('a core that is never idle keeps bounded tables, and its long compute still ends well', () => {
    const sim = new Sim({ queueFactor: 1 });
    sim.core.compactAt = 64;
    sim.addWorker('w0', 1);
    sim.handle([
      {
        type: 'submit',
        id: 'long',
        graph: g(['slow', t()], ['after', t('slow')]),
        wanted: ['after'],
      },
    ]);
    expect(sim.inflight.get('w0')).toEqual(['slow', 'after']); // co-assigned behind it
    sim.addWorker('w1', 1);
    let most = 0;
    for (let i = 0; i < 100; i++) {
      const chain: [string, ReturnType<typeof t>][] = [[`c${i % 50}-0`, t()]];
      for (let j = 1; j < 20; j++) chain.push([`c${i % 50}-${j}`, t(`c${i % 50}-${j - 1}`)]);
      const id = `s${i}`;
      sim.handle([{ type: 'submit', id, graph: g(...chain), wanted: [`c${i % 50}-19`] }]);
      for (let n = 0; n < 100 && sim.ended(id).length === 0; n++) {
        const list = sim.inflight.get('w1')!;
        if (list.length > 0) sim.finish('w1', list[0]);
        sim.ackDeliveries();
      }
      expect(sim.ended(id)).toEqual(['done']);
      most = Math.max(most, sim.core.counts.tasks);
    }
    // 2,002 keys were submitted; the table never held more than about twice what was live.
    expect(most).toBeLessThanOrEqual(2 * 64);
    sim.finish('w0', 'slow');
    sim.finish('w0', 'after');
    sim.ackDeliveries();
    expect(sim.ended('long')).toEqual(['done']);
    expect(sim.core.story('after').join('\n')).toMatch(/after released -> waiting: submit long/);
    sim.core.validate();
  });

  test('a table of held results is not walked for nothing; once enough is let go, it compacts', () => {
    const sim = new Sim();
    sim.core.compactAt = 64;
    sim.addWorker('w0', 1);
    // The core's table, watched for compaction passes (internal).
    const table = (sim.core as unknown as { t: { compact(keep: Uint8Array): Int32Array } }).t;
    const passes = jest.spyOn(table, 'compact');
    const hold = (id: string, keys: string[]): void => {
      sim.handle([
        {
          type: 'hold',
          ids: [id],
          graph: g(...keys.map((k) => [k, t()] as [string, ReturnType<typeof t>])),
          keys,
        },
      ]);
      sim.runAll();
      expect(sim.ended(id)).toContain('done');
    };
    const many = (p: string, n: number): string[] =>
      Array.from({ length: n }, (_, i) => `${p}${i}`);
    // 100 results in memory, every one held by the client (the futures of a large map).
    hold('a', many('a', 100));
    // The next submit finds the table past compactAt, but nothing in it could be forgotten.
    hold('x', ['x']);
    expect(passes).not.toHaveBeenCalled();
    expect(sim.core.counts).toMatchObject({ tasks: 101, memory: 101, held: 101 });
    // Most of them let go of (released: forgettable); once the table has doubled, a submit
    // compacts it.
    sim.handle([{ type: 'unwant', keys: many('a', 80) }]);
    expect(sim.core.counts).toMatchObject({ tasks: 101, released: 80, held: 21 });
    hold('b', many('b', 110));
    expect(passes).not.toHaveBeenCalled(); // 101 tasks at that submit: not yet doubled
    hold('y', ['y']);
    expect(passes).toHaveBeenCalledTimes(1);
    expect(sim.core.counts).toMatchObject({ tasks: 211 - 80 + 1, released: 0, held: 132 });
    sim.core.validate();
  });
});

describe('intake', () => {
  test('a graph in depth-first post-order (as delayed makes it) runs with every input in place', () => {
    const entries: [string, ReturnType<typeof t>][] = [];
    let next = 0;
    // A ternary tree of depth 4, children added before their parent; leaf 5 is shared.
    const build = (depth: number): string => {
      const k = `n${next++}`;
      const kids = depth === 0 ? [] : [build(depth - 1), build(depth - 1), build(depth - 1)];
      if (depth === 1 && next > 20) kids.push('n5');
      entries.push([k, t(...kids)]);
      return k;
    };
    const root = build(4);
    const sim = new Sim();
    sim.addWorker('w0', 2);
    sim.addWorker('w1', 1);
    sim.handle([{ type: 'submit', id: 's', graph: g(...entries), wanted: [root] }]);
    sim.runAll();
    expect(sim.ended('s')).toEqual(['done']);
    expect(new Set(sim.computed).size).toBe(entries.length);
    // Each task ran after its inputs.
    const at = new Map(sim.computed.map((k, i) => [k, i]));
    for (const [k, node] of entries)
      if (node.kind === 'task')
        for (const d of node.deps) expect(at.get(d)!).toBeLessThan(at.get(k)!);
  });

  test('tasks may come before their dependencies in insertion order (regression: false cycle)', () => {
    // A tree reduction inserted root first: every task precedes its inputs.
    const entries: [string, ReturnType<typeof t>][] = [];
    const build = (k: string, depth: number): void => {
      entries.push([k, depth === 0 ? t() : t(`${k}0`, `${k}1`)]);
      if (depth > 0) {
        build(`${k}0`, depth - 1);
        build(`${k}1`, depth - 1);
      }
    };
    build('r', 5);
    const reversed = entries.slice().reverse();
    for (const graph of [g(...entries), g(...reversed)]) {
      const sim = new Sim({ queueFactor: 1 });
      sim.addWorker('w0');
      sim.addWorker('w1');
      sim.handle([{ type: 'submit', id: 's', graph, wanted: ['r'] }]);
      sim.runAll();
      expect(sim.ended('s')).toEqual(['done']);
      expect(sim.computed.length).toBe(63);
    }
  });

  test('a real cycle is refused with its keys, in any insertion order', () => {
    const sim = new Sim();
    sim.addWorker('w0');
    const cmds = sim.handle([
      {
        type: 'submit',
        id: 's',
        graph: g(['x', t('b')], ['a', t('c')], ['b', t('a')], ['c', t('b')]),
        wanted: ['x'],
      },
    ]);
    const refused = cmds.find((c) => c.type === 'refused');
    expect(refused?.type === 'refused' && refused.error.message).toBe(
      'Graph has a cycle: b -> a -> c -> b (each key depends on the next)',
    );
    expect(sim.core.counts.tasks).toBe(0);
    // Rolled back: the same keys may come again, without the cycle.
    sim.handle([
      {
        type: 'submit',
        id: 's2',
        graph: g(['x', t('b')], ['a', t()], ['b', t('a')]),
        wanted: ['x'],
      },
    ]);
    sim.runAll();
    expect(sim.ended('s2')).toEqual(['done']);
    expect(sim.computed).toEqual(['a', 'b', 'x']);
  });

  test('finished-many is the same as one finished event per key', () => {
    const sim = new Sim();
    sim.addWorker('w0');
    sim.handle([{ type: 'submit', id: 's', graph: g(['a', t()], ['b', t('a')]), wanted: ['b'] }]);
    sim.inflight.get('w0')!.length = 0;
    sim.store.get('w0')!.add('a').add('b');
    const cmds = sim.handle([
      { type: 'finished-many', keys: ['a', 'b'], worker: 'w0', nbytes: [8, 16] },
    ]);
    expect(cmds).toEqual([
      { type: 'deliver', id: 's', worker: 'w0', keys: ['b'], release: true },
      { type: 'release', worker: 'w0', keys: ['a'] },
    ]);
  });
});

describe('refusals', () => {
  const refuse = (graph: ReturnType<typeof g>, wanted: string[]): GraphError => {
    const core = new SchedulerCore();
    core.handle([{ type: 'add-worker', worker: 'w0', slots: 1 }]);
    const cmds = core.handle([{ type: 'submit', id: 's', graph, wanted }]);
    expect(cmds).toHaveLength(1);
    const c = cmds[0];
    if (c.type !== 'refused') throw new Error(`expected refused, got ${c.type}`);
    expect(c.error).toBeInstanceOf(GraphError);
    expect(core.counts.tasks).toBe(0);
    core.validate();
    return c.error as GraphError;
  };

  test('a missing dependency', () => {
    const e = refuse(g(['y', t('x')]), ['y']);
    expect(e.message).toBe("Task 'y' depends on key 'x', which is not in the graph");
    expect(e.keys).toEqual(['y', 'x']);
  });

  test('a missing wanted key', () => {
    const e = refuse(g(['y', data(1)]), ['nope']);
    expect(e.message).toBe("Wanted key 'nope' is not in the graph");
    expect(e.keys).toEqual(['nope']);
  });

  test('a cycle, named', () => {
    const e = refuse(g(['a', t('c')], ['b', t('a')], ['c', t('b')], ['d', t('a')]), ['d']);
    expect(e.message).toBe('Graph has a cycle: a -> c -> b -> a (each key depends on the next)');
    expect(e.keys).toEqual(['a', 'c', 'b']);
  });

  test('a self-dependency', () => {
    expect(refuse(g(['a', t('a')]), ['a']).message).toBe(
      'Graph has a cycle: a -> a (each key depends on the next)',
    );
  });

  test('a long chain is checked without recursion', () => {
    const entries: [string, ReturnType<typeof t>][] = [['k0', t()]];
    for (let i = 1; i < 200000; i++) entries.push([`k${i}`, t(`k${i - 1}`)]);
    entries.push(['k0x', t('missing')]);
    expect(refuse(new Map(entries), ['k199999']).message).toBe(
      "Task 'k0x' depends on key 'missing', which is not in the graph",
    );
  });

  test('a duplicate submission id', () => {
    const core = new SchedulerCore();
    core.handle([{ type: 'submit', id: 's', graph: g(['x', data(1)]), wanted: ['x'] }]);
    const [c] = core.handle([{ type: 'submit', id: 's', graph: g(['x', data(1)]), wanted: ['x'] }]);
    expect(c).toMatchObject({ type: 'refused', id: 's' });
    expect((c as { error: Error }).error.message).toBe('Submission s is already running');
  });
});

// Task placement in the core: retries of a task that throws, worker restrictions (by worker or
// group name, allowOtherWorkers, parked tasks that say why they wait) and abstract resources
// shared by a group's workers.
import { describe, expect, jest, test } from '@jest/globals';
import { withPlacement, type GraphNode, type Placement, type Task } from '@dask-ts/protocol';
import type { CoreCommand } from './events.js';
import { Restrictions } from './restrictions.js';
import { Sim, data, g, t } from './__tests__/test-sim.js';

const boom = { name: 'Error', message: 'boom' };

function placed(p: Placement, ...deps: string[]): GraphNode {
  return withPlacement(t(...deps) as Task, p);
}

function computeWorkers(cmds: readonly CoreCommand[], key: string): string[] {
  return cmds.flatMap((c) => (c.type === 'compute' && c.keys.includes(key) ? [c.worker] : []));
}

describe('SchedulerCore retries', () => {
  test('a task that throws runs again, up to its retries, then fails naming the attempts', () => {
    const sim = new Sim();
    sim.addWorker('w0');
    sim.addWorker('w1');
    sim.handle([
      { type: 'submit', id: 's', graph: g(['x', placed({ retries: 2 })]), wanted: ['x'] },
    ]);
    for (let attempt = 1; attempt <= 2; attempt++) {
      const [w] = [...sim.inflight].find(([, l]) => l.includes('x'))!;
      const cmds = sim.finish(w, 'x', boom);
      expect(cmds.some((c) => c.type === 'compute' && c.keys.includes('x'))).toBe(true);
      expect(sim.ended('s')).toEqual([]);
    }
    const [w] = [...sim.inflight].find(([, l]) => l.includes('x'))!;
    sim.finish(w, 'x', boom);
    const [end] = sim.ends.get('s')!;
    expect(end.type).toBe('failed');
    const error = (end as Extract<CoreCommand, { type: 'failed' }>).error;
    expect(error.name).toBe('Error');
    expect(error.message).toBe('boom (failed 3 attempts; retries: 2)');
    expect(sim.core.story('x').filter((l) => l.includes('processing -> released'))).toEqual([
      'x processing -> released: erred on w0 (attempt 1 of 3): Error: boom; retrying',
      expect.stringContaining('(attempt 2 of 3)'),
    ]);
  }, 30_000);

  test('a retried task that then succeeds feeds its dependents; none by default', () => {
    const sim = new Sim();
    sim.addWorker('w0');
    sim.handle([
      {
        type: 'submit',
        id: 's',
        graph: g(['x', placed({ retries: 1 })], ['y', t('x')]),
        wanted: ['y'],
      },
    ]);
    // y was co-assigned after x: it is taken back with x (w0 reports it erred: stale), and both
    // are sent again.
    sim.finish('w0', 'x', boom);
    expect(sim.core.story('y').join('\n')).toContain('y processing -> released: dependency x lost');
    expect(sim.inflight.get('w0')).toEqual(['y', 'x', 'y']);
    sim.finish('w0', 'y');
    expect(sim.core.state('y')).toEqual({ state: 'processing', worker: 'w0' });
    sim.runAll();
    expect(sim.ended('s')).toEqual(['done']);
    const sim2 = new Sim();
    sim2.addWorker('w0');
    sim2.handle([{ type: 'submit', id: 's', graph: g(['x', t()]), wanted: ['x'] }]);
    sim2.finish('w0', 'x', boom);
    const end = sim2.ends.get('s')![0] as Extract<CoreCommand, { type: 'failed' }>;
    expect(end.error.message).toBe('boom');
  }, 30_000);
});

describe('SchedulerCore worker restrictions', () => {
  test('a restricted task runs only on a named worker or group', () => {
    const sim = new Sim();
    sim.addWorker('a');
    sim.addWorker('node-0', 1, { group: 'node' });
    sim.addWorker('node-1', 1, { group: 'node' });
    const cmds = sim.handle([
      {
        type: 'submit',
        id: 's',
        graph: g(
          ['x', placed({ workers: ['node-1'] })],
          ['y', placed({ workers: ['node'] })],
          ['z', placed({ workers: ['a'] })],
        ),
        wanted: ['x', 'y', 'z'],
      },
    ]);
    expect(computeWorkers(cmds, 'x')).toEqual(['node-1']);
    expect(['node-0', 'node-1']).toContain(computeWorkers(cmds, 'y')[0]);
    expect(computeWorkers(cmds, 'z')).toEqual(['a']);
    sim.runAll();
    expect(sim.ended('s')).toEqual(['done']);
  }, 30_000);

  test('no matching worker: the task waits, says why, and runs once one joins', () => {
    const sim = new Sim();
    sim.addWorker('a');
    sim.handle([
      {
        type: 'submit',
        id: 's',
        graph: g(['x', placed({ workers: ['gpu'] })], ['y', t()]),
        wanted: ['x', 'y'],
      },
    ]);
    sim.runAll();
    expect(sim.core.state('x')).toEqual({ state: 'ready' });
    expect(sim.core.story('x').join('\n')).toContain('no worker matches restriction workers=[gpu]');
    const cmds = sim.addWorker('gpu');
    expect(computeWorkers(cmds, 'x')).toEqual(['gpu']);
    sim.runAll();
    expect(sim.ended('s')).toEqual(['done']);
  }, 30_000);

  test('allowOtherWorkers: runs elsewhere while none of the named workers is alive', () => {
    const sim = new Sim();
    sim.addWorker('a');
    const cmds = sim.handle([
      {
        type: 'submit',
        id: 's',
        graph: g(['x', placed({ workers: ['gone'], allowOtherWorkers: true })]),
        wanted: ['x'],
      },
    ]);
    expect(computeWorkers(cmds, 'x')).toEqual(['a']);
    sim.runAll();
    expect(sim.ended('s')).toEqual(['done']);
  }, 30_000);

  test('a restricted dependent is not co-assigned to a worker it may not use', () => {
    const sim = new Sim();
    sim.addWorker('a');
    sim.addWorker('b');
    const cmds = sim.handle([
      {
        type: 'submit',
        id: 's',
        graph: g(['x', placed({ workers: ['a'] })], ['y', placed({ workers: ['b'] }, 'x')]),
        wanted: ['y'],
      },
    ]);
    expect(computeWorkers(cmds, 'y')).toEqual([]);
    const next = sim.finish('a', 'x');
    expect(computeWorkers(next, 'y')).toEqual(['b']);
    sim.runAll();
    expect(sim.ended('s')).toEqual(['done']);
  }, 30_000);
});

describe('SchedulerCore resources', () => {
  test('a group shares its resources: never more GPU tasks at once than it has', () => {
    const sim = new Sim();
    sim.addWorker('n-0', 1, { group: 'n', resources: { GPU: 1 } });
    sim.addWorker('n-1', 1, { group: 'n', resources: { GPU: 1 } });
    sim.addWorker('cpu');
    const nodes: [string, GraphNode][] = [];
    for (let i = 0; i < 4; i++) nodes.push([`g${i}`, placed({ resources: { GPU: 1 } })]);
    nodes.push(['c', data(1)]);
    sim.handle([{ type: 'submit', id: 's', graph: g(...nodes), wanted: nodes.map(([k]) => k) }]);
    let maxAtOnce = 0;
    for (let n = 0; n < 100; n++) {
      const running = [...sim.inflight.values()].flat().filter((k) => k.startsWith('g'));
      maxAtOnce = Math.max(maxAtOnce, running.length);
      expect([...sim.inflight.get('cpu')!].filter((k) => k.startsWith('g'))).toEqual([]);
      if (running.length === 0) break;
      const w = [...sim.inflight].find(([, l]) => l.includes(running[0]))![0];
      sim.finish(w, running[0]);
      sim.ackDeliveries();
    }
    sim.runAll();
    expect(maxAtOnce).toBe(1);
    expect(sim.ended('s')).toEqual(['done']);
    expect(sim.core.resources()).toEqual(new Map([['n', { GPU: 1 }]]));
  }, 30_000);

  test('resources come back when a task errs or its worker is lost', () => {
    const sim = new Sim({ maxRetries: 5 });
    sim.addWorker('w', 1, { resources: { GPU: 1 } });
    sim.handle([
      {
        type: 'submit',
        id: 's',
        graph: g(
          ['x', placed({ resources: { GPU: 1 } })],
          ['y', placed({ resources: { GPU: 1 } })],
        ),
        wanted: ['x', 'y'],
      },
    ]);
    sim.finish('w', 'x', boom);
    expect(sim.core.resources().get('w')).toEqual({ GPU: 1 });
    sim.handle([
      {
        type: 'submit',
        id: 's2',
        graph: g(['z', placed({ resources: { GPU: 1 } })]),
        wanted: ['z'],
      },
    ]);
    expect(sim.inflight.get('w')).toEqual(['z']);
    sim.removeWorker('w');
    sim.addWorker('w', 1, { resources: { GPU: 1 } });
    expect(sim.inflight.get('w')).toEqual(['z']);
    sim.runAll();
    expect(sim.ended('s2')).toEqual(['done']);
  }, 30_000);

  test('a node that comes back may declare other amounts', () => {
    const sim = new Sim();
    sim.addWorker('n-0', 1, { group: 'n', resources: { GPU: 1 } });
    sim.removeWorker('n-0');
    sim.addWorker('n-0', 1, { group: 'n', resources: { GPU: 2 } });
    sim.addWorker('n-1', 1, { group: 'n', resources: { GPU: 2 } });
    const gpu = { resources: { GPU: 1 } };
    sim.handle([
      {
        type: 'submit',
        id: 's',
        graph: g(['a', placed(gpu)], ['b', placed(gpu)]),
        wanted: ['a', 'b'],
      },
    ]);
    expect([...sim.inflight.values()].flat().sort()).toEqual(['a', 'b']);
    expect(sim.core.resources().get('n')).toEqual({ GPU: 0 });
    sim.runAll();
    expect(sim.core.resources().get('n')).toEqual({ GPU: 2 });
  }, 30_000);

  test('many tasks waiting for one resource cost one try per change, not one each', () => {
    const sim = new Sim({}, false);
    sim.addWorker('g', 1, { resources: { GPU: 1 } });
    sim.addWorker('c', 1);
    const gpu: Placement = { resources: { GPU: 1 } };
    const n = 500;
    const nodes: [string, GraphNode][] = [];
    for (let i = 0; i < n; i++) nodes.push([`g${i}`, withPlacement(t() as Task, gpu)]);
    const tries = jest.spyOn(Restrictions.prototype, 'choose');
    try {
      sim.handle([{ type: 'submit', id: 's', graph: g(...nodes), wanted: nodes.map(([k]) => k) }]);
      sim.runAll();
      expect(sim.ended('s')).toEqual(['done']);
      expect(tries.mock.calls.length).toBeLessThan(4 * n);
    } finally {
      tries.mockRestore();
    }
  }, 30_000);

  test('bad resources are refused naming the worker', () => {
    const sim = new Sim();
    expect(() => sim.addWorker('w', 1, { resources: { GPU: -1 } })).toThrow(
      /Worker w: resources: GPU must be a number >= 0/,
    );
  }, 30_000);
});

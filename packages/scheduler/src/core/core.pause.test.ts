// Paused workers (a task there seceded to wait for others): they take no new tasks until
// unpaused, and what they hold stays readable by tasks placed elsewhere.
import { describe, expect, test } from '@jest/globals';
import { Sim, data, g, t } from './__tests__/test-sim.js';

describe('SchedulerCore pause-worker', () => {
  test('a paused worker gets nothing new; unpaused, it takes tasks again', () => {
    const sim = new Sim();
    sim.addWorker('w0');
    sim.handle([{ type: 'submit', id: 's1', graph: g(['a', data(1)]), wanted: ['a'] }]);
    sim.runAll();
    sim.handle([{ type: 'pause-worker', worker: 'w0', paused: true }]);
    const cmds = sim.handle([
      { type: 'submit', id: 's2', graph: g(['b', data(2)]), wanted: ['b'] },
    ]);
    expect(cmds.filter((c) => c.type === 'compute')).toEqual([]);
    expect(sim.core.state('b')).toEqual({ state: 'ready' });
    // Another worker (a lender) takes it.
    const lent = sim.addWorker('w0+');
    expect(lent).toContainEqual(expect.objectContaining({ type: 'compute', worker: 'w0+' }));
    sim.runAll();
    expect(sim.ended('s2')).toEqual(['done']);
    sim.handle([{ type: 'pause-worker', worker: 'w0', paused: false }]);
    sim.removeWorker('w0+');
    const again = sim.handle([{ type: 'submit', id: 's3', graph: g(['c', t()]), wanted: ['c'] }]);
    expect(again).toContainEqual(expect.objectContaining({ type: 'compute', worker: 'w0' }));
    sim.runAll();
    expect(sim.ended('s3')).toEqual(['done']);
  });

  test('each reason pauses on its own: a worker resumes once none holds it', () => {
    const sim = new Sim();
    sim.addWorker('w0');
    sim.handle([{ type: 'pause-worker', worker: 'w0', paused: true, reason: 'memory' }]);
    sim.handle([{ type: 'pause-worker', worker: 'w0', paused: true }]); // a task waits there
    const submit = (id: string, key: string) =>
      sim.handle([{ type: 'submit', id, graph: g([key, t()]), wanted: [key] }]);
    expect(submit('s1', 'a').filter((c) => c.type === 'compute')).toEqual([]);
    // Memory is back under its target, but the waiting task still holds the worker.
    expect(
      sim
        .handle([{ type: 'pause-worker', worker: 'w0', paused: false, reason: 'memory' }])
        .filter((c) => c.type === 'compute'),
    ).toEqual([]);
    const resumed = sim.handle([{ type: 'pause-worker', worker: 'w0', paused: false }]);
    expect(resumed).toContainEqual(expect.objectContaining({ type: 'compute', worker: 'w0' }));
    sim.runAll();
    expect(sim.ended('s1')).toEqual(['done']);
  });

  test('pausing an unknown or removed worker is ignored', () => {
    const sim = new Sim();
    sim.addWorker('w0');
    sim.removeWorker('w0');
    expect(sim.handle([{ type: 'pause-worker', worker: 'w0', paused: true }])).toEqual([]);
    expect(sim.handle([{ type: 'pause-worker', worker: 'nope', paused: false }])).toEqual([]);
  });
});

// Why tasks wait (waits.ts): on inputs, held back for admission, parked by restrictions (no
// worker matches, or none has room or resources), or ready with no workers, all paused, or all busy.
import { describe, expect, test } from '@jest/globals';
import { withPlacement, type Task } from '@dask-ts/protocol';
import { Sim, g, t } from './__tests__/test-sim.js';

const MiB = 2 ** 20;

describe('SchedulerCore waits', () => {
  test('counts each reason, with an example key', () => {
    const sim = new Sim();
    // No worker yet: everything ready waits for one.
    sim.handle([
      {
        type: 'submit',
        id: 's',
        graph: g(['a', t()], ['b', t()], ['c', t('a', 'b')]),
        wanted: ['c'],
      },
    ]);
    expect(sim.core.waits()).toMatchObject({ inputs: 1, noWorkers: 2, example: { inputs: 'c' } });
    sim.addWorker('w0');
    sim.runAll();
    expect(sim.ended('s')).toEqual(['done']);
    // Its only worker paused: ready tasks wait for it.
    sim.handle([{ type: 'pause-worker', worker: 'w0', paused: true, reason: 'memory' }]);
    const gpu = withPlacement(t() as Task, { resources: { GPU: 1 } });
    const pinned = withPlacement(t() as Task, { workers: ['elsewhere'] });
    const graph = g(['gpu', gpu], ['pin', pinned]);
    sim.handle([{ type: 'submit', id: 's2', graph, wanted: ['gpu', 'pin'] }]);
    expect(sim.core.waits()).toMatchObject({ paused: 2, example: { paused: 'gpu' } });
    // Resumed: one has no worker matching its restriction, the other no GPU anywhere.
    sim.handle([{ type: 'pause-worker', worker: 'w0', paused: false, reason: 'memory' }]);
    expect(sim.core.waits()).toMatchObject({
      unmatched: 1,
      noRoom: 1,
      paused: 0,
      example: { unmatched: 'pin', noRoom: 'gpu' },
    });
    // Roots found heavy (an 8 MiB result) are held back for admission.
    const roots = Array.from({ length: 40 }, (_, i): [string, Task] => [`r${i}`, t() as Task]);
    sim.handle([{ type: 'submit', id: 's3', graph: g(...roots), wanted: roots.map(([k]) => k) }]);
    const running = sim.inflight.get('w0')![0];
    sim.inflight.get('w0')!.shift();
    sim.store.get('w0')!.add(running);
    sim.handle([{ type: 'finished', key: running, worker: 'w0', nbytes: 8 * MiB }]);
    const w = sim.core.waits();
    expect(w.admission).toBeGreaterThan(0);
    expect(w.example.admission).toMatch(/^r\d+$/);
  });
});

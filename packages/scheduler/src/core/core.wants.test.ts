// Client-held keys ("wants"): a `hold` keeps a key in memory on its worker after its submission is
// done (no value is delivered), later computes read it without recomputing it, a lost worker's
// held results are recomputed, an erred held key stays erred, and `unwant` releases it.
import { describe, expect, test } from '@jest/globals';
import type { TaskState } from './events.js';
import { Sim, data, g, t } from './__tests__/test-sim.js';

const boom = { name: 'TypeError', message: 'boom' };

function holders(s: TaskState | undefined): readonly string[] {
  return s?.state === 'memory' ? s.workers : [];
}

describe('SchedulerCore client-held keys', () => {
  test('a held key stays in memory after its hold is done, and unwant releases it', () => {
    const sim = new Sim();
    sim.addWorker('w0');
    const cmds = sim.handle([
      { type: 'hold', ids: ['h1'], graph: g(['x', data(1)], ['y', t('x')]), keys: ['y'] },
    ]);
    const compute = cmds.find((c) => c.type === 'compute');
    // Held values stay on the worker: none rides back with `finished`.
    expect(compute).toMatchObject({ keys: ['x', 'y'] });
    expect(compute && 'want' in compute ? compute.want : undefined).toBeUndefined();
    sim.runAll();
    expect(sim.ended('h1')).toEqual(['done']);
    expect(sim.deliveries.get('h1')).toBeUndefined();
    expect(sim.core.state('y')).toEqual({ state: 'memory', workers: ['w0'], nbytes: 8 });
    expect(sim.core.state('x')).toEqual({ state: 'released' });
    expect(sim.core.counts.held).toBe(1);
    // A later compute reads it without recomputing it.
    const before = sim.computed.length;
    sim.handle([{ type: 'submit', id: 's2', graph: g(['z', t('y')]), wanted: ['z'] }]);
    sim.runAll();
    expect(sim.computed.slice(before)).toEqual(['z']);
    expect(sim.ended('s2')).toEqual(['done']);
    expect(sim.core.state('y')?.state).toBe('memory');
    // Getting its value delivers it without moving it off the worker.
    sim.handle([{ type: 'submit', id: 's3', graph: g(), wanted: ['y'] }]);
    const d = sim.pendingDeliver.find((c) => c.id === 's3');
    expect(d?.release).toBe(false);
    sim.runAll();
    expect(sim.store.get('w0')?.has('y')).toBe(true);
    const out = sim.handle([{ type: 'unwant', keys: ['y'] }]);
    expect(out).toContainEqual({ type: 'release', worker: 'w0', keys: ['y'] });
    expect(sim.core.state('y')).toEqual({ state: 'released' });
    expect(sim.core.counts.held).toBe(0);
  });

  test('two holds on one key need two unwants; an unknown key is ignored', () => {
    const sim = new Sim();
    sim.addWorker('w0');
    sim.handle([{ type: 'hold', ids: ['a'], graph: g(['x', data(1)]), keys: ['x'] }]);
    sim.runAll();
    sim.handle([{ type: 'hold', ids: ['b'], graph: g(), keys: ['x'] }]);
    expect(sim.ended('b')).toEqual(['done']);
    sim.handle([{ type: 'unwant', keys: ['x', 'nope'] }]);
    expect(sim.core.state('x')?.state).toBe('memory');
    sim.handle([{ type: 'unwant', keys: ['x'] }]);
    expect(sim.core.state('x')?.state).toBe('released');
    expect(sim.store.get('w0')?.size).toBe(0);
  });

  test('each held key is its own submission: one failing does not end the others', () => {
    const sim = new Sim();
    sim.addWorker('w0');
    sim.handle([
      {
        type: 'hold',
        ids: ['ha', 'hb'],
        graph: g(['a', data(1)], ['b', data(2)]),
        keys: ['a', 'b'],
      },
    ]);
    sim.finish('w0', 'a', boom);
    expect(sim.ended('ha')).toEqual(['failed']);
    expect(sim.ended('hb')).toEqual([]);
    sim.runAll();
    expect(sim.ended('hb')).toEqual(['done']);
    // The erred key stays erred while held.
    expect(sim.core.state('a')?.state).toBe('erred');
    sim.handle([{ type: 'unwant', keys: ['a', 'b'] }]);
    expect(sim.core.counts.held).toBe(0);
  });

  test('a held result lost with its worker is recomputed elsewhere', () => {
    const sim = new Sim();
    sim.addWorker('w0');
    sim.addWorker('w1');
    sim.handle([
      { type: 'hold', ids: ['h'], graph: g(['x', data(1)], ['y', t('x')]), keys: ['y'] },
    ]);
    sim.runAll();
    const holder = holders(sim.core.state('y'))[0];
    sim.removeWorker(holder);
    sim.runAll();
    const s = sim.core.state('y');
    expect(s?.state).toBe('memory');
    expect(holders(s)).not.toContain(holder);
  });

  test('cancelling a hold leaves the key held; a refused hold names the missing key', () => {
    const sim = new Sim();
    sim.addWorker('w0');
    sim.handle([{ type: 'hold', ids: ['h'], graph: g(['y', t('x')]), keys: ['y'] }]);
    const refused = sim.ends.get('h')?.[0];
    expect(refused?.type).toBe('refused');
    expect(String((refused as { error: Error }).error.message)).toMatch(/x/);
    sim.handle([{ type: 'hold', ids: ['h2', 'h3'], graph: g(['z', data(3)]), keys: ['z', 'z'] }]);
    expect(sim.ended('h2')).toEqual(['refused']);
    expect(sim.core.counts.held).toBe(0);
  });
});

describe('SchedulerCore replicated keys', () => {
  test('copies are tracked as holders and released with the key', () => {
    const sim = new Sim();
    sim.addWorker('w0');
    sim.addWorker('w1');
    sim.handle([{ type: 'hold', ids: ['h'], graph: g(['x', data(1)]), keys: ['x'] }]);
    sim.runAll();
    const [holder] = holders(sim.core.state('x'));
    const other = holder === 'w0' ? 'w1' : 'w0';
    // The shell put a copy on the other worker.
    sim.store.get(other)!.add('x');
    sim.handle([{ type: 'replicated', key: 'x', workers: [other] }]);
    expect([...holders(sim.core.state('x'))].sort()).toEqual(['w0', 'w1']);
    const out = sim.handle([{ type: 'unwant', keys: ['x'] }]);
    expect(
      out
        .filter((c) => c.type === 'release')
        .map((c) => c.worker)
        .sort(),
    ).toEqual(['w0', 'w1']);
  });

  test('a copy of a key no longer in memory is released at once', () => {
    const sim = new Sim();
    sim.addWorker('w0');
    sim.store.get('w0')!.add('gone');
    const out = sim.handle([{ type: 'replicated', key: 'gone', workers: ['w0', 'nobody'] }]);
    expect(out).toEqual([{ type: 'release', worker: 'w0', keys: ['gone'] }]);
  });
});

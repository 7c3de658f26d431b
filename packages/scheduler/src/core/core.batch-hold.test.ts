// A batch of client-held keys (one `hold` id for several keys): one submission that settles key by
// key. Each key is reported `held` as it reaches memory, an erred key (or one whose input erred)
// is reported alone with `key-failed` while the others go on, a key every holder lets go of while
// pending is dropped, and `deliver` sends the values back as a compute's.
import { describe, expect, test } from '@jest/globals';
import { Sim, data, g, t } from './__tests__/test-sim.js';

const boom = { name: 'TypeError', message: 'boom' };

describe('SchedulerCore batch holds', () => {
  test('each key is reported held as it is in memory; the batch is done after the last', () => {
    const sim = new Sim();
    sim.addWorker('w0');
    sim.handle([
      {
        type: 'hold',
        ids: ['b'],
        graph: g(['a', data(1)], ['x', t('a')], ['y', t('a')]),
        keys: ['x', 'y'],
      },
    ]);
    sim.finish('w0', sim.runnable('w0', 'a'));
    sim.finish('w0', sim.runnable('w0', 'x'));
    expect(sim.ends.get('b')).toEqual([{ type: 'held', id: 'b', key: 'x' }]);
    sim.runAll();
    expect(sim.ended('b')).toEqual(['held', 'held', 'done']);
    expect(sim.deliveries.get('b')).toBeUndefined();
    expect(sim.core.counts.held).toBe(2);
    sim.handle([{ type: 'unwant', keys: ['x', 'y'] }]);
    expect(sim.core.counts).toMatchObject({ held: 0, memory: 0, submissions: 0 });
  });

  test('an erred key fails alone, with its dependents in the batch; the others finish', () => {
    const sim = new Sim();
    sim.addWorker('w0');
    sim.handle([
      {
        type: 'hold',
        ids: ['b'],
        graph: g(['p', data(1)], ['q', t('p')], ['r', t('q')], ['s', t('p')]),
        keys: ['q', 'r', 's'],
      },
    ]);
    sim.finish('w0', sim.runnable('w0', 'p'));
    sim.finish('w0', sim.runnable('w0', 'q'), boom);
    const failed = (sim.ends.get('b') ?? []).filter((c) => c.type === 'key-failed');
    expect(
      failed.map((c) => c.type === 'key-failed' && [c.key, c.origin, c.error.message, c.lost]),
    ).toEqual([
      ['q', 'q', 'boom', false],
      ['r', 'q', 'boom', false],
    ]);
    expect(sim.ended('b')).not.toContain('done');
    sim.runAll();
    expect(sim.ended('b')).toEqual(['key-failed', 'key-failed', 'held', 'done']);
    expect(sim.core.state('s')?.state).toBe('memory');
    expect(sim.core.state('q')?.state).toBe('erred');
  });

  test('a pending key every holder lets go of is dropped from the batch and not computed', () => {
    const sim = new Sim();
    sim.addWorker('w0');
    sim.handle([
      {
        type: 'hold',
        ids: ['b'],
        graph: g(['a', data(1)], ['x', t('a')], ['y', t('a')]),
        keys: ['x', 'y'],
      },
    ]);
    sim.finish('w0', sim.runnable('w0', 'a'));
    sim.finish('w0', sim.runnable('w0', 'x'));
    sim.handle([{ type: 'unwant', keys: ['y'] }]);
    expect(sim.ended('b')).toEqual(['held', 'done']);
    sim.runAll();
    expect(sim.core.state('y')?.state).not.toBe('memory');
    expect(sim.core.state('x')?.state).toBe('memory');
  });

  test('with deliver, values come back as a compute gets them, and the keys stay held', () => {
    const sim = new Sim();
    sim.addWorker('w0');
    const cmds = sim.handle([
      {
        type: 'hold',
        ids: ['b'],
        graph: g(['x', data(1)], ['y', t('x')]),
        keys: ['x', 'y'],
        deliver: true,
      },
    ]);
    const compute = cmds.find((c) => c.type === 'compute');
    expect(compute && 'want' in compute ? compute.want : undefined).toEqual([0, 1]);
    sim.runAll();
    expect(sim.deliveries.get('b')?.sort()).toEqual(['x', 'y']);
    expect(sim.ended('b')).toEqual(['done']);
    expect(sim.core.state('x')?.state).toBe('memory');
    expect(sim.core.counts.held).toBe(2);
  });

  test('a refused batch is refused once, and a deliver hold needs one id', () => {
    const sim = new Sim();
    sim.addWorker('w0');
    sim.handle([{ type: 'hold', ids: ['b'], graph: g(['x', t('nope')]), keys: ['x', 'z'] }]);
    expect(sim.ended('b')).toEqual(['refused']);
    sim.handle([
      {
        type: 'hold',
        ids: ['c', 'd'],
        graph: g(['u', data(1)], ['v', data(2)]),
        keys: ['u', 'v'],
        deliver: true,
      },
    ]);
    expect(sim.ended('c')).toEqual(['refused']);
    expect(sim.ended('d')).toEqual(['refused']);
  });
});

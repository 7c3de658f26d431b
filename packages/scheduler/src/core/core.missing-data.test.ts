// A holder without the result it was counted for (missing-data.ts): the core recomputes the key
// from its inputs when no other worker holds it, or places the dependent again to fetch from
// another holder; the dependent's stale report (it erred for want of the input) is ignored, and
// the compute ends with every key delivered. A delivery the holder could not make is made again.
import { describe, expect, test } from '@jest/globals';
import { Sim, g, t } from './__tests__/test-sim.js';

/** Compute commands of `cmds` as [worker, keys, fetch] triples. */
type Placed = [worker: string, keys: string[], fetch: string[][]];
function computes(cmds: ReturnType<Sim['handle']>): Placed[] {
  return cmds.flatMap((c): Placed[] =>
    c.type === 'compute' ? [[c.worker, [...c.keys], c.fetch.map(([k, w]) => [k, w])]] : [],
  );
}

describe('SchedulerCore missing-data', () => {
  /** a on one worker, b on the other; c (reading both) placed to fetch one of them: [input, from, target]. */
  function placed(sim: Sim): [string, string, string] {
    sim.addWorker('w0');
    sim.addWorker('w1');
    sim.handle([
      {
        type: 'submit',
        id: 's',
        graph: g(['a', t()], ['b', t()], ['c', t('a', 'b')]),
        wanted: ['c'],
      },
    ]);
    sim.finish('w0', 'a');
    const [[target, keys, fetch]] = computes(sim.finish('w1', 'b'));
    expect(keys).toEqual(['c']);
    expect(fetch).toHaveLength(1);
    const [input, from] = fetch[0];
    // The holder lost it before the target could fetch it: neither has it.
    sim.store.get(from)!.delete(input);
    sim.store.get(target)!.delete(input);
    return [input, from, target];
  }

  test('the only holder lost the key: it is computed again, the dependent placed again', () => {
    const sim = new Sim({ queueFactor: 1, rootSaturation: Infinity });
    const [input, from, target] = placed(sim);
    const again = sim.handle([{ type: 'missing-data', key: input, holder: from, worker: target }]);
    expect(sim.core.story(input)).toContainEqual(
      `${input} memory -> released: ${from} does not hold ${input} (${target} could not fetch it)`,
    );
    expect(computes(again).flatMap(([, keys]) => keys)).toContain(input);
    // The target still runs the c it was sent and reports it erred (no input): stale, ignored.
    sim.finish(target, 'c');
    expect(sim.core.story('c')).toContainEqual(expect.stringMatching(/ignored erred from/));
    sim.runAll();
    expect(sim.ended('s')).toEqual(['done']);
    expect(sim.computed.filter((k) => k === input)).toHaveLength(2);
  });

  test('another worker holds it: the dependent fetches from there, nothing is recomputed', () => {
    const sim = new Sim({ queueFactor: 1, rootSaturation: Infinity });
    sim.addWorker('w0');
    sim.addWorker('w1');
    sim.handle([{ type: 'hold', ids: ['h'], graph: g(['a', t()]), keys: ['a'] }]);
    sim.runAll();
    const [first] = (sim.core.state('a') as unknown as { workers: string[] }).workers;
    sim.addWorker('w2');
    sim.store.get('w2')!.add('a');
    sim.handle([{ type: 'replicated', key: 'a', workers: ['w2'] }]);
    const other = first === 'w0' ? 'w1' : 'w0';
    // Every worker busy with one task (a queue of one); the one on `other` finishes first.
    const xs = g(['x0', t()], ['x1', t()], ['x2', t()]);
    sim.handle([{ type: 'submit', id: 'xs', graph: xs, wanted: ['x0', 'x1', 'x2'] }]);
    sim.handle([{ type: 'submit', id: 's', graph: g(['c', t('a')]), wanted: ['c'] }]);
    const [[target, keys, fetch]] = computes(sim.finish(other, sim.inflight.get(other)![0]));
    expect([target, keys, fetch]).toEqual([other, ['c'], [['a', first]]]);
    sim.store.get(first)!.delete('a');
    sim.store.get(target)!.delete('a');
    const again = computes(
      sim.handle([{ type: 'missing-data', key: 'a', holder: first, worker: target }]),
    );
    expect(sim.core.state('a')).toEqual({ state: 'memory', workers: ['w2'], nbytes: 8 });
    expect(again).toEqual([[target, ['c'], [['a', 'w2']]]]);
    sim.finish(target, 'c'); // the stale run errs: ignored
    sim.runAll();
    expect(sim.ended('s')).toEqual(['done']);
    expect(sim.computed.filter((k) => k === 'a')).toHaveLength(1);
  });

  test('a key lost this way more than maxRetries times fails its compute, naming why', () => {
    const sim = new Sim({ maxRetries: 0, queueFactor: 1, rootSaturation: Infinity });
    const [input, from] = placed(sim);
    sim.handle([{ type: 'missing-data', key: input, holder: from }]);
    expect(sim.ended('s')).toEqual(['lost']);
    expect(sim.core.state(input)).toMatchObject({
      state: 'erred',
      error: { message: expect.stringContaining(`${from} does not hold ${input}`) },
    });
  });

  test('a delivery its holder could not make (moved out of the core) is computed again and delivered', () => {
    const sim = new Sim({ queueFactor: 1, rootSaturation: Infinity });
    sim.addWorker('w0');
    sim.handle([{ type: 'submit', id: 's', graph: g(['a', t()], ['b', t('a')]), wanted: ['b'] }]);
    sim.finish('w0', 'a');
    const sent = sim.finish('w0', 'b').filter((c) => c.type === 'deliver');
    expect(sent).toMatchObject([{ id: 's', worker: 'w0', keys: ['b'], release: true }]);
    expect(sim.core.state('b')).toMatchObject({ state: 'released' });
    // The shell's gather found nothing on w0: not delivered, so not acknowledged.
    sim.pendingDeliver = [];
    const again = sim.handle([{ type: 'missing-data', key: 'b', holder: 'w0', compute: 's' }]);
    expect(computes(again).flatMap(([, keys]) => keys)).toContain('a');
    expect(sim.core.story('b')).toContainEqual(
      expect.stringContaining('w0 does not hold b, which s was to be delivered'),
    );
    sim.runAll();
    expect(sim.ended('s')).toEqual(['done']);
    expect(sim.deliveries.get('s')).toEqual(['b', 'b']);
    expect(sim.computed.filter((k) => k === 'b')).toHaveLength(2);
    sim.core.validate();
  });

  test('a delivery its holder could not make comes from another holder, nothing recomputed', () => {
    const sim = new Sim({ queueFactor: 1, rootSaturation: Infinity });
    sim.addWorker('w0');
    sim.addWorker('w1');
    sim.handle([{ type: 'hold', ids: ['h'], graph: g(['a', t()]), keys: ['a'] }]);
    sim.runAll();
    const [first] = (sim.core.state('a') as unknown as { workers: string[] }).workers;
    const other = first === 'w0' ? 'w1' : 'w0';
    sim.store.get(other)!.add('a');
    sim.handle([{ type: 'replicated', key: 'a', workers: [other] }]);
    const sent = sim
      .handle([{ type: 'submit', id: 's', graph: g(['a', t()]), wanted: ['a'] }])
      .filter((c) => c.type === 'deliver');
    expect(sent).toMatchObject([{ id: 's', worker: first, keys: ['a'] }]);
    sim.pendingDeliver = [];
    sim.store.get(first)!.delete('a');
    const again = sim.handle([{ type: 'missing-data', key: 'a', holder: first, compute: 's' }]);
    expect(again.filter((c) => c.type === 'deliver')).toMatchObject([
      { id: 's', worker: other, keys: ['a'] },
    ]);
    sim.runAll();
    expect(sim.ended('s')).toEqual(['done']);
    expect(sim.computed.filter((k) => k === 'a')).toHaveLength(1);
    expect(sim.core.state('a')).toMatchObject({ state: 'memory', workers: [other] });
    sim.core.validate();
  });

  test('unknown keys, workers and holders not counted change nothing', () => {
    const sim = new Sim();
    sim.addWorker('w0');
    expect(sim.handle([{ type: 'missing-data', key: 'nope', holder: 'w0' }])).toEqual([]);
    sim.handle([{ type: 'submit', id: 's', graph: g(['a', t()]), wanted: [] }]);
    expect(sim.handle([{ type: 'missing-data', key: 'a', holder: 'ghost', worker: 'w9' }])).toEqual(
      [],
    );
  });
});

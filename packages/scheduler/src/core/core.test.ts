import { describe, expect, test } from '@jest/globals';
import { SchedulerCore } from './core.js';
import type { CoreCommand } from './events.js';
import { Sim, data, g, t } from './__tests__/test-sim.js';

const boom = {
  name: 'TypeError',
  message: 'boom',
  stack: 'TypeError: boom\n    at f (user.js:1:1)',
};

describe('SchedulerCore basics', () => {
  test('a chain runs, is delivered with release, and leaves nothing in memory', () => {
    const sim = new Sim();
    sim.addWorker('w0', 2);
    const cmds = sim.handle([
      {
        type: 'submit',
        id: 's1',
        graph: g(['x', data(1)], ['y', t('x')], ['z', t('y')]),
        wanted: ['z'],
      },
    ]);
    // y and z are co-assigned after x: their inputs are computed on w0 first.
    expect(cmds).toEqual([
      {
        type: 'compute',
        worker: 'w0',
        keys: ['x', 'y', 'z'],
        nodes: [data(1), t('x'), t('y')],
        fetch: [],
        // z is wanted: its value may come with its finished report.
        want: [2],
      },
    ]);
    expect(sim.core.state('y')).toEqual({ state: 'processing', worker: 'w0' });
    sim.finish('w0', 'x');
    expect(sim.core.state('x')).toEqual({ state: 'memory', workers: ['w0'], nbytes: 8 });
    sim.finish('w0', 'y');
    expect(sim.core.state('x')).toEqual({ state: 'released' });
    const last = sim.finish('w0', 'z');
    expect(last).toEqual([
      { type: 'deliver', id: 's1', worker: 'w0', keys: ['z'], release: true },
      { type: 'release', worker: 'w0', keys: ['y'] },
    ]);
    expect(sim.ackDeliveries()).toEqual([{ type: 'done', id: 's1' }]);
    expect(sim.core.counts).toMatchObject({ memory: 0, processing: 0, submissions: 0, workers: 1 });
    expect(sim.store.get('w0')!.size).toBe(0);
    expect(sim.core.story('y')).toEqual([
      'y released -> waiting: submit s1',
      'y waiting -> processing: assigned to w0',
      'y processing -> memory: finished on w0',
      'y memory -> released: released',
    ]);
  });

  test('an idle core starts over on its emptied tables: old keys are forgotten', () => {
    const sim = new Sim();
    sim.addWorker('w0', 2);
    const big = g(
      ['a', data(1)],
      ['b', data(2)],
      ['c', t('a', 'b')],
      ['d', t('c')],
      ['e', t('d', 'a')],
    );
    sim.handle([{ type: 'submit', id: 's1', graph: big, wanted: ['e'] }]);
    sim.runAll();
    expect(sim.ended('s1')).toEqual(['done']);
    expect(sim.core.counts.tasks).toBe(5);
    // Smaller, and reusing the name `c` for a different task: the table is cleared, not appended to.
    sim.handle([
      { type: 'submit', id: 's2', graph: g(['x', data(3)], ['c', t('x')]), wanted: ['c'] },
    ]);
    expect(sim.core.counts.tasks).toBe(2);
    expect(sim.core.state('e')).toBeUndefined();
    expect(sim.core.state('a')).toBeUndefined();
    expect(sim.core.story('c')[0]).toBe('c released -> waiting: submit s2');
    sim.runAll();
    expect(sim.ended('s2')).toEqual(['done']);
    sim.core.validate();
    // A refused submit on the reused table rolls back cleanly; the next one runs.
    const refused = sim.handle([
      { type: 'submit', id: 's3', graph: g(['p', t('nope')]), wanted: ['p'] },
    ]);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ type: 'refused', id: 's3' });
    expect(String((refused[0] as { error: Error }).error.message)).toMatch(/nope/);
    sim.handle([{ type: 'submit', id: 's4', graph: g(['q', data(4)]), wanted: ['q'] }]);
    sim.runAll();
    expect(sim.ended('s4')).toEqual(['done']);
    expect(sim.core.state('p')).toBeUndefined();
    sim.core.validate();
  });

  test('an empty wanted list is done at once', () => {
    const sim = new Sim();
    expect(sim.handle([{ type: 'submit', id: 's', graph: g(['x', data(1)]), wanted: [] }])).toEqual(
      [{ type: 'done', id: 's' }],
    );
  });

  test('a few coarse root tasks are spread over every worker, in contiguous runs', () => {
    // The ordinary queue (roots never held back for admission: see core.admission.test.ts).
    const sim = new Sim({ queueFactor: 16, rootSaturation: Infinity });
    sim.addWorker('w0', 1);
    sim.addWorker('w1', 1);
    const entries: Array<[string, ReturnType<typeof t>]> = [];
    for (let i = 0; i < 17; i++) entries.push([`block-${i}`, t()]);
    entries.push(['total', t(...entries.map(([k]) => k))]);
    const cmds = sim.handle([{ type: 'submit', id: 's', graph: g(...entries), wanted: ['total'] }]);
    const perWorker = new Map<string, string[]>();
    for (const c of cmds) if (c.type === 'compute') perWorker.set(c.worker, [...c.keys]);
    expect(perWorker.get('w0')).toEqual(Array.from({ length: 9 }, (_, i) => `block-${i}`));
    expect(perWorker.get('w1')).toEqual(Array.from({ length: 8 }, (_, i) => `block-${i + 9}`));
    sim.runAll();
    expect(sim.ended('s')).toEqual(['done']);
  });

  test('priorities decide the order of ready tasks', () => {
    const sim = new Sim({ queueFactor: 1 });
    sim.addWorker('w0', 1);
    const graph = g(['a', t()], ['b', t()], ['c', t()], ['r', t('a', 'b', 'c')]);
    const priorities = new Map([
      ['c', 0],
      ['a', 1],
      ['b', 2],
      ['r', 3],
    ]);
    sim.handle([{ type: 'submit', id: 's', graph, wanted: ['r'], priorities }]);
    sim.runAll();
    expect(sim.computed).toEqual(['c', 'a', 'b', 'r']);
    expect(sim.ended('s')).toEqual(['done']);
  });

  test('default order is depth-first from the wanted keys, earlier computes first', () => {
    const sim = new Sim({ queueFactor: 1 });
    sim.addWorker('w0', 1);
    sim.handle([
      {
        type: 'submit',
        id: 's1',
        graph: g(['b', t()], ['a', t()], ['x', t('b', 'a')]),
        wanted: ['x'],
      },
    ]);
    sim.handle([{ type: 'submit', id: 's2', graph: g(['c', t()]), wanted: ['c'] }]);
    sim.runAll();
    expect(sim.computed).toEqual(['b', 'a', 'x', 'c']);
  });

  test('each worker gets at most slots * queueFactor tasks in flight', () => {
    const sim = new Sim({ queueFactor: 2, rootSaturation: Infinity });
    sim.addWorker('w0', 2);
    sim.addWorker('w1', 1);
    const entries: [string, ReturnType<typeof t>][] = [];
    for (let i = 0; i < 20; i++) entries.push([`l${i}`, t()]);
    sim.handle([
      { type: 'submit', id: 's', graph: g(...entries), wanted: entries.map(([k]) => k) },
    ]);
    expect(sim.inflight.get('w0')!.length).toBe(4);
    expect(sim.inflight.get('w1')!.length).toBe(2);
    expect(sim.core.counts.ready).toBe(14);
    sim.runAll();
    expect(sim.ended('s')).toEqual(['done']);
    expect(sim.deliveries.get('s')!.sort()).toEqual(entries.map(([k]) => k).sort());
  });

  test('by default the queue grows with reported run times: many fast tasks, 16 slow ones', () => {
    const roots = (n: number) => {
      const entries: [string, ReturnType<typeof t>][] = [];
      for (let i = 0; i < n; i++) entries.push([`r${i}`, t()]);
      return entries;
    };
    const core = new SchedulerCore({ rootSaturation: Infinity });
    core.handle([{ type: 'add-worker', worker: 'w0', slots: 2 }]);
    const entries = roots(5000);
    const wanted = entries.map(([k]) => k);
    const sent = (cmds: CoreCommand[]) => cmds.flatMap((c) => (c.type === 'compute' ? c.keys : []));
    // Before any report: 16 per slot.
    let batch = sent(core.handle([{ type: 'submit', id: 's', graph: g(...entries), wanted }]));
    expect(batch.length).toBe(32);
    // 32 tasks in 0.032 ms (1 µs each): 2 ms of work per slot is capped at 1,024 tasks.
    const finish = (keys: string[], ms: number) =>
      sent(
        core.handle([{ type: 'finished-many', worker: 'w0', keys, nbytes: keys.map(() => 8), ms }]),
      );
    batch = finish(batch, 0.032);
    expect(batch.length).toBe(2048);
    // Slow ones (50 ms each): nothing more until the in-flight tasks drain, then 16 per slot.
    expect(finish(batch.slice(0, 4), 200)).toEqual([]);
    expect(finish(batch.slice(4), 2044 * 50).length).toBe(32);
    core.validate();
    // A fixed queueFactor ignores run times.
    const fixed = new SchedulerCore({ queueFactor: 3, rootSaturation: Infinity });
    fixed.handle([{ type: 'add-worker', worker: 'w0', slots: 1 }]);
    const first = sent(
      fixed.handle([
        { type: 'submit', id: 's', graph: g(...roots(10)), wanted: roots(10).map(([k]) => k) },
      ]),
    );
    expect(first.length).toBe(3);
    const next = sent(
      fixed.handle([
        { type: 'finished-many', worker: 'w0', keys: first, nbytes: [8, 8, 8], ms: 0.001 },
      ]),
    );
    expect(next.length).toBe(3);
  });
});

describe('placement', () => {
  test('a task goes where most of its input bytes are, and fetches the rest', () => {
    const sim = new Sim({ queueFactor: 1 });
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
    expect(sim.inflight.get('w0')).toEqual(['a']);
    expect(sim.inflight.get('w1')).toEqual(['b']);
    sim.finish('w0', 'a');
    sim.store.get('w1')!.add('b');
    sim.inflight.get('w1')!.length = 0;
    const cmds = sim.core.handle([{ type: 'finished', key: 'b', worker: 'w1', nbytes: 100 }]);
    expect(cmds).toEqual([
      {
        type: 'compute',
        worker: 'w1',
        keys: ['c'],
        nodes: [t('a', 'b')],
        fetch: [['a', 'w0']],
        want: [0],
      },
    ]);
    sim.inflight.get('w1')!.push('c');
    sim.store.get('w1')!.add('a');
    sim.store.get('w1')!.add('c');
    sim.inflight.get('w1')!.length = 0;
    // a and b are released from every holder, the replica of a on w1 included.
    expect(sim.core.handle([{ type: 'finished', key: 'c', worker: 'w1', nbytes: 8 }])).toEqual([
      { type: 'deliver', id: 's', worker: 'w1', keys: ['c'], release: true },
      { type: 'release', worker: 'w0', keys: ['a'] },
      { type: 'release', worker: 'w1', keys: ['a', 'b'] },
    ]);
    sim.core.validate();
  });

  test('data nodes are placed like tasks', () => {
    const sim = new Sim();
    sim.addWorker('w0');
    const cmds = sim.handle([
      { type: 'submit', id: 's', graph: g(['d', data([1, 2])]), wanted: ['d'] },
    ]);
    expect(cmds).toEqual([
      { type: 'compute', worker: 'w0', keys: ['d'], nodes: [data([1, 2])], fetch: [], want: [0] },
    ]);
  });
});

describe('failures', () => {
  test('an erred task errs its dependents and fails the computes wanting them, with its story', () => {
    const sim = new Sim();
    sim.addWorker('w0');
    sim.addWorker('w1');
    const graph = g(['x', t()], ['y', t('x')], ['z', t('y')], ['ok', t()]);
    sim.handle([{ type: 'submit', id: 's1', graph, wanted: ['z'] }]);
    sim.handle([{ type: 'submit', id: 's2', graph, wanted: ['ok'] }]);
    const cmds = sim.finish('w0', 'x', boom);
    const failed = cmds.find((c) => c.type === 'failed');
    expect(failed).toEqual({
      type: 'failed',
      id: 's1',
      key: 'x',
      error: boom,
      story: [
        'x released -> ready: submit s1',
        'x ready -> processing: assigned to w0',
        'x processing -> erred: erred on w0: TypeError: boom',
      ],
    });
    expect(sim.core.state('z')).toEqual({ state: 'erred', error: boom, origin: 'x' });
    // y and z were co-assigned after x on w0: erred with it (their own reports will be stale).
    expect(sim.core.story('z').at(-1)).toBe('z processing -> erred: dependency y erred');
    expect(sim.core.story('y').at(-1)).toBe('y processing -> erred: dependency x erred');
    sim.runAll();
    expect(sim.ended('s1')).toEqual(['failed']);
    expect(sim.ended('s2')).toEqual(['done']);
    expect(sim.core.counts.memory).toBe(0);
  });

  test('a later compute retries an erred key', () => {
    const sim = new Sim();
    sim.addWorker('w0');
    sim.handle([{ type: 'submit', id: 's1', graph: g(['x', t()]), wanted: ['x'] }]);
    sim.finish('w0', 'x', boom);
    sim.handle([{ type: 'submit', id: 's2', graph: g(['x', t()]), wanted: ['x'] }]);
    sim.runAll();
    expect(sim.ended('s1')).toEqual(['failed']);
    expect(sim.ended('s2')).toEqual(['done']);
  });
});

describe('sharing and cancelling', () => {
  test('keys in memory are reused by a later compute, not recomputed', () => {
    const sim = new Sim();
    sim.addWorker('w0');
    sim.handle([
      { type: 'submit', id: 's1', graph: g(['x', t()], ['y', t('x')]), wanted: ['x', 'y'] },
    ]);
    sim.finish('w0', 'x');
    const cmds = sim.handle([
      { type: 'submit', id: 's2', graph: g(['x', t()], ['z', t('x')]), wanted: ['z'] },
    ]);
    expect(cmds).toEqual([
      { type: 'compute', worker: 'w0', keys: ['z'], nodes: [t('x')], fetch: [], want: [0] },
    ]);
    sim.runAll();
    expect(sim.computed).toEqual(['x', 'y', 'z']);
    expect(sim.ended('s1')).toEqual(['done']);
    expect(sim.ended('s2')).toEqual(['done']);
    expect(sim.core.counts.memory).toBe(0);
  });

  test('cancel drops queued tasks, releases results, and the running task’s result when it finishes', () => {
    const sim = new Sim({ queueFactor: 1 });
    sim.addWorker('w0');
    sim.handle([
      {
        type: 'submit',
        id: 's1',
        graph: g(['a', t()], ['b', t()], ['c', t('a', 'b')]),
        wanted: ['c'],
      },
    ]);
    sim.finish('w0', 'a');
    // c is co-assigned after b (its inputs are on w0, or computed there first).
    expect(sim.inflight.get('w0')).toEqual(['b', 'c']);
    const cmds = sim.handle([{ type: 'cancel', id: 's1', reason: 'user' }]);
    expect(cmds).toEqual([{ type: 'cancelled', id: 's1', reason: 'user' }]);
    expect(sim.core.state('c')).toEqual({ state: 'cancelled' });
    // b is still read by the running (cancelled) c: kept until c finishes.
    expect(sim.core.state('b')).toEqual({ state: 'processing', worker: 'w0' });
    expect(sim.finish('w0', 'b')).toEqual([]);
    expect(sim.finish('w0', 'c')).toEqual([
      { type: 'release', worker: 'w0', keys: ['c', 'b', 'a'] },
    ]);
    expect(sim.computed).toEqual(['a', 'b', 'c']);
    expect(sim.core.story('c').at(-1)).toBe('c cancelled -> released: finished on w0');
    expect(sim.core.counts).toMatchObject({ memory: 0, processing: 0 });
    expect(sim.handle([{ type: 'cancel', id: 's1', reason: 'again' }])).toEqual([]);
  });

  test('cancel keeps what another compute needs', () => {
    const sim = new Sim();
    sim.addWorker('w0');
    const graph = g(['a', t()], ['b', t('a')], ['c', t('a')]);
    sim.handle([{ type: 'submit', id: 's1', graph, wanted: ['b'] }]);
    sim.handle([{ type: 'submit', id: 's2', graph, wanted: ['c'] }]);
    sim.handle([{ type: 'cancel', id: 's1', reason: 'r' }]);
    sim.runAll();
    expect(sim.computed).toEqual(['a', 'b', 'c']); // b was sent with a, before the cancel
    expect(sim.ended('s2')).toEqual(['done']);
  });
});

describe('workers', () => {
  test('a removed worker’s tasks run elsewhere and its results are recomputed', () => {
    // The ordinary queue spreads a and b (admission would put the siblings together).
    const sim = new Sim({ rootSaturation: Infinity });
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
    sim.removeWorker('w0', 'crashed');
    expect(sim.core.story('a')).toContain('a memory -> released: worker w0 removed: crashed');
    sim.runAll();
    expect(sim.ended('s')).toEqual(['done']);
    expect(sim.computed.filter((k) => k === 'a')).toHaveLength(2);
  });

  test('stale events from a removed worker are ignored; impossible ones throw with the story', () => {
    const sim = new Sim();
    sim.addWorker('w0');
    sim.addWorker('w1');
    sim.handle([{ type: 'submit', id: 's', graph: g(['a', t()]), wanted: ['a'] }]);
    sim.removeWorker('w0');
    expect(sim.core.handle([{ type: 'finished', key: 'a', worker: 'w0', nbytes: 1 }])).toEqual([]);
    expect(sim.core.story('a')).toContain('a processing: ignored finished from removed worker w0');
    expect(() =>
      sim.core.handle([{ type: 'finished', key: 'a', worker: 'w0x', nbytes: 1 }]),
    ).toThrow('worker never added');
    sim.addWorker('w2');
    expect(() =>
      sim.core.handle([{ type: 'finished', key: 'a', worker: 'w2', nbytes: 1 }]),
    ).toThrow(
      /Impossible transition: finished a on w2, but a is processing on w1\nStory of a:\n {2}a released -> ready: submit s\n/,
    );
  });

  test('a task lost more than maxRetries times fails its compute with lost', () => {
    const sim = new Sim({ maxRetries: 1 });
    sim.addWorker('w0');
    sim.handle([{ type: 'submit', id: 's', graph: g(['a', t()]), wanted: ['a'] }]);
    sim.addWorker('w1');
    sim.removeWorker('w0');
    sim.addWorker('w2');
    const cmds = sim.removeWorker('w1', 'oom');
    const lost = cmds.find((c) => c.type === 'lost');
    expect(lost).toMatchObject({ type: 'lost', id: 's', key: 'a' });
    expect((lost as unknown as { story: string[] }).story.at(-1)).toMatch(
      /a released -> erred: Task a was lost with its worker 2 times \(maxRetries 1\)/,
    );
    expect(sim.ended('s')).toEqual(['lost']);
  });
});

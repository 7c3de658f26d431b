// A long batch of synchronous tasks reports what it has finished as it goes (through the
// state's `early` hook), so progress and the scheduler see long tasks finish one by one; a short
// batch still reports once, at its end. Past its first report, a long batch goes on after a turn
// of the event loop every 50 ms, where a steal is answered.
import { describe, expect, it, jest } from '@jest/globals';
import { packCompute, type WireTask } from '@dask-ts/protocol';
import { WorkerState, type Outgoing } from './index.js';

const busy = {
  kind: 'source',
  source:
    '(ms) => { const end = performance.now() + ms; while (performance.now() < end); return ms; }',
  scope: {},
} as const;

function tasks(n: number, ms: number): WireTask[] {
  return Array.from({ length: n }, (_, i) => ({ key: `t${i}`, fn: busy, args: [ms], deps: [] }));
}

describe('early reports', () => {
  it('reports each long task as it finishes, then the rest at the end', async () => {
    const early: string[][] = [];
    const state = new WorkerState({
      early: (m) =>
        m.forEach((o) => {
          if (o.message.op === 'finished') early.push(o.message.keys);
        }),
    });
    const h = state.handle(packCompute(tasks(3, 60)));
    expect(h.now).toEqual([]);
    // After the first report the batch goes on past a turn of the event loop (for steals); what it
    // reports at its end is handed over as it settles, so `later` has nothing left.
    expect(await h.later).toEqual([]);
    expect(early).toEqual([['t0'], ['t1'], ['t2']]);
  });

  it('lets a steal in between the tasks of a long synchronous batch', async () => {
    const early: Outgoing[] = [];
    const state = new WorkerState({ early: (m) => early.push(...m) });
    const h = state.handle(packCompute(tasks(5, 60)));
    // Runs at the batch's first turn of the event loop, after t0.
    const stolen = new Promise<readonly Outgoing[]>((resolve) =>
      setImmediate(() => resolve(state.handle({ op: 'steal', keys: ['t0', 't3', 't4'] }).now)),
    );
    expect((await stolen).map((o) => o.message)).toEqual([{ op: 'stolen', keys: ['t3', 't4'] }]);
    const rest = (await h.later)!;
    const reported = [...early, ...rest].flatMap((o) =>
      o.message.op === 'finished' ? o.message.keys : [],
    );
    expect(reported).toEqual(['t0', 't1', 't2']);
  });

  it('in a batch of messages, no early report of a later message overtakes an earlier one', async () => {
    // m1 awaits; m2 reads its result, then runs long enough to report early. m1's report used
    // to wait for the whole batch, so m2's early report (b) reached the scheduler before a, whose
    // result b had read: the scheduler then took a, still unreported, for an orphan.
    const order: string[] = [];
    const record = (m: readonly Outgoing[]): void =>
      m.forEach((o) => o.message.op === 'finished' && order.push(...o.message.keys));
    const state = new WorkerState({ early: record });
    const nap = {
      kind: 'source',
      source: 'async (ms) => { await new Promise((r) => setTimeout(r, ms)); return ms; }',
      scope: {},
    } as const;
    const m1 = packCompute([{ key: 'a', fn: nap, args: [30], deps: [] }]);
    const m2 = packCompute([
      { key: 'b', fn: busy, args: [{ $ref: 'a' }], deps: ['a'] },
      { key: 'c', fn: busy, args: [120], deps: [] },
    ]);
    const h = state.handle({ op: 'batch', messages: [m1, m2] });
    record(h.now);
    record((await h.later)!);
    expect(order).toEqual(['a', 'b', 'c']);
  });

  it('a queued message reports what it ran at once before what it reports as it goes on', async () => {
    // m2 waits behind m1; when it starts, x runs at once and y awaits; z (reading x) and w run
    // after. x's report used to wait for m2's end while z's went early: the scheduler saw z
    // finish before its input x and took x, still unreported, for an orphan (a thread was then
    // stopped for running it).
    const order: string[] = [];
    const record = (m: readonly Outgoing[] | undefined): void =>
      m?.forEach((o) => o.message.op === 'finished' && order.push(...o.message.keys));
    const state = new WorkerState({ early: record });
    const nap = {
      kind: 'source',
      source: 'async (ms) => { await new Promise((r) => setTimeout(r, ms)); return ms; }',
      scope: {},
    } as const;
    const spinAfter = {
      kind: 'source',
      source:
        '(input, ms) => { const end = performance.now() + ms; while (performance.now() < end); return input; }',
      scope: {},
    } as const;
    const h1 = state.handle(packCompute([{ key: 'a', fn: nap, args: [30], deps: [] }]));
    const h2 = state.handle(
      packCompute([
        { key: 'x', fn: busy, args: [0], deps: [] },
        { key: 'y', fn: nap, args: [10], deps: [] },
        { key: 'z', fn: spinAfter, args: [{ $ref: 'x' }, 60], deps: ['x'] },
        { key: 'w', fn: busy, args: [60], deps: [] },
      ]),
    );
    record(h1.now);
    record(h2.now);
    record(await h1.later);
    record(await h2.later);
    expect(order).toEqual(['a', 'x', 'y', 'z', 'w']);
  });

  it('reports a short batch once, at its end', () => {
    // The clock stands still: on a loaded machine even 5 no-op tasks may span a preemption.
    const clock = jest.spyOn(performance, 'now').mockReturnValue(1_000);
    const early: Outgoing[] = [];
    const state = new WorkerState({ early: (m) => early.push(...m) });
    const h = state.handle(packCompute(tasks(5, 0)));
    expect(early).toEqual([]);
    expect(h.now).toHaveLength(1);
    expect(h.now[0].message).toMatchObject({
      op: 'finished',
      keys: ['t0', 't1', 't2', 't3', 't4'],
    });
    clock.mockRestore();
  });
});

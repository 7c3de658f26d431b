// Work stealing in the core: an idle worker gets tasks queued behind a slow one, only once the
// busy worker gives them back, never a task it started, never one pinned there by its inputs or
// restrictions; and under random steals, answers and completions no task finishes twice. Roots
// here fill the ordinary queue (`rootSaturation: Infinity`: never held back for admission).
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { withPlacement, type GraphNode, type Task } from '@dask-ts/protocol';
import type { CoreCommand } from './events.js';
import { Sim, g, t } from './__tests__/test-sim.js';

function steals(cmds: readonly CoreCommand[]): Extract<CoreCommand, { type: 'steal' }>[] {
  return cmds.filter((c): c is Extract<CoreCommand, { type: 'steal' }> => c.type === 'steal');
}

/** `n` independent root tasks. */
function roots(n: number): [string, GraphNode][] {
  return Array.from({ length: n }, (_, i) => [`r${i}`, t()] as [string, GraphNode]);
}

describe('SchedulerCore work stealing', () => {
  test('an idle worker gets the tasks queued behind a slow one, once they are given back', () => {
    const sim = new Sim({ rootSaturation: Infinity, workStealing: true, queueFactor: 8 });
    sim.addWorker('a');
    const graph = g(...roots(8));
    sim.handle([{ type: 'submit', id: 's', graph, wanted: [...graph.keys()] }]);
    expect(sim.inflight.get('a')).toHaveLength(8);
    const asked = steals(sim.addWorker('b'));
    expect(asked).toEqual([{ type: 'steal', worker: 'a', keys: ['r7', 'r6', 'r5'] }]);
    // Nothing moved yet: the tasks are still a's.
    expect(sim.core.state('r7')).toEqual({ state: 'processing', worker: 'a' });
    const cmds = sim.giveBack('a');
    const sent = cmds.filter((c) => c.type === 'compute');
    expect(sent.map((c) => [c.worker, [...c.keys].sort()])).toEqual([['b', ['r5', 'r6', 'r7']]]);
    expect(sim.core.story('r7').join('\n')).toContain('given back by a');
    sim.runAll();
    expect(sim.ended('s')).toEqual(['done']);
    for (const [k] of graph) expect(sim.finishedCount.get(k)).toBe(1);
  }, 30_000);

  test('a task given back goes to the idle worker, not back to its input on the busy one', () => {
    const sim = new Sim({ rootSaturation: Infinity, workStealing: true, queueFactor: 16 });
    sim.addWorker('a');
    // x (small, on a) read by 12 tasks, all queued on a (the only worker then).
    const maps = Array.from({ length: 12 }, (_, i): [string, GraphNode] => [`m${i}`, t('x')]);
    sim.handle([
      { type: 'submit', id: 's', graph: g(['x', t()], ...maps), wanted: maps.map(([k]) => k) },
    ]);
    sim.finish('a', 'x');
    expect(sim.inflight.get('a')).toHaveLength(12);
    const [asked] = steals(sim.addWorker('b'));
    expect(asked.worker).toBe('a');
    const sent = sim.giveBack('a').filter((c) => c.type === 'compute');
    expect(sent.map((c) => [c.worker, [...c.keys].sort()])).toEqual([
      ['b', [...asked.keys].sort()],
    ]);
    sim.runAll();
    expect(sim.ended('s')).toEqual(['done']);
    sim.core.validate();
  }, 30_000);

  test('a task the worker started or finished meanwhile stays there', () => {
    const sim = new Sim({ rootSaturation: Infinity, workStealing: true, queueFactor: 8 });
    sim.addWorker('a');
    const graph = g(...roots(8));
    sim.handle([{ type: 'submit', id: 's', graph, wanted: [...graph.keys()] }]);
    sim.addWorker('b');
    // a ran everything up to r6 before it read the request, and runs r7 now: nothing comes back.
    for (let i = 0; i < 7; i++) sim.finish('a', `r${i}`);
    const cmds = sim.giveBack('a');
    expect(cmds.filter((c) => c.type === 'compute').map((c) => c.worker)).toEqual([]);
    sim.runAll();
    expect(sim.ended('s')).toEqual(['done']);
    for (const [k] of graph) expect(sim.finishedCount.get(k)).toBe(1);
  }, 30_000);

  test('no steal of a task restricted to its worker', () => {
    const sim = new Sim({ rootSaturation: Infinity, workStealing: true, queueFactor: 8 });
    sim.addWorker('a');
    const nodes: [string, GraphNode][] = [];
    for (let i = 1; i < 6; i++)
      nodes.push([`x${i}`, withPlacement(t() as Task, { workers: ['a'] })]);
    sim.handle([{ type: 'submit', id: 's', graph: g(...nodes), wanted: nodes.map(([k]) => k) }]);
    expect(steals(sim.addWorker('b'))).toEqual([]);
    sim.runAll();
    expect(sim.ended('s')).toEqual(['done']);
  }, 30_000);

  test('a queued chain (read a block, then write it) is given back whole: the idle worker runs both', () => {
    // Coarse roots r_i, each read by w_i co-assigned after it: before, the co-assigned reader
    // pinned its root, so a worker that got three chains ran them all while the other idled.
    const sim = new Sim({ rootSaturation: Infinity, workStealing: true, queueFactor: 8 });
    sim.addWorker('a');
    const nodes: [string, GraphNode][] = [];
    for (let i = 0; i < 4; i++) nodes.push([`r${i}`, t()], [`w${i}`, t(`r${i}`)]);
    const wanted = [0, 1, 2, 3].map((i) => `w${i}`);
    sim.handle([{ type: 'submit', id: 's', graph: g(...nodes), wanted }]);
    expect(sim.inflight.get('a')).toHaveLength(8);
    const [asked] = steals(sim.addWorker('b'));
    expect(asked.worker).toBe('a');
    // Asked back: whole chains, each root with its writer (not started, as it waits for it).
    const rs = asked.keys.filter((k) => k.startsWith('r'));
    expect(rs.length).toBeGreaterThan(0);
    expect([...asked.keys].sort()).toEqual([...rs, ...rs.map((k) => k.replace('r', 'w'))].sort());
    const sent = sim.giveBack('a').filter((c) => c.type === 'compute');
    // The roots given back go to b, and their writers with them (co-assigned there now).
    const onB = sent.filter((c) => c.worker === 'b').flatMap((c) => [...c.keys]);
    expect(onB.sort()).toEqual([...asked.keys].sort());
    for (const k of asked.keys)
      expect(sim.core.state(k)).toEqual({ state: 'processing', worker: 'b' });
    sim.runAll();
    expect(sim.ended('s')).toEqual(['done']);
    sim.core.validate();
  }, 30_000);

  test('an input copied to the busy worker for a task it gives back is released there', () => {
    // x lives on h; m (reading x) is queued on a behind roots pinned there, so x was copied to a
    // for it. a gives m back: nothing on a reads x any more, and the copy used to stay there,
    // unknown to the core, outliving the compute (a later compute of the same keys read it).
    const sim = new Sim({ rootSaturation: Infinity, workStealing: true, queueFactor: 16 });
    sim.addWorker('h');
    sim.addWorker('a');
    const pinned = (w: string, ...deps: string[]): Task =>
      withPlacement(t(...deps) as Task, { workers: [w] });
    // x, kept on h by y (still running there); then h takes no more work.
    sim.handle([
      {
        type: 'submit',
        id: 's1',
        graph: g(['x', pinned('h')], ['y', pinned('h', 'x')]),
        wanted: ['y'],
      },
    ]);
    sim.finish('h', 'x');
    sim.handle([{ type: 'pause-worker', worker: 'h', paused: true }]);
    const roots: [string, GraphNode][] = [0, 1, 2, 3, 4, 5].map((i) => [`r${i}`, pinned('a')]);
    sim.handle([
      {
        type: 'submit',
        id: 's',
        graph: g(['x', pinned('h')], ...roots, ['m', t('x')]),
        wanted: [...roots.map(([k]) => k), 'm'],
      },
    ]);
    expect(sim.core.state('m')).toEqual({ state: 'processing', worker: 'a' });
    expect(sim.store.get('a')!.has('x')).toBe(true);
    const [asked] = steals(sim.addWorker('b'));
    expect(asked).toEqual({ type: 'steal', worker: 'a', keys: ['m'] });
    const cmds = sim.giveBack('a');
    expect(cmds).toContainEqual({ type: 'release', worker: 'a', keys: ['x'] });
    expect(sim.store.get('a')!.has('x')).toBe(false);
    sim.handle([{ type: 'pause-worker', worker: 'h', paused: false }]);
    sim.runAll();
    expect(sim.ended('s')).toEqual(['done']);
    expect(sim.ended('s1')).toEqual(['done']);
    sim.core.validate();
  }, 30_000);

  test('a worker lost with a request out: its tasks are recomputed, its late answer ignored', () => {
    const sim = new Sim({ rootSaturation: Infinity, workStealing: true, queueFactor: 8 });
    sim.addWorker('a');
    const graph = g(...roots(8));
    sim.handle([{ type: 'submit', id: 's', graph, wanted: [...graph.keys()] }]);
    sim.addWorker('b');
    sim.removeWorker('a');
    expect(sim.handle([{ type: 'stolen', worker: 'a', keys: ['r7'] }])).toEqual([]);
    sim.runAll();
    expect(sim.ended('s')).toEqual(['done']);
  }, 30_000);

  test('queued work worth less than a round trip (by the reported run times) stays', () => {
    for (const [ms, requests] of [
      [0.01, 0],
      [20, 1],
    ] as const) {
      const sim = new Sim({ rootSaturation: Infinity, workStealing: true, queueFactor: 8 });
      sim.addWorker('a');
      const graph = g(...roots(9));
      sim.handle([{ type: 'submit', id: 's', graph, wanted: [...graph.keys()] }]);
      sim.finish('a', 'r0', undefined, ms);
      expect(steals(sim.addWorker('b'))).toHaveLength(requests);
    }
  }, 30_000);

  test('giving back a task it was not asked for is an impossible event', () => {
    const sim = new Sim({ rootSaturation: Infinity, workStealing: true });
    sim.addWorker('a');
    sim.handle([{ type: 'submit', id: 's', graph: g(['x', t()]), wanted: ['x'] }]);
    expect(() => sim.handle([{ type: 'stolen', worker: 'a', keys: ['x'] }])).toThrow(
      /a gave back x, which it was not asked for/,
    );
  }, 30_000);

  test('property: random graphs, steals, answers and completions; each task finishes once', () => {
    const graphArb = fc.array(fc.array(fc.nat(), { maxLength: 3 }), {
      minLength: 1,
      maxLength: 30,
    });
    let asked = 0;
    let given = 0;
    const stepArb = fc.array(fc.tuple(fc.nat(), fc.nat(), fc.boolean()), { maxLength: 300 });
    fc.assert(
      fc.property(graphArb, stepArb, fc.integer({ min: 1, max: 4 }), (spec, steps, nw) => {
        const nodes: [string, GraphNode][] = spec.map((deps, i) => {
          const ds = i === 0 ? [] : [...new Set(deps.map((d) => `k${d % i}`))];
          return [`k${i}`, t(...ds)];
        });
        const sim = new Sim({ rootSaturation: Infinity, workStealing: true, queueFactor: 4 });
        const workers = Array.from({ length: nw }, (_, i) => `w${i}`);
        sim.addWorker(workers[0]);
        sim.handle([
          { type: 'submit', id: 's', graph: g(...nodes), wanted: nodes.map(([k]) => k) },
        ]);
        for (let i = 1; i < nw; i++) sim.addWorker(workers[i]);
        for (const [a, b, give] of steps) {
          sim.ackDeliveries();
          const w = workers[a % nw];
          if (give && sim.steals.has(w)) {
            sim.giveBack(w, (k) => (k.length + b) % 2 === 0 || b % 3 === 0);
            continue;
          }
          const list = sim.inflight.get(w)!;
          if (list.length > 0) sim.finish(w, sim.runnable(w, list[0]));
        }
        // Drain: answer every request, then run everything.
        for (let n = 0; n < 1000 && sim.ended('s').length === 0; n++) {
          for (const w of [...sim.steals.keys()]) sim.giveBack(w);
          sim.ackDeliveries();
          const w = workers.find((x) => sim.inflight.get(x)!.length > 0);
          if (w !== undefined) sim.finish(w, sim.inflight.get(w)![0]);
        }
        expect(sim.ended('s')).toEqual(['done']);
        for (const [k, n] of sim.finishedCount)
          if (n !== 1) throw new Error(`${k} finished ${n} times`);
        expect(sim.core.counts.processing).toBe(0);
        for (const c of sim.log) if (c.type === 'steal') asked += c.keys.length;
        given += sim.computed.length - nodes.length;
      }),
      { numRuns: 300 },
    );
    // The runs did steal: tasks were asked back, and some were sent again elsewhere.
    expect(asked).toBeGreaterThan(50);
    expect(given).toBeGreaterThan(20);
  }, 120_000);
});

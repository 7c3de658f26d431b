// Client-held keys under random graphs: holds and unwants of random keys, computes that read
// them, cancels, failures, worker removals and paused workers, in random orders. The core's invariants
// are checked after every batch (Sim validates); every hold and compute ends exactly once; once
// every hold is let go of and everything has run, nothing is left in memory or on any worker.
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import type { Graph, GraphNode } from '@dask-ts/protocol';
import { scenario, type Scenario } from './__tests__/scenario.js';
import { Sim, data, t } from './__tests__/test-sim.js';

const key = (i: number): string => `k${i}`;

function play(s: Scenario): void {
  const n = s.deps.length;
  const nodes: GraphNode[] = s.deps.map((ds, i) =>
    ds.length === 0 && s.dataNodes[i] ? data(i) : t(...ds.map(key)),
  );
  const graph: Graph = new Map(nodes.map((node, i) => [key(i), node] as [string, GraphNode]));
  const sim = new Sim({ maxRetries: 2 });
  if (s.compactAt !== undefined) sim.core.compactAt = s.compactAt;
  let nextWorker = 0;
  const live: string[] = [];
  const paused = new Set<string>();
  const addWorker = (slots: number): void => {
    const w = `w${nextWorker++}`;
    live.push(w);
    sim.addWorker(w, slots);
  };
  for (const slots of s.workers) addWorker(slots);
  const ended = new Set<string>();
  const ids: string[] = [];
  const outstanding: string[] = []; // one entry per hold not let go of yet
  let next = 0;
  for (const r of s.steps) {
    const choice = r % 100;
    const inflight = [...sim.inflight].flatMap(([w, ks]) => ks.map((k) => [w, k] as const));
    if (choice < 12) {
      const keys = [...new Set([key(r % n), key((r >> 3) % n), key((r >> 6) % n)])];
      // One id per key, or one batch for all (which may deliver its values).
      const batch = ((r >> 9) & 3) !== 0;
      const hold = batch ? [`b${next++}`] : keys.map(() => `h${next++}`);
      ids.push(...hold);
      outstanding.push(...keys);
      const deliver = batch && ((r >> 11) & 1) === 1 ? { deliver: true } : {};
      sim.handle([{ type: 'hold', ids: hold, graph, keys, ...deliver }]);
    } else if (choice < 18 && outstanding.length > 0) {
      const [k] = outstanding.splice(r % outstanding.length, 1);
      sim.handle([{ type: 'unwant', keys: [k] }]);
    } else if (choice < 24) {
      const id = `s${next++}`;
      ids.push(id);
      sim.handle([{ type: 'submit', id, graph, wanted: [key((r >> 2) % n)] }]);
    } else if (choice < 34) sim.ackDeliveries();
    else if (choice < 37 && s.failures && inflight.length > 0) {
      const [w, k] = inflight[r % inflight.length];
      sim.finish(w, sim.runnable(w, k), { name: 'Error', message: `boom ${k}` });
    } else if (choice < 40 && s.removals && live.length > 0) {
      const w = live[r % live.length];
      live.splice(live.indexOf(w), 1);
      paused.delete(w);
      sim.pendingDeliver = sim.pendingDeliver.filter((d) => {
        if (d.worker !== w) return true;
        const list = sim.deliveries.get(d.id)!;
        for (const k of d.keys) list.splice(list.indexOf(k), 1);
        return false;
      });
      sim.removeWorker(w, 'random removal');
      if (live.length === 0 || r % 2 === 0) addWorker(1 + (r % 2));
    } else if (choice < 43 && live.length > 0) {
      const w = live[r % live.length];
      const pause = !paused.has(w);
      if (pause) paused.add(w);
      else paused.delete(w);
      sim.handle([{ type: 'pause-worker', worker: w, paused: pause }]);
    } else if (choice < 46 && s.cancels && ids.length > 0) {
      // A client cancels a hold or a compute (the hold itself stays until unwanted).
      sim.handle([{ type: 'cancel', id: ids[r % ids.length], reason: 'random cancel' }]);
    } else if (inflight.length > 0) {
      const [w, k] = inflight[r % inflight.length];
      sim.finish(w, sim.runnable(w, k));
    }
  }
  for (const w of paused) sim.handle([{ type: 'pause-worker', worker: w, paused: false }]);
  if (live.length === 0) addWorker(1);
  sim.runAll();
  // Every hold and compute ended exactly once.
  for (const id of ids) {
    const all = sim.ends.get(id) ?? [];
    const ends = all.filter((c) => c.type !== 'held' && c.type !== 'key-failed');
    expect([id, ends.length]).toEqual([id, 1]);
    // A batch settles each key at most once.
    const settled = all.flatMap((c) =>
      c.type === 'held' || c.type === 'key-failed' ? [c.key] : [],
    );
    expect([id, settled.length]).toEqual([id, new Set(settled).size]);
    ended.add(id);
  }
  // Held keys that finished are still in memory until let go of.
  for (const k of new Set(outstanding)) {
    const st = sim.core.state(k)?.state;
    expect([k, st === 'memory' || st === 'erred']).toEqual([k, true]);
  }
  sim.handle([{ type: 'unwant', keys: outstanding }]);
  sim.runAll();
  expect(sim.core.counts).toMatchObject({
    memory: 0,
    processing: 0,
    waiting: 0,
    ready: 0,
    submissions: 0,
    held: 0,
  });
  for (const [w, store] of sim.store) expect([w, [...store]]).toEqual([w, []]);
}

describe('SchedulerCore client-held keys under random scenarios', () => {
  test('invariants hold; holds and computes end once; nothing is left once holds are let go', () => {
    fc.assert(
      fc.property(scenario, (s) => play(s)),
      { numRuns: Number(process.env['CORE_PROP_RUNS'] ?? 300) },
    );
  });
});

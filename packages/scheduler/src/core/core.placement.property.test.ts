// The core under random placements: random graphs whose tasks have retries, worker restrictions
// (by worker or group, some with allowOtherWorkers) and resources, on workers in groups that
// declare resources, with random failures, worker removals and additions, and random steals and
// answers. After every batch the invariants hold (validate, which also checks that only running
// tasks hold resources and none is overdrawn); every placement decision respects the task's
// restriction; every compute ends exactly once; at the end nothing leaks and every group has all
// its resources back.
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { withPlacement, type GraphNode, type Placement, type Task } from '@dask-ts/protocol';
import { Sim, g, t } from './__tests__/test-sim.js';

const GROUPS = ['ga', 'gb', 'gc'];
const RESOURCES: Record<string, Record<string, number> | undefined> = {
  ga: { GPU: 1 },
  gb: { GPU: 2, MEM: 10 },
  gc: undefined,
};

const placementArb: fc.Arbitrary<Placement | undefined> = fc.oneof(
  fc.constant(undefined),
  fc
    .record(
      {
        retries: fc.integer({ min: 0, max: 2 }),
        workers: fc.subarray(GROUPS, { minLength: 1 }),
        allowOtherWorkers: fc.boolean(),
        resources: fc.constantFrom<Record<string, number>>({ GPU: 1 }, { GPU: 2 }, { MEM: 4 }),
      },
      { requiredKeys: [] },
    )
    .filter(possible),
);

/** Whether some group the placement allows has every resource it asks for. */
function possible(p: Placement): boolean {
  return GROUPS.some(
    (group) =>
      (p.workers === undefined || p.workers.includes(group)) &&
      Object.entries(p.resources ?? {}).every(([r, n]) => (RESOURCES[group]?.[r] ?? 0) >= n),
  );
}

describe('SchedulerCore under random placements', () => {
  test('invariants, restrictions and resources hold; computes end once; nothing leaks', () => {
    const seen = { retrying: 0, 'waits:': 0, 'given back': 0 };
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.array(fc.nat(), { maxLength: 3 }), placementArb), {
          minLength: 1,
          maxLength: 20,
        }),
        fc.array(fc.nat(), { maxLength: 250 }),
        (spec, steps) => {
          const nodes: [string, GraphNode][] = spec.map(([deps, p], i) => {
            const ds = i === 0 ? [] : [...new Set(deps.map((d) => `k${d % i}`))];
            return [`k${i}`, p === undefined ? t(...ds) : withPlacement(t(...ds) as Task, p)];
          });
          const placements = new Map(nodes.map(([k, n]) => [k, n.placement]));
          const sim = new Sim({ workStealing: true, maxRetries: 100 });
          const groupOf = new Map<string, string>();
          let next = 0;
          const add = (group: string): void => {
            const w = `${group}-${next++}`;
            groupOf.set(w, group);
            const resources = RESOURCES[group];
            sim.addWorker(w, 1, { group, ...(resources !== undefined ? { resources } : {}) });
          };
          for (const group of GROUPS) add(group);
          const orig = sim.handle.bind(sim);
          sim.handle = (evs) => {
            const cmds = orig(evs);
            for (const c of cmds) {
              if (c.type !== 'compute') continue;
              for (const k of c.keys) {
                const p = placements.get(k);
                if (p?.workers === undefined) continue;
                const named = [...sim.inflight.keys()].some((w) =>
                  p.workers!.includes(groupOf.get(w)!),
                );
                if (p.allowOtherWorkers === true && !named) continue;
                expect([k, p.workers.includes(groupOf.get(c.worker)!)]).toEqual([k, true]);
              }
            }
            return cmds;
          };
          const wanted = nodes.map(([k]) => k);
          sim.handle([{ type: 'submit', id: 's', graph: g(...nodes), wanted }]);
          for (const r of steps) {
            sim.ackDeliveries();
            const choice = r % 20;
            const workers = [...sim.inflight.keys()];
            const w = workers[r % workers.length];
            if (choice === 0 && workers.length > 1) sim.removeWorker(w);
            else if (choice === 1) add(GROUPS[r % GROUPS.length]);
            else if (choice < 4 && sim.steals.size > 0) {
              const [v] = [...sim.steals.keys()];
              sim.giveBack(v, (k) => (k.length + r) % 2 === 0);
            } else {
              const list = sim.inflight.get(w)!;
              if (list.length === 0) continue;
              const k = sim.runnable(w, list[0]);
              sim.finish(w, k, choice < 7 ? { name: 'Error', message: `boom ${k}` } : undefined);
            }
          }
          // Drain: every group has a worker, requests are answered, everything runs.
          for (const group of GROUPS)
            if (![...sim.inflight.keys()].some((w) => groupOf.get(w) === group)) add(group);
          for (let n = 0; n < 2000 && sim.ended('s').length === 0; n++) {
            for (const v of [...sim.steals.keys()]) sim.giveBack(v);
            sim.ackDeliveries();
            const w = [...sim.inflight].find(([, l]) => l.length > 0)?.[0];
            if (w !== undefined) sim.finish(w, sim.inflight.get(w)![0]);
          }
          expect(sim.ends.get('s')).toHaveLength(1);
          const end = sim.ends.get('s')![0];
          if (end.type === 'failed') {
            const retries = placements.get(end.key)?.retries ?? 0;
            if (retries > 0) expect(end.error.message).toContain(`retries: ${retries})`);
          } else expect(end.type).toBe('done');
          // What still runs (orphans of a failed compute) reports too.
          for (const v of [...sim.steals.keys()]) sim.giveBack(v);
          sim.runAll();
          expect(sim.core.counts).toMatchObject({ processing: 0, waiting: 0, ready: 0, memory: 0 });
          for (const [k] of nodes)
            for (const line of sim.core.story(k))
              for (const what of Object.keys(seen) as (keyof typeof seen)[])
                if (line.includes(what)) seen[what]++;
          const free = sim.core.resources();
          for (const group of GROUPS)
            expect([group, free.get(group)]).toEqual([group, RESOURCES[group]]);
        },
      ),
      { numRuns: 300 },
    );
    // The runs did retry, park and steal.
    for (const n of Object.values(seen)) expect(n).toBeGreaterThan(10);
  }, 120_000);
});

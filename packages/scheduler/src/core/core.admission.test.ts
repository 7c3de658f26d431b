// Root-task admission (admission.ts): heavy roots go out only as places free, `ceil(slots *
// saturation)` in flight per worker (and their siblings), the rest held back in the core by rank; reductions that
// become ready go out at once; light roots keep the ordinary queue; a paused worker gets none.
// The property test drives random trees with random completion orders and checks the bound, the
// result and the core's invariants after every event, with and without admission.
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import type { GraphNode } from '@dask-ts/protocol';
import type { CoreCommand } from './events.js';
import { Sim, g, t } from './__tests__/test-sim.js';

const MiB = 2 ** 20;

/** A pairwise tree over `leaves` roots (`r0`...), its top `top`; the entries in a good rank order. */
function tree(leaves: number): [string, GraphNode][] {
  const out: [string, GraphNode][] = [];
  let level = Array.from({ length: leaves }, (_, i) => `r${i}`);
  for (const k of level) out.push([k, t()]);
  let n = 0;
  while (level.length > 1) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 2) {
      if (i + 1 === level.length) {
        next.push(level[i]);
        continue;
      }
      const k = level.length === 2 ? 'top' : `s${n++}`;
      out.push([k, t(level[i], level[i + 1])]);
      next.push(k);
    }
    level = next;
  }
  return out;
}

/** Depth-first ranks of `entries` (a tree from `tree`): each root right before its reduction. */
function depthFirst(entries: [string, GraphNode][]): Map<string, number> {
  const nodes = new Map(entries);
  const prio = new Map<string, number>();
  const visit = (k: string): void => {
    if (prio.has(k)) return;
    const node = nodes.get(k)!;
    if (node.kind === 'task') for (const d of node.deps) visit(d);
    prio.set(k, prio.size);
  };
  visit(entries.length === 1 ? entries[0][0] : 'top');
  return prio;
}

/** Keys of the compute commands among `cmds`, per worker. */
function sent(cmds: readonly CoreCommand[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const c of cmds)
    if (c.type === 'compute') out.set(c.worker, [...(out.get(c.worker) ?? []), ...c.keys]);
  return out;
}

/** Finishes `key` on `worker` with an output of `nbytes` (and `ms` of run time). */
function finish(sim: Sim, worker: string, key: string, nbytes: number, ms = 5): CoreCommand[] {
  const list = sim.inflight.get(worker)!;
  list.splice(list.indexOf(key), 1);
  sim.store.get(worker)!.add(key);
  return sim.handle([{ type: 'finished-many', keys: [key], worker, nbytes: [nbytes], ms }]);
}

/** Roots (`r…`) in flight on `worker`. */
function rootsInFlight(sim: Sim, worker: string): number {
  return sim.inflight.get(worker)!.filter((k) => k.startsWith('r')).length;
}

describe('SchedulerCore root admission', () => {
  test('heavy roots go out ceil(slots * saturation) per worker; the rest wait in rank order', () => {
    const sim = new Sim();
    sim.addWorker('w0', 2);
    sim.addWorker('w1', 1);
    const entries = tree(64);
    const first = sent(
      sim.handle([
        {
          type: 'submit',
          id: 's',
          graph: g(...entries),
          wanted: ['top'],
          priorities: depthFirst(entries),
        },
      ]),
    );
    // Nothing known yet: the first roots go out at the saturation depth (1.25 per slot).
    // w0 (2 slots) takes 3 in a run (s0 co-assigned after its inputs), w1 (1 slot) 2.
    expect(first.get('w0')).toEqual(['r0', 'r1', 's0', 'r2']);
    expect(first.get('w1')).toEqual(['r3', 'r4']);
    expect(sim.core.state('r5')).toEqual({ state: 'ready' });
    // r0 is 8 MiB: heavy, and large. A place frees on w0; r5 joins its sibling r4 on w1 past the
    // depth (so s2's inputs meet there), r6 takes the place and r7 joins it.
    const next = sent(finish(sim, 'w0', 'r0', 8 * MiB));
    expect(Object.fromEntries(next)).toEqual({ w1: ['r5', 's2'], w0: ['r6', 'r7', 's3'] });
    // Roots of a later compute, once roots are known to be heavy, wait with a line in their story.
    const xs = Array.from({ length: 3 }, (_, i): [string, GraphNode] => [`x${i}`, t()]);
    sim.handle([{ type: 'submit', id: 's2', graph: g(...xs), wanted: xs.map(([k]) => k) }]);
    expect(sim.core.story('x0')).toContainEqual(
      expect.stringMatching(/^x0 ready: waits: held back for admission/),
    );
    // Run to the end, checking the bound at every step.
    for (let step = 0; step < 10_000; step++) {
      let moved = false;
      for (const [w, list] of sim.inflight) {
        if (list.length === 0) continue;
        finish(sim, w, list[0], list[0].startsWith('r') ? 8 * MiB : 8);
        moved = true;
        // The depth, and a sibling for each.
        expect(rootsInFlight(sim, 'w0')).toBeLessThanOrEqual(6);
        expect(rootsInFlight(sim, 'w1')).toBeLessThanOrEqual(4);
        break;
      }
      sim.ackDeliveries();
      if (!moved) break;
    }
    expect(sim.ended('s')).toEqual(['done']);
    expect(sim.ended('s2')).toEqual(['done']);
  });

  test('light roots (small outputs, fast) take the ordinary queue once measured', () => {
    const sim = new Sim();
    sim.addWorker('w0', 1);
    const roots = Array.from({ length: 200 }, (_, i): [string, GraphNode] => [`r${i}`, t()]);
    const first = sent(
      sim.handle([{ type: 'submit', id: 's', graph: g(...roots), wanted: roots.map(([k]) => k) }]),
    );
    expect(first.get('w0')).toHaveLength(2);
    // 8 bytes in 1 µs: light. The ordinary adaptive queue (at least 16 per slot) takes over.
    const next = sent(finish(sim, 'w0', 'r0', 8, 0.001));
    expect(next.get('w0')!.length).toBeGreaterThanOrEqual(16);
    sim.runAll();
    expect(sim.ended('s')).toEqual(['done']);
  });

  test('slow roots are held back too, and rootSaturation sets the depth', () => {
    const sim = new Sim({ rootSaturation: 2 });
    sim.addWorker('w0', 2);
    const roots = Array.from({ length: 50 }, (_, i): [string, GraphNode] => [`r${i}`, t()]);
    sim.handle([{ type: 'submit', id: 's', graph: g(...roots), wanted: roots.map(([k]) => k) }]);
    expect(sim.inflight.get('w0')).toHaveLength(4);
    // 8 bytes, but 50 ms each: 2 ms of work is less than one task, so the depth stays 2 per slot.
    finish(sim, 'w0', 'r0', 8, 50);
    expect(sim.inflight.get('w0')).toHaveLength(4);
    sim.runAll();
    expect(sim.ended('s')).toEqual(['done']);
  });

  test('a paused worker gets no roots; unpaused, it takes its share', () => {
    const sim = new Sim();
    sim.addWorker('w0', 1);
    sim.addWorker('w1', 1);
    sim.handle([{ type: 'pause-worker', worker: 'w1', paused: true, reason: 'memory' }]);
    const roots = Array.from({ length: 20 }, (_, i): [string, GraphNode] => [`r${i}`, t()]);
    sim.handle([{ type: 'submit', id: 's', graph: g(...roots), wanted: roots.map(([k]) => k) }]);
    finish(sim, 'w0', 'r0', 8 * MiB);
    expect(sim.inflight.get('w1')).toEqual([]);
    expect(sim.inflight.get('w0')).toHaveLength(2);
    const resumed = sent(
      sim.handle([{ type: 'pause-worker', worker: 'w1', paused: false, reason: 'memory' }]),
    );
    expect(resumed.get('w1')).toHaveLength(2);
    sim.runAll();
    expect(sim.ended('s')).toEqual(['done']);
  });

  test('rootSaturation must be a positive number', () => {
    expect(() => new Sim({ rootSaturation: 0 })).toThrow(/rootSaturation must be a number > 0/);
    expect(() => new Sim({ rootSaturation: Number.NaN })).toThrow(/got NaN/);
  });

  test('property: random trees and completion orders stay bounded and finish', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 2, max: 80 }),
        fc.array(fc.nat(), { minLength: 400, maxLength: 400 }),
        (workers, slotsOf, leaves, picks) => {
          const entries = tree(leaves);
          const prio = depthFirst(entries);
          const run = (saturation: number): void => {
            const sim = new Sim({ rootSaturation: saturation });
            const names: string[] = [];
            for (let i = 0; i < workers; i++) {
              names.push(`w${i}`);
              sim.addWorker(`w${i}`, slotsOf[i % slotsOf.length]);
            }
            const top = entries.length === 1 ? entries[0][0] : 'top';
            sim.handle([
              { type: 'submit', id: 's', graph: g(...entries), wanted: [top], priorities: prio },
            ]);
            for (let step = 0; ; step++) {
              sim.ackDeliveries();
              const busy = names.filter((w) => sim.inflight.get(w)!.length > 0);
              if (busy.length === 0) break;
              const w = busy[picks[step % picks.length] % busy.length];
              const key = sim.inflight.get(w)![0];
              finish(sim, w, key, key.startsWith('r') ? 8 * MiB : 8);
              if (saturation !== Infinity && step > 0) {
                // Once measured, roots in flight per worker stay within the saturation depth, and
                // a sibling for each (pairwise reductions).
                for (let i = 0; i < workers; i++) {
                  const slots = slotsOf[i % slotsOf.length];
                  const bound = 2 * Math.ceil(slots * 1.25);
                  expect(rootsInFlight(sim, `w${i}`)).toBeLessThanOrEqual(bound);
                }
              }
            }
            expect(sim.ended('s')).toEqual(['done']);
          };
          run(1.25);
          run(Infinity);
        },
      ),
      { numRuns: 60 },
    );
  }, 120_000);
});

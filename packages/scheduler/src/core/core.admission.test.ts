// Root-task admission (admission.ts): heavy roots go out only as places free, `ceil(slots *
// saturation)` in flight per worker (and their siblings), the rest held back in the core by rank;
// reductions that become ready go out at once; small roots keep the ordinary queue; a paused
// worker gets none.
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

/**
 * Teaches `sim`'s core that roots are `nbytes` big: one root computed on `worker` (nothing is
 * held back before the core has seen a root finish).
 */
function teach(sim: Sim, worker: string, nbytes: number): void {
  sim.handle([{ type: 'submit', id: 'teach', graph: g(['teacher', t()]), wanted: ['teacher'] }]);
  finish(sim, worker, 'teacher', nbytes);
  sim.ackDeliveries();
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
    teach(sim, 'w0', 8 * MiB);
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
    // Roots are known to be 8 MiB: 1.25 per slot in flight. w0 (2 slots) takes 3 in a run, and
    // each sibling joins the root before it, past the depth (s0, s1, s32 co-assigned after their
    // inputs); w1 (1 slot) takes 1 and its sibling.
    expect(first.get('w0')).toEqual(['r0', 'r1', 's0', 'r2', 'r3', 's1', 's32']);
    expect(first.get('w1')).toEqual(['r4', 'r5', 's2']);
    expect(sim.core.state('r6')).toEqual({ state: 'ready' });
    // w0 still has 3 roots in flight after r0: nothing more. After r1, a place frees: it goes to
    // the next root in rank order, its sibling with it.
    expect(sent(finish(sim, 'w0', 'r0', 8 * MiB)).size).toBe(0);
    const next = sent(finish(sim, 'w0', 'r1', 8 * MiB));
    expect([...next.values()].flat()).toEqual(['r6', 'r7', 's3']);
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

  test('a map over one shared input counts as roots (rootish); a chain step does not', () => {
    const sim = new Sim();
    sim.addWorker('w0', 1);
    teach(sim, 'w0', 8 * MiB);
    // One shared input (a scattered value), read by 40 tasks, each with a large output.
    const maps = Array.from({ length: 40 }, (_, i): [string, GraphNode] => [`r${i}`, t('shared')]);
    sim.handle([
      { type: 'submit', id: 's', graph: g(['shared', t()], ...maps), wanted: maps.map(([k]) => k) },
    ]);
    sim.finish('w0', 'shared');
    // Held back like roots: ceil(1 * 1.25) = 2 in flight, the rest wait with a line in their story.
    expect(rootsInFlight(sim, 'w0')).toBe(2);
    expect(sim.core.story('r39')).toContainEqual(
      expect.stringMatching(/^r39 ready: waits: held back for admission/),
    );
    for (let step = 0; step < 1000 && sim.inflight.get('w0')!.length > 0; step++) {
      finish(sim, 'w0', sim.inflight.get('w0')![0], 8 * MiB);
      expect(rootsInFlight(sim, 'w0')).toBeLessThanOrEqual(2);
      sim.ackDeliveries();
    }
    expect(sim.ended('s')).toEqual(['done']);
    // Tasks that each read an input of their own (a chain after a root) take the ordinary queue.
    const chains = Array.from({ length: 20 }, (_, i): [string, GraphNode][] => [
      [`a${i}`, t()],
      [`b${i}`, t(`a${i}`)],
    ]).flat();
    const first = sent(
      sim.handle([
        { type: 'submit', id: 'c', graph: g(...chains), wanted: chains.map(([k]) => k) },
      ]),
    );
    expect(first.get('w0')!.filter((k) => k.startsWith('a'))).toHaveLength(2);
    sim.runAll();
    expect(sim.ended('c')).toEqual(['done']);
  });

  test('a fan-out (one input read by many tasks) is spread over the workers, not co-assigned', () => {
    const sim = new Sim();
    sim.addWorker('w0', 1);
    sim.addWorker('w1', 1);
    const maps = Array.from({ length: 40 }, (_, i): [string, GraphNode] => [`m${i}`, t('x')]);
    const first = sent(
      sim.handle([
        { type: 'submit', id: 's', graph: g(['x', t()], ...maps), wanted: maps.map(([k]) => k) },
      ]),
    );
    // x alone goes out: its 40 readers wait for it instead of queueing behind it on its worker.
    expect([...first.values()].flat()).toEqual(['x']);
    const [holder] = [...first.keys()];
    sim.finish(holder, 'x');
    const other = holder === 'w0' ? 'w1' : 'w0';
    expect(sim.inflight.get(other)!.length).toBeGreaterThanOrEqual(8);
    expect(sim.inflight.get(holder)!.length).toBeGreaterThanOrEqual(8);
    sim.runAll();
    expect(sim.ended('s')).toEqual(['done']);
    // A narrow fan-out (two readers) still follows its input.
    const pair = sent(
      sim.handle([
        {
          type: 'submit',
          id: 'p',
          graph: g(['y', t()], ['p0', t('y')], ['p1', t('y')]),
          wanted: ['p0', 'p1'],
        },
      ]),
    );
    expect([...pair.values()]).toEqual([['y', 'p0', 'p1']]);
    sim.runAll();
    sim.core.validate();
  });

  test('small roots (and roots before any is known) take the ordinary queue', () => {
    const sim = new Sim();
    sim.addWorker('w0', 1);
    const roots = Array.from({ length: 200 }, (_, i): [string, GraphNode] => [`r${i}`, t()]);
    const first = sent(
      sim.handle([{ type: 'submit', id: 's', graph: g(...roots), wanted: roots.map(([k]) => k) }]),
    );
    // Nothing known: the ordinary adaptive queue (16 per slot).
    expect(first.get('w0')).toHaveLength(16);
    // 8 bytes: small. Still the ordinary queue.
    const next = sent(finish(sim, 'w0', 'r0', 8, 0.001));
    expect(next.get('w0')!.length).toBeGreaterThanOrEqual(1);
    expect(sim.inflight.get('w0')!.length).toBeGreaterThanOrEqual(16);
    sim.runAll();
    expect(sim.ended('s')).toEqual(['done']);
  });

  test('rootSaturation sets the depth; slow roots with small outputs are not held back', () => {
    const sim = new Sim({ rootSaturation: 2 });
    sim.addWorker('w0', 2);
    teach(sim, 'w0', 4 * MiB);
    const roots = Array.from({ length: 50 }, (_, i): [string, GraphNode] => [`r${i}`, t()]);
    sim.handle([{ type: 'submit', id: 's', graph: g(...roots), wanted: roots.map(([k]) => k) }]);
    // Roots of 4 MiB: 2 per slot.
    expect(sim.inflight.get('w0')).toHaveLength(4);
    // 4 MiB: a quarter of a root's output per slot fits the queue's bytes: the depth stays 2.
    finish(sim, 'w0', 'r0', 4 * MiB, 50);
    expect(sim.inflight.get('w0')).toHaveLength(4);
    // Small outputs, however slow (50 ms each): the ordinary queue (16 per slot) takes over.
    for (let i = 0; i < 10; i++) finish(sim, 'w0', sim.inflight.get('w0')![0], 8, 50);
    expect(sim.inflight.get('w0')!.length).toBeGreaterThanOrEqual(16);
    sim.runAll();
    expect(sim.ended('s')).toEqual(['done']);
  });

  test('a paused worker gets no roots; unpaused, it takes its share', () => {
    const sim = new Sim();
    sim.addWorker('w0', 1);
    sim.addWorker('w1', 1);
    teach(sim, 'w0', 8 * MiB);
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
            teach(sim, 'w0', 8 * MiB);
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
              if (saturation !== Infinity) {
                // Roots in flight per worker stay within the saturation depth, and a sibling for
                // each (pairwise reductions).
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

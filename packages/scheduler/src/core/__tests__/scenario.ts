// Random scenarios for the scheduling core and the runner that plays one through the simulated
// shell (test-sim.ts), checking invariants after every batch, that every compute ends exactly once,
// and that nothing leaks. Used by the property and regression tests only (not built or published).
import { expect } from '@jest/globals';
import fc from 'fast-check';
import type { GraphNode } from '@dask-ts/protocol';
import { Sim, data, t } from './test-sim.js';

export interface Scenario {
  readonly deps: number[][];
  readonly dataNodes: boolean[];
  readonly workers: number[];
  readonly subs: { wanted: number[] }[];
  readonly steps: number[];
  readonly failures: boolean;
  readonly removals: boolean;
  readonly cancels: boolean;
  /** undefined: the adaptive queue, fed random run times. */
  readonly queueFactor: number | undefined;
  /** The graph's insertion order (a permutation): tasks may come before their inputs. */
  readonly order?: number[];
  /** A small compaction threshold makes submits compact the table (compaction.ts). */
  readonly compactAt?: number | undefined;
}

export const scenario = fc.integer({ min: 1, max: 24 }).chain((n) =>
  fc.record({
    deps: fc.tuple(
      ...Array.from({ length: n }, (_, i) =>
        i === 0
          ? fc.constant<number[]>([])
          : fc.uniqueArray(fc.integer({ min: 0, max: i - 1 }), { maxLength: 3 }),
      ),
    ),
    dataNodes: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
    workers: fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 1, maxLength: 4 }),
    subs: fc.array(
      fc.record({
        wanted: fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { minLength: 1, maxLength: 10 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    steps: fc.array(fc.nat(), { minLength: 10, maxLength: 300 }),
    failures: fc.boolean(),
    removals: fc.boolean(),
    cancels: fc.boolean(),
    queueFactor: fc.constantFrom(0.5, 1, 2, 8, undefined),
    compactAt: fc.constantFrom(undefined, 1, 6),
    order: fc.oneof(
      fc.constant(undefined),
      fc.shuffledSubarray(
        Array.from({ length: n }, (_, i) => i),
        { minLength: n, maxLength: n },
      ),
    ),
  }),
);

function key(i: number): string {
  return `k${i}`;
}

/** The last run's events and commands, rendered on failure. */
let lastLog: (() => string)[] = [];

/** Plays `s`; on failure, prints what the core was told and answered before rethrowing. */
export function runScenario(s: Scenario): void {
  try {
    run(s);
  } catch (e) {
    console.log(lastLog.map((f) => f()).join('\n'));
    throw e;
  }
}

function run(s: Scenario): void {
  const n = s.deps.length;
  const nodes: GraphNode[] = s.deps.map((ds, i) =>
    ds.length === 0 && s.dataNodes[i] ? data(i) : t(...ds.map(key)),
  );
  const order = s.order ?? nodes.map((_, i) => i);
  const graph = new Map(order.map((i) => [key(i), nodes[i]] as [string, GraphNode]));
  const dependents: number[][] = Array.from({ length: n }, () => []);
  s.deps.forEach((ds, i) => ds.forEach((d) => dependents[d].push(i)));
  const sim = new Sim({
    maxRetries: 2,
    ...(s.queueFactor !== undefined ? { queueFactor: s.queueFactor } : {}),
  });
  if (s.compactAt !== undefined) sim.core.compactAt = s.compactAt;
  lastLog = [];
  const orig = sim.handle.bind(sim);
  sim.handle = (evs) => {
    lastLog.push(() => 'EV ' + JSON.stringify(evs.map((e) => ({ ...e, graph: undefined }))));
    const c = orig(evs);
    lastLog.push(
      () =>
        'CMD ' +
        JSON.stringify(
          c.map((x) => (x.type === 'compute' ? { w: x.worker, keys: x.keys, fetch: x.fetch } : x)),
        ),
    );
    return c;
  };
  let nextWorker = 0;
  const live: string[] = [];
  const addWorker = (slots: number): void => {
    const w = `w${nextWorker++}`;
    live.push(w);
    sim.addWorker(w, slots);
  };
  for (const slots of s.workers) addWorker(slots);
  const subIds = s.subs.map((_, i) => `s${i}`);
  let submitted = 0;
  const tainted = new Set<string>(); // computes touched by a failure, removal or cancel
  const submit = (): void => {
    const i = submitted++;
    sim.handle([{ type: 'submit', id: subIds[i], graph, wanted: s.subs[i].wanted.map(key) }]);
  };
  submit();
  const removeWorker = (w: string): void => {
    live.splice(live.indexOf(w), 1);
    // Deliveries from w can no longer be fetched: the shell drops them.
    sim.pendingDeliver = sim.pendingDeliver.filter((d) => {
      if (d.worker !== w) return true;
      const list = sim.deliveries.get(d.id)!;
      for (const k of d.keys) list.splice(list.indexOf(k), 1);
      return false;
    });
    for (const id of subIds) tainted.add(id);
    sim.removeWorker(w, 'random removal');
  };
  const errOne = (w: string, k: string): void => {
    const before = new Map<string, string>();
    for (let i = 0; i < n; i++) before.set(key(i), sim.core.state(key(i))?.state ?? 'unknown');
    const st0 = sim.core.state(k);
    // Two runs of k on w: the first, taken back earlier, reports first (stale).
    const runs = sim.inflight.get(w)!.filter((x) => x === k).length;
    sim.finish(w, k, { name: 'Error', message: `boom ${k}` });
    // Exactly the waiting dependents of k (transitively) erred now, with origin k.
    // (A task nobody needs anymore is released instead: its error is nobody's failure. A run
    // taken back from w after an input was lost reports stale: ignored.)
    const current = st0?.state === 'processing' && st0.worker === w && runs === 1;
    const expected = new Set<string>(current ? [k] : []);
    const queue = current ? [Number(k.slice(1))] : [];
    while (queue.length > 0) {
      for (const d of dependents[queue.pop()!]) {
        // Waiting ones, and running ones (co-assigned after it on its worker: they cannot run).
        const b = before.get(key(d));
        if ((b === 'waiting' || b === 'processing') && !expected.has(key(d))) {
          expected.add(key(d));
          queue.push(d);
        }
      }
    }
    for (let i = 0; i < n; i++) {
      const st = sim.core.state(key(i));
      const newly = st?.state === 'erred' && before.get(key(i)) !== 'erred';
      expect([key(i), newly]).toEqual([key(i), expected.has(key(i))]);
      if (newly) expect(st).toMatchObject({ origin: k });
    }
  };
  for (const r of s.steps) {
    const choice = r % 100;
    const inflight = [...sim.inflight].flatMap(([w, ks]) => ks.map((k) => [w, k] as const));
    if (choice < 8 && submitted < subIds.length) submit();
    else if (choice < 20) sim.ackDeliveries();
    else if (choice < 23 && s.failures && inflight.length > 0) {
      const [w, k0] = inflight[r % inflight.length];
      const k = sim.runnable(w, k0);
      for (const id of subIds) tainted.add(id);
      if (sim.missingInput(w, k) !== undefined)
        sim.finish(w, k); // errs through its input
      else errOne(w, k);
    } else if (choice < 26 && s.removals && live.length > 0) {
      removeWorker(live[r % live.length]);
      if (live.length === 0 || r % 2 === 0) addWorker(1 + (r % 2));
    } else if (choice < 28 && s.cancels && submitted > 0) {
      const id = subIds[r % submitted];
      tainted.add(id);
      sim.handle([{ type: 'cancel', id, reason: 'random cancel' }]);
    } else if (inflight.length > 0) {
      const [w, k] = inflight[r % inflight.length];
      // The adaptive queue gets run times from 0 to 1,000 ms, sizing batches up and down.
      const ms = s.queueFactor === undefined ? [0, 0.001, 1, 1000][r % 4] : undefined;
      sim.finish(w, sim.runnable(w, k), undefined, ms);
    }
  }
  while (submitted < subIds.length) submit();
  if (live.length === 0) addWorker(1);
  sim.runAll();
  // Every compute ended exactly once.
  for (const id of subIds) expect([id, (sim.ends.get(id) ?? []).length]).toEqual([id, 1]);
  // Untouched computes are done, with every wanted key delivered exactly once.
  for (let i = 0; i < subIds.length; i++) {
    const id = subIds[i];
    const ends = sim.ended(id);
    if (!tainted.has(id)) expect([id, ends]).toEqual([id, ['done']]);
    if (ends[0] === 'done') {
      expect((sim.deliveries.get(id) ?? []).slice().sort()).toEqual(
        s.subs[i].wanted.map(key).sort(),
      );
    }
  }
  // No leaks: nothing in memory or running, nothing held by any worker.
  expect(sim.core.counts).toMatchObject({
    memory: 0,
    processing: 0,
    waiting: 0,
    ready: 0,
    submissions: 0,
  });
  for (const [w, store] of sim.store) expect([w, [...store]]).toEqual([w, []]);
}

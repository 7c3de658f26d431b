import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import type { GraphNode } from '@dask-ts/protocol';
import { Sim, data, t } from './test-sim.js';

interface Scenario {
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

const scenario = fc.integer({ min: 1, max: 24 }).chain((n) =>
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
function run(s: Scenario): void {
  const n = s.deps.length;
  const nodes: GraphNode[] = s.deps.map((ds, i) =>
    ds.length === 0 && s.dataNodes[i] ? data(i) : t(...ds.map(key)),
  );
  const order = s.order ?? nodes.map((_, i) => i);
  const graph = new Map(order.map((i) => [key(i), nodes[i]!] as [string, GraphNode]));
  const dependents: number[][] = Array.from({ length: n }, () => []);
  s.deps.forEach((ds, i) => ds.forEach((d) => dependents[d]!.push(i)));
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
    sim.handle([{ type: 'submit', id: subIds[i]!, graph, wanted: s.subs[i]!.wanted.map(key) }]);
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
      for (const d of dependents[queue.pop()!]!) {
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
      const [w, k0] = inflight[r % inflight.length]!;
      const k = sim.runnable(w, k0);
      for (const id of subIds) tainted.add(id);
      if (sim.missingInput(w, k) !== undefined)
        sim.finish(w, k); // errs through its input
      else errOne(w, k);
    } else if (choice < 26 && s.removals && live.length > 0) {
      removeWorker(live[r % live.length]!);
      if (live.length === 0 || r % 2 === 0) addWorker(1 + (r % 2));
    } else if (choice < 28 && s.cancels && submitted > 0) {
      const id = subIds[r % submitted]!;
      tainted.add(id);
      sim.handle([{ type: 'cancel', id, reason: 'random cancel' }]);
    } else if (inflight.length > 0) {
      const [w, k] = inflight[r % inflight.length]!;
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
    const id = subIds[i]!;
    const ends = sim.ended(id);
    if (!tainted.has(id)) expect([id, ends]).toEqual([id, ['done']]);
    if (ends[0] === 'done') {
      expect((sim.deliveries.get(id) ?? []).slice().sort()).toEqual(
        s.subs[i]!.wanted.map(key).sort(),
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

const regressions: Scenario[] = [
  {
    deps: [[], [], [], [], [], [], [], [], [], [], [2, 0]],
    dataNodes: [false, false, false, false, false, false, false, false, false, false, false],
    workers: [1, 1, 1],
    subs: [{ wanted: [10, 1, 0] }],
    steps: [8, 521808, 8, 0, 0, 175126, 421288226, 27660026, 1544035425, 0],
    failures: false,
    removals: true,
    cancels: false,
    queueFactor: 0.5,
  },
  {
    deps: [[], [], [0], []],
    dataNodes: [false, false, false, false],
    workers: [1, 1],
    subs: [{ wanted: [0] }, { wanted: [3, 1] }, { wanted: [2] }],
    steps: [415155226, 0, 39568461, 0, 50754275, 1922396124, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    failures: false,
    removals: true,
    cancels: false,
    queueFactor: 0.5,
  },
  {
    deps: [
      [],
      [],
      [],
      [],
      [],
      [],
      [],
      [],
      [],
      [],
      [],
      [],
      [],
      [],
      [0, 1],
      [],
      [],
      [5, 2, 4],
      [],
      [],
      [],
      [],
      [],
      [],
    ],
    dataNodes: [
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ],
    workers: [2, 2, 1],
    subs: [{ wanted: [3, 14, 17] }],
    steps: [687752745, 1309544427, 657367620, 0, 0, 380640991, 2147483625, 0, 0, 0, 0],
    failures: true,
    removals: true,
    cancels: false,
    queueFactor: 1,
  },
  {
    deps: [[], [], [], [], [], [0], [], [], [], [], [], [], [], [], [], [0], [], [], [], [], []],
    dataNodes: [
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ],
    workers: [1, 1],
    subs: [{ wanted: [5, 15] }],
    steps: [139648228, 164270720, 0, 1140209526, 0, 1421193, 0, 0, 0, 0, 0],
    failures: false,
    removals: true,
    cancels: true,
    queueFactor: 0.5,
  },
  {
    deps: [[], [], [], [], [2], [], [], [], [0], []],
    dataNodes: [false, false, false, false, false, false, false, false, false, false],
    workers: [1, 1],
    subs: [{ wanted: [8, 5, 4] }, { wanted: [3, 1] }],
    steps: [
      0, 49825226, 30991526, 13802126, 35420859, 503330443, 317023224, 896521290, 1936890022, 0, 0,
      0, 0, 0, 0, 0, 0, 0,
    ],
    failures: true,
    removals: true,
    cancels: false,
    queueFactor: 0.5,
  },
  {
    deps: [
      [],
      [],
      [],
      [],
      [],
      [0],
      [],
      [0],
      [],
      [],
      [5],
      [],
      [],
      [],
      [],
      [],
      [],
      [7],
      [],
      [],
      [],
      [],
      [1, 17],
    ],
    dataNodes: [
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ],
    workers: [1, 1],
    subs: [{ wanted: [9, 10, 22, 0] }, { wanted: [8] }],
    steps: [
      848787126, 200502729, 373390320, 1079869195, 0, 0, 0, 0, 1029298367, 47378455, 0, 1146843473,
      361928326, 0,
    ],
    failures: false,
    removals: true,
    cancels: false,
    queueFactor: 0.5,
  },
  {
    deps: [[], [], [], [], [], [], [], []],
    dataNodes: [false, false, false, false, false, false, false, false],
    workers: [1],
    subs: [{ wanted: [1] }, { wanted: [1, 0] }, { wanted: [0] }],
    steps: [275897528, 0, 3547428, 0, 2147483626, 1818976420, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    failures: false,
    removals: true,
    cancels: true,
    queueFactor: 0.5,
  },
  {
    deps: [[], [], [], [], [], [1, 0]],
    dataNodes: [false, false, false, false, false, false],
    workers: [1, 1, 1],
    subs: [{ wanted: [5, 0] }],
    steps: [37543426, 177833626, 1095586425, 173433220, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    failures: true,
    removals: true,
    cancels: false,
    queueFactor: 0.5,
  },
  {
    deps: [
      [],
      [],
      [],
      [0, 1],
      [],
      [],
      [],
      [],
      [],
      [],
      [],
      [],
      [],
      [],
      [],
      [],
      [],
      [],
      [],
      [],
      [],
      [],
      [],
    ],
    dataNodes: [
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ],
    workers: [1, 1],
    subs: [{ wanted: [4, 3] }, { wanted: [0] }],
    steps: [1626656328, 4413928, 558338528, 1476760726, 181745821, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    failures: false,
    removals: true,
    cancels: true,
    queueFactor: 0.5,
  },
  {
    deps: [
      [],
      [0],
      [],
      [1],
      [],
      [],
      [],
      [1],
      [],
      [],
      [],
      [3],
      [],
      [],
      [],
      [7],
      [],
      [],
      [0],
      [],
      [],
      [],
      [],
      [],
    ],
    dataNodes: [
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ],
    workers: [2, 1],
    subs: [{ wanted: [11, 18, 0] }, { wanted: [15] }],
    steps: [
      9579926, 655902564, 755239279, 0, 1032596924, 1084145227, 704570920, 0, 0, 0, 0, 0, 0, 0, 0,
      0, 0,
    ],
    failures: true,
    removals: true,
    cancels: false,
    queueFactor: 1,
  },
  {
    deps: [[], [], [], [0], [], [], [], [], [], [], [0], [], [], [1, 3], []],
    dataNodes: [
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ],
    workers: [1],
    subs: [{ wanted: [3] }, { wanted: [4, 13, 2] }, { wanted: [10] }],
    steps: [
      28826, 606853826, 0, 1446097820, 0, 91956720, 488260620, 974937720, 23, 0, 0, 0, 0, 0, 0,
    ],
    failures: true,
    removals: true,
    cancels: false,
    queueFactor: 8,
  },
  {
    deps: [[], [], [1], [], [], [4, 0], [], [1]],
    dataNodes: [false, false, false, false, false, false, false, false],
    workers: [1, 1],
    subs: [{ wanted: [3, 5, 7] }, { wanted: [2] }],
    steps: [
      474832688, 1722081130, 0, 429684323, 891834428, 330748726, 168678678, 930801720, 0, 0, 0, 0,
      0, 0, 0, 0, 0, 0,
    ],
    failures: true,
    removals: true,
    cancels: false,
    queueFactor: 2,
  },
];

describe('SchedulerCore under random graphs, orders, failures and removals', () => {
  test.each(regressions.map((s, i) => [i, s] as const))('regression %i', (_, s) => {
    try {
      run(s);
    } catch (e) {
      console.log(lastLog.map((f) => f()).join('\n'));
      throw e;
    }
  });

  test('invariants hold after every batch; computes end once; no leaks', () => {
    fc.assert(
      fc.property(scenario, (s) => run(s)),
      { numRuns: Number(process.env['CORE_PROP_RUNS'] ?? 400) },
    );
  });

  test('without failures every compute is done', () => {
    fc.assert(
      fc.property(scenario, (s) => run({ ...s, failures: false, removals: false, cancels: false })),
      { numRuns: 150 },
    );
  });
});

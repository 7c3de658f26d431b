// Graph shapes at sizes where anything quadratic or recursive would fail: a 1,000,000-link chain,
// a 200,000-wide fan-in, a 100,000-argument call, a 500,000-dependent fan-out, an all-to-all
// layer, computed with `delayed` and `compute` on `sync` (no stack overflow, right results, within
// generous deadlines, not timed), and the same shapes through the scheduling core alone (driven
// with batched events, validated at the end; 50,000 small computes in flight at once), and a
// smaller set on `threads`.
import { afterAll, describe, expect, test } from '@jest/globals';
import { compute, delayed, type Delayed } from '@dask-ts/graph';
import { data, ref, task, type Graph, type GraphNode } from '@dask-ts/protocol';
import { SchedulerCore } from './core/core.js';
import type { CoreEvent } from './core/events.js';
import { createThreadsScheduler } from './index.js';

const inc = delayed((x: number) => x + 1, { name: 'inc' });
const noop = delayed((x: number) => x, { name: 'noop' });
const add = delayed((a: number, b: number) => a + b, { name: 'add' });
const sumList = delayed(
  (xs: number[]) => {
    let s = 0;
    for (const x of xs) s += x;
    return s;
  },
  { name: 'sum' },
);
const sumArgs = delayed(
  (...xs: number[]) => {
    let s = 0;
    for (const x of xs) s += x;
    return s;
  },
  { name: 'sumArgs' },
);
const range = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));
const triangle = (m: number): number => (m * (m - 1)) / 2;

function chain(links: number): Delayed<number> {
  let x = noop(0);
  for (let i = 0; i < links; i++) x = inc(x);
  return x;
}

/** A k × k periodic grid, `steps` 5-point updates, built with delayed; and the plain loop's result. */
function stencil(k: number, steps: number): { value: Delayed<number[]>; expected: number[] } {
  const step = delayed(
    (c: number, a: number, b: number, d: number, e: number) =>
      (c + 2 * a + 3 * b + 5 * d + 7 * e) % 1009,
    {
      name: 'stencil',
    },
  );
  const near = (i: number): number[] => {
    const r = Math.floor(i / k);
    const c = i % k;
    const at = (rr: number, cc: number): number => ((rr + k) % k) * k + ((cc + k) % k);
    return [at(r - 1, c), at(r + 1, c), at(r, c - 1), at(r, c + 1)];
  };
  let grid: Delayed<number>[] = range(k * k, noop);
  let plain = range(k * k, (i) => i);
  for (let t = 0; t < steps; t++) {
    const prev = grid;
    const old = plain;
    grid = range(k * k, (i) => {
      const [a, b, d, e] = near(i) as [number, number, number, number];
      return step(prev[i], prev[a], prev[b], prev[d], prev[e]);
    });
    plain = range(k * k, (i) => {
      const [a, b, d, e] = near(i) as [number, number, number, number];
      return (old[i] + 2 * old[a] + 3 * old[b] + 5 * old[d] + 7 * old[e]) % 1009;
    });
  }
  const collect = delayed((xs: number[]) => xs, { name: 'collect' });
  return { value: collect(grid), expected: plain };
}

describe('shapes on sync', () => {
  test('a 1,000,000-link chain computes, fused (the default) or not', async () => {
    const x = chain(1_000_000);
    expect(await x.compute({ scheduler: 'sync' })).toBe(1_000_000);
    expect(await x.compute({ scheduler: 'sync', optimize: false })).toBe(1_000_000);
  }, 120_000);

  test('a 200,000-wide fan-in (an array argument) computes', async () => {
    const total = sumList(range(200_000, noop));
    expect(await total.compute({ scheduler: 'sync' })).toBe(triangle(200_000));
  }, 60_000);

  test('a 100,000-argument call (each argument its own input) computes', async () => {
    // 100,000 is about as many arguments as V8 lets a call spread.
    const total = sumArgs(...range(100_000, noop));
    expect(await total.compute({ scheduler: 'sync' })).toBe(triangle(100_000));
  }, 60_000);

  test('a 500,000-dependent fan-out computes', async () => {
    const root = noop(1);
    const total = sumList(range(500_000, (i) => add(root, i)));
    expect(await total.compute({ scheduler: 'sync' })).toBe(500_000 + triangle(500_000));
  }, 120_000);

  test('an all-to-all layer (300 × 300 edges) computes', async () => {
    const k = 300;
    const split = delayed((i: number) => range(k, (j) => i * k + j), { name: 'split' });
    const parts = range(k, (i) => split(i));
    const pick = delayed((j: number, xs: number[][]) => xs.reduce((s, x) => s + x[j], 0), {
      scope: {},
      name: 'pick',
    });
    const total = sumList(range(k, (j) => pick(j, parts)));
    expect(await total.compute({ scheduler: 'sync' })).toBe(triangle(k * k));
  }, 60_000);

  test('a periodic 5-point stencil gives the values of a plain loop (inputs found by stride)', async () => {
    const { value, expected } = stencil(12, 30);
    expect(await value.compute({ scheduler: 'sync' })).toEqual(expected);
    expect(await value.compute({ scheduler: 'sync', optimize: false })).toEqual(expected);
  }, 60_000);

  test('many small graphs computed concurrently all finish with their own results', async () => {
    const values = range(2_000, (g) => add(noop(2 * g), noop(2 * g + 1)));
    const got = await Promise.all(values.map((v) => compute(v, { scheduler: 'sync' })));
    expect(got.map((r) => r[0])).toEqual(range(2_000, (g) => 4 * g + 1));
  }, 60_000);
});

/** Runs `graph` on a core with two workers, finishing every batch at once; returns the tasks run. */
function runOnCore(graph: Graph, wanted: string[], validateEvery: boolean): number {
  const core = new SchedulerCore();
  let cmds = core.handle([
    { type: 'add-worker', worker: 'w0', slots: 4 },
    { type: 'add-worker', worker: 'w1', slots: 4 },
    { type: 'submit', id: 's', graph, wanted },
  ]);
  let ran = 0;
  for (let turn = 0; ; turn++) {
    if (validateEvery) core.validate();
    const events: CoreEvent[] = [];
    let done = false;
    for (const c of cmds) {
      if (c.type === 'compute') {
        ran += c.keys.length;
        events.push({
          type: 'finished-many',
          worker: c.worker,
          keys: c.keys,
          nbytes: c.keys.map(() => 8),
        });
      } else if (c.type === 'deliver') {
        events.push({ type: 'delivered', id: c.id, keys: c.keys });
      } else if (c.type === 'done') done = true;
      else if (c.type === 'failed' || c.type === 'refused') throw new Error(`core: ${c.type}`);
    }
    if (done) break;
    if (events.length === 0) throw new Error(`core stalled after ${ran} tasks (turn ${turn})`);
    cmds = core.handle(events);
  }
  core.validate();
  return ran;
}

const F = { kind: 'builtin', name: 'test.f' } as const;

describe('shapes on the scheduling core', () => {
  test('a 1,000,000-link chain is taken in and run without recursion', () => {
    const graph = new Map<string, GraphNode>([['c0', data(0)]]);
    for (let i = 1; i < 1_000_000; i++) graph.set(`c${i}`, task(F, [ref(`c${i - 1}`)]));
    expect(runOnCore(graph, ['c999999'], false)).toBe(1_000_000);
  }, 120_000);

  test('a 200,000-wide fan-in and a 200,000-dependent fan-out run', () => {
    const n = 200_000;
    const fanIn = new Map<string, GraphNode>();
    for (let i = 0; i < n; i++) fanIn.set(`l${i}`, data(i));
    fanIn.set(
      'sum',
      task(
        F,
        range(n, (i) => ref(`l${i}`)),
      ),
    );
    expect(runOnCore(fanIn, ['sum'], false)).toBe(n + 1);
    const fanOut = new Map<string, GraphNode>([['root', data(1)]]);
    for (let i = 0; i < n; i++) fanOut.set(`o${i}`, task(F, [ref('root'), i]));
    fanOut.set('sum', task(F, [range(n, (i) => ref(`o${i}`))]));
    expect(runOnCore(fanOut, ['sum'], false)).toBe(n + 2);
  }, 120_000);

  test('a stencil in layer order keeps every invariant after every batch', () => {
    const k = 8;
    const graph = new Map<string, GraphNode>();
    for (let i = 0; i < k * k; i++) graph.set(`g0-${i}`, data(i));
    for (let t = 1; t <= 6; t++) {
      for (let i = 0; i < k * k; i++) {
        const r = Math.floor(i / k);
        const c = i % k;
        const at = (rr: number, cc: number): string =>
          `g${t - 1}-${((rr + k) % k) * k + ((cc + k) % k)}`;
        graph.set(
          `g${t}-${i}`,
          task(F, [
            ref(at(r, c)),
            ref(at(r - 1, c)),
            ref(at(r + 1, c)),
            ref(at(r, c - 1)),
            ref(at(r, c + 1)),
          ]),
        );
      }
    }
    expect(
      runOnCore(
        graph,
        range(k * k, (i) => `g6-${i}`),
        true,
      ),
    ).toBe(7 * k * k);
  }, 60_000);

  test('50,000 small graphs submitted before any finishes all complete (a core never idle)', () => {
    const core = new SchedulerCore();
    core.handle([{ type: 'add-worker', worker: 'w0', slots: 4 }]);
    const graphs = 50_000;
    let cmds: ReturnType<SchedulerCore['handle']> = [];
    for (let s = 0; s < graphs; s++) {
      // The task comes before its inputs: they are resolved after the pass, in a busy table.
      const graph = new Map<string, GraphNode>([
        [`c${s}`, task(F, [ref(`a${s}`), ref(`b${s}`)])],
        [`a${s}`, data(s)],
        [`b${s}`, data(1)],
      ]);
      cmds.push(...core.handle([{ type: 'submit', id: `s${s}`, graph, wanted: [`c${s}`] }]));
    }
    let done = 0;
    while (done < graphs) {
      const events: CoreEvent[] = [];
      for (const c of cmds) {
        if (c.type === 'compute')
          events.push({
            type: 'finished-many',
            worker: c.worker,
            keys: c.keys,
            nbytes: c.keys.map(() => 8),
          });
        else if (c.type === 'deliver') events.push({ type: 'delivered', id: c.id, keys: c.keys });
        else if (c.type === 'done') done++;
        else if (c.type === 'failed' || c.type === 'refused') throw new Error(`core: ${c.type}`);
      }
      if (done === graphs) break;
      if (events.length === 0) throw new Error(`core stalled after ${done} computes`);
      cmds = core.handle(events);
    }
    core.validate();
    expect(done).toBe(graphs);
  }, 90_000);

  test('small shapes keep every invariant after every batch', () => {
    const chainG = new Map<string, GraphNode>([['c0', data(0)]]);
    for (let i = 1; i < 500; i++) chainG.set(`c${i}`, task(F, [ref(`c${i - 1}`)]));
    expect(runOnCore(chainG, ['c499'], true)).toBe(500);
    const k = 30;
    const shuffle = new Map<string, GraphNode>();
    for (let i = 0; i < k; i++) shuffle.set(`a${i}`, task(F, [i]));
    for (let j = 0; j < k; j++)
      shuffle.set(
        `b${j}`,
        task(
          F,
          range(k, (i) => ref(`a${i}`)),
        ),
      );
    shuffle.set(
      'out',
      task(
        F,
        range(k, (j) => ref(`b${j}`)),
      ),
    );
    expect(runOnCore(shuffle, ['out'], true)).toBe(2 * k + 1);
  }, 60_000);
});

describe('shapes on threads', () => {
  const threads = createThreadsScheduler({ workers: 2, log: () => undefined });
  afterAll(() => threads.close());

  test('a long chain, a wide fan-in and a fan-out compute on worker threads', async () => {
    expect(await chain(100_000).compute({ scheduler: threads, optimize: false })).toBe(100_000);
    const fanIn = sumArgs(...range(50_000, noop));
    expect(await fanIn.compute({ scheduler: threads })).toBe(triangle(50_000));
    const root = noop(1);
    const fanOut = sumList(range(50_000, (i) => add(root, i)));
    expect(await fanOut.compute({ scheduler: threads })).toBe(50_000 + triangle(50_000));
    const grid = stencil(10, 20);
    expect(await grid.value.compute({ scheduler: threads })).toEqual(grid.expected);
  }, 120_000);
});

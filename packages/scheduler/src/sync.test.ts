// The in-thread scheduler: closures called directly, dependents of a failure never run, results
// released early, async tasks, aborts between synchronous tasks, and function-resolution errors.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  ComputeAbortedError,
  FunctionRefError,
  TaskError,
  data,
  ref,
  registerBuiltin,
  task,
  type GraphNode,
  type LocalRef,
  type TaskFunction,
} from '@dask-ts/protocol';
import { syncScheduler } from './index.js';
import { planGraph } from './sync-plan.js';
import { GraphError } from '@dask-ts/protocol';
import { mod, src, treeReduction } from './__tests__/graphs.js';

const local = (fn: TaskFunction, name = fn.name || 'local'): LocalRef => ({
  kind: 'local',
  fn,
  name,
});

describe('sync scheduler', () => {
  it('calls closures directly, with their outer variables', async () => {
    const factor = 7;
    const g = new Map<string, GraphNode>([
      ['x', data(6)],
      [
        'y',
        task(
          local((x: number) => x * factor),
          [ref('x')],
        ),
      ],
    ]);
    expect(await syncScheduler.get(g, ['y'])).toEqual([42]);
  });

  it('never runs the dependents of a failed task, and reports its key', async () => {
    const ran: string[] = [];
    const g = new Map<string, GraphNode>([
      [
        'a',
        task(
          local(() => ran.push('a')),
          [],
        ),
      ],
      [
        'b',
        task(
          local(function failing() {
            ran.push('b');
            throw new TypeError('no good');
          }),
          [ref('a')],
        ),
      ],
      [
        'c',
        task(
          local(() => ran.push('c')),
          [ref('b')],
        ),
      ],
      [
        'd',
        task(
          local(() => ran.push('d')),
          [ref('c')],
        ),
      ],
    ]);
    const err = (await syncScheduler.get(g, ['d']).catch((e: unknown) => e)) as TaskError;
    expect(err).toBeInstanceOf(TaskError);
    expect(err.key).toBe('b');
    expect(err.name).toBe('TypeError');
    expect(err.stack).toMatch(/failing/);
    expect(ran).toEqual(['a', 'b']);
  });

  it('awaits tasks that return promises, and rejects with their errors', async () => {
    const g = new Map<string, GraphNode>([
      [
        'x',
        task(
          local(async () => 20),
          [],
        ),
      ],
      [
        'y',
        task(
          local(async (x: number) => x + 1),
          [ref('x')],
        ),
      ],
      [
        'z',
        task(
          local(async () => Promise.reject(new SyntaxError('late'))),
          [],
        ),
      ],
    ]);
    expect(await syncScheduler.get(g, ['y'])).toEqual([21]);
    await expect(syncScheduler.get(g, ['z'])).rejects.toMatchObject({
      key: 'z',
      name: 'SyntaxError',
    });
  });

  it('switches between plain and promised results in one plan, in order, reporting 100 % once', async () => {
    // A chain where every third task is async: the plan runs synchronously up to each promise,
    // awaits it, and goes on synchronously; a sync throw after an async task still names its key.
    const order: string[] = [];
    const g = new Map<string, GraphNode>([['k0', data(0)]]);
    for (let i = 1; i <= 30; i++) {
      const key = `k${i}`;
      const fn =
        i % 3 === 0
          ? async (x: number) => (order.push(key), x + i)
          : (x: number) => (order.push(key), x + i);
      g.set(key, task(local(fn, key), [ref(`k${i - 1}`)]));
    }
    const progress: number[] = [];
    const [last] = await syncScheduler.get(g, ['k30'], {
      onProgress: (p) => progress.push(p.done),
    });
    expect(last).toBe((30 * 31) / 2);
    expect(order).toEqual(Array.from({ length: 30 }, (_, i) => `k${i + 1}`));
    expect(progress.filter((d) => d === 31)).toHaveLength(1);
    g.set(
      'bad',
      task(
        local(() => {
          throw new RangeError('sync after async');
        }, 'bad'),
        [ref('k3')],
      ),
    );
    await expect(syncScheduler.get(g, ['bad'])).rejects.toMatchObject({
      key: 'bad',
      name: 'RangeError',
    });
    // A refusal before anything runs is a rejection too, never a throw from get().
    const refused = syncScheduler.get(g, ['nowhere']);
    await expect(refused).rejects.toBeInstanceOf(GraphError);
  });

  it('awaits an inline call that returns a promise (an async step fused into a chain)', async () => {
    // c(b(a)) as fusion writes it: b is async and inlined into c's arguments, nested in an array.
    let bCalls = 0;
    const b = local(async (x: number) => (bCalls++, x * 10), 'b');
    const c = local((xs: number[], y: number) => xs[0] + y, 'c');
    const g = new Map<string, GraphNode>([
      ['a', data(4)],
      ['c', task(c, [[{ $call: b, args: [ref('a')] }], { $call: b, args: [2] }])],
    ]);
    expect(await syncScheduler.get(g, ['c'])).toEqual([60]);
    expect(bCalls).toBe(2);
    const bad = local(async () => Promise.reject(new URIError('inner')), 'bad');
    g.set('d', task(c, [[{ $call: bad, args: [] }], 1]));
    await expect(syncScheduler.get(g, ['d'])).rejects.toMatchObject({ key: 'd', name: 'URIError' });
  });

  it('reads lists of references and values from slots, and substitutes anything deeper', async () => {
    const sum = local((xs: (number | { n: number })[], k: number) => {
      let t = 0;
      for (const x of xs) t += typeof x === 'number' ? x : x.n;
      return t * k;
    }, 'sum');
    const g = new Map<string, GraphNode>([
      ['a', data(1)],
      ['b', data(2)],
      ['c', data(3)],
      // A list of refs out of dependency order, a value and a plain object among them.
      ['l', task(sum, [[ref('c'), 10, ref('a'), { n: 100 }, ref('b'), ref('a')], ref('b')])],
      // A ref one level deeper (inside an object in the list): substituted.
      ['d', task(sum, [[ref('a'), { n: ref('c') }], 1])],
    ]);
    const plan = planGraph(g, ['l', 'd']);
    const slot = (k: string): number => plan.keys.indexOf(k);
    expect(plan.mode[slot('l')]).toBe(3); // ArgMode.Lists
    expect(plan.mode[slot('d')]).toBe(2); // ArgMode.Substitute
    expect(await syncScheduler.get(g, ['l', 'd'])).toEqual([(3 + 10 + 1 + 100 + 2 + 1) * 2, 4]);
  });

  it('runs only what the wanted keys need', async () => {
    const ran: string[] = [];
    const g = new Map<string, GraphNode>([
      [
        'a',
        task(
          local(() => ran.push('a')),
          [],
        ),
      ],
      [
        'unneeded',
        task(
          local(() => {
            throw new Error('must not run');
          }),
          [],
        ),
      ],
    ]);
    await syncScheduler.get(g, ['a']);
    expect(ran).toEqual(['a']);
  });

  it('releases each result once its last dependent ran, keeping only wanted keys', () => {
    const { graph, key } = treeReduction(8);
    const plan = planGraph(graph, [key, 'leaf-3']);
    // Every key needed once by its one dependent; the wanted ones once more.
    for (let s = 0; s < plan.keys.length; s++) {
      const k = plan.keys[s];
      expect([k, plan.refcount[s]]).toEqual([k, k === key ? 1 : k === 'leaf-3' ? 2 : 1]);
    }
    // Dependencies come before their dependents; branches are finished first.
    expect(Array.from(plan.order, (s) => plan.keys[s])).toEqual([
      'leaf-0',
      'leaf-1',
      'sum-0-0',
      'leaf-2',
      'leaf-3',
      'sum-0-1',
      'sum-1-0',
      'leaf-4',
      'leaf-5',
      'sum-0-2',
      'leaf-6',
      'leaf-7',
      'sum-0-3',
      'sum-1-1',
      'sum-2-0',
    ]);
  });

  it('orders dependencies by priority when given', () => {
    const g = new Map<string, GraphNode>([
      ['a', data(1)],
      ['b', data(2)],
      ['c', task(src('(x, y) => x + y'), [ref('a'), ref('b')])],
    ]);
    const plan = planGraph(
      g,
      ['c'],
      new Map([
        ['a', 5],
        ['b', 1],
        ['c', 9],
      ]),
    );
    expect(Array.from(plan.order, (s) => plan.keys[s])).toEqual(['b', 'a', 'c']);
  });

  it('aborts between synchronous tasks when the signal fires from a timer', async () => {
    let ran = 0;
    const busy = local(() => {
      const until = performance.now() + 2;
      while (performance.now() < until);
      return ++ran;
    });
    const g = new Map<string, GraphNode>();
    for (let i = 0; i < 5000; i++) g.set(`t-${i}`, task(busy, []));
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const started = performance.now();
    const err = await syncScheduler
      .get(g, [...g.keys()], { signal: ac.signal })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ComputeAbortedError);
    expect(performance.now() - started).toBeLessThan(5000); // all 5000 tasks take 10 s
    const after = ran;
    await new Promise((r) => setTimeout(r, 20));
    expect(ran).toBe(after);
    expect(ran).toBeLessThan(5000);
  });

  it('resolves builtins, and names the task when a function cannot be resolved', async () => {
    registerBuiltin('test.sched.triple', (x: number) => x * 3);
    const g = new Map<string, GraphNode>([
      ['x', data(5)],
      ['y', task({ kind: 'builtin', name: 'test.sched.triple' }, [ref('x')])],
      ['nob', task({ kind: 'builtin', name: 'test.sched.nope' }, [])],
      ['noexport', task(mod('missingExport'), [])],
      ['notfn', task(mod('notAFunction'), [])],
      ['badsrc', task(src('(x) => {'), [])],
    ]);
    expect(await syncScheduler.get(g, ['y'])).toEqual([15]);
    const nob = (await syncScheduler.get(g, ['nob']).catch((e: unknown) => e)) as FunctionRefError;
    expect(nob).toBeInstanceOf(FunctionRefError);
    expect(nob.message).toMatch(/Task nob: Builtin 'test.sched.nope' is not registered here/);
    await expect(syncScheduler.get(g, ['noexport'])).rejects.toThrow(
      /Task noexport: Module '.*fixture-fns.mjs' has no function export 'missingExport' \(no such export\)/,
    );
    await expect(syncScheduler.get(g, ['notfn'])).rejects.toThrow(/\(it is a number\)/);
    await expect(syncScheduler.get(g, ['badsrc'])).rejects.toThrow(
      /Task badsrc: Cannot rebuild source function/,
    );
  });

  it('runs a 20,000-leaf tree reduction (timing printed, not asserted)', async () => {
    const { graph, key, expected } = treeReduction(20000);
    let best = Infinity;
    for (let r = 0; r < 5; r++) {
      const t0 = performance.now();
      const [v] = await syncScheduler.get(graph, [key]);
      best = Math.min(best, performance.now() - t0);
      expect(v).toBe(expected);
    }
    process.stdout.write(
      `sync: ${((best * 1000) / graph.size).toFixed(2)} us/task over ${graph.size} tasks\n`,
    );
  });
});

describe('sync plan', () => {
  it('computes any DAG in any insertion order, and names a missing dependency', async () => {
    const sum = local((...xs: unknown[]) => (xs as number[]).reduce((a, b) => a + b, 1), 'sum');
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 60 }).chain((n) =>
          fc.record({
            deps: fc.tuple(
              ...Array.from({ length: n }, (_, i) =>
                fc.uniqueArray(fc.integer({ min: 0, max: Math.max(0, i - 1) }), {
                  maxLength: i === 0 ? 0 : 3,
                }),
              ),
            ),
            order: fc.shuffledSubarray(
              Array.from({ length: n }, (_, i) => i),
              { minLength: n, maxLength: n },
            ),
            wanted: fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), {
              minLength: 1,
              maxLength: 5,
            }),
            ghost: fc.option(fc.integer({ min: 0, max: n - 1 }), { nil: undefined }),
          }),
        ),
        async ({ deps, order, wanted, ghost }) => {
          const key = (i: number) => `k-${i}`;
          const g = new Map<string, GraphNode>();
          for (const i of order) {
            const refs = deps[i].map((d) => ref(key(d)));
            if (i === ghost) refs.push(ref('ghost'));
            g.set(key(i), task(sum, refs));
          }
          const value = (i: number): number => deps[i].reduce((a, d) => a + value(d), 1);
          const needs = (i: number): boolean => i === ghost || deps[i].some(needs);
          const result = syncScheduler.get(g, wanted.map(key));
          if (wanted.some(needs)) {
            await expect(result).rejects.toThrow(GraphError);
            await expect(result).rejects.toThrow(
              /depends on key 'ghost', which is not in the graph/,
            );
          } else {
            expect(await result).toEqual(wanted.map(value));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

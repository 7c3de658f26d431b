// The three schedulers on the same graphs, each result checked against a plain reference.
// Worker entries run from dist: build protocol, graph and worker first (turbo does it in CI).
import { afterAll, describe, expect, it } from '@jest/globals';
import {
  ComputeAbortedError,
  GraphError,
  TaskError,
  data,
  ref,
  task,
  type Graph,
  type GraphNode,
  type Scheduler,
} from '@dask-ts/protocol';
import { createProcessesScheduler, createThreadsScheduler, syncScheduler } from './index.js';
import { diamond, mod, src, treeReduction } from './__tests__/graphs.js';

const threads = createThreadsScheduler({ workers: 2, log: () => undefined });
const processes = createProcessesScheduler({ workers: 2, log: () => undefined });
afterAll(async () => {
  const pids = processes.workers.map((w) => w.id);
  await threads.close();
  await processes.close();
  // No worker process is left (checked by pid, with a generous deadline).
  const until = Date.now() + 60_000;
  const alive = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  while (pids.some(alive) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  expect(pids.filter(alive)).toEqual([]);
}, 120_000);

const schedulers: [string, Scheduler][] = [
  ['sync', syncScheduler],
  ['threads', threads],
  ['processes', processes],
];

describe.each(schedulers)('%s scheduler', (_name, scheduler) => {
  it('computes a tree reduction', async () => {
    const { graph, key, expected } = treeReduction(1000);
    expect(await scheduler.get(graph, [key])).toEqual([expected]);
  });

  it('computes a graph whose tasks come before their dependencies (regression: false cycle)', async () => {
    const { graph, key, expected } = treeReduction(1000);
    const reversed = new Map([...graph].reverse());
    expect(await scheduler.get(reversed, [key])).toEqual([expected]);
  });

  it('computes a diamond, returning every wanted key in order (duplicates too)', async () => {
    const { graph, expected } = diamond();
    const keys = ['d', 'a', 'c', 'b', 'd'];
    expect(await scheduler.get(graph, keys)).toEqual(keys.map((k) => expected[k]));
  });

  it('holds data nodes and passes them, nested, to tasks', async () => {
    const g = new Map<string, GraphNode>([
      ['xs', data([1, 2, 3, 4])],
      ['cfg', data({ scale: 10, tag: 'ok' })],
      [
        'out',
        task(src('(o) => ({ tag: o.cfg.tag, ys: o.xs.map((x) => x * o.cfg.scale) })'), [
          { xs: ref('xs'), cfg: ref('cfg') },
        ]),
      ],
    ]);
    expect(await scheduler.get(g, ['out', 'xs'])).toEqual([
      { tag: 'ok', ys: [10, 20, 30, 40] },
      [1, 2, 3, 4],
    ]);
  });

  it('returns typed arrays', async () => {
    const g = new Map<string, GraphNode>([
      ['a', task(src('(n) => Float64Array.from({ length: n }, (_, i) => i * 0.5)'), [1000])],
      ['b', task(src('(n) => Float64Array.from({ length: n }, (_, i) => i)'), [1000])],
      ['c', task(src('(a, b) => a.map((x, i) => x + b[i])'), [ref('a'), ref('b')])],
    ]);
    const [c] = (await scheduler.get(g, ['c'])) as [Float64Array];
    // Values decoded from another thread are of the outer realm (jest runs tests in a vm context).
    expect(Object.prototype.toString.call(c)).toBe('[object Float64Array]');
    expect(c.length).toBe(1000);
    expect(Array.from(c)).toEqual(Array.from({ length: 1000 }, (_, i) => i * 1.5));
  });

  it('keeps Maps, Dates and BigInts', async () => {
    const g = new Map<string, GraphNode>([
      [
        'm',
        task(
          src("(n) => new Map([['big', BigInt(n) ** 20n], ['when', new Date(86400000 * n)]])"),
          [7],
        ),
      ],
      ['s', task(src("(m) => [m.get('big') + 1n, m.get('when').toISOString()]"), [ref('m')])],
    ]);
    const [m, s] = (await scheduler.get(g, ['m', 's'])) as [Map<string, unknown>, unknown[]];
    expect(Object.prototype.toString.call(m)).toBe('[object Map]');
    expect(m.get('big')).toBe(7n ** 20n);
    expect((m.get('when') as Date).getTime()).toBe(86400000 * 7);
    expect(s).toEqual([7n ** 20n + 1n, new Date(86400000 * 7).toISOString()]);
  });

  it('imports module-ref functions (sync and async) from a fixture module', async () => {
    const g = new Map<string, GraphNode>([
      ['xs', data([1, 2, 3])],
      ['ys', task(mod('double'), [ref('xs')])],
      ['s', task(mod('sum'), [ref('ys')])],
      ['t', task(mod('slowInc'), [ref('s')])],
    ]);
    expect(await scheduler.get(g, ['ys', 't'])).toEqual([[2, 4, 6], 13]);
  });

  it('rebuilds source refs with their scope', async () => {
    const g = new Map<string, GraphNode>([
      ['x', data(5)],
      ['y', task(src('(x) => x * factor + offset.n', { factor: 3, offset: { n: 1 } }), [ref('x')])],
      ['z', task(src('(y) => `${prefix}${y}`', { prefix: 'v=' }), [ref('y')])],
    ]);
    expect(await scheduler.get(g, ['z'])).toEqual(['v=16']);
  });

  it('computes inline $call arguments', async () => {
    const g = new Map<string, GraphNode>([
      ['x', data(2)],
      ['y', task(src('(a, b) => a + b'), [{ $call: src('(v) => v * 100'), args: [ref('x')] }, 1])],
    ]);
    expect(await scheduler.get(g, ['y'])).toEqual([201]);
  });

  it('rejects a throwing task with its own class (a TaskError too): key, name, message and the user function in the stack', async () => {
    const g = new Map<string, GraphNode>([
      ['x', data(3)],
      [
        'bad',
        task(src('function explode(x) { throw new RangeError(`too big: ${x}`); }', {}, 'explode'), [
          ref('x'),
        ]),
      ],
      ['after', task(src('(v) => v + 1'), [ref('bad')])],
    ]);
    const err = (await scheduler.get(g, ['after']).catch((e: unknown) => e)) as TaskError;
    expect(err).toBeInstanceOf(TaskError);
    expect(err).toBeInstanceOf(RangeError);
    expect(err.key).toBe('bad');
    expect(err.name).toBe('RangeError');
    expect(err.message).toBe('too big: 3');
    expect(err.stack).toMatch(/explode/);
    expect(err.story.length).toBeGreaterThan(0);
  });

  it('refuses a cycle, naming it', async () => {
    const g = new Map<string, GraphNode>([
      ['a', task(src('(x) => x'), [ref('c')])],
      ['b', task(src('(x) => x'), [ref('a')])],
      ['c', task(src('(x) => x'), [ref('b')])],
    ]);
    const err = (await scheduler.get(g, ['c']).catch((e: unknown) => e)) as GraphError;
    expect(err).toBeInstanceOf(GraphError);
    expect(err.message).toMatch(/cycle/);
    expect([...err.keys].sort()).toEqual(['a', 'b', 'c']);
  });

  it('refuses a missing dependency and a missing wanted key, naming them', async () => {
    const g: Graph = new Map<string, GraphNode>([['y', task(src('(x) => x'), [ref('ghost')])]]);
    const e1 = (await scheduler.get(g, ['y']).catch((e: unknown) => e)) as GraphError;
    expect(e1).toBeInstanceOf(GraphError);
    expect(e1.message).toBe("Task 'y' depends on key 'ghost', which is not in the graph");
    const e2 = (await scheduler.get(g, ['nope']).catch((e: unknown) => e)) as GraphError;
    expect(e2).toBeInstanceOf(GraphError);
    expect(e2.message).toBe("Wanted key 'nope' is not in the graph");
  });

  it('reports progress up to the total', async () => {
    const { graph, key, expected } = treeReduction(200);
    const seen: number[] = [];
    let total = 0;
    const [v] = await scheduler.get(graph, [key], {
      onProgress: (p) => {
        seen.push(p.done);
        total = p.total;
      },
    });
    expect(v).toBe(expected);
    expect(total).toBe(graph.size);
    expect(seen[seen.length - 1]).toBe(graph.size);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });

  it('counts progress over the tasks the wanted keys need, not the whole graph', async () => {
    const { graph, key, expected } = treeReduction(64);
    const g = new Map(graph);
    // An unrelated branch that is not wanted: it neither runs nor counts.
    for (let i = 0; i < 50; i++) g.set(`unrelated-${i}`, task(src('() => 1'), []));
    let last = { done: 0, total: 0 };
    const [v] = await scheduler.get(g, [key], { onProgress: (p) => (last = p) });
    expect(v).toBe(expected);
    expect(last).toMatchObject({ done: graph.size, total: graph.size });
  });

  it('aborts midway: rejects promptly with ComputeAbortedError', async () => {
    const g = new Map<string, GraphNode>();
    const sleep = src(
      'async (i) => { await new Promise((r) => setTimeout(r, 250)); return i; }',
      {},
      'sleepy',
    );
    const keys: string[] = [];
    for (let i = 0; i < 40; i++) {
      // A chain, so the tasks run one after another whatever the number of workers.
      g.set(`s-${i}`, task(sleep, i === 0 ? [0] : [ref(`s-${i - 1}`)]));
      keys.push(`s-${i}`);
    }
    const ac = new AbortController();
    const started = performance.now();
    setTimeout(() => ac.abort(new Error('enough')), 200);
    const err = await scheduler.get(g, ['s-39'], { signal: ac.signal }).catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(err).toBeInstanceOf(ComputeAbortedError);
    expect((err as Error).message).toBe('Compute aborted: enough');
    expect(elapsed).toBeLessThan(5000); // the whole chain takes 10 s
  });

  it('refuses an already aborted signal', async () => {
    const { graph, key } = treeReduction(4);
    const err = await scheduler
      .get(graph, [key], { signal: AbortSignal.abort() })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ComputeAbortedError);
  });

  it('runs concurrent computes that share keys', async () => {
    const { graph, key, expected } = treeReduction(300);
    const results = await Promise.all([
      scheduler.get(graph, [key]),
      scheduler.get(graph, [key, 'leaf-7']),
      scheduler.get(graph, ['sum-0-3']),
    ]);
    expect(results).toEqual([[expected], [expected, 7], [13]]);
  });
});

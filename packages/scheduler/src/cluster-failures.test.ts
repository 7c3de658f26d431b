// Never crash, never hang, on threads and processes: values that cannot be copied to a worker are
// refused before anything is sent; results that cannot be copied back fail their compute with a
// TaskError naming the key (circular ones come back as themselves); an aborted compute's stuck task is stopped (its worker replaced) so the
// next compute is served; every worker death counts toward maxRetries and the error says why; an
// internal error fails computes, never the process. Every test checks that
// no worker (thread or process, by PID) is left behind.
import { afterEach, describe, expect, it } from '@jest/globals';
import { MessageChannel } from 'node:worker_threads';
import {
  ComputeAbortedError,
  GraphError,
  TaskError,
  data,
  ref,
  task,
  type GraphNode,
} from '@dask-ts/protocol';
import { delayed } from '@dask-ts/graph';
import { LocalCluster, type LocalClusterOptions } from './cluster.js';
import type { SchedulerCore } from './core/index.js';
import type { PoolWorker, SpawnWorker } from './pool-worker.js';
import { spawnProcess } from './processes.js';
import { spawnThread } from './threads.js';
import { src, treeReduction } from './__tests__/graphs.js';

const quiet = (): void => undefined;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Pools made by a test, closed after it, with every worker they started. */
const made: { cluster: LocalCluster; started: PoolWorker[]; exited: Set<string> }[] = [];

afterEach(async () => {
  for (const { cluster, started, exited } of made.splice(0)) {
    await cluster.close();
    await until('every worker exited', () => started.every((w) => exited.has(w.name)));
    for (const w of started) if (w.name.startsWith('processes')) expect(alive(w.id)).toBe(false);
  }
});

type Kind = 'threads' | 'processes';

function pool(
  kind: Kind,
  options: Omit<LocalClusterOptions, 'spawn'> & { memoryLimitMb?: number } = {},
): { cluster: LocalCluster; started: PoolWorker[]; exited: Set<string> } {
  const { memoryLimitMb, ...rest } = options;
  const limits = memoryLimitMb !== undefined ? { memoryLimitMb } : {};
  const started: PoolWorker[] = [];
  const exited = new Set<string>();
  const spawn: SpawnWorker = (name, events) => {
    const on = {
      message: events.message,
      disconnect: (why: string) => {
        exited.add(name);
        events.disconnect(why);
      },
    };
    const w = kind === 'threads' ? spawnThread(name, on, limits) : spawnProcess(name, on, limits);
    started.push(w);
    return w;
  };
  const cluster = new LocalCluster({ workers: 2, prefix: kind, log: quiet, ...rest, spawn });
  const record = { cluster, started, exited };
  made.push(record);
  return record;
}

/** Whether some worker of `cluster` was sent `key` and has not reported it yet. */
function runs(cluster: LocalCluster, key: string): boolean {
  const core = (cluster as unknown as { shell: { core: SchedulerCore } }).shell.core;
  return cluster.workers.some((w) => core?.running(w.name)?.key === key);
}

const one = (key: string, source: string, args: unknown[] = []): Map<string, GraphNode> =>
  new Map([[key, task(src(source), args)]]);

async function rejection(p: Promise<unknown>): Promise<Error> {
  const r = await p.then(
    (v) => ({ ok: true as const, v }),
    (e: unknown) => ({ ok: false as const, e }),
  );
  if (r.ok) throw new Error(`expected a rejection, got ${JSON.stringify(r.v)}`);
  return r.e as Error;
}

describe.each(['threads', 'processes'] as const)('%s pool failures', (kind) => {
  it('refuses arguments and data structured clone cannot copy, naming key, place and type, before anything is sent', async () => {
    const { cluster } = pool(kind);
    const cases: [Map<string, GraphNode>, RegExp][] = [
      [
        one('f-1', '(o) => o.a', [{ a: 1, f: function helper() {} }]),
        /Task 'f-1' cannot be sent to a worker: its argument args\[0\]\.f is a function \(helper\)/,
      ],
      [one('s-1', '(s) => 1', [Symbol('tag')]), /'s-1'.*args\[0\] is a Symbol \(Symbol\(tag\)\)/],
      [
        one('w-1', '(m) => 1', [[1, new Map([['k', new WeakMap()]])]]),
        /'w-1'.*args\[0\]\[1\]\.get\("k"\) is a WeakMap/,
      ],
      [
        new Map([['d-1', data({ rows: (function* () {})() })]]),
        /Data 'd-1'.*its value at \.rows is a generator/,
      ],
      [
        one('i-1', '(it) => 1', [{ deep: { it: new Set([1]).values() } }]),
        /args\[0\]\.deep\.it is a Set Iterator/,
      ],
      [
        one('set-1', '(s) => s.size', [new Set([delayed((x: number) => x + 1)(1)])]),
        /args\[0\]\.values\(\)\[0\] is a Delayed value that was not computed first.*pass an array/,
      ],
    ];
    for (const [graph, message] of cases) {
      const err = await rejection(cluster.get(graph, [...graph.keys()]));
      expect(err).toBeInstanceOf(GraphError);
      expect(err.message).toMatch(message);
    }
    // Nothing was sent: the pool did not even start.
    expect(cluster.workers).toEqual([]);
  });

  it('fails a compute whose result cannot be copied back with a TaskError naming the key; other computes go on', async () => {
    const { cluster } = pool(kind);
    const { graph, key, expected } = treeReduction(200);
    const good = cluster.get(graph, [key]);
    const gen = await rejection(
      cluster.get(one('gen-1', '() => (function* () { yield 1; })()'), ['gen-1']),
    );
    expect(gen).toBeInstanceOf(TaskError);
    expect((gen as TaskError).key).toBe('gen-1');
    expect(gen.message).toMatch(/The result of gen-1 cannot be sent from its worker.*Array\.from/);
    const fn = await rejection(cluster.get(one('fn-1', '() => () => 1'), ['fn-1']));
    expect(fn).toBeInstanceOf(TaskError);
    expect((fn as TaskError).key).toBe('fn-1');
    expect(await good).toEqual([expected]);
    // A circular result comes back as itself.
    const [circ] = (await cluster.get(
      one('circ-1', '() => { const o = { n: 1, e: new TypeError("t") }; o.self = o; return o; }'),
      ['circ-1'],
    )) as [{ n: number; e: Error; self: unknown }];
    expect(circ.self).toBe(circ);
    expect(circ.e).toBeInstanceOf(TypeError);
    // The pool is healthy.
    expect(await cluster.get(graph, [key])).toEqual([expected]);
  });

  it('stops a worker stuck on a task of an aborted compute and serves the next computes at once', async () => {
    const { cluster, started, exited } = pool(kind, { queueFactor: 16 });
    const warm = treeReduction(20);
    await cluster.get(warm.graph, [warm.key]);
    await until(
      'both workers are ready',
      () => cluster.workers.filter((w) => w.ready).length === 2,
    );
    const controller = new AbortController();
    const spinning = cluster.get(one('spin-1', '() => { for (;;) {} }'), ['spin-1'], {
      signal: controller.signal,
    });
    // Once it was sent to a worker, abort.
    await until('spin-1 runs', () => runs(cluster, 'spin-1'));
    controller.abort();
    expect(await rejection(spinning)).toBeInstanceOf(ComputeAbortedError);
    // The next computes (each big enough to need both workers) are served.
    const { graph, key, expected } = treeReduction(100);
    const t0 = Date.now();
    for (let i = 0; i < 20; i++) expect(await cluster.get(graph, [key])).toEqual([expected]);
    expect(Date.now() - t0).toBeLessThan(30_000);
    // The spinning worker was stopped and replaced.
    await until('the stuck worker exited', () => exited.size === 1);
    const victim = started.find((w) => exited.has(w.name))!;
    if (kind === 'processes') await until('its process is gone', () => !alive(victim.id));
    await until('two workers again', () => cluster.workers.filter((w) => w.ready).length === 2);
    expect(cluster.workers.map((w) => w.name)).not.toContain(victim.name);
  });

  it('stops a worker with a queue of short tasks of an aborted compute, so the next compute does not wait behind them', async () => {
    const { cluster, exited } = pool(kind, { queueFactor: 16 });
    const warm = treeReduction(20);
    await cluster.get(warm.graph, [warm.key]);
    await until(
      'both workers are ready',
      () => cluster.workers.filter((w) => w.ready).length === 2,
    );
    // 40 tasks of 200 ms each, shorter than the grace period one by one: up to 16 go to each
    // worker, 3.2 s of work no compute wants once the compute is aborted.
    const nap = '() => { const end = Date.now() + 200; while (Date.now() < end) {} return 1; }';
    const naps = new Map<string, GraphNode>();
    for (let i = 0; i < 40; i++) naps.set(`nap-${i}`, task(src(nap), []));
    const controller = new AbortController();
    const napping = cluster.get(naps, [...naps.keys()], { signal: controller.signal });
    await until('a nap runs', () => [...naps.keys()].some((k) => runs(cluster, k)));
    controller.abort();
    const aborted = Date.now();
    expect(await rejection(napping)).toBeInstanceOf(ComputeAbortedError);
    // The workers that kept running the aborted naps were stopped and replaced; the next compute
    // is served by the new ones, without waiting for the queued naps.
    const { graph, key, expected } = treeReduction(100);
    expect(await cluster.get(graph, [key])).toEqual([expected]);
    await until('a worker stuck on naps exited', () => exited.size >= 1);
    expect(Date.now() - aborted).toBeLessThan(16 * 200);
  });

  it('does not stop a worker running a task that another compute still wants', async () => {
    const { cluster, exited } = pool(kind);
    const busy = one(
      'busy-1',
      '() => { const end = Date.now() + 1500; while (Date.now() < end) {} return 7; }',
    );
    const controller = new AbortController();
    const first = cluster.get(busy, ['busy-1'], { signal: controller.signal });
    const second = cluster.get(busy, ['busy-1']);
    await until('busy-1 runs', () => runs(cluster, 'busy-1'));
    controller.abort();
    expect(await rejection(first)).toBeInstanceOf(ComputeAbortedError);
    expect(await second).toEqual([7]);
    expect(exited.size).toBe(0);
  });

  it('counts every worker death toward maxRetries; the error says why it died and what it ran', async () => {
    const { cluster, started } = pool(kind, { maxRetries: 1 });
    // x returns, then throws from a timer while y (on the same worker) still waits: the worker dies
    // every time, and the compute ends after the second loss instead of looping.
    const g = new Map<string, GraphNode>([
      [
        'x',
        task(
          src(
            '() => { setTimeout(() => { throw new Error("boom after return"); }, 0); return 1; }',
          ),
          [],
        ),
      ],
      [
        'y',
        task(src('async (x) => { await new Promise((r) => setTimeout(r, 500)); return x + 1; }'), [
          ref('x'),
        ]),
      ],
    ]);
    const err = await rejection(cluster.get(g, ['y']));
    expect(err).toBeInstanceOf(TaskError);
    expect(err.name).toBe('WorkerLostError');
    expect(err.message).toMatch(/lost with its worker 2 times \(maxRetries 1\); the last time, /);
    expect(err.message).toMatch(
      kind === 'threads' ? /crashed: boom after return/ : /exited with code 1/,
    );
    expect(err.message).toMatch(/while running [xy]/);
    expect(started.length).toBeLessThanOrEqual(6);
    // An exit code, and the function's name.
    const quit = new Map<string, GraphNode>([
      ['q', task(src('() => process.exit(7)', {}, 'quit'), [])],
    ]);
    const lost = await rejection(cluster.get(quit, ['q']));
    expect(lost.message).toMatch(/exited with code 7 \(while running q, function quit\)/);
    const { graph, key, expected } = treeReduction(50);
    expect(await cluster.get(graph, [key])).toEqual([expected]);
  });

  it('says a worker ran out of memory', async () => {
    const { cluster } = pool(kind, { workers: 1, maxRetries: 0, memoryLimitMb: 32 });
    const hog = one(
      'hog-1',
      '() => { const keep = []; for (;;) keep.push(new Array(100000).fill(keep.length)); }',
    );
    const err = await rejection(cluster.get(hog, ['hog-1']));
    expect(err.name).toBe('WorkerLostError');
    expect(err.message).toMatch(/ran out of memory: it reached its heap limit of 32 MiB/);
    expect(err.message).toMatch(/while running hog-1/);
    expect(await cluster.get(one('after', '() => 5'), ['after'])).toEqual([5]);
  });

  it('survives an onProgress callback that throws', async () => {
    const { cluster } = pool(kind);
    const { graph, key, expected } = treeReduction(100);
    const options = {
      onProgress: () => {
        throw new Error('progress callback broke');
      },
    };
    expect(await cluster.get(graph, [key], options)).toEqual([expected]);
    expect(await cluster.get(graph, [key])).toEqual([expected]);
  });
});

describe('processes pool signals', () => {
  it('says which signal killed a worker process, and what it ran', async () => {
    const { cluster } = pool('processes', { workers: 1, maxRetries: 0 });
    const g = new Map<string, GraphNode>([
      ['sig-1', task(src("() => process.kill(process.pid, 'SIGKILL')", {}, 'selfKill'), [])],
    ]);
    const err = await rejection(cluster.get(g, ['sig-1']));
    expect(err.name).toBe('WorkerLostError');
    expect(err.message).toMatch(
      /killed by signal SIGKILL \(while running sig-1, function selfKill\)/,
    );
    expect(await cluster.get(one('after', '() => 6'), ['after'])).toEqual([6]);
  });
});

describe('pool internal errors', () => {
  it('an internal error fails the running computes and the pool restarts, the process goes on', async () => {
    const lines: string[] = [];
    const started: PoolWorker[] = [];
    const exited = new Set<string>();
    let corrupt = true;
    // The first worker reports a key nobody sent it: the core refuses that as impossible.
    const spawn: SpawnWorker = (name, events) => {
      const w = spawnThread(name, {
        disconnect: (why) => {
          exited.add(name);
          events.disconnect(why);
        },
        message: (raw) => {
          const m = raw as { op?: string };
          if (m.op === 'finished' && corrupt) {
            corrupt = false;
            events.message({ ...m, keys: ['no-such-key'], nbytes: [8] });
            return;
          }
          events.message(raw);
        },
      });
      started.push(w);
      return w;
    };
    const cluster = new LocalCluster({ spawn, workers: 2, log: (l) => lines.push(l) });
    made.push({ cluster, started, exited });
    const { graph, key, expected } = treeReduction(50);
    const err = await rejection(cluster.get(graph, [key]));
    expect(err.message).toMatch(/internal error \(the pool restarted\)/);
    expect(lines.join('\n')).toMatch(/no-such-key/);
    expect(await cluster.get(graph, [key])).toEqual([expected]);
    // The first workers were stopped with the old core.
    await until('the old workers exited', () => exited.size >= 2);
  });

  it('threads: a value only sending shows uncopyable fails its task, naming the key', async () => {
    const { cluster } = pool('threads');
    const { port1, port2 } = new MessageChannel();
    try {
      // A MessagePort must be transferred, not copied: the checks before sending cannot tell.
      const g = new Map<string, GraphNode>([
        ['a', task(src('() => 1'), [])],
        ['p', task(src('(box, a) => a'), [{ port: port1 }, ref('a')])],
      ]);
      const err = await rejection(cluster.get(g, ['p']));
      expect(err).toBeInstanceOf(TaskError);
      expect((err as TaskError).key).toBe('p');
      expect(err.message).toMatch(/Task p cannot be sent to worker threads-\d/);
      const d = new Map<string, GraphNode>([['d', data({ port: port2 })]]);
      expect(((await rejection(cluster.get(d, ['d']))) as TaskError).key).toBe('d');
      expect(await cluster.get(one('ok', '() => 3'), ['ok'])).toEqual([3]);
    } finally {
      port1.close();
    }
  });
});

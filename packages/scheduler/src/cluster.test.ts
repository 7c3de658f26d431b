// Pool behaviour of the threads and processes runtimes: refusing closures before anything runs,
// surviving killed workers, refusing bad workers and bad messages, and leaving nothing behind.
import { describe, expect, it } from '@jest/globals';
import {
  FunctionRefError,
  ProtocolError,
  data,
  ref,
  task,
  type GraphNode,
  type ToWorker,
} from '@dask-ts/protocol';
import { toFunctionRef } from '@dask-ts/graph';
import { LocalCluster, createProcessesScheduler, createThreadsScheduler } from './index.js';
import { spawnThread } from './threads.js';
import { spawnProcess } from './processes.js';
import type { PoolWorker, SpawnWorker } from './pool-worker.js';
import { src, treeReduction } from './__tests__/graphs.js';

const quiet = (): void => undefined;

/** A chain of slow tasks fanning into a sum: long enough to kill a worker in the middle. */
function slowGraph(n: number, ms: number): { graph: Map<string, GraphNode>; expected: number } {
  const g = new Map<string, GraphNode>();
  const slow = src('async (i) => { await new Promise((r) => setTimeout(r, ms)); return i * 2; }', {
    ms,
  });
  const parts: ReturnType<typeof ref>[] = [];
  for (let i = 0; i < n; i++) {
    g.set(`slow-${i}`, task(slow, [i]));
    parts.push(ref(`slow-${i}`));
  }
  g.set('total', task(src('(...xs) => xs.reduce((a, b) => a + b, 0)'), parts));
  return { graph: g, expected: n * (n - 1) };
}

/** Wraps a spawner to record every worker it started and every exit. */
function recording(spawn: SpawnWorker): {
  spawn: SpawnWorker;
  started: PoolWorker[];
  exited: string[];
} {
  const started: PoolWorker[] = [];
  const exited: string[] = [];
  return {
    started,
    exited,
    spawn: (name, events) => {
      const w = spawn(name, {
        message: events.message,
        disconnect: (why) => {
          exited.push(name);
          events.disconnect(why);
        },
      });
      started.push(w);
      return w;
    },
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.each([
  ['threads', spawnThread],
  ['processes', spawnProcess],
] as const)('%s pool', (kind, spawnWorker) => {
  it('starts lazily and leaves no worker behind after close', async () => {
    const rec = recording(spawnWorker);
    const cluster = new LocalCluster({ spawn: rec.spawn, workers: 2, prefix: kind, log: quiet });
    expect(cluster.workers).toEqual([]);
    const { graph, key, expected } = treeReduction(100);
    expect(await cluster.get(graph, [key])).toEqual([expected]);
    expect(cluster.workers.map((w) => w.name).sort()).toEqual([`${kind}-0`, `${kind}-1`]);
    await cluster.close();
    expect(cluster.workers).toEqual([]);
    expect(rec.exited.sort()).toEqual(rec.started.map((w) => w.name).sort());
    if (kind === 'processes') for (const w of rec.started) expect(alive(w.id)).toBe(false);
    await expect(cluster.get(graph, [key])).rejects.toThrow(/closed/);
  });

  it('refuses a closure with a free variable before anything runs, naming the task and variable', async () => {
    const cluster = new LocalCluster({ spawn: spawnWorker, workers: 1, prefix: kind, log: quiet });
    const factor = 3;
    const g = new Map<string, GraphNode>([
      ['x', data(2)],
      [
        'scaled-1',
        task(
          toFunctionRef((x: number) => x * factor),
          [ref('x')],
        ),
      ],
    ]);
    const err = (await cluster.get(g, ['scaled-1']).catch((e: unknown) => e)) as FunctionRefError;
    expect(err).toBeInstanceOf(FunctionRefError);
    expect(err.message).toMatch(/scaled-1/);
    expect(err.message).toMatch(/'factor'/);
    expect(err.key).toBe('scaled-1');
    // Nothing ran: the pool was not even started.
    expect(cluster.workers).toEqual([]);
    await cluster.close();
  });

  it('recomputes the tasks of a killed worker and replaces it', async () => {
    const rec = recording(spawnWorker);
    // Small batches (16 tasks in flight per worker), so the victim still has work when it dies.
    const cluster = new LocalCluster({
      spawn: rec.spawn,
      workers: 2,
      prefix: kind,
      log: quiet,
      queueFactor: 16,
    });
    const { graph, expected } = slowGraph(40, 20);
    let someDone: () => void = () => undefined;
    const midway = new Promise<void>((resolve) => (someDone = resolve));
    const result = cluster.get(graph, ['total'], {
      onProgress: (p) => {
        if (p.done >= 4) someDone();
      },
    });
    await midway;
    const victim = cluster.workers.find((w) => w.ready)!;
    if (kind === 'processes') process.kill(victim.id, 'SIGKILL');
    else await cluster.kill(victim.name);
    expect(await result).toEqual([expected]);
    expect(rec.exited).toContain(victim.name);
    expect(cluster.workers.map((w) => w.name)).not.toContain(victim.name);
    expect(cluster.workers.length).toBe(2);
    await cluster.close();
  });

  it('recomputes an input whose holder dies while the input is being copied', async () => {
    // The first worker asked to hand over `a` for another worker dies instead of answering.
    let victim: string | undefined;
    const spawn: SpawnWorker = (name, events) => {
      const w = spawnWorker(name, events);
      return {
        ...w,
        name: w.name,
        id: w.id,
        send: (message, transfer) => {
          const parts = message.op === 'batch' ? message.messages : [message];
          const fetch = parts.some((m) => m.op === 'gather' && m.keys.includes('a'));
          if (fetch && victim === undefined) {
            victim = name;
            void w.kill();
            return;
          }
          w.send(message, transfer);
        },
      };
    };
    const cluster = new LocalCluster({ spawn, workers: 2, prefix: kind, log: quiet });
    // Both workers up first, so `a` and `b` start on different workers (roots are spread) and `c`
    // runs beside the larger `b`, fetching `a`.
    await cluster.get(new Map([['warm', data(1)]]), ['warm']);
    // Up to 30 s: a process worker can take seconds to start on a loaded machine.
    for (let i = 0; i < 1200 && !cluster.workers.every((w) => w.ready); i++)
      await new Promise((r) => setTimeout(r, 25));
    const slowA = src('async () => { await new Promise((r) => setTimeout(r, 30)); return 1; }');
    const g = new Map<string, GraphNode>([
      ['a', task(slowA, [])],
      ['b', task(src('() => new Array(1000).fill(2)'), [])],
      ['c', task(src('(a, b) => a + b.length'), [ref('a'), ref('b')])],
    ]);
    expect(await cluster.get(g, ['c'])).toEqual([1001]);
    expect(victim).toBeDefined();
    await cluster.close();
  });

  it('settles a compute from the values sent with finished, without a gather round trip', async () => {
    const sent: ToWorker[] = [];
    const received: unknown[] = [];
    const spawn: SpawnWorker = (name, events) => {
      const w = spawnWorker(name, {
        disconnect: events.disconnect,
        message: (raw) => {
          received.push(raw);
          events.message(raw);
        },
      });
      const send = w.send.bind(w);
      return Object.assign(w, {
        send: (m: ToWorker, transfer?: readonly ArrayBuffer[]) => {
          sent.push(m);
          send(m, transfer);
        },
      });
    };
    const cluster = new LocalCluster({ spawn, workers: 1, prefix: kind, log: quiet });
    const g = new Map<string, GraphNode>([
      ['x', task(src('() => 20'), [])],
      ['y', task(src('(x) => x + 1'), [ref('x')])],
      ['z', task(src('(x) => x * 2'), [ref('x')])],
    ]);
    // x is wanted and also read by y and z (kept), y and z are wanted and moved.
    expect(await cluster.get(g, ['y', 'x', 'z'])).toEqual([21, 20, 40]);
    const messages = sent.flatMap((m) => (m.op === 'batch' ? m.messages : [m]));
    expect(messages.filter((m) => m.op === 'gather')).toEqual([]);
    const finished = received.filter((m) => (m as { op: string }).op === 'finished');
    expect(finished.flatMap((m) => (m as { valueKeys?: string[] }).valueKeys ?? []).sort()).toEqual(
      ['x', 'y', 'z'],
    );
    // The worker is told to drop what it delivered once nothing needs it.
    await cluster.get(new Map([['w', task(src('() => 1'), [])]]), ['w']);
    const released = sent
      .flatMap((m) => (m.op === 'batch' ? m.messages : [m]))
      .flatMap((m) => (m.op === 'release' ? m.keys : []));
    expect(released.sort()).toEqual(expect.arrayContaining(['x', 'y', 'z']));
    await cluster.close();
  });

  it('logs and refuses a malformed message from a worker, and goes on', async () => {
    const lines: string[] = [];
    const spawn: SpawnWorker = (name, events) =>
      spawnWorker(name, {
        disconnect: events.disconnect,
        message: (raw) => {
          events.message(raw);
          if ((raw as { op?: string }).op === 'hello') events.message({ op: 'finished', keys: 7 });
        },
      });
    const cluster = new LocalCluster({
      spawn,
      workers: 1,
      prefix: kind,
      log: (l) => lines.push(l),
    });
    const { graph, key, expected } = treeReduction(50);
    expect(await cluster.get(graph, [key])).toEqual([expected]);
    await cluster.close();
    expect(
      lines.some((l) => l.includes(`Malformed message from ${kind}-0`) && l.includes('keys')),
    ).toBe(true);
  });
});

describe('pool refusals', () => {
  it('refuses a worker of another protocol version, naming it', async () => {
    const lines: string[] = [];
    let killed = 0;
    const fake: SpawnWorker = (name, events) => {
      setImmediate(() => events.message({ op: 'hello', worker: name, version: 999, pid: 1 }));
      return {
        name,
        id: 1,
        send: () => undefined,
        ref: () => undefined,
        unref: () => undefined,
        kill: async () => {
          killed++;
          events.disconnect('killed');
        },
      };
    };
    const cluster = new LocalCluster({
      spawn: fake,
      workers: 1,
      prefix: 'fake',
      log: (l) => lines.push(l),
    });
    const err = (await cluster
      .get(new Map([['x', data(1)]]), ['x'])
      .catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(ProtocolError);
    expect(err.message).toMatch(/Worker fake-0 speaks protocol version 999/);
    expect(lines.join('\n')).toMatch(/refused worker fake-0/);
    expect(killed).toBe(1);
    await expect(cluster.get(new Map([['x', data(1)]]), ['x'])).rejects.toThrow(/version 999/);
    await cluster.close();
  });

  it('fails computes when workers die before saying hello', async () => {
    const fake: SpawnWorker = (name, events) => {
      setImmediate(() => events.disconnect(`${name} exited with code 1`));
      return {
        name,
        id: 1,
        send: () => undefined,
        ref: () => undefined,
        unref: () => undefined,
        kill: async () => undefined,
      };
    };
    const cluster = new LocalCluster({ spawn: fake, workers: 1, log: quiet });
    await expect(cluster.get(new Map([['x', data(1)]]), ['x'])).rejects.toThrow(
      /keep exiting before they start/,
    );
    await cluster.close();
  });

  it('validates its options', () => {
    expect(() => createThreadsScheduler({ workers: 0 })).toThrow(
      /workers must be a positive integer, got 0/,
    );
    expect(() => createProcessesScheduler({ queueFactor: -1 })).toThrow(/queueFactor/);
    expect(() => createThreadsScheduler({ rootSaturation: 0 })).toThrow(
      /rootSaturation must be a number > 0/,
    );
  });
});

// Class instances crossing threads and processes: a class registered with `registerClass` (in a
// module the workers import on demand, here __tests__/point-class.mjs) arrives as itself, as a
// task's result and as a task's argument; an instance of a class without a codec arrives as a
// plain object with one warning per class, naming the key and the class. And pools never nest:
// inside a worker, `compute` runs on 'sync' and starting a pool is refused.
// Worker entries run from dist: build protocol, graph and worker first (turbo does it in CI).
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { TaskError, data, task, type GraphNode, type Scheduler } from '@dask-ts/protocol';
import { createProcessesScheduler, createThreadsScheduler, syncScheduler } from './index.js';
import { Point } from './__tests__/point-class.mjs';

const pointUrl = new URL('./__tests__/point-class.mjs', import.meta.url).href;
const fn = (exportName: string) => ({ kind: 'module' as const, specifier: pointUrl, exportName });

const threads = createThreadsScheduler({ workers: 2, log: () => undefined });
const processes = createProcessesScheduler({ workers: 2, log: () => undefined });
afterAll(async () => {
  await threads.close();
  await processes.close();
});

const schedulers: [string, Scheduler][] = [
  ['sync', syncScheduler],
  ['threads', threads],
  ['processes', processes],
];
const pools = schedulers.slice(1);

/** Warnings (message and code) emitted while `run` runs (jest's `process` does not relay them). */
async function warningsDuring<T>(
  run: () => Promise<T>,
): Promise<{ value: T; warnings: { message: string; code: string | undefined }[] }> {
  const warnings: { message: string; code: string | undefined }[] = [];
  const spy = jest.spyOn(process, 'emitWarning').mockImplementation((warning, options) => {
    const code = typeof options === 'object' ? options.code : undefined;
    warnings.push({ message: String(warning), code });
  });
  try {
    return { value: await run(), warnings };
  } finally {
    spy.mockRestore();
  }
}

describe.each(schedulers)('%s: registered classes', (_name, scheduler) => {
  it('returns an instance of a registered class as itself', async () => {
    const g = new Map<string, GraphNode>([['p', task(fn('makePoint'), [3, 4])]]);
    const [p] = await scheduler.get(g, ['p']);
    expect(p).toBeInstanceOf(Point);
    expect((p as Point).norm()).toBe(5);
  });

  it('keeps registered instances nested in arrays, objects and Maps', async () => {
    const g = new Map<string, GraphNode>([['ps', task(fn('makePoints'), [3])]]);
    const [ps] = (await scheduler.get(g, ['ps'])) as [{ list: Point[]; at: Map<string, Point> }];
    expect(ps.list.map((p) => p instanceof Point)).toEqual([true, true, true]);
    expect(ps.list[2].norm()).toBeCloseTo(Math.hypot(2, 2));
    expect(ps.at.get('p')!.norm()).toBe(5);
  });

  it('passes a registered instance into a task as itself (argument and data node)', async () => {
    const g = new Map<string, GraphNode>([
      ['d', data(new Point(6, 8))],
      ['fromArg', task(fn('inspect'), [new Point(3, 4)])],
      ['fromData', task(fn('inspect'), [{ $ref: 'd' }])],
      // A result computed in one worker, read by a task that may run in another.
      ['made', task(fn('makePoint'), [5, 12])],
      ['fromTask', task(fn('inspect'), [{ $ref: 'made' }])],
    ]);
    const out = await scheduler.get(g, ['fromArg', 'fromData', 'fromTask']);
    expect(out.map((o) => (o as { isPoint: boolean }).isPoint)).toEqual([true, true, true]);
    expect(out.map((o) => (o as { norm: number }).norm)).toEqual([5, 10, 13]);
  });
});

// Only source functions here: nothing else makes a fresh worker import point-class.mjs.
const probe = {
  kind: 'source' as const,
  source: '(p) => ({ cls: p.constructor.name, norm: p.norm() })',
  scope: {},
};

describe.each([
  ['threads', createThreadsScheduler],
  ['processes', createProcessesScheduler],
] as const)('%s: a fresh worker imports the module of a class it lacks', (_name, create) => {
  it.each([
    [
      'a data node',
      [
        ['d', data(new Point(6, 8))],
        ['out', task(probe, [{ $ref: 'd' }])],
      ],
    ],
    ['an argument', [['out', task(probe, [new Point(6, 8)])]]],
  ] as const)('for %s', async (_what, nodes) => {
    const pool = create({ workers: 1, log: () => undefined });
    try {
      const g = new Map<string, GraphNode>(nodes);
      expect(await pool.get(g, ['out'])).toEqual([{ cls: 'Point', norm: 10 }]);
    } finally {
      await pool.close();
    }
  });
});

describe.each(pools)('%s: classes without a codec', (name, scheduler) => {
  it('returns the instance as a plain object, warning once per class with the key', async () => {
    const g = new Map<string, GraphNode>([
      ['u1', task(fn('makeUnregistered'), [1])],
      ['u2', task(fn('makeUnregistered'), [2])],
    ]);
    const { value, warnings } = await warningsDuring(() => scheduler.get(g, ['u1', 'u2']));
    expect(value).toEqual([{ v: 1 }, { v: 2 }]);
    const lost = warnings.filter((w) => w.code === 'DASK_TS_LOST_PROTOTYPE');
    // Once per class in this process: the first pool to run this test warns.
    if (name === 'threads') {
      expect(lost).toHaveLength(1);
      expect(lost[0].message).toMatch(/The value of u[12] holds an instance of class Unregistered/);
      expect(lost[0].message).toMatch(
        /registerClass\(Unregistered, \{ module: import\.meta\.url \}\)/,
      );
    } else {
      expect(lost).toHaveLength(0);
    }
  });
});

describe.each(pools)('%s: no pools inside workers', (name, scheduler) => {
  it('runs a compute made inside a task on sync, spawning nothing', async () => {
    const g = new Map<string, GraphNode>([['n', task(fn('nestedCompute'), [41])]]);
    const [out] = (await scheduler.get(g, ['n'])) as [
      { value: number; scheduler: string; inWorker: boolean; pid: number },
    ];
    expect(out).toMatchObject({ value: 42, scheduler: 'sync', inWorker: true });
    if (name === 'processes') {
      expect(out.pid).not.toBe(process.pid);
      expect(childrenOf(out.pid)).toEqual([]);
    }
  });

  it.each(['threads', 'processes'])(
    'refuses a %s pool started inside a task, with a TaskError that says why',
    async (kind) => {
      const g = new Map<string, GraphNode>([['pool', task(fn('explicitPool'), [kind])]]);
      const err = await scheduler.get(g, ['pool']).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(TaskError);
      expect((err as TaskError).key).toBe('pool');
      expect((err as Error).message).toMatch(
        /cannot start its pool inside a dask-ts worker.*'sync'/s,
      );
      if (name === 'processes') {
        for (const w of (scheduler as ReturnType<typeof createProcessesScheduler>).workers) {
          expect(childrenOf(w.id)).toEqual([]);
        }
      }
    },
  );
});

describe('outside a worker', () => {
  it('the main thread is not a worker: the default scheduler stays as registered', async () => {
    const { getScheduler, isInsideWorker } = await import('@dask-ts/protocol');
    expect(isInsideWorker()).toBe(false);
    expect(getScheduler().name).not.toBe('');
  });
});

/** The pids of the live child processes of `pid` (Linux `ps`). */
function childrenOf(pid: number): number[] {
  try {
    const out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
    return out
      .split('\n')
      .map((l) => Number(l.trim()))
      .filter((n) => n > 0);
  } catch {
    return []; // ps exits 1 when there are none
  }
}

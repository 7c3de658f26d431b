// What a task throws or returns reaches the caller unchanged (or changed loudly), on every
// scheduler: error properties and causes, thrown non-Errors, stacks pointing at the user's file.
// Worker entries run from dist: build protocol, graph and worker first (turbo does it in CI).
import { afterAll, describe, expect, it } from '@jest/globals';
import { TaskError, data, task, type GraphNode, type Scheduler } from '@dask-ts/protocol';
import { delayed } from '@dask-ts/graph';
import { createProcessesScheduler, createThreadsScheduler, syncScheduler } from './index.js';
import { src } from './__tests__/graphs.js';

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

async function failure(scheduler: Scheduler, source: string): Promise<TaskError> {
  const g = new Map<string, GraphNode>([
    ['x', data(1)],
    ['y', task(src(source), [{ $ref: 'x' }])],
  ]);
  try {
    await scheduler.get(g, ['y']);
  } catch (err) {
    expect(err).toBeInstanceOf(TaskError);
    return err as TaskError;
  }
  throw new Error('the compute did not fail');
}

describe.each(schedulers)('%s: what a task throws', (_name, scheduler) => {
  it('keeps an error’s own properties (code, errno, custom) on the TaskError and its cause', async () => {
    const e = await failure(
      scheduler,
      `(x) => { throw Object.assign(new Error('no file'), { code: 'ENOENT', errno: -2, retry: { after: x } }); }`,
    );
    const props = e as TaskError & { code: string; errno: number; retry: { after: number } };
    expect(props.code).toBe('ENOENT');
    expect(props.errno).toBe(-2);
    expect(props.retry).toEqual({ after: 1 });
    expect((e.cause as { code: string }).code).toBe('ENOENT');
    expect(e.key).toBe('y');
  });

  it('keeps the cause chain, with properties, and built-in classes', async () => {
    const e = await failure(
      scheduler,
      `() => { throw new Error('outer', { cause: Object.assign(new TypeError('inner'), { code: 'E_IN' }) }); }`,
    );
    const outer = e.cause as Error;
    expect(outer.message).toBe('outer');
    const inner = outer.cause as TypeError & { code: string };
    expect(inner.name).toBe('TypeError');
    expect(inner.message).toBe('inner');
    expect(inner.code).toBe('E_IN');
    expect(inner).toBeInstanceOf(TypeError);
  });

  it.each([
    ['a plain object', '{ code: 42, why: "quota" }', { code: 42, why: 'quota' }],
    ['a string', '"plain string"', 'plain string'],
    ['a number', '7', 7],
    ['undefined', 'undefined', undefined],
  ])('keeps a thrown non-Error (%s) as the cause', async (_what, thrown, expected) => {
    const e = await failure(scheduler, `() => { throw ${thrown}; }`);
    expect(e.name).toBe('NonErrorThrown');
    expect(e.cause).toEqual(expected);
    if (typeof expected === 'object') expect((e as TaskError & { code: number }).code).toBe(42);
  });
});

describe('sync: the original error object', () => {
  it('is the cause itself, with its class', async () => {
    class QuotaError extends Error {
      readonly limit = 10;
    }
    const boom = delayed((n: number) => {
      throw new QuotaError(`over by ${n}`);
    });
    const err = await boom(3)
      .compute({ scheduler: 'sync' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TaskError);
    expect((err as TaskError).cause).toBeInstanceOf(QuotaError);
    expect((err as TaskError & { limit: number }).limit).toBe(10);
  });
});

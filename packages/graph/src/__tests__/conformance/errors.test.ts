// Errors keep their class (issue 8), checked as Dask's `dask/tests/test_local.py` checks that a
// task's exception propagates as itself: on `sync`, `threads` and `processes`, a task's error
// reaches the caller as an instance of its own class where the caller knows that class (built-in
// errors, classes registered with `registerClass`), with `key` and `story`; what cannot be
// rebuilt arrives as a TaskError.
import { afterAll, describe, expect, test } from '@jest/globals';
import { TaskError, isTaskError, type Scheduler } from '@dask-ts/protocol';
import { delayed, moduleRef } from '../../index.js';
import {
  createProcessesScheduler,
  createThreadsScheduler,
  syncScheduler,
} from '../../../../scheduler/src/index.js';
import { QuotaError } from './quota-error.mjs';

const threads = createThreadsScheduler({ workers: 1, log: () => undefined });
const processes = createProcessesScheduler({ workers: 1, log: () => undefined });
afterAll(async () => {
  await threads.close();
  await processes.close();
});

const quotaUrl = new URL('./quota-error.mjs', import.meta.url).href;

const failure = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => {
      throw new Error('expected the compute to fail');
    },
    (e: unknown) => e,
  );

describe.each<[string, Scheduler]>([
  ['sync', syncScheduler],
  ['threads', threads],
  ['processes', processes],
])('%s', (_name, scheduler) => {
  test('test_local.py::test_exceptions_propagate (built-in classes)', async () => {
    const bad = delayed(function explode(n: number): never {
      throw Object.assign(new RangeError(`too big: ${n}`), { code: 'E_BIG' });
    })(3);
    const e = await failure(bad.compute({ scheduler }));
    expect(e).toBeInstanceOf(RangeError);
    expect(e).toBeInstanceOf(TaskError);
    expect(isTaskError(e)).toBe(true);
    if (!(e instanceof RangeError) || !isTaskError(e)) return;
    expect(e.message).toBe('too big: 3');
    expect(e.name).toBe('RangeError');
    expect(e.key).toBe(bad.key);
    expect(e.story.length).toBeGreaterThan(0);
    expect((e as unknown as { code: string }).code).toBe('E_BIG');
    expect(e.cause).toBeInstanceOf(RangeError);
    expect(e.stack).toMatch(/explode/);

    const typeError = await failure(
      delayed((x: unknown) => (x as { f: () => void }).f())(null).compute({ scheduler }),
    );
    expect(typeError).toBeInstanceOf(TypeError);
  });

  test('test_local.py::test_exceptions_propagate (registered classes)', async () => {
    const over = delayed(moduleRef(quotaUrl, 'overQuota'))(3);
    const e = await failure(over.compute({ scheduler }));
    expect(e).toBeInstanceOf(QuotaError);
    expect((e as QuotaError).limit).toBe(10);
    expect((e as QuotaError).message).toBe('over quota by 3');
    expect((e as TaskError).key).toBe(over.key);
  });

  test('test_local.py::test_exceptions_propagate (what cannot be rebuilt)', async () => {
    const nonError = await failure(
      delayed((): never => {
        throw { code: 42 };
      })().compute({ scheduler }),
    );
    expect(nonError).toBeInstanceOf(TaskError);
    expect((nonError as TaskError).constructor).toBe(TaskError);
    expect((nonError as TaskError).cause).toEqual({ code: 42 });
  });
});

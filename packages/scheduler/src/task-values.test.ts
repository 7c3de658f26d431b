// What a task throws or returns reaches the caller unchanged (or changed loudly), on every
// scheduler: error properties and causes, thrown non-Errors, stacks pointing at the user's file.
// Worker entries run from dist: build protocol, graph and worker first (turbo does it in CI).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from '@jest/globals';
import {
  FunctionRefError,
  TaskError,
  data,
  task,
  type GraphNode,
  type Scheduler,
} from '@dask-ts/protocol';
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

describe('stack traces of source functions', () => {
  it("point at the user's file, line and column on every scheduler", async () => {
    const script = fileURLToPath(new URL('./__tests__/stack-origin.mjs', import.meta.url));
    const line =
      readFileSync(script, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('THROW_LINE')) + 1;
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [script], { timeout: 60_000 }, (err, out, errOut) =>
        err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out),
      );
    });
    const stacks = JSON.parse(stdout) as Record<string, string>;
    for (const name of ['sync', 'threads', 'processes']) {
      const frame = stacks[name].split('\n')[1];
      expect(`${name}: ${frame}`).toContain(`${name}: `);
      expect(frame).toContain(`stack-origin.mjs:${line}:20`);
      expect(frame).not.toContain('dask-ts-source:');
    }
  }, 90_000);
});

describe.each(schedulers)('%s: functions passed in scope', (_name, scheduler) => {
  it('ships them as helpers (that may use each other and scope values)', async () => {
    const factor = 3;
    const clamp = (v: number): number => Math.min(v, limit);
    const limit = 10;
    function scale(v: number): number {
      return clamp(v * factor);
    }
    class Acc {
      total = 0;
      add(v: number): this {
        this.total += v;
        return this;
      }
    }
    const f = delayed((xs: number[]) => xs.map(scale).reduce((a, v) => a.add(v), new Acc()).total, {
      scope: { scale, clamp, factor, limit, Acc },
    });
    expect(await f([1, 2, 5]).compute({ scheduler })).toBe(3 + 6 + 10);
  });

  it('ships standard native functions by name, alone or in scope', async () => {
    const sqrt = Math.sqrt;
    const root = delayed((x: number) => sqrt(x), { scope: { sqrt } });
    expect(await root(16).compute({ scheduler })).toBe(4);
    expect(await delayed(JSON.parse)('{"a":[1,2]}').compute({ scheduler })).toEqual({ a: [1, 2] });
  });

  it('runs the documented alternative to an imported helper: import inside the function', async () => {
    const digest = delayed(async (s: string) => {
      const { createHash } = await import('node:crypto');
      return createHash('sha256').update(s).digest('hex').slice(0, 8);
    });
    expect(await digest('abc').compute({ scheduler })).toBe('ba7816bf');
  });
});

describe('functions in scope that cannot be shipped', () => {
  it('are refused when the reference is made, saying what to do', async () => {
    const { createHash } = await import('node:crypto');
    const hash = (s: string): string => createHash('sha1').update(s).digest('hex');
    const err = (() => {
      try {
        delayed(hash, { scope: { createHash } });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(FunctionRefError);
    expect((err as Error).message).toMatch(/'createHash'/);
    expect((err as Error).message).toMatch(/await import\(/);
    expect((err as Error).message).toMatch(/moduleRef/);
    const clone = structuredClone;
    expect(() => delayed((x: number) => clone(x), { scope: { clone } })).toThrow(
      /native code \(structuredClone\)/,
    );
    const opts = { round: Math.round };
    expect(() => delayed((x: number) => opts.round(x), { scope: { opts } })).toThrow(
      /'opts\.round' is a function inside another value/,
    );
  });
});

describe('moduleRef to the entry script', () => {
  it('is refused at once, and never deadlocks the in-thread scheduler', async () => {
    const script = fileURLToPath(new URL('./__tests__/entry-ref.mjs', import.meta.url));
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [script], { timeout: 60_000 }, (err, out, errOut) =>
        err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out),
      );
    });
    const out = JSON.parse(stdout) as { refused?: string; sync?: string };
    expect(out.refused).toMatch(/^FunctionRefError: .*names the entry script/);
    expect(out.refused).toMatch(/into a module of their own/);
    expect(out.sync).toMatch(/is the entry script/);
  }, 90_000);
});

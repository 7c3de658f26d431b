// One function resolver for every place a function reference is resolved: the in-thread
// scheduler, worker threads, worker processes, and a bag kernel given a module or builtin
// reference as its argument. Each case must behave alike everywhere and fail with one text
// (the task's key is named around it: `Task y: ` on sync, `Task y failed: FunctionRefError: `
// from a worker or a kernel). Needs the built dist of protocol, graph, worker, scheduler and bag.
import { afterAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  data,
  ref,
  task,
  type PortableFunctionRef,
  type GraphNode,
  type Scheduler,
} from '@dask-ts/protocol';
import {
  createProcessesScheduler,
  createThreadsScheduler,
  syncScheduler,
} from '@dask-ts/scheduler';
import { fromSequence } from '../index.js';

const here = new URL('./fixtures/resolver/', import.meta.url);
const fns = new URL('fns.mjs', here).href;
const broken = new URL('broken.mjs', here).href;
const typed = new URL('typed.ts', here).href;

const threads = createThreadsScheduler({ workers: 1 });
const processes = createProcessesScheduler({ workers: 1 });
const schedulers: [string, Scheduler][] = [
  ['sync', syncScheduler],
  ['threads', threads],
  ['processes', processes],
];

afterAll(async () => {
  await threads.close?.();
  await processes.close?.();
});

/** The resolver's own text: what surrounds it (the key, the error's name) taken off. */
function body(message: string): string {
  return message.replace(/^Task .*? failed: FunctionRefError: /, '').replace(/^Task y: /, '');
}

async function asTask(s: Scheduler, fn: PortableFunctionRef): Promise<unknown> {
  const g = new Map<string, GraphNode>([
    ['x', data(4)],
    ['y', task(fn, [ref('x')])],
  ]);
  return (await s.get(g, ['y']))[0];
}

async function inKernel(s: Scheduler, fn: PortableFunctionRef): Promise<unknown> {
  return (await fromSequence([4], { npartitions: 1 }).map(fn).compute({ scheduler: s }))[0];
}

const succeeding: [string, PortableFunctionRef, unknown][] = [
  ['a module ref', { kind: 'module', specifier: fns, exportName: 'inc' }, 5],
  [
    'a builtin ref with its module',
    { kind: 'builtin', name: 'test.resolver.negate', module: fns },
    -4,
  ],
  [
    'a TypeScript module (tsx in Node)',
    { kind: 'module', specifier: typed, exportName: 'tenfold' },
    40,
  ],
];

const failing: [string, PortableFunctionRef, string][] = [
  [
    'a missing export',
    { kind: 'module', specifier: fns, exportName: 'nope' },
    `Module '${fns}' has no function export 'nope' (no such export)`,
  ],
  [
    'an export that is not a function',
    { kind: 'module', specifier: fns, exportName: 'notAFunction' },
    `Module '${fns}' has no function export 'notAFunction' (it is a number)`,
  ],
  [
    'a failed import',
    { kind: 'module', specifier: broken, exportName: 'f' },
    `Cannot load function 'f' from module '${broken}': broken.mjs refuses to load`,
  ],
  [
    'a builtin whose module does not register it',
    { kind: 'builtin', name: 'test.resolver.absent', module: fns },
    `Builtin 'test.resolver.absent' is not registered, even after importing its module '${fns}'`,
  ],
  [
    'a builtin without a module',
    { kind: 'builtin', name: 'test.resolver.absent' },
    "Builtin 'test.resolver.absent' is not registered here, and its reference names no module that registers it: import the package that registers it, or give the reference its module",
  ],
];

describe.each(schedulers)('%s', (name, s) => {
  test.each(succeeding)('%s resolves, as a task and in a kernel', async (_what, fn, expected) => {
    expect(await asTask(s, fn)).toBe(expected);
    expect(await inKernel(s, fn)).toBe(expected);
  });

  test('a source ref with scope resolves alike', async () => {
    const fn: PortableFunctionRef = {
      kind: 'source',
      source: '(x) => x * k + off',
      scope: { k: 3, off: 1 },
    };
    expect(await asTask(s, fn)).toBe(13);
    // A kernel is given a source function as an inline call the scheduler resolves.
    const k = 3;
    const off = 1;
    expect(
      await fromSequence([4], { npartitions: 1 })
        .map((x: number) => x * k + off, { scope: { k, off } })
        .compute({ scheduler: s }),
    ).toEqual([13]);
  });

  test.each(failing)(
    '%s fails with one text, as a task and in a kernel',
    async (_what, fn, text) => {
      const asT = (await asTask(s, fn).then(
        () => new Error('no error'),
        (e: unknown) => e,
      )) as Error;
      const inK = (await inKernel(s, fn).then(
        () => new Error('no error'),
        (e: unknown) => e,
      )) as Error;
      expect(body(asT.message)).toEqual(text);
      expect(body(inK.message)).toEqual(text);
      // The task is named: by the in-thread resolver, or with the worker's failure report.
      expect(asT.message).toMatch(
        name === 'sync' ? /^Task y: / : /^Task y failed: FunctionRefError: /,
      );
    },
  );
});

describe('the entry script', () => {
  test('is refused with one text by sync, threads, processes and a bag kernel, never run again', async () => {
    const script = fileURLToPath(new URL('entry-refusal.mjs', here));
    const stdout = await new Promise<string>((resolve, reject) => {
      // A fresh environment: the entry is the script itself, not this test runner.
      const env = { ...process.env };
      delete env.DASK_TS_ENTRY;
      execFile(process.execPath, [script], { timeout: 90_000, env }, (err, out, errOut) =>
        err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out),
      );
    });
    const out = JSON.parse(stdout) as Record<string, string>;
    const self = new URL('entry-refusal.mjs', here).href;
    const text = `Cannot load function 'f' from module '${self}': '${self}' is the entry script (the file node was started with): a worker would run its top-level code again, and this thread would wait for itself. Move the functions into a module of their own and reference that module instead`;
    expect(Object.keys(out).sort()).toEqual(
      ['processes', 'sync', 'threads'].flatMap((n) => [`${n} kernel`, `${n} task`]).sort(),
    );
    for (const message of Object.values(out)) expect(body(message)).toBe(text);
  }, 120_000);
});

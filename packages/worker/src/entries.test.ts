// The built entry files in a real worker thread and a real child process: they speak the protocol
// (hello, put, compute with module, TypeScript and builtin refs, gather with release, a malformed
// message that is refused without harm, close) and exit by themselves. jest's transform does not
// reach threads or processes, so these run dist/ (built here when missing or older than src/).
// A process entry also leaves when its parent dies, even while a task spins (its watchdog thread).
// Deadlines are generous: CI runs every package's tests at once on 2 cores.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fork, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FromWorker, ToWorker } from '@dask-ts/protocol';
import { PROTOCOL_VERSION, packCompute } from '@dask-ts/protocol';

/** How long a worker may take to answer or exit on a loaded machine. */
const DEADLINE_MS = 60_000;
/** A test's own deadline: room for a few of the above. */
const TEST_MS = 150_000;

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const srcDir = fileURLToPath(new URL('.', import.meta.url));
const distDir = fileURLToPath(new URL('../dist/', import.meta.url));
const fixtures = new URL('../test/fixtures/', import.meta.url);
const kernels = new URL('kernels.mjs', fixtures).href;
const typedKernels = new URL('typed-kernels.ts', fixtures).href;

function ensureBuilt(): void {
  const stale = readdirSync(srcDir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .some((f) => {
      const js = `${distDir}${f.replace(/\.ts$/, '.js')}`;
      return !existsSync(js) || statSync(js).mtimeMs < statSync(`${srcDir}${f}`).mtimeMs;
    });
  if (!stale) return;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: packageDir,
    stdio: 'pipe',
  });
}

/** Messages in arrival order; `next()` waits for the next one, with a deadline. */
class Inbox {
  private readonly queue: FromWorker[] = [];
  private readonly waiting: Array<(m: FromWorker) => void> = [];
  push = (m: FromWorker): void => {
    const w = this.waiting.shift();
    if (w) w(m);
    else this.queue.push(m);
  };
  next(ms = DEADLINE_MS): Promise<FromWorker> {
    const m = this.queue.shift();
    if (m !== undefined) return Promise.resolve(m);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('no message from the worker within the deadline')),
        ms,
      );
      this.waiting.push((x) => {
        clearTimeout(timer);
        resolve(x);
      });
    });
  }
}

function exited(target: Worker | ChildProcess, ms = DEADLINE_MS): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('the worker did not exit within the deadline')),
      ms,
    );
    target.once('exit', (code: number | null) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

const tasks: ToWorker = packCompute([
  {
    key: 'sum',
    fn: { kind: 'module', specifier: kernels, exportName: 'sumArray' },
    args: [{ $ref: 'xs' }],
    deps: ['xs'],
  },
  {
    key: 'ten',
    fn: { kind: 'module', specifier: typedKernels, exportName: 'tenfold' },
    args: [{ $ref: 'sum' }],
    deps: ['sum'],
  },
  {
    key: 'neg',
    fn: { kind: 'builtin', name: 'test.typed-negate', module: typedKernels },
    args: [{ $ref: 'ten' }],
    deps: ['ten'],
  },
  {
    key: 'floats',
    fn: { kind: 'module', specifier: kernels, exportName: 'makeFloats' },
    args: [4],
    deps: [],
  },
  // Leaves an interval running: the worker must still exit after close.
  {
    key: 'timer',
    fn: { kind: 'module', specifier: kernels, exportName: 'leaveTimer' },
    args: [0],
    deps: [],
  },
  {
    key: 'bad',
    fn: {
      kind: 'source',
      source: '(n) => { throw new TypeError("bad " + n); }',
      scope: {},
      name: 'thrower',
    },
    args: [{ $ref: 'neg' }],
    deps: ['neg'],
  },
]);

/** The conversation both entries must hold. */
async function converse(send: (m: unknown) => void, inbox: Inbox, name: string): Promise<void> {
  const hello = await inbox.next();
  expect(hello).toMatchObject({ op: 'hello', worker: name, version: PROTOCOL_VERSION });
  send({ op: 'put', keys: ['xs'], values: [[1, 2, 3, 4]] });
  send({ op: 'compute', keys: [42] }); // malformed: refused, the worker goes on
  send(tasks);
  send({ op: 'gather', id: 9, keys: ['neg', 'floats', 'nope'], release: true });
  // One report, or several when the batch ran long enough to report early (a loaded machine).
  const keys: string[] = [];
  const nbytes: number[] = [];
  while (keys.length < 5) {
    const report = await inbox.next();
    expect(report).toMatchObject({ op: 'finished', ms: expect.any(Number) });
    if (report.op !== 'finished') break;
    keys.push(...report.keys);
    nbytes.push(...report.nbytes);
  }
  expect(keys).toEqual(['sum', 'ten', 'neg', 'floats', 'timer']);
  expect(nbytes).toEqual([8, 8, 8, 32, 8]);
  const erred = await inbox.next();
  expect(erred).toMatchObject({
    op: 'erred',
    key: 'bad',
    error: { name: 'TypeError', message: 'bad -100' },
  });
  const gathered = await inbox.next();
  if (gathered.op !== 'gathered') throw new Error(`expected gathered, got ${gathered.op}`);
  expect(gathered.keys).toEqual(['neg', 'floats']);
  expect(gathered.missing).toEqual(['nope']);
  expect(gathered.values[0]).toBe(-100);
  expect(Object.prototype.toString.call(gathered.values[1])).toBe('[object Float64Array]');
  expect(Array.from(gathered.values[1] as Float64Array)).toEqual([0, 0.5, 1, 1.5]);
  // Released by the gather: asking again finds nothing.
  send({ op: 'gather', id: 10, keys: ['floats', 'sum'], release: false });
  expect(await inbox.next()).toEqual({
    op: 'gathered',
    id: 10,
    keys: ['sum'],
    values: [10],
    missing: ['floats'],
  });
  send({ op: 'close' });
}

beforeAll(() => ensureBuilt(), TEST_MS);

describe('thread entry', () => {
  let worker: Worker | undefined;
  afterAll(async () => {
    await worker?.terminate();
  });

  it(
    'speaks the protocol in a real worker thread and exits on close',
    async () => {
      worker = new Worker(new URL('../dist/thread-entry.js', import.meta.url), {
        workerData: { name: 'thread-test' },
        stderr: true,
      });
      let stderr = '';
      worker.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const inbox = new Inbox();
      worker.on('message', inbox.push);
      const exit = exited(worker);
      await converse((m) => worker!.postMessage(m), inbox, 'thread-test');
      expect(await exit).toBe(0);
      worker = undefined;
      expect(stderr).toContain(
        'dask-ts worker thread-test: ignored a message: Malformed message from scheduler: fns: expected an array, got undefined',
      );
    },
    TEST_MS,
  );
});

describe('process entry', () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });

  it(
    'speaks the protocol in a real child process and exits on close',
    async () => {
      const child = fork(
        fileURLToPath(new URL('../dist/process-entry.js', import.meta.url)),
        ['process-test'],
        {
          serialization: 'advanced',
          stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        },
      );
      children.push(child);
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const inbox = new Inbox();
      child.on('message', (m) => inbox.push(m as FromWorker));
      const exit = exited(child);
      await converse((m) => child.send(m as object), inbox, 'process-test');
      expect(await exit).toBe(0);
      expect(stderr).toContain(
        'dask-ts worker process-test: ignored a message: Malformed message from scheduler: fns: expected an array, got undefined',
      );
    },
    TEST_MS,
  );

  it(
    'exits when its parent disconnects',
    async () => {
      const proc = fork(
        fileURLToPath(new URL('../dist/process-entry.js', import.meta.url)),
        ['orphan'],
        {
          serialization: 'advanced',
          stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
        },
      );
      children.push(proc);
      const inbox = new Inbox();
      proc.on('message', (m) => inbox.push(m as FromWorker));
      const exit = exited(proc);
      expect((await inbox.next()).op).toBe('hello');
      proc.disconnect();
      expect(await exit).toBe(0);
    },
    TEST_MS,
  );

  it(
    'is killed by its watchdog when its parent dies while a task spins',
    async () => {
      // The parent (a fixture) forks an entry, starts a task that never returns, prints the
      // child's pid and exits without touching the child.
      const parent = fork(fileURLToPath(new URL('spinning-orphan.mjs', fixtures)), [], {
        stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      });
      children.push(parent);
      let out = '';
      parent.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      expect(await exited(parent)).toBe(0);
      const pid = Number(/child (\d+)/.exec(out)?.[1]);
      expect(pid).toBeGreaterThan(0);
      await expect(gone(pid, DEADLINE_MS)).resolves.toBe(true);
    },
    TEST_MS,
  );
});

/** Whether process `pid` is gone within `ms` (polled; an exited zombie is not ours to reap). */
async function gone(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

// Lifecycles an app relies on, checked on real scripts (src/__tests__/lifecycle-app.mjs, run with
// node from dist/): `close()` and `closeSchedulers()` resolve and the code after them runs; no
// worker process survives its parent — after an aborted infinite task and the script's end, or a
// SIGTERM — and none holds the parent's stdout open; successful runs print nothing on stderr.
// Pools in this process: `close()` leaves no worker process behind (checked by pid), and the
// memory limit and exit reasons say why a worker died. Deadlines are generous: CI runs every
// package's tests at once on 2 cores.
import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { data, ref, task, type GraphNode } from '@dask-ts/protocol';
import { createProcessesScheduler, createThreadsScheduler } from './index.js';
import { src } from './__tests__/graphs.js';

/** How long a script or a worker may take to start, answer or exit on a loaded machine. */
const DEADLINE_MS = 60_000;
const TEST_MS = 180_000;
const APP = fileURLToPath(new URL('./__tests__/lifecycle-app.mjs', import.meta.url));

function requireBuilt(): void {
  if (!existsSync(fileURLToPath(new URL('../dist/index.js', import.meta.url))))
    throw new Error('Build @dask-ts/scheduler first (npm run build): this test runs dist/');
}

interface AppRun {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  pids: number[];
}

/**
 * Runs the app until its stdout and stderr close (an orphan holding them would keep them open);
 * `onPids` is called once the app has printed its workers' pids.
 */
function runApp(args: string[], onPids?: (pid: number) => void): Promise<AppRun> {
  requireBuilt();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [APP, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    let stdout = '';
    let stderr = '';
    let pids: number[] = [];
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`lifecycle-app ${args.join(' ')} did not finish: ${stdout} ${stderr}`));
    }, DEADLINE_MS);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = /pids (\[[^\]]*\])/.exec(stdout);
      if (m !== null && pids.length === 0) {
        pids = JSON.parse(m[1]) as number[];
        onPids?.(child.pid!);
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // 'close': the process exited and every holder of its stdout and stderr is gone.
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, pids });
    });
  });
}

/** Whether process `pid` is gone within `ms`. */
async function gone(pid: number, ms = DEADLINE_MS): Promise<boolean> {
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

async function allGone(pids: readonly number[]): Promise<boolean[]> {
  return Promise.all(pids.map((p) => gone(p)));
}

describe.each(['threads', 'processes'])('a script on %s', (pool) => {
  it.each(['close', 'close-all'])(
    'runs the code after %s, exits 0 and prints nothing on stderr',
    async (mode) => {
      const run = await runApp([pool, mode]);
      expect(run.stderr).toBe('');
      expect(run.stdout).toBe('21 after close\n');
      expect(run.code).toBe(0);
    },
    TEST_MS,
  );

  it(
    'ends after an aborted infinite task, leaving no worker and no open stdout',
    async () => {
      const run = await runApp([pool, 'abort-and-end']);
      expect(run.stdout).toMatch(/AbortError\n$/);
      expect(run.code).toBe(0);
      expect(run.pids).toHaveLength(2);
      if (pool === 'processes') expect(await allGone(run.pids)).toEqual([true, true]);
    },
    TEST_MS,
  );
});

describe('a processes script killed with SIGTERM', () => {
  it(
    'leaves no worker behind, even one spinning in a task',
    async () => {
      const run = await runApp(['processes', 'spin'], (pid) => process.kill(pid, 'SIGTERM'));
      expect(run.signal).toBe('SIGTERM');
      expect(run.pids).toHaveLength(2);
      expect(await allGone(run.pids)).toEqual([true, true]);
    },
    TEST_MS,
  );
});

describe('pools in this process', () => {
  const spin = new Map<string, GraphNode>([['s', task(src('() => { for (;;) {} }'), [])]]);
  const small = new Map<string, GraphNode>([
    ['x', data(1)],
    ['y', task(src('(x) => x + 1'), [ref('x')])],
  ]);

  it(
    'close() resolves and leaves no worker process, even one busy in a task',
    async () => {
      const procs = createProcessesScheduler({ workers: 2, log: () => undefined });
      expect(await procs.get(small, ['y'])).toEqual([2]);
      const pending = procs.get(spin, ['s']).catch((e: unknown) => e);
      const pids = procs.workers.map((w) => w.id);
      await procs.close();
      expect(await pending).toBeInstanceOf(Error);
      expect(await allGone(pids)).toEqual([true, true]);
    },
    TEST_MS,
  );

  it('refuses a memory limit that is not a positive whole number, naming it', () => {
    expect(() => createThreadsScheduler({ memoryLimitMb: 0 })).toThrow(/memoryLimitMb/);
    expect(() => createProcessesScheduler({ memoryLimitMb: 1.5 })).toThrow(/memoryLimitMb/);
  });

  const hog = new Map<string, GraphNode>([
    [
      'hog',
      task(
        src('() => { const xs = []; for (;;) xs.push(new Array(100000).fill(Math.random())); }'),
        [],
      ),
    ],
  ]);

  it.each([
    ['threads', createThreadsScheduler],
    ['processes', createProcessesScheduler],
  ] as const)(
    'on %s, a worker that reaches memoryLimitMb is reported as out of memory',
    async (_name, make) => {
      const lines: string[] = [];
      const pool = make({
        workers: 1,
        memoryLimitMb: 48,
        maxRetries: 0,
        log: (l) => lines.push(l),
      });
      try {
        await expect(pool.get(hog, ['hog'])).rejects.toThrow();
        expect(lines.join('\n')).toMatch(
          /ran out of memory: it reached its heap limit of 48 MiB \(memoryLimitMb\)/,
        );
      } finally {
        await pool.close();
      }
    },
    TEST_MS,
  );

  it.each([
    ['threads', createThreadsScheduler, /thread thread-\d+ exited with code 7/],
    ['processes', createProcessesScheduler, /process process-\d+ \(pid \d+\) exited with code 7/],
  ] as const)(
    'on %s, a worker that exits is reported with its exit code',
    async (_name, make, expected) => {
      const lines: string[] = [];
      const pool = make({ workers: 1, maxRetries: 0, log: (l) => lines.push(l) });
      const exit = new Map<string, GraphNode>([['e', task(src('() => process.exit(7)'), [])]]);
      try {
        await expect(pool.get(exit, ['e'])).rejects.toThrow();
        expect(lines.join('\n')).toMatch(expected);
      } finally {
        await pool.close();
      }
    },
    TEST_MS,
  );
});

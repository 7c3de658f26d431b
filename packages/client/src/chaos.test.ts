// The short version of the `dist-chaos` soak (apps/bench): worker processes on loopback compute
// independent chains of spinning tasks while one worker is SIGKILLed (and a fresh one started in
// its place) after 2 s; the result is still correct, and nothing is left running.
import { afterAll, describe, expect, it } from '@jest/globals';
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { compute, delayed, type Delayed } from '@dask-ts/graph';
import { Client } from './index.js';
import { startScheduler } from '@dask-ts/distributed';
import { alive, eventually, openHandles } from '../../../tooling/test-leaks.js';

const entry = createRequire(import.meta.url).resolve('@dask-ts/distributed/worker-main');
const pids: number[] = [];

afterAll(async () => {
  await eventually(() => pids.every((p) => !alive(p)), 10_000, 'every worker process to exit');
  await eventually(
    () => openHandles().length === 0,
    10_000,
    `no open handles (${openHandles().join(', ')})`,
  );
});

function startWorkerProcess(address: string, name: string): Promise<ChildProcess> {
  const child = fork(entry, [address, '1', name], {
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    env: { ...process.env, DASK_TS_HEARTBEAT_MS: '200' },
  });
  pids.push(child.pid!);
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code, signal) =>
      reject(new Error(`worker ${name} exited before it connected (${signal ?? code})`)),
    );
  });
}

function exited(child: ChildProcess): Promise<unknown> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', resolve));
}

describe('chaos', () => {
  it('computes correctly while a worker is SIGKILLed and replaced', async () => {
    await using server = await startScheduler({
      heartbeatMs: 200,
      heartbeatTimeoutMs: 2000,
      maxRetries: 10,
      log: () => undefined,
    });
    const workers = await Promise.all(
      ['x-0', 'x-1', 'x-2'].map((n) => startWorkerProcess(server.address, n)),
    );
    await using client = await Client.connect(server.address, { asDefault: false });
    const step = delayed((x: number, ms: number) => {
      const end = Date.now() + ms;
      while (Date.now() < end);
      return x + 1;
    });
    const chains: Delayed<number>[] = Array.from({ length: 20 }, (_, i) => {
      let x: Delayed<number> | number = 2 * i;
      for (let s = 0; s < 10; s++) x = step(x, 40);
      return x as Delayed<number>;
    });
    const result = compute(...chains, { scheduler: client }) as Promise<number[]>;
    await new Promise((r) => setTimeout(r, 2000));
    workers[0].kill('SIGKILL');
    workers.push(await startWorkerProcess(server.address, 'x-3'));
    const out = await result;
    expect(out).toEqual(Array.from({ length: 20 }, (_, i) => 2 * i + 10));
    await client.close();
    await server.close();
    await Promise.all(workers.map(exited));
  }, 120_000);
});

// A scheduler that dies and comes back at the same address: a client with work pending is told
// it lost the scheduler (naming the address), and a worker node connects again by itself, serving
// the new scheduler's clients under its own name. Real processes and sockets on loopback; the
// scheduler runs in a child process so the test can SIGKILL it.
import { afterAll, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Client } from './index.js';
import { startWorker, type WorkerNode } from '@dask-ts/distributed';
import { alive, eventually, openHandles } from '../../../tooling/test-leaks.js';

const CHILD = fileURLToPath(new URL('./__tests__/scheduler-child.mjs', import.meta.url));
const children: ChildProcess[] = [];

/** A scheduler in a child process on `port` (0: any); resolves with its address. */
function schedulerProcess(port: number): Promise<{ child: ChildProcess; address: string }> {
  const child = spawn(process.execPath, [CHILD, String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error('the scheduler child did not start in 20 s')),
      20_000,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve({ child, address: line.trim() });
      }
    });
    child.once('exit', (code) => reject(new Error(`the scheduler child exited with ${code}`)));
  });
}

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await eventually(
    () => children.every((c) => !alive(c.pid!)),
    10_000,
    'scheduler children to exit',
  );
  await eventually(
    () => openHandles().length === 0,
    10_000,
    `no open handles (${openHandles().join(', ')})`,
  );
}, 30_000);

it('a worker connects again to a restarted scheduler; a client with work pending is told it lost it', async () => {
  const first = await schedulerProcess(0);
  const port = Number(first.address.split(':').pop());
  const lines: string[] = [];
  let node: WorkerNode | undefined;
  try {
    node = await startWorker(first.address, {
      name: 'phoenix',
      heartbeatMs: 100,
      heartbeatTimeoutMs: 1500,
      reconnectTimeoutMs: 30_000,
      log: (line) => lines.push(line),
    });
    const before = await Client.connect(first.address, {
      asDefault: false,
      heartbeatMs: 100,
      heartbeatTimeoutMs: 1500,
    });
    try {
      expect(await before.submit((x: number) => x + 1, 1)).toBe(2);
      const pending = before.submit(async () => {
        await new Promise((r) => setTimeout(r, 20_000));
        return 'never';
      });
      await new Promise((r) => setTimeout(r, 200));
      first.child.kill('SIGKILL');
      await expect(pending.result()).rejects.toThrow(/lost the scheduler at tcp:\/\/127\.0\.0\.1/);
    } finally {
      await before.close();
    }
    // The same address again: the worker finds it on its own.
    const second = await schedulerProcess(port);
    expect(second.address).toBe(first.address);
    await eventually(
      () => lines.some((l) => l.includes('phoenix: connected again')),
      20_000,
      `the worker to connect again (its log: ${lines.join(' | ')})`,
    );
    const after = await Client.connect(second.address, { asDefault: false });
    try {
      expect(Object.keys(await after.run(() => 1))).toEqual(['phoenix']);
      expect(await after.submit((x: number) => x * 3, 14)).toBe(42);
    } finally {
      await after.close();
    }
    second.child.kill('SIGTERM');
  } finally {
    await node?.close();
  }
}, 90_000);

// Worker nodes with a memory limit, as real processes on loopback: results larger than the limit
// are computed by spilling (the spill folder appears, and is gone after close), the node pauses
// and resumes (seen in the scheduler's status), and a task that allocates past the limit has its
// thread restarted until the lost-retry limit fails it, naming the task and the workers it took
// down. Also: sizes are parsed, and bad ones named.
import { afterAll, describe, expect, it } from '@jest/globals';
import { fork } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, wait } from './index.js';
import { parseBytes, startScheduler, startWorker } from '@dask-ts/distributed';
import { alive, eventually, openHandles } from '../../../tooling/test-leaks.js';

const pids: number[] = [];
const roots: string[] = [];
const quiet = (): void => undefined;

afterAll(async () => {
  await eventually(() => pids.every((p) => !alive(p)), 10_000, 'every worker process to exit');
  await eventually(
    () => openHandles().length === 0,
    10_000,
    `no open handles (${openHandles().join(', ')})`,
  );
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function root(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dist-memory-test-'));
  roots.push(dir);
  return dir;
}

/** Every file under `dir`, recursively. */
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name);
}

describe('memory sizes', () => {
  it('reads bytes and sizes with units, and names a bad one', () => {
    expect(parseBytes('512MiB')).toBe(512 * 2 ** 20);
    expect(parseBytes('4GiB')).toBe(4 * 2 ** 30);
    expect(parseBytes('2GB')).toBe(2e9);
    expect(parseBytes('1.5 kib')).toBe(1536);
    expect(parseBytes(1000)).toBe(1000);
    expect(() => parseBytes('4XB')).toThrow(/memoryLimit must be .* got '4XB'/);
    expect(() => parseBytes(0)).toThrow(/at least one byte, got 0/);
    expect(() => parseBytes('')).toThrow(/got ''/);
  });

  it('refuses a worker or a local cluster with a bad memory limit, naming it', async () => {
    await expect(startWorker('tcp://127.0.0.1:1', { memoryLimit: 'lots' })).rejects.toThrow(
      /memoryLimit .* got 'lots'/,
    );
    await expect(Client.local({ memoryLimit: '-1GiB' })).rejects.toThrow(/got '-1GiB'/);
  });
});

describe('a worker node with a memory limit', () => {
  it('computes results larger than its limit by spilling, pausing and resuming', async () => {
    const spillDir = root();
    await using client = await Client.local({
      nWorkers: 1,
      memoryLimit: '256MiB',
      spillDir,
      asDefault: false,
    });
    pids.push(...client.localCluster!.pids);
    const server = client.localCluster!.server;
    const seen = new Set<string>();
    const poll = setInterval(() => {
      const w = server.status().workers[0];
      if (w?.paused !== undefined) seen.add(w.paused ? 'paused' : 'running');
      if ((w?.memory?.spilled ?? 0) > 0) seen.add('spilled');
    }, 20);
    try {
      // 48 results of 8 MiB (384 MiB), held by their futures, then summed pairwise.
      const leaves = Array.from({ length: 48 }, (_, i) =>
        client.submit((v: number) => new Float64Array(1 << 20).fill(v), i),
      );
      await wait(leaves);
      expect(files(spillDir).some((f) => f.endsWith('.bin'))).toBe(true);
      let level = leaves;
      while (level.length > 1) {
        const next = [];
        for (let i = 0; i < level.length; i += 2) {
          if (i + 1 === level.length) next.push(level[i]);
          else
            next.push(
              client.submit(
                (a: Float64Array, b: Float64Array) => a.map((x, j) => x + b[j]),
                level[i],
                level[i + 1],
              ),
            );
        }
        level = next;
      }
      const total = client.submit((x: Float64Array) => x[12345], level[0]);
      expect(await total.result()).toBe((47 * 48) / 2);
    } finally {
      clearInterval(poll);
    }
    expect(seen).toEqual(new Set(['running', 'paused', 'spilled']));
    const w = server.status().workers[0];
    expect(w.memory).toMatchObject({ limit: 256 * 2 ** 20 });
    await client.close();
    expect(readdirSync(spillDir)).toEqual([]);
  }, 180_000);

  it('restarts a thread that allocates past the limit; the task fails after its retries', async () => {
    await using server = await startScheduler({ maxRetries: 1, log: quiet });
    const entry = createRequire(import.meta.url).resolve('@dask-ts/distributed/worker-main');
    const spillDir = root();
    const child = fork(entry, [server.address, '1', 'mem-w'], {
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      env: {
        ...process.env,
        DASK_TS_MEMORY_LIMIT: '256MiB',
        DASK_TS_SPILL_DIR: spillDir,
        MALLOC_MMAP_THRESHOLD_: '65536',
      },
    });
    pids.push(child.pid!);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await new Promise((resolve) => child.once('message', resolve));
    await using client = await Client.connect(server.address, { asDefault: false });
    const hog = client.submit(() => {
      const keep: Float64Array[] = [];
      const nap = new Int32Array(new SharedArrayBuffer(4));
      for (let i = 0; i < 400; i++) {
        keep.push(new Float64Array(1 << 20).fill(i)); // 8 MiB more each time
        Atomics.wait(nap, 0, 0, 10);
      }
      return keep.length;
    });
    const err = (await hog.exception()) as Error & { key: string };
    expect(err.key).toBe(hog.key);
    expect(err.message).toContain(`Task ${hog.key} was lost with its worker 2 times`);
    expect(err.message).toMatch(/restarted at [\d.]+ MiB of 256 MiB/);
    expect(err.message).toMatch(/Workers lost while it ran: mem-w, mem-w$/);
    // The node goes on, with a fresh thread.
    await expect(client.submit((x: number) => x + 1, 41).result()).resolves.toBe(42);
    await client.close();
    await server.close();
    await exited;
    expect(readdirSync(spillDir)).toEqual([]);
  }, 180_000);
});

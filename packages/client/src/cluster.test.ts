// Client.local with real worker processes: a delayed tree across two workers, a worker SIGKILLed
// mid-compute, the client as the default scheduler, and nothing left behind after close.
import { afterAll, describe, expect, it } from '@jest/globals';
import * as da from '@dask-ts/array';
import * as bag from '@dask-ts/bag';
import { compute, delayed } from '@dask-ts/graph';
import { Client } from './index.js';
import { alive, eventually, openHandles } from '../../../tooling/test-leaks.js';

const pids: number[] = [];

afterAll(async () => {
  await eventually(() => pids.every((p) => !alive(p)), 10_000, 'every worker process to exit');
  await eventually(
    () => openHandles().length === 0,
    10_000,
    `no open handles (${openHandles().join(', ')})`,
  );
});

/** A tree of additions over `n` leaves, each leaf reporting the process that ran it. */
function tree(n: number) {
  const leaf = delayed((i: number) => {
    const end = Date.now() + 20; // long enough that both workers get leaves
    while (Date.now() < end);
    return { sum: i, pids: [process.pid] };
  });
  const add = delayed((a: { sum: number; pids: number[] }, b: { sum: number; pids: number[] }) => ({
    sum: a.sum + b.sum,
    pids: [...new Set([...a.pids, ...b.pids])],
  }));
  let level = Array.from({ length: n }, (_, i) => leaf(i));
  while (level.length > 1) {
    const next = [];
    for (let i = 0; i < level.length; i += 2)
      next.push(i + 1 < level.length ? add(level[i], level[i + 1]) : level[i]);
    level = next;
  }
  return level[0];
}

describe('Client.local', () => {
  it('computes a delayed tree across two worker processes', async () => {
    await using client = await Client.local({ nWorkers: 2 });
    const cluster = client.localCluster!;
    pids.push(...cluster.pids);
    expect(cluster.pids).toHaveLength(2);
    const out = await client.compute(tree(64));
    expect(out.sum).toBe((63 * 64) / 2);
    expect(out.pids.sort()).toEqual([...cluster.pids].sort());
  });

  it('finishes correctly on the other worker when one is SIGKILLed mid-compute', async () => {
    await using client = await Client.local({
      nWorkers: 2,
      heartbeatMs: 200,
      heartbeatTimeoutMs: 3000,
    });
    const cluster = client.localCluster!;
    pids.push(...cluster.pids);
    const slow = delayed((i: number) => {
      const end = Date.now() + 100;
      while (Date.now() < end);
      return i * 2;
    });
    const total = delayed((...xs: number[]) => xs.reduce((a, b) => a + b, 0));
    const result = client.compute(total(...Array.from({ length: 30 }, (_, i) => slow(i))));
    // Once some tasks have finished on both, kill one worker outright.
    await new Promise((r) => setTimeout(r, 600));
    process.kill(cluster.pids[0], 'SIGKILL');
    await expect(result).resolves.toBe(2 * ((29 * 30) / 2));
    await eventually(() => !alive(cluster.pids[0]), 5000, 'the killed worker to be gone');
    await eventually(() => cluster.server.workers.length === 1, 15_000, 'the scheduler to drop it');
  });

  it('is the default scheduler while open, and gives it back on close', async () => {
    const client = await Client.local({ nWorkers: 1 });
    pids.push(...client.localCluster!.pids);
    const where = delayed(() => process.pid);
    const [pid] = await compute(where());
    expect(pid).toBe(client.localCluster!.pids[0]);
    const futures = client.map((x: number) => x * x, [1, 2, 3]);
    expect(await client.gather(futures)).toEqual([1, 4, 9]);
    const f = client.submit((a: number, b: number) => a + b, futures[2], 1);
    expect(await f).toBe(10);
    await client.close();
    const [here] = await compute(where(), { scheduler: 'sync' });
    expect(here).toBe(process.pid);
    await expect(client.submit((x: number) => x, 1).result()).rejects.toThrow(/is closed/);
  });

  it('computes collections: a bag and a chunked array (ndarray blocks as binary frames)', async () => {
    await using client = await Client.local({ nWorkers: 2 });
    pids.push(...client.localCluster!.pids);
    const b = bag.fromSequence([1, 2, 3, 4, 5, 6], { npartitions: 3 });
    expect(await client.compute(b.map((x: number) => x * 2).sum())).toBe(42);
    const x = da.ones([200, 100], { chunks: [50, 50] });
    expect(await client.compute(x.sum())).toBe(20_000);
    const y = await client.compute(x.at('0:2, 0:3'));
    expect(y.shape).toEqual([2, 3]);
  });
});

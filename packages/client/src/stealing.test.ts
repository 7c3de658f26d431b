// Work stealing on a real cluster (a scheduler server and worker nodes with worker threads in
// this process, on loopback): tasks queued on a worker behind a slow task are given back and run
// on a worker that joined later and sits idle, so they finish long before the slow task does.
import { afterAll, describe, expect, it } from '@jest/globals';
import { delayed } from '@dask-ts/graph';
import { Client, wait } from './index.js';
import { startScheduler, startWorker, type WorkerNode } from '@dask-ts/distributed';
import { eventually, openHandles } from '../../../tooling/test-leaks.js';

const quiet = (): void => undefined;

afterAll(async () => {
  await eventually(
    () => openHandles().length === 0,
    10_000,
    `no open handles (${openHandles().join(', ')})`,
  );
}, 30_000);

describe('work stealing', () => {
  it('tasks queued behind a slow one run on an idle worker that joined later', async () => {
    await using server = await startScheduler({ log: quiet });
    const nodes: WorkerNode[] = [await startWorker(server.address, { name: 'a', log: quiet })];
    const client = await Client.connect(server.address, { asDefault: false });
    try {
      // Item 0 waits 8 s; the others are quick. All go to a (the only worker), in order.
      const work = async (i: number) => {
        if (i === 0) await new Promise((r) => setTimeout(r, 8000));
        return i;
      };
      const futures = client.map(
        work,
        Array.from({ length: 12 }, (_, i) => i),
      );
      const [slow, ...quick] = futures;
      await eventually(
        () => server.scheduler.story(futures[11].key).some((l) => l.includes('assigned to a')),
        20_000,
        'every task to be sent to a',
      );
      nodes.push(await startWorker(server.address, { name: 'b', log: quiet }));
      const started = Date.now();
      await wait(quick, { timeout: 6000 });
      expect(slow.done).toBe(false);
      expect(Date.now() - started).toBeLessThan(6000);
      expect(await client.gather(quick)).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
      const stolen = quick.filter((f) =>
        server.scheduler.story(f.key).some((l) => l.includes('given back by a')),
      );
      expect(stolen.length).toBeGreaterThan(0);
      expect(await slow).toBe(0);
    } finally {
      await client.close();
      await Promise.all(nodes.map((n) => n.close()));
    }
  }, 60_000);

  it('a chain (a task and its reader, co-assigned after it) is given back whole', async () => {
    await using server = await startScheduler({ log: quiet });
    const nodes: WorkerNode[] = [await startWorker(server.address, { name: 'a', log: quiet })];
    const client = await Client.connect(server.address, { asDefault: false });
    try {
      const work = delayed(async (i: number) => {
        if (i === 0) await new Promise((r) => setTimeout(r, 8000));
        return i;
      });
      const inc = delayed((x: number) => x + 1);
      const dbl = delayed((x: number) => x * 2);
      // Roots, each read by two tasks (so not fused with them), in one graph: the readers are
      // co-assigned after their root on a.
      const roots = Array.from({ length: 12 }, (_, i) => work(i));
      const readers = roots.map((r) => inc(r));
      const all = client.compute(
        delayed((...xs: number[]) => xs)(...readers, ...roots.map((r) => dbl(r))),
      );
      await eventually(
        () => server.scheduler.story(readers[11].key).some((l) => l.includes('assigned to a')),
        20_000,
        'every task to be sent to a',
      );
      nodes.push(await startWorker(server.address, { name: 'b', log: quiet }));
      // Roots come back from a with their readers (before, a reader there pinned its root).
      const given = (key: string): boolean =>
        server.scheduler.story(key).some((l) => l.includes('given back by a'));
      await eventually(
        () => roots.some((r, i) => given(r.key) && given(readers[i].key)),
        20_000,
        'a root and its reader to be given back by a',
      );
      const want = Array.from({ length: 12 }, (_, i) => i + 1);
      expect(await all).toEqual([...want, ...want.map((x) => (x - 1) * 2)]);
    } finally {
      await client.close();
      await Promise.all(nodes.map((n) => n.close()));
    }
  }, 60_000);
});

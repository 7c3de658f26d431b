// Work stealing on a real cluster (a scheduler server and worker nodes with worker threads in
// this process, on loopback): tasks queued on a worker behind a slow task are given back and run
// on a worker that joined later and sits idle, so they finish long before the slow task does.
import { afterAll, describe, expect, it } from '@jest/globals';
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
});

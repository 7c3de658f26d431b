// Placement on a real cluster (a scheduler server and worker nodes with worker threads in this
// process, on loopback): worker restrictions by worker and node name, a restriction no worker
// meets (it waits, says why, and runs once such a worker joins), scatter onto chosen workers,
// resources that bound how many tasks run at once on a node, and retries.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compute, delayed } from '@dask-ts/graph';
import { Client, wait } from './index.js';
import {
  startScheduler,
  startWorker,
  type SchedulerServer,
  type WorkerNode,
} from '@dask-ts/distributed';
import { eventually, openHandles } from '../../../tooling/test-leaks.js';

const quiet = (): void => undefined;
let server: SchedulerServer;
let nodes: WorkerNode[] = [];
let client: Client;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dask-ts-placement-'));
  server = await startScheduler({ log: quiet });
  nodes = await Promise.all([
    startWorker(server.address, { name: 'a', log: quiet }),
    startWorker(server.address, { name: 'gpu', nthreads: 2, resources: { GPU: 1 }, log: quiet }),
  ]);
  client = await Client.connect(server.address, { asDefault: false });
}, 60_000);

afterAll(async () => {
  await client?.close();
  await Promise.all(nodes.map((n) => n.close()));
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
  await eventually(
    () => openHandles().length === 0,
    10_000,
    `no open handles (${openHandles().join(', ')})`,
  );
}, 60_000);

/** The workers that hold `key` now (each is asked). */
async function holders(key: string): Promise<string[]> {
  const out: string[] = [];
  for (const w of server.workers)
    if ((await server.scheduler.holdsOn(w.name, [key])).includes(key)) out.push(w.name);
  return out;
}

describe('placement on a cluster', () => {
  it('restricted tasks run on the named worker, or on any thread of the named node', async () => {
    const onA = client.map((x: number) => x + 1, [1, 2, 3, 4], { workers: ['a'] });
    const onGpu = client.map((x: number) => x * 10, [1, 2, 3, 4], { workers: ['gpu'] });
    const one = client.submitWith((x: number) => x, [7], { workers: ['gpu-1'] });
    expect(await client.gather(onA)).toEqual([2, 3, 4, 5]);
    expect(await client.gather(onGpu)).toEqual([10, 20, 30, 40]);
    expect(await one).toBe(7);
    for (const f of onA) expect(await holders(f.key)).toEqual(['a']);
    for (const f of onGpu) expect(['gpu-0', 'gpu-1']).toContain((await holders(f.key))[0]);
    expect(await holders(one.key)).toEqual(['gpu-1']);
    const [data] = client.scatter([new Float64Array([1, 2])], { workers: ['gpu-0'], hash: false });
    await wait([data]);
    expect(await holders(data.key)).toEqual(['gpu-0']);
  }, 60_000);

  it('a restriction no worker meets waits, says why, and runs once such a worker joins', async () => {
    const f = client.submitWith((x: number) => x * 2, [21], { workers: ['late'] });
    await expect(wait([f], { timeout: 1500 })).rejects.toThrow(/not done after 1500 ms/);
    expect(server.scheduler.story(f.key).join('\n')).toContain(
      'no worker matches restriction workers=[late]',
    );
    const elsewhere = client.submitWith((x: number) => x, [5], {
      workers: ['late'],
      allowOtherWorkers: true,
    });
    expect(await elsewhere).toBe(5);
    const late = await startWorker(server.address, { name: 'late', log: quiet });
    nodes.push(late);
    expect(await f).toBe(42);
    expect(await holders(f.key)).toEqual(['late']);
  }, 60_000);

  it('resources: two GPU tasks on a node with one GPU never overlap, and never run elsewhere', async () => {
    const span = (ms: number) => {
      const start = Date.now();
      while (Date.now() < start + ms);
      return { start, end: Date.now() };
    };
    const fs = client.map(span, [300, 300, 300], { resources: { GPU: 1 } });
    const spans = await client.gather(fs);
    spans.sort((x, y) => x.start - y.start);
    for (let i = 1; i < spans.length; i++)
      expect(spans[i].start).toBeGreaterThanOrEqual(spans[i - 1].end);
    for (const f of fs) expect(['gpu-0', 'gpu-1']).toContain((await holders(f.key))[0]);
    // Without resources the node's two threads run two at once.
    const free = client.map(span, [400, 400], { workers: ['gpu'] });
    const [p, q] = await client.gather(free);
    expect(Math.max(p.start, q.start)).toBeLessThan(Math.min(p.end, q.end));
  }, 60_000);

  it('retries: a task that fails twice succeeds with retries 2, fails with retries 1', async () => {
    const flaky = async (file: string, failures: number) => {
      const fsp = await import('node:fs/promises');
      const n = Number(await fsp.readFile(file, 'utf8').catch(() => '0')) + 1;
      await fsp.writeFile(file, String(n));
      if (n <= failures) throw new Error(`flaky failure ${n}`);
      return n;
    };
    expect(await client.submitWith(flaky, [join(dir, 'ok'), 2], { retries: 2 })).toBe(3);
    const bad = client.submitWith(flaky, [join(dir, 'bad'), 2], { retries: 1 });
    await expect(bad.result()).rejects.toThrow('flaky failure 2 (failed 2 attempts; retries: 1)');
    const viaCompute = client.compute(delayed(flaky)(join(dir, 'compute'), 1), { retries: 1 });
    expect(await viaCompute).toBe(2);
    // The client as the default scheduler: compute's own retries option.
    const [viaGraph] = await compute(delayed(flaky)(join(dir, 'graph'), 1), {
      scheduler: client,
      retries: 1,
    });
    expect(viaGraph).toBe(2);
    // A bad placement fails the futures at once, naming the call and the field.
    const [refused] = client.map((x: number) => x, [1], { retries: -1 });
    await expect(refused.result()).rejects.toThrow(
      /client.map: retries must be an integer >= 0, got -1/,
    );
  }, 60_000);
});

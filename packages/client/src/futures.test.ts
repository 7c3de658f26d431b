// Results held on the cluster, with real worker processes on loopback: scatter and futures as task
// inputs, persist (later computes reuse what is held), release (the key leaves the worker),
// asCompleted, wait, cancel, fireAndForget, run, and the errors of bad futures. Every process is
// checked gone, and no handle left open, after the suite.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as bag from '@dask-ts/bag';
import { delayed, moduleRef, type Delayed } from '@dask-ts/graph';
import { Client, asCompleted, fireAndForget, wait } from './index.js';
import { alive, eventually, openHandles } from '../../../tooling/test-leaks.js';

const pids: number[] = [];
let client: Client;

beforeAll(async () => {
  client = await Client.local({ nWorkers: 2 });
  pids.push(...client.localCluster!.pids);
}, 30_000);

afterAll(async () => {
  await client.close();
  await eventually(() => pids.every((p) => !alive(p)), 10_000, 'every worker process to exit');
  await eventually(
    () => openHandles().length === 0,
    10_000,
    `no open handles (${openHandles().join(', ')})`,
  );
}, 30_000);

/** The workers that hold `key` now (each is asked). */
async function holders(c: Client, key: string): Promise<string[]> {
  const server = c.localCluster!.server;
  const out: string[] = [];
  for (const w of server.workers) {
    if ((await server.scheduler.holdsOn(w.name, [key])).includes(key)) out.push(w.name);
  }
  return out;
}

async function eventuallyAsync(check: () => Promise<boolean>, ms: number, what: string) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('futures held on the cluster', () => {
  it('scatters arrays and records; futures are read where they are held', async () => {
    const [xs] = client.scatter([new Float64Array([1, 2, 3])]);
    const total = client.submit((a: Float64Array) => a.reduce((s, v) => s + v, 0), xs);
    expect(await total).toBe(6);
    expect(await holders(client, xs.key)).toHaveLength(1);
    const { a, b } = client.scatter({ a: 20, b: 22 });
    expect(await client.submit((x: number, y: number) => x + y, a, b)).toBe(42);
    // The same data scattered again: the same key.
    const [again] = client.scatter([new Float64Array([1, 2, 3])]);
    expect(again.key).toBe(xs.key);
    // map over futures; a delayed function reading a future.
    expect(await client.gather(client.map((x: number) => x * 2, [a, b]))).toEqual([40, 44]);
    // map over several arrays (Dask's map(func, *iterables)), futures among the items; options last.
    const sums = client.map((x: number, y: number) => x * y, [a, 3], [b, 5], { retries: 1 });
    expect(await client.gather(sums)).toEqual([440, 15]);
    expect(() => client.map((x: number, y: number) => x + y, [1, 2], [3])).toThrow(
      /client.map: the arrays of items have different lengths \(2, 1\)/,
    );
    expect(() => client.map((x: number) => x, 5 as unknown as number[])).toThrow(
      /client.map: argument 2 must be an array of items, got a number/,
    );
    const plus = delayed((x: number, y: number) => x + y);
    expect(await client.compute(plus(a, 1))).toBe(21);
    for (const f of [xs, total, a, b, again]) f.release();
  }, 30_000);

  it('scatter with broadcast copies the data to every worker; release frees every copy', async () => {
    const [table] = client.scatter([new Float64Array([4, 5, 6])], { broadcast: true, hash: false });
    await wait([table]);
    const key = table.key;
    await eventuallyAsync(
      async () => (await holders(client, key)).length === 2,
      10_000,
      `${key} on both workers`,
    );
    expect(await client.submit((a: Float64Array) => a[2], table)).toBe(6);
    table.release();
    await eventuallyAsync(
      async () => (await holders(client, key)).length === 0,
      10_000,
      `every copy of ${key} to be released`,
    );
    expect(() => client.scatter([1], { workers: 'local-0' } as never)).toThrow(
      /client.scatter: workers must be an array of worker names/,
    );
  }, 30_000);

  it('persist keeps results on the workers; two computes reuse them (nothing recomputed)', async () => {
    const noisy = delayed((i: number) => ({ i, stamp: Math.random() }), { pure: true });
    const parts = [0, 1, 2, 3].map((i) => noisy(i));
    const both = delayed((...xs: { stamp: number }[]) => xs.map((x) => x.stamp));
    const persisted = await client.persist(both(...parts));
    const first = await client.compute(persisted);
    const second = await client.compute(persisted);
    expect(second).toEqual(first);
    // A new computation on top reads the held value too.
    const firstStamp = delayed((xs: number[]) => xs[0]);
    expect(await client.compute(firstStamp(persisted))).toBe(first[0]);
    expect(await holders(client, persisted.key)).toHaveLength(1);
    // A bag: its partitions are held; count and sum read them.
    const b = bag.fromSequence([1, 2, 3, 4, 5, 6], { npartitions: 3 }).map((x: number) => ({
      x,
      r: Math.random(),
    }));
    const held = await client.persist(b);
    const r1 = await client.compute(held.map((o: { r: number }) => o.r));
    const r2 = await client.compute(held.map((o: { r: number }) => o.r));
    expect(r2).toEqual(r1);
    expect(await client.compute(held.map((o: { x: number }) => o.x).sum())).toBe(21);
  }, 30_000);

  it('release() frees the key on its worker; a dropped future is released by the GC', async () => {
    const [f] = client.scatter([new Float64Array(1000).fill(7)], { hash: false });
    await wait([f]);
    const [where] = await holders(client, f.key);
    expect(where).toBeDefined();
    const key = f.key;
    f.release();
    await eventuallyAsync(
      async () => (await holders(client, key)).length === 0,
      10_000,
      `${key} to leave ${where}`,
    );
    await expect(f.result()).rejects.toThrow(new RegExp(`${key}.*released`));
    // Dropped without release(): the FinalizationRegistry lets it go.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const dropped = await (async () => {
      const [g] = client.scatter([new Float64Array(1000).fill(8)], { hash: false });
      await wait([g]);
      expect(await holders(client, g.key)).toHaveLength(1);
      return g.key;
    })();
    await eventuallyAsync(
      async () => {
        gc();
        await new Promise((r) => setTimeout(r, 20));
        return (await holders(client, dropped)).length === 0;
      },
      15_000,
      `the collected future's ${dropped} to leave its worker`,
    );
  }, 40_000);

  it('a released future that is then collected does not let go of its key a second time', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const [kept] = client.scatter([4242]);
    await wait([kept]);
    // A second future of the same key, released, then dropped and collected.
    const collectedOnce = await (async () => {
      const [other] = client.scatter([4242]);
      expect(other.key).toBe(kept.key);
      other.release();
      const ref = new WeakRef(other);
      return ref;
    })();
    await eventuallyAsync(
      async () => {
        gc();
        await new Promise((r) => setTimeout(r, 20));
        return collectedOnce.deref() === undefined;
      },
      15_000,
      'the released future to be collected',
    );
    // Its finalizer has had its turn: the key is still held for `kept`.
    await new Promise((r) => setTimeout(r, 200));
    expect(await holders(client, kept.key)).toHaveLength(1);
    expect(await kept).toBe(4242);
    kept.release();
  }, 40_000);

  it('a key let go of and taken again in the same tick stays held', async () => {
    const [a] = client.scatter([123]);
    await wait([a]);
    a.release();
    const [b] = client.scatter([123]);
    expect(b.key).toBe(a.key);
    expect(await b).toBe(123);
    expect(await holders(client, b.key)).toHaveLength(1);
    b.release();
    await eventuallyAsync(
      async () => (await holders(client, a.key)).length === 0,
      10_000,
      `${a.key} to be released`,
    );
  }, 30_000);

  it('asCompleted yields futures in the order they finish (and results on request)', async () => {
    await using c3 = await Client.local({ nWorkers: 1, threadsPerWorker: 3, asDefault: false });
    pids.push(...c3.localCluster!.pids);
    const sleep = async (ms: number) => {
      await new Promise((r) => setTimeout(r, ms));
      return ms;
    };
    // Each of the three threads a worker of its own, ready, so each task runs on its own.
    const server = c3.localCluster!.server;
    await eventually(
      () => server.workers.filter((w) => w.ready).length === 3,
      10_000,
      'three ready workers',
    );
    const futures = c3.map(sleep, [1500, 100, 700]);
    const order: number[] = [];
    for await (const f of asCompleted(futures)) order.push(await f);
    expect(order).toEqual([100, 700, 1500]);
    const pairs: [string, number][] = [];
    for await (const [f, v] of asCompleted(c3.map(sleep, [900, 50]), { withResults: true }))
      pairs.push([f.status, v]);
    expect(pairs).toEqual([
      ['finished', 50],
      ['finished', 900],
    ]);
  }, 40_000);

  it('wait: all, first, and a timeout that names the pending keys', async () => {
    const sleep = async (ms: number) => {
      await new Promise((r) => setTimeout(r, ms));
      return ms;
    };
    const [slow] = client.map(sleep, [3000]);
    const [fast] = client.map(sleep, [10]);
    const first = await wait([slow, fast], { returnWhen: 'FIRST_COMPLETED' });
    expect(first.done.map((f) => f.key)).toContain(fast.key);
    const err = await wait([slow], { timeout: 100 }).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe('TimeoutError');
    expect((err as Error).message).toContain(slow.key);
    const all = await wait([slow, fast]);
    expect(all.notDone).toEqual([]);
    await expect(wait([fast], { returnWhen: 'SOME' as never })).rejects.toThrow(/returnWhen/);
  }, 30_000);

  it('a future awaited with no other reference is not collected (nor released) before its value', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const nap = async (x: number) => {
      await new Promise((r) => setTimeout(r, 300));
      return x + 1;
    };
    // Only the value promises are kept: the futures themselves are garbage at once.
    const values = client.map(nap, [10, 20, 30]).map((f) => f.result());
    for (let i = 0; i < 5; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await Promise.all(values)).toEqual([11, 21, 31]);
  }, 30_000);

  it('submit and map take a function made lazy with its scope, as the closure error advises', async () => {
    const factor = 3;
    // The error for a closure names its variable and the fix (delayed(fn, { scope })).
    await expect(client.map((x: number) => x * factor, [1])[0].result()).rejects.toThrow(
      /outer variable 'factor'.*delayed\(fn, \{ scope: \{ factor \} \}\)/,
    );
    const triple = delayed((x: number) => x * factor, { scope: { factor } });
    expect(await client.gather(client.map(triple, [1, 2, 3]))).toEqual([3, 6, 9]);
    expect(await client.submit(triple, 5)).toBe(15);
  }, 30_000);

  it('a map settles item by item: a failing item fails alone, a cancelled one alone', async () => {
    const check = (x: number) => {
      if (x === 3) throw new Error(`bad item ${x}`);
      return x * 2;
    };
    // Gathered in the same tick (the values come back with the hold): item 3 fails alone.
    const all = client.map(check, [1, 2, 3, 4]);
    const settled = await Promise.allSettled(all.map((f) => f.result()));
    expect(settled.map((r) => (r.status === 'fulfilled' ? r.value : String(r.reason)))).toEqual([
      2,
      4,
      expect.stringMatching(/bad item 3/),
      8,
    ]);
    expect(all.map((f) => f.status)).toEqual(['finished', 'finished', 'error', 'finished']);
    // Not gathered: one item cancelled while the others run on; each arrives on its own.
    const nap = async (ms: number) => {
      await new Promise((r) => setTimeout(r, ms));
      return ms;
    };
    const some = client.map(nap, [50, 5000, 60]);
    await new Promise((r) => setTimeout(r, 0));
    client.cancel(some[1]);
    await expect(some[1].result()).rejects.toThrow(/cancelled/);
    expect(await some[0].result()).toBe(50);
    expect(await some[2].result()).toBe(60);
    expect(some.map((f) => f.status)).toEqual(['finished', 'cancelled', 'finished']);
  }, 30_000);

  it('cancel stops a future; fireAndForget computes a dropped one to the end', async () => {
    const spin = async (ms: number) => {
      await new Promise((r) => setTimeout(r, ms));
      return ms;
    };
    const [f] = client.map(spin, [5000]);
    client.cancel(f);
    expect(f.status).toBe('cancelled');
    await expect(f.result()).rejects.toThrow(/cancelled/);
    const dir = mkdtempSync(join(tmpdir(), 'dask-ts-fnf-'));
    try {
      const file = join(dir, 'done.txt');
      const write = async (path: string) => {
        await new Promise((r) => setTimeout(r, 300));
        const fs = process.getBuiltinModule('node:fs');
        fs.writeFileSync(path, 'done');
        return path;
      };
      fireAndForget(client.submit(write, file));
      await eventually(() => existsSync(file), 15_000, 'the forgotten task to write its file');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('run calls a function on every worker, by name', async () => {
    const out = await client.run(() => process.pid);
    expect(Object.keys(out).sort()).toEqual(
      client.localCluster!.server.workers.map((w) => w.name).sort(),
    );
    expect(Object.values(out).sort()).toEqual([...client.localCluster!.pids].sort());
    await expect(
      client.run(() => {
        throw new RangeError('no');
      }),
    ).rejects.toThrow(/client.run failed on worker .*: no/);
  }, 30_000);

  it('refuses released futures and futures of a closed or another client, naming the key', async () => {
    const [x] = client.scatter([1], { hash: false });
    await wait([x]);
    x.release();
    const inc = (v: number) => v + 1;
    await expect(client.submit(inc, x).result()).rejects.toThrow(
      new RegExp(`Future ${x.key} was released`),
    );
    await expect(client.gather([x])).rejects.toThrow(new RegExp(x.key));
    const other = await Client.local({ nWorkers: 1, asDefault: false });
    pids.push(...other.localCluster!.pids);
    const [y] = other.scatter([5]);
    await expect(client.submit(inc, y).result()).rejects.toThrow(
      new RegExp(`Future ${y.key} belongs to another client`),
    );
    await other.close();
    await expect(client.submit(inc, y).result()).rejects.toThrow(
      new RegExp(`Future ${y.key} belongs to the client of .* which is closed`),
    );
    await expect(y.result()).rejects.toThrow(/closed/);
  }, 40_000);
});

describe('getClient inside a task', () => {
  it('submits tasks from a task and waits for them on a one-thread worker (the slot is lent)', async () => {
    await using one = await Client.local({ nWorkers: 1, threadsPerWorker: 1, asDefault: false });
    pids.push(...one.localCluster!.pids);
    const fanOut = delayed(
      moduleRef(new URL('./__tests__/nested.mjs', import.meta.url).href, 'fanOut'),
    ) as unknown as (n: number) => Delayed<number>;
    expect(await one.compute(fanOut(4))).toBe(0 + 1 + 4 + 9);
    expect(await one.compute(fanOut(6))).toBe(0 + 1 + 4 + 9 + 16 + 25);
    // The lender stays (paused, with what it holds); the worker takes tasks again.
    expect(one.localCluster!.server.workers.map((w) => w.name).sort()).toEqual([
      'local-0',
      'local-0~lent',
    ]);
    const where = await one.submit(() => process.pid);
    expect(where).toBe(one.localCluster!.pids[0]);
  }, 60_000);

  it('a future released before it finishes does not keep the task waiting (the worker is unpaused)', async () => {
    await using one = await Client.local({ nWorkers: 1, threadsPerWorker: 1, asDefault: false });
    pids.push(...one.localCluster!.pids);
    const releaseEarly = delayed(
      moduleRef(new URL('./__tests__/nested.mjs', import.meta.url).href, 'releaseEarly'),
    ) as unknown as (ms: number) => Delayed<number>;
    // Were the released future still awaited, the worker would stay paused: the second task would
    // go to the lender, which would lend in turn (`local-0~lent~lent`).
    expect(await one.compute(releaseEarly(200))).toBe(2);
    expect(await one.compute(releaseEarly(201))).toBe(2);
    expect(one.localCluster!.server.workers.map((w) => w.name).sort()).toEqual([
      'local-0',
      'local-0~lent',
    ]);
  }, 60_000);

  it('outside a task and without a client, getClient says how to get one', async () => {
    const { getClient } = await import('./index.js');
    await client.close();
    expect(() => getClient()).toThrow(/Client.connect/);
    client = await Client.local({ nWorkers: 1 });
    pids.push(...client.localCluster!.pids);
  }, 30_000);
});

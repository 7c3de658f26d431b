// Peer-to-peer transfers between real worker processes: a 50 MB input moves from one worker to
// the other without passing through the scheduler (its counters say so), the relay still serves
// workers without a peer server, and a holder that dies before its value is fetched has it
// recomputed, with a correct result and no hang.
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { task, type Graph } from '@dask-ts/protocol';
import { curveKeyPair, startScheduler, startWorker, type SchedulerServer } from './index.js';
import { alive, eventually, openHandles } from '../../../tooling/test-leaks.js';

const fns = new URL('./__tests__/peer-fns.mjs', import.meta.url).href;
const fn = (exportName: string) => ({ kind: 'module' as const, specifier: fns, exportName });
const workerMain = fileURLToPath(new URL('../dist/worker-main.js', import.meta.url));
const ref = (key: string) => ({ $ref: key });
/** 50 MB of float64s. */
const N = 6_250_000;

const children: ChildProcess[] = [];
const dir = mkdtempSync(join(tmpdir(), 'dask-ts-peer-'));

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await eventually(
    () => children.every((c) => c.pid === undefined || !alive(c.pid)),
    10_000,
    'every worker process to exit',
  );
  rmSync(dir, { recursive: true, force: true });
  await eventually(
    () => openHandles().length === 0,
    10_000,
    `no open handles (${openHandles().join(', ')})`,
  );
});

/** Starts worker process `name` on `server` and waits until the scheduler has it. */
async function worker(
  server: SchedulerServer,
  name: string,
  env: Record<string, string> = {},
  nthreads = 1,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, [workerMain, server.address, String(nthreads), name], {
    env: { ...process.env, DASK_TS_HEARTBEAT_MS: '200', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  children.push(child);
  await eventually(
    () =>
      server.workers.filter((w) => w.name.startsWith(name) && w.ready).length === nthreads ||
      child.exitCode !== null,
    30_000,
    `worker ${name} to connect`,
  );
  if (child.exitCode !== null) throw new Error(`worker ${name} exited: ${err}`);
  return child;
}

/** Two producers of 50 MB and more, which land on the two workers, and a consumer of both. */
function twoProducers(extra: unknown[] = [], bigger = N): Graph {
  return new Map([
    ['a', task(fn('filled'), [N, 1, ...extra])],
    ['b', task(fn('filled'), [bigger, 2])],
    ['c', task(fn('total'), [ref('a'), ref('b')])],
  ]);
}

describe('peer-to-peer transfers', () => {
  it('refuses a bad listen address or transfer timeout, naming it', async () => {
    await expect(startWorker('tcp://127.0.0.1:1', { listen: 'nope' })).rejects.toThrow(
      /listen must be an address such as 'tcp:\/\/10.0.0.2:0'.*got "nope"/,
    );
    await expect(startWorker('tcp://127.0.0.1:1', { transferTimeoutMs: 0 })).rejects.toThrow(
      'transferTimeoutMs must be a positive number of milliseconds, got 0',
    );
  }, 30_000);

  it('moves a 50 MB input between worker processes without the scheduler relaying it', async () => {
    const server = await startScheduler({ log: () => undefined });
    try {
      await worker(server, 'peer-1');
      await worker(server, 'peer-2');
      const [c] = await server.scheduler.get(twoProducers(), ['c']);
      expect(c).toBe(N * 1 + N * 2);
      expect(server.stats.peerTransfers).toBe(1);
      expect(server.stats.peerBytes).toBeGreaterThanOrEqual(N * 8);
      expect(server.stats.relayedBytes).toBeLessThan(100_000);
      expect(server.stats.peerFailures).toBe(0);
    } finally {
      await server.close();
    }
  }, 90_000);

  it('moves it peer to peer with the token and CURVE encryption of the scheduler', async () => {
    const keys = curveKeyPair();
    const server = await startScheduler({
      token: 'peer-secret',
      curve: keys,
      log: () => undefined,
    });
    const env = { DASK_TS_TOKEN: 'peer-secret', DASK_TS_CURVE_SERVER_KEY: keys.publicKey };
    try {
      await worker(server, 'curve-1', env);
      await worker(server, 'curve-2', env);
      const [c] = await server.scheduler.get(twoProducers(), ['c']);
      expect(c).toBe(N * 3);
      expect(server.stats.peerTransfers).toBe(1);
      expect(server.stats.peerBytes).toBeGreaterThanOrEqual(N * 8);
      expect(server.stats.relayedBytes).toBeLessThan(100_000);
    } finally {
      await server.close();
    }
  }, 90_000);

  it('moves an input between two threads of one node without the network', async () => {
    const server = await startScheduler({ log: () => undefined });
    try {
      await worker(server, 'two', {}, 2);
      const [c] = await server.scheduler.get(twoProducers(), ['c']);
      expect(c).toBe(N * 3);
      expect(server.stats.peerTransfers).toBe(1);
      // Between threads: no bytes on any socket, none through the scheduler.
      expect(server.stats.peerBytes).toBe(0);
      expect(server.stats.relayedBytes).toBeLessThan(100_000);
    } finally {
      await server.close();
    }
  }, 90_000);

  it('relays through the scheduler for workers that serve nothing (in-process nodes)', async () => {
    const server = await startScheduler({ log: () => undefined });
    const nodes = await Promise.all(
      ['relay-1', 'relay-2'].map((name) =>
        startWorker(server.address, { name, log: () => undefined }),
      ),
    );
    try {
      await eventually(
        () => server.workers.filter((w) => w.ready).length === 2,
        30_000,
        'both workers to be ready',
      );
      const [c] = await server.scheduler.get(twoProducers(), ['c']);
      expect(c).toBe(N * 3);
      expect(server.stats.peerTransfers).toBe(0);
      expect(server.stats.relayedBytes).toBeGreaterThanOrEqual(N * 8);
    } finally {
      await server.close();
      await Promise.all(nodes.map((n) => n.closed));
    }
  }, 90_000);

  it('recomputes an input whose holder is killed while it is being fetched, with a correct result', async () => {
    const log = join(dir, 'produced.log');
    const marker = join(dir, 'go');
    const server = await startScheduler({
      heartbeatMs: 200,
      heartbeatTimeoutMs: 3000,
      log: () => undefined,
    });
    try {
      const procs = new Map([
        ['kill-1', await worker(server, 'kill-1')],
        ['kill-2', await worker(server, 'kill-2')],
      ]);
      // b waits for the marker and is bigger, so c goes where b is and fetches a.
      const graph: Graph = new Map([
        ['a', task(fn('filled'), [N, 1, log])],
        ['b', task(fn('filledAfter'), [N + 1_000_000, 2, marker])],
        ['c', task(fn('total'), [ref('a'), ref('b')])],
      ]);
      const result = server.scheduler.get(graph, ['c']);
      // Once a is in memory on its worker, that worker is killed. (The other worker's thread is
      // busy with b, and answers only once b is done.)
      let holder: string | undefined;
      await new Promise<void>((resolve, reject) => {
        const deadline = Date.now() + 30_000;
        for (const name of procs.keys()) {
          const ask = (): void =>
            void server.scheduler.holdsOn(name, ['a']).then((keys) => {
              if (holder !== undefined) return;
              if (keys.length > 0) {
                holder = name;
                resolve();
              } else if (Date.now() < deadline) setTimeout(ask, 20);
              else reject(new Error('a never reached memory'));
            });
          ask();
        }
      });
      const victim = procs.get(holder!)!;
      victim.kill('SIGKILL');
      writeFileSync(marker, '');
      await expect(result).resolves.toEqual([N * 1 + (N + 1_000_000) * 2]);
      // The survivor was fetching a from the dead holder when the scheduler dropped it.
      expect(server.stats.peerFailures).toBe(1);
      // a was computed twice: once on the dead holder, once again on the survivor.
      const lines = readFileSync(log, 'utf8').trim().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[1].split(' ')[1]).not.toBe(String(victim.pid));
    } finally {
      await server.close();
    }
  }, 90_000);
});

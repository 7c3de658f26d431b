// Peer-to-peer transfers between real worker processes: a 50 MB input moves from one worker to
// the other without passing through the scheduler (its counters say so), the relay still serves
// workers without a peer server, and a holder that dies before its value is fetched has it
// recomputed, with a correct result and no hang.
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { task, type Graph } from '@dask-ts/protocol';
import { startScheduler, startWorker, type SchedulerServer } from './index.js';
import { alive, eventually, openHandles } from './__tests__/leaks.js';

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
async function worker(server: SchedulerServer, name: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [workerMain, server.address, '1', name], {
    env: { ...process.env, DASK_TS_HEARTBEAT_MS: '200' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  children.push(child);
  await eventually(
    () => server.workers.some((w) => w.name === name && w.ready) || child.exitCode !== null,
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

  it('recomputes an input whose holder died before it was fetched, with a correct result', async () => {
    const log = join(dir, 'produced.log');
    const marker = join(dir, 'go');
    const server = await startScheduler({
      heartbeatMs: 200,
      heartbeatTimeoutMs: 3000,
      log: () => undefined,
    });
    try {
      const procs = [await worker(server, 'kill-1'), await worker(server, 'kill-2')];
      // b waits for the marker and is bigger, so c goes where b is and fetches a.
      const graph: Graph = new Map([
        ['a', task(fn('filled'), [N, 1, log])],
        ['b', task(fn('filledAfter'), [N + 1_000_000, 2, marker])],
        ['c', task(fn('total'), [ref('a'), ref('b')])],
      ]);
      const result = server.scheduler.get(graph, ['c']);
      await eventually(() => existsSync(log), 30_000, 'a to be computed');
      const holder = Number(readFileSync(log, 'utf8').trim().split(' ')[1]);
      const victim = procs.find((p) => p.pid === holder)!;
      expect(victim).toBeDefined();
      victim.kill('SIGKILL');
      writeFileSync(marker, '');
      await expect(result).resolves.toEqual([N * 1 + (N + 1_000_000) * 2]);
      // a was computed twice: once on the dead holder, once again on the survivor.
      const lines = readFileSync(log, 'utf8').trim().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[1].split(' ')[1]).not.toBe(String(holder));
    } finally {
      await server.close();
    }
  }, 90_000);
});

// The local stream (local-stream.ts): messages cross it whole and in order, however the kernel
// splits or joins their bytes, with their binary frames intact; the server reaches a stream peer
// through its one send path (routeInproc) until the peer hangs up, then it is unreachable; a
// local cluster's worker processes link over it, and one killed is dropped at once (its stream
// closed); bytes that do not frame a message close that stream (logged) and the others go on;
// nothing is left open.
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { task } from '@dask-ts/protocol';
import { decodeFrames } from './frames.js';
import { registerInproc, routeInproc } from './inproc.js';
import { StreamSocket, listenLocalStream } from './local-stream.js';
import { startLocalCluster } from './local.js';
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

const linux = process.platform === 'linux';

describe('the local stream', () => {
  it('carries whole messages both ways, in order, until the peer hangs up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dask-ts-stream-'));
    const address = `tcp://127.0.0.1:${40000 + (process.pid % 20000)}`;
    const got: Buffer[][] = [];
    const unregister = registerInproc(address, {
      deliver: (frames) => got.push(frames),
      deliverObject: () => undefined,
    });
    const listener = await listenLocalStream(join(dir, 's'), address);
    const socket = new StreamSocket(join(dir, 's'));
    const router = routeInproc({
      send: () => Promise.reject(new Error('not a ZeroMQ peer')),
      closed: false,
    });
    try {
      // 3 MB of binary frame arrives in many chunks; the small ones after it in fewer.
      const big = new Uint8Array(3 << 20).map((_, i) => i % 251);
      await socket.send([Buffer.from('head'), big, new Uint8Array([1, 2, 3])]);
      for (let i = 0; i < 200; i++) await socket.send([Buffer.from(`m${i}`)]);
      await eventually(() => got.length === 201, 20_000, 'every message at the server');
      const [id, head, bin, small] = got[0];
      expect(id.byteLength).toBe(13);
      expect(head.toString()).toBe('head');
      expect(Buffer.compare(bin, Buffer.from(big))).toBe(0);
      expect([...small]).toEqual([1, 2, 3]);
      expect(got.slice(1).map((m) => m[1].toString())).toEqual(
        Array.from({ length: 200 }, (_, i) => `m${i}`),
      );
      expect(got.every((m) => m[0].equals(id))).toBe(true);
      // The server answers through its send path.
      await router.send([
        id,
        Buffer.from('back'),
        new Uint8Array(new Float64Array([1.5, 2.5]).buffer),
      ]);
      const answer = await socket.receive();
      expect(answer[0].toString()).toBe('back');
      expect([...new Float64Array(new Uint8Array(answer[1]).buffer)]).toEqual([1.5, 2.5]);
      // A peer that hung up is unreachable, as a ZeroMQ ROUTER's is.
      socket.close();
      expect(socket.closed).toBe(true);
      await expect(socket.receive()).rejects.toThrow(/closed/);
      let error: unknown;
      for (let i = 0; i < 500 && error === undefined; i++) {
        await router.send([id, Buffer.from('x')]).catch((e: unknown) => (error = e));
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(String(error)).toMatch(/Host unreachable/);
    } finally {
      socket.close();
      await listener.close();
      unregister();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('closes a stream whose bytes do not frame messages, and serves the others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dask-ts-stream-'));
    const address = `tcp://127.0.0.2:${40000 + (process.pid % 20000)}`;
    const got: Buffer[][] = [];
    const unregister = registerInproc(address, {
      deliver: (frames) => got.push(frames),
      deliverObject: () => undefined,
    });
    const lines: string[] = [];
    const listener = await listenLocalStream(join(dir, 's'), address, (l) => lines.push(l));
    const good = new StreamSocket(join(dir, 's'));
    try {
      for (const garbage of [
        [8, 0, 0, 0, 0xe8, 3, 0, 0, 1, 2, 3, 4], // 1,000 frames in 8 bytes
        [12, 0, 0, 0, 1, 0, 0, 0, 0xff, 0, 0, 0, 1, 2, 3, 4], // a frame past the end
        [2, 0, 0, 0, 1, 2], // no frame count
      ]) {
        const bad = connect(join(dir, 's'));
        const closed = new Promise<void>((resolve) => bad.once('close', () => resolve()));
        bad.on('error', () => undefined);
        bad.write(Buffer.from(garbage));
        await closed;
      }
      expect(lines).toHaveLength(3);
      expect(lines[0]).toMatch(/closed a local stream: a message of 8 bytes that is not framed/);
      expect(lines[1]).toMatch(/a frame of 255 bytes past its message's end/);
      await good.send([Buffer.from('still here')]);
      const text = (m: Buffer[]): string => m[1].toString();
      await eventually(
        () => got.some((m) => text(m) === 'still here'),
        20_000,
        "the good stream's message",
      );
      // Each stream that closed told the server its peer left.
      const byes = got.filter((m) => text(m) !== 'still here').map((m) => decodeFrames(m.slice(1)));
      expect(byes).toEqual(Array(3).fill({ op: 'bye', reason: expect.stringMatching(/closed/) }));
    } finally {
      good.close();
      await listener.close();
      unregister();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  (linux ? it : it.skip)(
    "links a local cluster's worker processes to the scheduler",
    async () => {
      const cluster = await startLocalCluster({ nWorkers: 2 });
      pids.push(...cluster.pids);
      try {
        await eventually(() => cluster.server.workers.length === 2, 20_000, 'both workers');
        const env = readFileSync(`/proc/${cluster.pids[0]}/environ`, 'utf8').split('\0');
        const path = env.find((e) => e.startsWith('DASK_TS_LOCAL_STREAM='))?.split('=')[1] ?? '';
        expect(path).toMatch(/\/stream$/);
        // The listener and one accepted connection per worker link name the path.
        const named = readFileSync('/proc/net/unix', 'utf8')
          .split('\n')
          .filter((line) => line.endsWith(` ${path}`));
        expect(named.length).toBeGreaterThanOrEqual(3);
        const add = { kind: 'source', source: '(a, b) => a + b', scope: {}, name: 'add' } as const;
        const [sum] = await cluster.server.scheduler.get(new Map([['b', task(add, [20, 22])]]), [
          'b',
        ]);
        expect(sum).toBe(42);
        // A killed worker process is gone at once (heartbeats would take 10 s).
        const killed = Date.now();
        process.kill(cluster.pids[0], 'SIGKILL');
        await eventually(() => cluster.server.workers.length === 1, 20_000, 'one worker left');
        expect(Date.now() - killed).toBeLessThan(5_000);
        const [again] = await cluster.server.scheduler.get(new Map([['c', task(add, [1, 2])]]), [
          'c',
        ]);
        expect(again).toBe(3);
      } finally {
        await cluster.stop();
      }
    },
    60_000,
  );
});

// The scheduler server with in-process peers and raw sockets: handshake refusals, garbage frames,
// lost heartbeats, and a real worker node (worker threads in this process) and client.
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Dealer } from 'zeromq';
import { compute, delayed } from '@dask-ts/graph';
import { PROTOCOL_VERSION } from '@dask-ts/protocol';
import { Client } from './index.js';
import {
  ConnectError,
  connectLink,
  decodeFrames,
  encodeFrames,
  helloMessage,
  startScheduler,
  startWorker,
} from '@dask-ts/distributed';
import { eventually, openHandles } from '../../../tooling/test-leaks.js';

const quiet = (): void => undefined;

afterAll(async () => {
  await eventually(
    () => openHandles().length === 0,
    10_000,
    `no open handles (${openHandles().join(', ')})`,
  );
});

describe('startScheduler', () => {
  it('refuses bad options, naming them', async () => {
    await expect(startScheduler({ port: 70_000 })).rejects.toThrow(
      /port must be an integer from 0/,
    );
    await expect(startScheduler({ host: 'a b' })).rejects.toThrow(/host must be an IP address/);
    await expect(startScheduler({ heartbeatMs: -1 })).rejects.toThrow(
      /heartbeatMs must be a positive/,
    );
    await expect(startScheduler({ rootSaturation: 0 })).rejects.toThrow(
      /rootSaturation must be a number > 0 \(Infinity: never hold roots back\), got 0/,
    );
    await expect(startScheduler({ maxRetries: 1.5 })).rejects.toThrow(
      /maxRetries must be an integer >= 0, got 1.5/,
    );
    await expect(Client.local({ rootSaturation: -2, asDefault: false })).rejects.toThrow(
      /rootSaturation must be a number > 0/,
    );
    await expect(Client.connect('localhost:8786', { asDefault: false })).rejects.toThrow(
      /address must be a scheduler address such as 'tcp:\/\/127.0.0.1:8786' or 'ipc:\/\/\/tmp\/scheduler', got "localhost:8786"/,
    );
  });

  it('refuses a peer with a bad token, or none, with a clear error at connect', async () => {
    await using server = await startScheduler({ token: 'sesame', log: quiet });
    expect(server.address).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    const wrong = Client.connect(server.address, { token: 'open', asDefault: false });
    await expect(wrong).rejects.toThrow(ConnectError);
    await expect(wrong).rejects.toThrow(
      /Cannot connect to the dask-ts scheduler at tcp:.*: the token does not match the scheduler's/,
    );
    await expect(startWorker(server.address, { name: 'w', log: quiet })).rejects.toThrow(
      /requires a token, and none was given/,
    );
    expect(server.stats.refused).toBe(2);
    expect(server.workers).toEqual([]);
    const right = await Client.connect(server.address, { token: 'sesame', asDefault: false });
    await right.close();
  });

  it('refuses a peer of another protocol version', async () => {
    await using server = await startScheduler({ log: quiet });
    await expect(
      connectLink(server.address, {
        role: 'worker',
        name: 'old',
        version: PROTOCOL_VERSION + 1,
        log: quiet,
      }),
    ).rejects.toThrow(
      `the worker speaks dask-ts protocol version ${PROTOCOL_VERSION + 1}, but this scheduler speaks version ${PROTOCOL_VERSION}`,
    );
    expect(server.workers).toEqual([]);
  });

  it('says so when no scheduler answers, instead of hanging', async () => {
    const probe = await startScheduler({ log: quiet });
    const address = probe.address;
    await probe.close();
    await expect(
      Client.connect(address, { connectTimeoutMs: 300, asDefault: false }),
    ).rejects.toThrow(/no scheduler answered within 0.3 s/);
  });

  it('drops thousands of random frames and keeps serving', async () => {
    const lines: string[] = [];
    await using server = await startScheduler({ log: (l) => lines.push(l) });
    const node = await startWorker(server.address, { name: 'w', log: quiet });
    // A raw peer that never says hello, and one that does and then sends garbage.
    const stranger = new Dealer({ linger: 0 });
    stranger.connect(server.address);
    const member = new Dealer({ linger: 0 });
    member.connect(server.address);
    await member.send(encodeFrames(helloMessage('client')));
    expect(decodeFrames(await member.receive())).toMatchObject({ op: 'welcome' });
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const randomFrames = (): Uint8Array[] =>
      Array.from({ length: 1 + rand(3) }, () =>
        Uint8Array.from({ length: rand(40) }, () => rand(256)),
      );
    const good = encodeFrames({
      op: 'compute',
      id: 1,
      graphKeys: ['x'],
      fns: [],
      fnIndex: [-1],
      payloads: [new Float64Array(4)],
      deps: [[]],
      keys: ['x'],
    });
    for (let i = 0; i < 3000; i++) {
      const frames =
        i % 10 === 0
          ? [good[0].subarray(0, 1 + rand(good[0].length - 1))] // truncated
          : i % 10 === 1
            ? encodeFrames({ op: 'compute', id: 'x' }) // decodes, does not check
            : i % 10 === 2
              ? [good[0]] // its binary frame is missing
              : randomFrames();
      await (i % 2 === 0 ? stranger : member).send(frames);
    }
    // Every message of the stranger is refused (it never said hello); every one of the member's
    // is dropped (it does not decode, or does not check).
    await eventually(
      () => server.stats.refused >= 1500 && server.stats.dropped >= 1500,
      30_000,
      'every frame handled',
    );
    expect(lines.length).toBeLessThan(40); // logged, but not one line per frame
    // Everyone else is still served.
    const client = await Client.connect(server.address, { asDefault: false });
    const inc = delayed((x: number) => x + 1);
    await expect(client.compute(inc(inc(1)))).resolves.toBe(3);
    await client.close();
    stranger.close();
    member.close();
    await node.close();
  });

  it('drops a worker that stops heartbeating, and tells it', async () => {
    await using server = await startScheduler({
      heartbeatMs: 100,
      heartbeatTimeoutMs: 500,
      log: quiet,
    });
    const silent = await connectLink(server.address, {
      role: 'worker',
      name: 'silent',
      heartbeatMs: 1e6,
      log: quiet,
    });
    let why = '';
    silent.onEnd((end) => (why = end.reason));
    silent.send({ op: 'hello', worker: 'silent', version: PROTOCOL_VERSION, pid: process.pid });
    await eventually(() => server.workers.some((w) => w.ready), 5000, 'the worker to be ready');
    await eventually(() => server.workers.length === 0, 10_000, 'the silent worker to be dropped');
    await eventually(() => silent.closed, 5000, 'the bye');
    expect(why).toMatch(/worker silent sent no heartbeat for 0.5 s and is presumed dead/);
  });

  it('refuses a second worker of the same name', async () => {
    await using server = await startScheduler({ log: quiet });
    const node = await startWorker(server.address, { name: 'twin', log: quiet });
    await expect(startWorker(server.address, { name: 'twin', log: quiet })).rejects.toThrow(
      /a worker named 'twin' is already connected/,
    );
    await node.close();
  });

  it('runs computes on in-process worker nodes, and reports task errors with their key', async () => {
    await using server = await startScheduler({ log: quiet });
    const node = await startWorker(server.address, { nthreads: 2, name: 'n', log: quiet });
    expect(node.names).toEqual(['n-0', 'n-1']);
    await using client = await Client.connect(server.address, { asDefault: false });
    const double = delayed((a: Float64Array) => a.map((x) => x * 2));
    const out = await client.compute(double(new Float64Array([1, 2, 3])));
    expect(out).toEqual(new Float64Array([2, 4, 6]));
    const boom = client.submit((x: number) => {
      throw new RangeError(`bad ${x}`);
    }, 3);
    await expect(boom.result()).rejects.toThrow('bad 3');
    expect(boom.status).toBe('error');
    const err = (await boom.exception()) as { key: string; name: string; story: string[] };
    expect(err.name).toBe('RangeError');
    expect(err.key).toBe(boom.key);
    expect(err.story.length).toBeGreaterThan(0);
    await node.close();
  });

  it('cancels a compute whose signal aborts; a worker stuck on it starts afresh', async () => {
    await using server = await startScheduler({ log: quiet });
    const lines: string[] = [];
    const node = await startWorker(server.address, { name: 'spin', log: (l) => lines.push(l) });
    await using client = await Client.connect(server.address, { asDefault: false });
    const spin = delayed((ms: number) => {
      const end = Date.now() + ms;
      while (Date.now() < end);
      return ms;
    });
    const controller = new AbortController();
    const running = compute(spin(60_000), { scheduler: client, signal: controller.signal });
    await eventually(() => server.workers.some((w) => w.ready), 5000, 'the worker');
    await new Promise((r) => setTimeout(r, 200));
    controller.abort();
    await expect(running).rejects.toThrow(/abort/i);
    // The scheduler stops the stuck thread; the node replaces it and the next compute runs.
    await expect(client.compute(spin(1))).resolves.toBe(1);
    // A future cancels the same way.
    const f = client.submit((ms: number) => {
      const end = Date.now() + ms;
      while (Date.now() < end);
      return ms;
    }, 60_000);
    await new Promise((r) => setTimeout(r, 200));
    f.cancel();
    expect(f.status).toBe('cancelled');
    await expect(f.result()).rejects.toThrow(/abort/i);
    expect(f.done).toBe(true);
    await expect(client.compute(spin(2))).resolves.toBe(2);
    expect(lines.join('\n')).toMatch(/spin: starting afresh/);
    await node.close();
  });

  it("releases a client's work when it leaves mid-compute", async () => {
    await using server = await startScheduler({ log: quiet });
    const node = await startWorker(server.address, { name: 'busy', log: quiet });
    const spin = delayed((ms: number) => {
      const end = Date.now() + ms;
      while (Date.now() < end);
      return ms;
    });
    const leaving = await Client.connect(server.address, { asDefault: false });
    const abandoned = leaving.compute(spin(60_000));
    await new Promise((r) => setTimeout(r, 300));
    await leaving.close();
    await expect(abandoned).rejects.toThrow(/client .* was closed while computing/);
    await using staying = await Client.connect(server.address, { asDefault: false });
    const t0 = Date.now();
    await expect(staying.compute(spin(1))).resolves.toBe(1);
    expect(Date.now() - t0).toBeLessThan(30_000);
    await node.close();
  });

  it('lets a script that forgets close() exit once its work is done', async () => {
    await using server = await startScheduler({ log: quiet });
    const node = await startWorker(server.address, { name: 'w', log: quiet });
    const script = fileURLToPath(new URL('./__tests__/forgets-close.mjs', import.meta.url));
    const child = spawn(process.execPath, [script, server.address], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    expect(out.trim()).toBe('42');
    await node.close();
  });

  it('replaces a worker thread that dies; a task that keeps killing them fails, naming itself', async () => {
    await using server = await startScheduler({ maxRetries: 1, log: quiet });
    const lines: string[] = [];
    const node = await startWorker(server.address, {
      nthreads: 2,
      name: 'k',
      log: (l) => lines.push(l),
    });
    await using client = await Client.connect(server.address, { asDefault: false });
    const die = client.submit((code: number) => process.exit(code), 3);
    await expect(die.result()).rejects.toThrow(
      /was lost with its worker 2 times \(maxRetries 1\); the last time, k-\d left: thread k-\d exited with code 3/,
    );
    expect((await die.exception()) as { key: string }).toMatchObject({ key: die.key });
    // The node replaced its threads: the cluster goes on.
    await expect(client.submit((x: number) => x * 2, 21).result()).resolves.toBe(42);
    expect(lines.join('\n')).toMatch(/k-\d: starting afresh \(its thread exited with code 3\)/);
    await node.close();
  });

  it('serves several clients at once, each its own results', async () => {
    await using server = await startScheduler({ log: quiet });
    const a = await startWorker(server.address, { nthreads: 1, name: 'a', log: quiet });
    const b = await startWorker(server.address, { nthreads: 1, name: 'b', log: quiet });
    const clients = await Promise.all(
      [0, 1, 2, 3].map(() => Client.connect(server.address, { asDefault: false })),
    );
    const results = await Promise.all(
      clients.map((c, n) => c.gather(c.map((x: number) => x * 10, [n, n + 1, n + 2]))),
    );
    expect(results).toEqual([0, 1, 2, 3].map((n) => [n * 10, (n + 1) * 10, (n + 2) * 10]));
    await Promise.all(clients.map((c) => c.close()));
    await a.close();
    await b.close();
  });

  it('presumes nobody dead when its own thread was stalled', async () => {
    await using server = await startScheduler({
      heartbeatMs: 100,
      heartbeatTimeoutMs: 400,
      log: quiet,
    });
    const node = await startWorker(server.address, {
      name: 'patient',
      heartbeatMs: 100,
      heartbeatTimeoutMs: 400,
      log: quiet,
    });
    await eventually(() => server.workers.some((w) => w.ready), 5000, 'the worker');
    const end = Date.now() + 1500; // this thread (scheduler and node alike) does nothing else
    while (Date.now() < end);
    await new Promise((r) => setTimeout(r, 300));
    expect(server.workers.map((w) => w.name)).toEqual(['patient']);
    await node.close();
  });
});

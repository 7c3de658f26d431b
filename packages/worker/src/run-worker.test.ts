// runWorker over an in-process MessageChannel: hello, validation of every message (a malformed
// one is refused with a line naming the field, and the worker goes on), ordering, and stopping.
import { describe, expect, it } from '@jest/globals';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { PROTOCOL_VERSION, type FromWorker, packCompute } from '@dask-ts/protocol';
import { runWorker } from './run-worker.js';
import { isUnsendable } from './unsendable.js';
import { messagePortTransport, processTransport, type Transport } from './transport.js';

const kernels = new URL('../test/fixtures/kernels.mjs', import.meta.url).href;

/** Collects messages from a port; `next()` waits (with a deadline) for the next one. */
function inbox(port: MessagePort): { next: (ms?: number) => Promise<FromWorker> } {
  const queue: FromWorker[] = [];
  const waiting: Array<(m: FromWorker) => void> = [];
  port.on('message', (m: FromWorker) => {
    const w = waiting.shift();
    if (w) w(m);
    else queue.push(m);
  });
  return {
    next(ms = 30_000) {
      const m = queue.shift();
      if (m !== undefined) return Promise.resolve(m);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no message within the deadline')), ms);
        waiting.push((x) => {
          clearTimeout(timer);
          resolve(x);
        });
      });
    },
  };
}

describe('runWorker', () => {
  it('sends a result structured clone refuses as a marker saying why, and goes on', async () => {
    const { port1, port2 } = new MessageChannel();
    const logs: string[] = [];
    const box = inbox(port1);
    try {
      const done = runWorker(messagePortTransport<FromWorker>(port2), {
        name: 'w-gen',
        log: (line) => logs.push(line),
      });
      expect((await box.next()).op).toBe('hello');
      port1.postMessage(
        packCompute([
          {
            key: 'gen',
            fn: { kind: 'source', source: '() => (function* () { yield 1; })()', scope: {} },
            args: [],
            deps: [],
          },
          { key: 'n', fn: { kind: 'source', source: '() => 2', scope: {} }, args: [], deps: [] },
        ]),
      );
      port1.postMessage({ op: 'gather', id: 1, keys: ['gen', 'n'], release: true });
      port1.postMessage({ op: 'close' });
      expect((await box.next()).op).toBe('finished');
      const g = await box.next();
      if (g.op !== 'gathered') throw new Error(`expected gathered, got ${g.op}`);
      expect(g.keys).toEqual(['gen', 'n']);
      expect(g.values[1]).toBe(2);
      expect(isUnsendable(g.values[0])).toBe(true);
      expect((g.values[0] as { data: { message: string } }).data.message).toMatch(
        /result of gen cannot be sent from its worker/,
      );
      await done;
      expect(logs).toEqual([]);
    } finally {
      port1.close();
    }
  });

  it('greets, validates, computes in order, and stops on close', async () => {
    const { port1, port2 } = new MessageChannel();
    const logs: string[] = [];
    const box = inbox(port1);
    try {
      const done = runWorker(messagePortTransport<FromWorker>(port2), {
        name: 'w-test',
        log: (line) => logs.push(line),
      });
      expect(await box.next()).toEqual({
        op: 'hello',
        worker: 'w-test',
        version: PROTOCOL_VERSION,
        pid: process.pid,
      });

      port1.postMessage(
        packCompute([
          { key: 'x', fn: { kind: 'source', source: '() => 1' } as never, args: [], deps: [] },
        ]),
      );
      port1.postMessage({ op: 'launch-rockets' });
      port1.postMessage('garbage');
      port1.postMessage(
        packCompute([
          {
            key: 'a',
            fn: { kind: 'module', specifier: kernels, exportName: 'slowDouble' },
            args: [21],
            deps: [],
          },
          {
            key: 'b',
            fn: { kind: 'source', source: '(a) => a + 1', scope: {} },
            args: [{ $ref: 'a' }],
            deps: ['a'],
          },
        ]),
      );
      port1.postMessage({ op: 'gather', id: 3, keys: ['a', 'b', 'x'], release: false });
      port1.postMessage({ op: 'close' });

      expect(await box.next()).toEqual({
        op: 'finished',
        keys: ['a', 'b'],
        nbytes: [8, 8],
        ms: expect.any(Number),
      });
      expect(await box.next()).toEqual({
        op: 'gathered',
        id: 3,
        keys: ['a', 'b'],
        values: [42, 43],
        missing: ['x'],
      });
      await done;
      expect(logs).toHaveLength(3);
      expect(logs[0]).toMatch(
        /^dask-ts worker w-test: ignored a message: Malformed message from scheduler: fns\.0\.scope/,
      );
      expect(logs[1]).toMatch(/Malformed message from scheduler: op: /);
      expect(logs[1]).toContain('launch-rockets');
      expect(logs[2]).toContain('Received: "garbage"');
    } finally {
      port1.close();
      port2.close();
    }
  });

  it('stops when the channel closes', async () => {
    const { port1, port2 } = new MessageChannel();
    const box = inbox(port1);
    const done = runWorker(messagePortTransport<FromWorker>(port2), {
      name: 'w-close',
      log: () => undefined,
    });
    expect((await box.next()).op).toBe('hello');
    port1.close();
    await expect(done).resolves.toBeUndefined();
  });
});

describe('processTransport', () => {
  it('refuses a process without an IPC channel, saying how to start it', () => {
    const noIpc = { on: () => undefined, off: () => undefined };
    expect(() => processTransport(noIpc)).toThrow(
      'processTransport needs an IPC channel: start this process with child_process.fork(..., { serialization: "advanced" })',
    );
  });

  it('waits for unsent messages before disconnecting', () => {
    const callbacks: Array<(e: Error | null) => void> = [];
    let disconnected = false;
    const fake = {
      connected: true,
      send: (_m: unknown, cb?: (e: Error | null) => void) => {
        callbacks.push(cb!);
        return true;
      },
      disconnect: () => {
        disconnected = true;
      },
      on: () => undefined,
      off: () => undefined,
    };
    const t: Transport<string> = processTransport<string>(fake);
    let closed = 0;
    t.listen({ message: () => undefined, disconnect: () => closed++ });
    t.send('a');
    void t.close();
    expect(disconnected).toBe(false);
    callbacks[0](null);
    expect(disconnected).toBe(true);
    expect(closed).toBe(1);
  });
});

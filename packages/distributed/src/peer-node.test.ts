// A node's peer side without sockets: an input held by another thread of the node is fetched by
// asking that thread, kept, reported, and swapped in for its stand-in as the scheduler's `put`
// passes to the thread that needs it; a stand-in whose value is gone becomes a marker naming why;
// other messages pass unchanged; a malformed peer-fetch is dropped.
import { describe, expect, it } from '@jest/globals';
import type { Worker } from 'node:worker_threads';
import { isUnsendable } from '@dask-ts/worker';
import { PeerNode } from './peer-node.js';
import { peerValue, type PeerFetched } from './peer-wire.js';

/** A stand-in thread that answers gathers from `held`. */
function fakeThread(held: Map<string, unknown>, node: () => PeerNode): Worker {
  const fake = {
    postMessage(m: { op: string; id: number; keys: string[] }) {
      if (m.op !== 'gather') return;
      setImmediate(() =>
        node().fromThread({
          op: 'gathered',
          id: m.id,
          keys: m.keys.filter((k) => held.has(k)),
          values: m.keys.filter((k) => held.has(k)).map((k) => held.get(k)),
          missing: m.keys.filter((k) => !held.has(k)),
        }),
      );
    },
    once: () => fake,
    off: () => fake,
  };
  return fake as unknown as Worker;
}

describe('a node between its threads and the scheduler', () => {
  it('moves an input between its threads and swaps it in for its stand-in, once', async () => {
    const lines: string[] = [];
    const made: { node?: PeerNode } = {};
    const threads = new Map([
      ['w-a', fakeThread(new Map([['x', new Float64Array([1, 2])]]), () => made.node!)],
      ['w-b', fakeThread(new Map(), () => made.node!)],
    ]);
    const node = await PeerNode.start({
      scheduler: 'tcp://127.0.0.1:1',
      listen: false,
      token: undefined,
      curve: false,
      timeoutMs: 5000,
      log: (l) => lines.push(l),
      thread: (name) => threads.get(name),
    });
    made.node = node;
    try {
      expect(node.peer).toBeUndefined();
      const reports: PeerFetched[] = [];
      const fetch = {
        op: 'peer-fetch',
        id: 7,
        holder: 'w-a',
        address: 'tcp://h:1',
        keys: ['x', 'y'],
      };
      expect(node.fromScheduler('w-b', fetch, (m) => reports.push(m))).toBe(true);
      await new Promise((r) => setTimeout(r, 50));
      expect(reports).toEqual([
        { op: 'peer-fetched', id: 7, keys: ['x'], missing: ['y'], nbytes: 0 },
      ]);
      const compute = { op: 'compute', keys: ['z'] };
      const batch = {
        op: 'batch',
        messages: [
          { op: 'release', keys: ['q'] },
          { op: 'put', keys: ['x'], values: [peerValue(7, 0)] },
          compute,
        ],
      };
      const { message } = node.toThread('w-b', batch, undefined);
      const put = (message as { messages: { values?: unknown[] }[] }).messages[1];
      expect(put.values).toEqual([new Float64Array([1, 2])]);
      expect((message as { messages: unknown[] }).messages[2]).toBe(compute);
      // Taken once: the same stand-in again is a marker that says why.
      const again = node.toThread('w-b', { op: 'put', keys: ['x'], values: [peerValue(7, 0)] }, []);
      const [marker] = (again.message as { values: unknown[] }).values;
      expect(isUnsendable(marker) && marker.data.message).toMatch(
        /an input that w-b fetched from another worker \(transfer 7\) was not kept/,
      );
      expect(node.toThread('w-b', compute, undefined).message).toBe(compute);
      expect(node.fromScheduler('w-b', { op: 'peer-fetch', id: 'x' }, () => undefined)).toBe(true);
      expect(lines[0]).toMatch(/dask-ts worker w-b: dropped a peer-fetch: id/);
      expect(node.fromScheduler('w-b', compute, () => undefined)).toBe(false);
    } finally {
      await node.close();
    }
  }, 30_000);
});

// A peer server and its fetcher, in this process: values (typed arrays as raw frames) come back,
// a wrong token or protocol version is refused with why, a peer without the server's CURVE key
// never gets an answer (the fetch fails at its deadline, naming the address), garbage is dropped
// while the server keeps serving, and the listen address is checked.
import { afterAll, describe, expect, it } from '@jest/globals';
import { Dealer } from 'zeromq';
import { curveKeyPair } from './curve.js';
import { PeerFetcher } from './peer-fetch.js';
import { startPeerServer, localAddressToward, type Serve } from './peer-server.js';
import { eventually, openHandles } from '../../../tooling/test-leaks.js';

afterAll(async () => {
  await eventually(
    () => openHandles().length === 0,
    10_000,
    `no open handles (${openHandles().join(', ')})`,
  );
});

const held = new Map<string, unknown>([
  ['x', new Float64Array([1, 2, 3])],
  ['y', { n: 1 }],
]);
const serve: Serve = (worker, keys) =>
  Promise.resolve(
    worker !== 'w-a'
      ? `no worker named ${worker} runs there now`
      : {
          keys: keys.filter((k) => held.has(k)),
          values: keys.filter((k) => held.has(k)).map((k) => held.get(k)),
          missing: keys.filter((k) => !held.has(k)),
        },
  );

describe('peer server', () => {
  it('serves values to a fetcher with the token, over CURVE, and refuses the rest', async () => {
    const lines: string[] = [];
    const server = await startPeerServer({
      scheduler: 'tcp://127.0.0.1:8786',
      token: 'secret',
      curve: true,
      serve,
      log: (l) => lines.push(l),
    });
    const { address, curveKey } = server.peer;
    expect(address).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    expect(curveKey).toHaveLength(40);
    const good = new PeerFetcher({ token: 'secret', timeoutMs: 10_000, log: () => undefined });
    const bad = new PeerFetcher({ token: 'wrong', timeoutMs: 10_000, log: () => undefined });
    const none = new PeerFetcher({ timeoutMs: 10_000, log: () => undefined });
    const blindLog: string[] = [];
    const blind = new PeerFetcher({
      token: 'secret',
      timeoutMs: 500,
      log: (l) => blindLog.push(l),
    });
    try {
      const { got, nbytes } = await good.get(address, curveKey, 'w-a', ['x', 'y', 'z']);
      expect(got.keys).toEqual(['x', 'y']);
      expect(got.missing).toEqual(['z']);
      expect(got.values[0]).toEqual(new Float64Array([1, 2, 3]));
      expect(nbytes).toBe(24);
      await expect(good.get(address, curveKey, 'w-b', ['x'])).rejects.toThrow(
        `the worker at ${address} refused: no worker named w-b runs there now`,
      );
      await expect(bad.get(address, curveKey, 'w-a', ['x'])).rejects.toThrow(
        /refused: the token does not match this worker's/,
      );
      await expect(none.get(address, curveKey, 'w-a', ['x'])).rejects.toThrow(/refused/);
      // Another server key: ZeroMQ's handshake fails, and the fetch fails at its deadline.
      const otherKey = curveKeyPair().publicKey;
      await expect(blind.get(address, otherKey, 'w-a', ['x'])).rejects.toThrow(
        `the worker at ${address} did not serve: no answer within 0.5 s`,
      );
      // Then failed at once for as long again, and said once.
      await expect(blind.get(address, otherKey, 'w-a', ['x'])).rejects.toThrow(
        `the worker at ${address} did not answer lately: relayed through the scheduler until`,
      );
      expect(blindLog).toEqual([expect.stringContaining(`can this host reach ${address}?`)]);
      expect(server.stats.served).toBe(4);
    } finally {
      for (const f of [good, bad, none, blind]) f.close();
      await server.close();
    }
  }, 30_000);

  it('drops garbage and keeps serving', async () => {
    const lines: string[] = [];
    const server = await startPeerServer({
      scheduler: 'tcp://127.0.0.1:8786',
      listen: 'tcp://127.0.0.1:0',
      serve,
      log: (l) => lines.push(l),
    });
    const rogue = new Dealer({ linger: 0 });
    rogue.connect(server.peer.address);
    const fetcher = new PeerFetcher({ timeoutMs: 10_000, log: () => undefined });
    try {
      await rogue.send([Buffer.from([0xc1, 0xff, 0x00])]);
      await rogue.send([Buffer.from([0x81, 0xa2, 0x6f, 0x70, 0xa3, 0x62, 0x61, 0x64])]);
      const { got } = await fetcher.get(server.peer.address, undefined, 'w-a', ['y']);
      expect(got.values).toEqual([{ n: 1 }]);
      await eventually(() => server.stats.dropped === 2, 5000, 'both bad frames to be dropped');
      expect(lines[0]).toMatch(/dask-ts peer server: dropped a request/);
    } finally {
      rogue.close();
      fetcher.close();
      await server.close();
    }
  }, 30_000);

  it('checks where it listens', async () => {
    await expect(
      startPeerServer({
        scheduler: 'tcp://127.0.0.1:1',
        listen: '10.0.0.2',
        serve,
        log: () => undefined,
      }),
    ).rejects.toThrow(/listen must be an address such as 'tcp:\/\/10.0.0.2:0'.*got "10.0.0.2"/);
    await expect(
      startPeerServer({
        scheduler: 'tcp://127.0.0.1:1',
        listen: 'tcp://192.0.2.1:0',
        serve,
        log: () => undefined,
      }),
    ).rejects.toThrow(/Cannot listen for peers on tcp:\/\/192.0.2.1:\*/);
    expect(await localAddressToward('tcp://127.0.0.1:8786')).toBe('127.0.0.1');
    expect(await localAddressToward('not an address')).toBe('127.0.0.1');
  }, 30_000);
});

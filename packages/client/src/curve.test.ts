// CURVE encryption over real ZeroMQ sockets: peers with the scheduler's public key compute; a
// peer without it, or with another key, fails to connect with a timeout that names the failed
// handshake (it never hangs); bad keys are refused by name.
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { delayed } from '@dask-ts/graph';
import { Client } from './index.js';
import {
  ConnectError,
  connectLink,
  curveKeyPair,
  startScheduler,
  startWorker,
} from '@dask-ts/distributed';
import { eventually, openHandles } from '../../../tooling/test-leaks.js';

const quiet = (): void => undefined;

afterEach(() => {
  delete process.env.DASK_TS_CURVE_SERVER_KEY;
});

afterAll(async () => {
  await eventually(
    () => openHandles().length === 0,
    10_000,
    `no open handles (${openHandles().join(', ')})`,
  );
});

describe('CURVE encryption', () => {
  it('lets peers with the public key in, and no one else', async () => {
    const keys = curveKeyPair();
    expect(keys.publicKey).toHaveLength(40);
    expect(keys.secretKey).toHaveLength(40);
    await using server = await startScheduler({ curve: keys, log: quiet });
    const node = await startWorker(server.address, {
      name: 'secret-w',
      curveServerKey: keys.publicKey,
      log: quiet,
    });
    // A client given the key through the environment.
    process.env.DASK_TS_CURVE_SERVER_KEY = keys.publicKey;
    const client = await Client.connect(server.address, { asDefault: false });
    delete process.env.DASK_TS_CURVE_SERVER_KEY;
    const inc = delayed((x: number) => x + 1);
    await expect(client.compute(inc(inc(40)))).resolves.toBe(42);

    // No key: ZeroMQ's handshake fails, and the connect says so when its time is up.
    const plain = Client.connect(server.address, { connectTimeoutMs: 1500, asDefault: false });
    await expect(plain).rejects.toThrow(ConnectError);
    await expect(plain).rejects.toThrow(
      /no scheduler answered within 1.5 s: the connection's encryption handshake failed .*pass its public key as curveServerKey/,
    );
    // Another scheduler's key: the same.
    await expect(
      connectLink(server.address, {
        role: 'worker',
        name: 'impostor',
        curveServerKey: curveKeyPair().publicKey,
        connectTimeoutMs: 1500,
        log: quiet,
      }),
    ).rejects.toThrow(
      /no scheduler answered within 1.5 s: the connection's encryption handshake failed/,
    );
    expect(server.workers.map((w) => w.name)).toEqual(['secret-w']);
    await client.close();
    await node.close();
  }, 60_000);

  it('refuses keys that are not Z85 CURVE keys, naming them', async () => {
    await expect(
      startScheduler({ curve: { publicKey: 'short', secretKey: curveKeyPair().secretKey } }),
    ).rejects.toThrow(/curve.publicKey must be a CURVE key in Z85 text \(40 characters/);
    await expect(
      connectLink('tcp://127.0.0.1:1', { role: 'client', curveServerKey: 'x'.repeat(39) }),
    ).rejects.toThrow(
      /curveServerKey must be a CURVE key in Z85 text \(40 characters.*got 39 characters/,
    );
  });
});

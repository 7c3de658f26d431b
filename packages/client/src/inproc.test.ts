// Peers in the scheduler's own process reach it without the network: the same handshake, the
// same checks, binary values intact, and the end of the server ends their links.
import { afterAll, describe, expect, it } from '@jest/globals';
import { delayed } from '@dask-ts/graph';
import { Client } from './index.js';
import { connectLink, startScheduler, startWorker } from '@dask-ts/distributed';
import { eventually, openHandles } from '../../../tooling/test-leaks.js';

const quiet = (): void => undefined;

afterAll(async () => {
  await eventually(
    () => openHandles().length === 0,
    10_000,
    `no open handles (${openHandles().join(', ')})`,
  );
});

describe('in-process peers', () => {
  it('compute with binary values, refused and ended as remote peers are', async () => {
    const server = await startScheduler({ token: 'sesame', log: quiet });
    await expect(
      connectLink(server.address, { role: 'client', token: 'wrong', log: quiet }),
    ).rejects.toThrow(/the token does not match/);
    const node = await startWorker(server.address, { name: 'here', token: 'sesame', log: quiet });
    const client = await Client.connect(server.address, { token: 'sesame', asDefault: false });
    const double = delayed((a: Float64Array) => a.map((x) => x * 2));
    await expect(client.compute(double(new Float64Array([1, 2, 3])))).resolves.toEqual(
      new Float64Array([2, 4, 6]),
    );
    const link = await connectLink(server.address, {
      role: 'client',
      token: 'sesame',
      log: quiet,
    });
    let why = '';
    link.onEnd((end) => (why = end.reason));
    await server.close();
    await eventually(() => link.closed, 5000, 'the link to end');
    expect(why).toMatch(/the scheduler said bye: the scheduler is shutting down/);
    await expect(node.closed).resolves.toMatch(/shutting down/);
    await client.close();
  });
});

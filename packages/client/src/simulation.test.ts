// The zero-worker mode: a scheduler whose simulated workers finish every task at once, computing
// in-process and for a client over the network; bad counts are refused by name.
import { afterAll, describe, expect, it } from '@jest/globals';
import { delayed } from '@dask-ts/graph';
import type { Graph } from '@dask-ts/protocol';
import { Client } from './index.js';
import { startScheduler } from '@dask-ts/distributed';
import { eventually, openHandles } from '../../../tooling/test-leaks.js';

const quiet = (): void => undefined;

afterAll(async () => {
  await eventually(
    () => openHandles().length === 0,
    10_000,
    `no open handles (${openHandles().join(', ')})`,
  );
});

const ADD = { kind: 'source', source: '(a, b) => a + b', scope: {}, name: 'add' } as const;

/** A chain of `n` additions over one data node: each task depends on the one before. */
function chain(n: number): Graph {
  const graph = new Map() as Map<string, unknown>;
  graph.set('x', { kind: 'data', value: 1 });
  for (let i = 0; i < n; i++) {
    const prev = i === 0 ? 'x' : `add-${i - 1}`;
    graph.set(`add-${i}`, { kind: 'task', fn: ADD, args: [{ $ref: prev }, 1], deps: [prev] });
  }
  return graph as unknown as Graph;
}

describe('simulated workers', () => {
  it('finish every task at once, in-process and for a client', async () => {
    await expect(startScheduler({ simulatedWorkers: -1 })).rejects.toThrow(
      /simulatedWorkers must be an integer from 0 to 1000000, got -1/,
    );
    await using server = await startScheduler({ simulatedWorkers: 100, log: quiet });
    await eventually(
      () => server.workers.filter((w) => w.ready).length === 100,
      10_000,
      'a hundred ready workers',
    );
    expect(server.workers[0]?.name).toBe('sim-0');
    // Values are all null: the tasks never ran, but every one was scheduled and finished.
    await expect(server.scheduler.get(chain(5000), ['add-4999', 'add-0'])).resolves.toEqual([
      null,
      null,
    ]);
    await using client = await Client.connect(server.address, { asDefault: false });
    const inc = delayed((x: number) => x + 1);
    await expect(client.compute(inc(inc(1)))).resolves.toBeNull();
    await expect(client.gather(client.map((x: number) => x, [1, 2, 3]))).resolves.toEqual([
      null,
      null,
      null,
    ]);
  });
});

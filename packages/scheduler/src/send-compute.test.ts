// sendCompute: a long batch without inputs to fetch goes out in parts (the worker starts on the
// first while the rest is packed), every task once and in order; a batch that waits for inputs
// from another worker stays one message, sent once they are in.
import { describe, expect, it } from '@jest/globals';
import {
  task,
  ref,
  unpackCompute,
  type GraphNode,
  type PortableFunctionRef,
  type ToWorker,
} from '@dask-ts/protocol';
import type { Member } from './cluster-records.js';
import { Outbox } from './outbox.js';
import { sendCompute, type SendHost } from './send-compute.js';

const inc: PortableFunctionRef = { kind: 'builtin', name: 'test.inc' };

function host(): { host: SendHost; sent: ToWorker[]; gathers: string[][] } {
  const sent: ToWorker[] = [];
  const gathers: string[][] = [];
  const outbox = new Outbox((m) => sent.push(m));
  const member = { outbox } as unknown as Member;
  return {
    sent,
    gathers,
    host: {
      members: new Map([['w0', member]]),
      emit: () => undefined,
      countDone: () => undefined,
      schedule: () => outbox.flush(),
      gather: (_from, _target, _ticket, keys) => {
        gathers.push(keys);
        return true;
      },
    },
  };
}

function chain(n: number): { keys: string[]; nodes: GraphNode[] } {
  const keys: string[] = [];
  const nodes: GraphNode[] = [];
  for (let i = 0; i < n; i++) {
    keys.push(`t-${i}`);
    nodes.push(task(inc, i === 0 ? [0] : [ref(`t-${i - 1}`)]));
  }
  return { keys, nodes };
}

const taskKeys = (messages: ToWorker[]): string[] =>
  messages.flatMap((m) => (m.op === 'compute' ? unpackCompute(m).map((t) => t.key) : []));

describe('sendCompute', () => {
  it('sends a long batch in parts, every task once and in order', () => {
    const { host: h, sent } = host();
    const { keys, nodes } = chain(5000);
    sendCompute(h, { type: 'compute', worker: 'w0', keys, nodes, fetch: [] });
    expect(sent.length).toBeGreaterThanOrEqual(3);
    expect(taskKeys(sent)).toEqual(keys);
  });

  it('keeps a batch that waits for inputs from another worker whole', () => {
    const { host: h, sent, gathers } = host();
    const { keys, nodes } = chain(5000);
    sendCompute(h, { type: 'compute', worker: 'w0', keys, nodes, fetch: [['x', 'w1']] });
    expect(gathers).toEqual([['x']]);
    expect(sent).toEqual([]);
  });
});

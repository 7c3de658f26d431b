// The outbox hands over the buffers of values fetched from another worker (this thread's own
// copies, sent once) instead of copying them again; shared buffers and values put by the caller
// (which it may keep) are never listed.
import { describe, expect, test } from '@jest/globals';
import type { PortableFunctionRef, ToWorker } from '@dask-ts/protocol';
import { Outbox } from './outbox.js';

const inc: PortableFunctionRef = { kind: 'builtin', name: 'test.inc' };

describe('Outbox transfer of fetched values', () => {
  test("fetched values' buffers go in the transfer list; shared and put ones do not", () => {
    const sent: [ToWorker, ArrayBuffer[] | undefined][] = [];
    const box = new Outbox((m, transfer) => sent.push([m, transfer]));
    const own = new Float64Array(4);
    const shared = new Float64Array(new SharedArrayBuffer(32));
    const kept = new Float64Array(2);
    box.put('k', kept);
    const { ticket, tasks } = box.compute(1);
    tasks.add('y', inc, [{ $ref: 'x' }, { $ref: 's' }]);
    box.fetched(ticket, ['x', 's'], [{ $codec: 'test', data: { data: own, shape: [4] } }, shared]);
    box.flush();
    expect(sent).toHaveLength(1);
    const [, transfer] = sent[0];
    expect(transfer).toEqual([own.buffer]);
    expect(transfer).not.toContain(kept.buffer);
  }, 10_000);

  test('a long array of records is not walked', () => {
    const sent: (ArrayBuffer[] | undefined)[] = [];
    const box = new Outbox((_m, transfer) => sent.push(transfer));
    const { ticket, tasks } = box.compute(1);
    tasks.add('y', inc, [{ $ref: 'x' }]);
    const records = Array.from({ length: 1000 }, (_, i) => ({ i, v: new Float64Array(1) }));
    box.fetched(ticket, ['x'], [records]);
    box.flush();
    expect(sent).toEqual([[]]);
  }, 10_000);
});

import { describe, expect, test } from '@jest/globals';
import {
  computeSchema,
  packCompute,
  unpackCompute,
  type PortableFunctionRef,
  type ToWorker,
  type WireTask,
} from '@dask-ts/protocol';
import { Outbox, TaskPacker, refsOnly } from './outbox.js';

const inc: PortableFunctionRef = { kind: 'builtin', name: 'test.inc' };
const add: PortableFunctionRef = { kind: 'source', source: '(a, b) => a + b', scope: {} };

describe('TaskPacker', () => {
  test('packs exactly as packCompute does: functions once, reference-only args as key lists', () => {
    const tasks: WireTask[] = [
      { key: 'x', fn: inc, args: [1], deps: [] },
      { key: 'y', fn: add, args: [{ $ref: 'x' }, { $ref: 'x' }], deps: ['x'] },
      { key: 'z', fn: inc, args: [], deps: [] },
      { key: 'w', fn: add, args: [{ $ref: 'y' }, 2], deps: ['y'] },
    ];
    const p = new TaskPacker();
    for (const t of tasks) p.add(t.key, t.fn, t.args);
    expect(p.size).toBe(4);
    const msg = p.message();
    expect(msg).toEqual(packCompute(tasks));
    expect(computeSchema.parse(msg)).toEqual(msg);
    expect(unpackCompute(msg).map((t) => [t.key, t.deps])).toEqual([
      ['x', []],
      ['y', ['x']],
      ['z', []],
      ['w', ['y']],
    ]);
  });

  test('refsOnly accepts only plain { $ref } arguments', () => {
    expect(refsOnly([])).toBe(true);
    expect(refsOnly([{ $ref: 'a' }, { $ref: 'b' }])).toBe(true);
    expect(refsOnly([{ $ref: 'a' }, 1])).toBe(false);
    expect(refsOnly([null])).toBe(false);
    expect(refsOnly([{ $ref: 3 }])).toBe(false);
  });
});

/** The messages sent, with batches opened. */
function unbatch(sent: readonly ToWorker[]): ToWorker[] {
  return sent.flatMap((m) => (m.op === 'batch' ? m.messages : [m]));
}

describe('Outbox', () => {
  test('merges consecutive computes into one packed message, in order', () => {
    const sent: ToWorker[] = [];
    const box = new Outbox((m) => sent.push(m));
    box.compute().tasks.add('a', inc, [1]);
    box.compute().tasks.add('b', inc, [{ $ref: 'a' }]);
    box.release(['old']);
    box.compute().tasks.add('c', inc, [2]);
    box.flush();
    // One flush, one message: a batch of the three, in order.
    expect(sent.map((m) => m.op)).toEqual(['batch']);
    const parts = unbatch(sent);
    expect(parts.map((m) => m.op)).toEqual(['compute', 'release', 'compute']);
    expect(parts[0]).toMatchObject({ keys: ['a', 'b'], argKeys: ['a'], argCount: [-1, 1] });
    expect(parts[2]).toMatchObject({ keys: ['c'] });
    expect(box.empty).toBe(true);
    box.release(['x']);
    box.flush();
    expect(sent[1]).toEqual({ op: 'release', keys: ['x'] }); // a lone message is sent as it is
  });

  test('a compute waits for its fetched inputs, which are sent just before it', () => {
    const sent: ToWorker[] = [];
    const box = new Outbox((m) => sent.push(m));
    const { ticket, tasks } = box.compute(1);
    tasks.add('y', inc, [{ $ref: 'x' }]);
    box.flush();
    expect(sent).toEqual([]);
    box.fetched(ticket, ['x'], [41]);
    box.flush();
    const parts = unbatch(sent);
    expect(parts.map((m) => m.op)).toEqual(['put', 'compute']);
    expect(parts[0]).toEqual({ op: 'put', keys: ['x'], values: [41] });
  });
});

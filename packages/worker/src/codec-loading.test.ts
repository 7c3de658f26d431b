// A worker that receives a value whose codec it lacks imports the codec's module, then decodes:
// in a task's arguments and in a `put`, with later messages waiting behind the import. When the
// module cannot be imported, or does not register the codec, the task fails saying so.
import { describe, expect, it } from '@jest/globals';
import { packCompute, type FromWorker, type PortableFunctionRef } from '@dask-ts/protocol';
import { WorkerState, type Outgoing } from './worker-state.js';

const fixtures = new URL('../test/fixtures/', import.meta.url);
const money = new URL('money.mjs', fixtures).href;
const probe: PortableFunctionRef = {
  kind: 'source',
  source: '(m) => (typeof m.dollars === "function" ? m.dollars() : "plain")',
  scope: {},
};
/** A Money as the scheduler would send it, before this thread has loaded money.mjs. */
const tagged = (cents: number, module = money, codec = `class:Money@${money}`): unknown => ({
  $codec: codec,
  module,
  data: { cents },
});
const messages = (out: readonly Outgoing[]): FromWorker[] => out.map((o) => o.message);

async function gathered(state: WorkerState, key: string): Promise<unknown> {
  const [reply] = messages(
    await state.handleAll({ op: 'gather', id: 1, keys: [key], release: false }),
  );
  return reply?.op === 'gathered' ? reply.values[0] : reply;
}

describe('codecs loaded on demand', () => {
  it('imports the module of a codec found in a task’s arguments', async () => {
    const state = new WorkerState();
    const out = messages(
      await state.handleAll(packCompute([{ key: 'y', fn: probe, args: [tagged(250)], deps: [] }])),
    );
    expect(out).toMatchObject([{ op: 'finished', keys: ['y'] }]);
    expect(await gathered(state, 'y')).toBe(2.5);
  });

  it('imports it for a put, and later messages wait behind the import', async () => {
    const state = new WorkerState();
    // A module of its own (the query string makes it one), so no earlier test has loaded it.
    const again = `${money}?put`;
    const put = state.handle({
      op: 'put',
      keys: ['m'],
      values: [tagged(400, again, `class:Money@${again}`)],
    });
    const compute = state.handle(
      packCompute([{ key: 'y', fn: probe, args: [{ $ref: 'm' }], deps: ['m'] }]),
    );
    expect(compute.now).toEqual([]);
    await put.later;
    expect(messages(await compute.later!)).toMatchObject([{ op: 'finished', keys: ['y'] }]);
    expect(await gathered(state, 'y')).toBe(4);
  });

  it.each([
    [
      'the module cannot be imported',
      tagged(1, new URL('no-such-module.mjs', fixtures).href, 'class:Gone@x'),
      /Cannot decode the value of y: importing '.*no-such-module\.mjs', the module of codec 'class:Gone@x', failed/,
    ],
    [
      'the module does not register the codec',
      tagged(1, new URL('registers-nothing.mjs', fixtures).href, 'class:Missing@x'),
      /codec 'class:Missing@x' is not registered, even after importing its module '.*registers-nothing\.mjs'/,
    ],
  ])('fails the task, saying why, when %s', async (_why, arg, message) => {
    const state = new WorkerState();
    const out = messages(
      await state.handleAll(packCompute([{ key: 'y', fn: probe, args: [arg], deps: [] }])),
    );
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ op: 'erred', key: 'y' });
    expect((out[0] as { error: { message: string } }).error.message).toMatch(message);
  });
});

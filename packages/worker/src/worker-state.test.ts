// WorkerState driven directly, without threads: every op and every kind of function reference,
// batches, and large batches. Failures, data ops and unsendable values: worker-state-failures.test.ts.
import { describe, expect, it } from '@jest/globals';
import { registerBuiltin, packCompute, type WireTask } from '@dask-ts/protocol';
import { WorkerState } from './worker-state.js';
import { isUnsendable, sendable } from './unsendable.js';
import { builtinsModule, messages, mod, src, t } from './__tests__/worker-state-helpers.js';

describe('WorkerState compute', () => {
  it('runs a synchronous batch in order and reports one finished message', () => {
    const state = new WorkerState();
    state.handle({ op: 'put', keys: ['x'], values: [20] });
    const h = state.handle(
      packCompute([
        t('y', src('(x) => x + 1'), [{ $ref: 'x' }], ['x']),
        t('z', src('(a, b) => a * b'), [{ $ref: 'y' }, { $ref: 'x' }], ['y', 'x']),
        t(
          's',
          src('(o) => o.a + o.b.length'),
          [{ a: { $ref: 'z' }, b: ['p', { $ref: 'x' }] }],
          ['z', 'x'],
        ),
      ]),
    );
    expect(h.later).toBeUndefined();
    expect(messages(h.now)).toEqual([{ op: 'finished', keys: ['y', 'z', 's'], nbytes: [8, 8, 8] }]);
    expect(state.get('y')).toBe(21);
    expect(state.get('z')).toBe(420);
    expect(state.get('s')).toBe(422);
  });

  it('sends the values of wanted tasks with finished and keeps them until released', async () => {
    const state = new WorkerState();
    const msg = {
      ...packCompute([
        t('a', src('() => 2'), []),
        t('b', src('(a) => new Map([[a, [a]]])'), [{ $ref: 'a' }], ['a']),
        t('c', src('async (a) => a * 10'), [{ $ref: 'a' }], ['a']),
        t('g', src('() => (function* () {})()'), []),
      ]),
      want: [1, 2, 3],
    };
    const out = await state.handleAll(msg);
    const finished = messages(out).filter((m) => m.op === 'finished');
    expect(finished.flatMap((m) => (m.op === 'finished' ? (m.valueKeys ?? []) : []))).toEqual([
      'b',
      'c',
      'g',
    ]);
    const values = finished.flatMap((m) => (m.op === 'finished' ? (m.values ?? []) : []));
    expect(values[0]).toEqual(new Map([[2, [2]]]));
    expect(values[1]).toBe(20);
    // A value that cannot be copied travels as the marker that says why, naming the key.
    const sent = finished.map((m) => sendable(m) ?? m);
    const marker = sent.flatMap((m) => (m.op === 'finished' ? (m.values ?? []) : []))[2];
    expect(isUnsendable(marker)).toBe(true);
    expect(isUnsendable(marker) && marker.data.message).toMatch(/\bg\b/);
    // Every result stays held until the scheduler releases it.
    expect(['a', 'b', 'c', 'g'].every((k) => state.has(k))).toBe(true);
    state.handle({ op: 'release', keys: ['b', 'c'] });
    expect(state.has('b') || state.has('c')).toBe(false);
  });

  it('leaves large wanted results to be gathered, so their buffers are transferred, not copied', async () => {
    const state = new WorkerState();
    const msg = {
      ...packCompute([
        t('big', src('() => new Float64Array(100_000)'), []),
        t('small', src('() => 1'), []),
      ]),
      want: [0, 1],
    };
    const out = await state.handleAll(msg);
    const finished = messages(out).filter((m) => m.op === 'finished');
    expect(finished.flatMap((m) => (m.op === 'finished' ? (m.valueKeys ?? []) : []))).toEqual([
      'small',
    ]);
    expect(state.has('big')).toBe(true);
  });

  it('evaluates inline calls, nested, before the task function', () => {
    const state = new WorkerState();
    state.handle({ op: 'put', keys: ['x'], values: [3] });
    const inc = src('(v) => v + 1');
    const h = state.handle(
      packCompute([
        t(
          'y',
          src('(a, b) => [a, b]'),
          [
            { $call: inc, args: [{ $call: inc, args: [{ $ref: 'x' }] }] },
            { $literal: { $ref: 'kept' } },
          ],
          ['x'],
        ),
      ]),
    );
    expect(messages(h.now)).toEqual([
      { op: 'finished', keys: ['y'], nbytes: [expect.any(Number)] },
    ]);
    expect(state.get('y')).toEqual([5, { $ref: 'kept' }]);
  });

  it('rebuilds source functions with their scope, once per (source, scope)', () => {
    const state = new WorkerState();
    state.handle({ op: 'put', keys: ['x'], values: [2] });
    const h = state.handle(
      packCompute([
        t('a', src('(x) => x * factor + offset.n', { factor: 10, offset: { n: 1 } }), [
          { $ref: 'x' },
        ]),
        t('b', src('(x) => x * factor + offset.n', { factor: 100, offset: { n: 1 } }), [
          { $ref: 'x' },
        ]),
        t('c', src('(x) => x * factor + offset.n', { factor: 10, offset: { n: 1 } }), [
          { $ref: 'x' },
        ]),
        t('d', src('(x) => m.get(x)', { m: new Map([[2, 'two']]) }), [{ $ref: 'x' }]),
        t('e', src('(x) => m.get(x)', { m: new Map([[2, 'deux']]) }), [{ $ref: 'x' }]),
      ]),
    );
    expect(messages(h.now)[0]).toMatchObject({ op: 'finished', keys: ['a', 'b', 'c', 'd', 'e'] });
    expect(['a', 'b', 'c', 'd', 'e'].map((k) => state.get(k))).toEqual([
      21,
      201,
      21,
      'two',
      'deux',
    ]);
  });

  it('imports module refs once and calls their exports', async () => {
    const state = new WorkerState();
    state.handle({ op: 'put', keys: ['x', 'xs'], values: [1, [1, 2, 3]] });
    const h = state.handle(
      packCompute([
        t('y', mod('add'), [{ $ref: 'x' }, 41], ['x']),
        t('s', mod('sumArray'), [{ $ref: 'xs' }], ['xs']),
      ]),
    );
    expect(h.now).toEqual([]);
    expect(messages(await h.later!)).toEqual([
      { op: 'finished', keys: ['y', 's'], nbytes: [8, 8] },
    ]);
    expect(state.get('y')).toBe(42);
    expect(state.get('s')).toBe(6);
    // Now cached: the next batch is synchronous.
    const again = state.handle(packCompute([t('y2', mod('add'), [1, 2])]));
    expect(again.later).toBeUndefined();
    expect(messages(again.now)).toEqual([{ op: 'finished', keys: ['y2'], nbytes: [8] }]);
  });

  it('resolves builtins, importing the module that registers them', async () => {
    const state = new WorkerState();
    registerBuiltin('test.square', (x: number) => x * x);
    const out = await state.handleAll(
      packCompute([
        t('a', { kind: 'builtin', name: 'test.square' }, [7]),
        t(
          'b',
          { kind: 'builtin', name: 'test.triple', module: builtinsModule },
          [{ $ref: 'a' }],
          ['a'],
        ),
      ]),
    );
    // The sync prefix is reported at once, the rest after the import.
    expect(messages(out)).toEqual([
      { op: 'finished', keys: ['a'], nbytes: [8] },
      { op: 'finished', keys: ['b'], nbytes: [8] },
    ]);
    expect(state.get('b')).toBe(147);
  });

  it('awaits tasks that return promises, keeping the batch order', async () => {
    const state = new WorkerState();
    const out = await state.handleAll(
      packCompute([
        t('a', src('() => 1'), []),
        t(
          'b',
          src('async (a) => { await new Promise((r) => setTimeout(r, 5)); return a + 1; }'),
          [{ $ref: 'a' }],
          ['a'],
        ),
        t('c', src('(b) => b * 10'), [{ $ref: 'b' }], ['b']),
        t('d', src('(c) => Promise.reject(new TypeError("no " + c))'), [{ $ref: 'c' }], ['c']),
        t('e', src('(c) => c + 1'), [{ $ref: 'c' }], ['c']),
      ]),
    );
    expect(messages(out)).toEqual([
      { op: 'finished', keys: ['a'], nbytes: [8] },
      { op: 'finished', keys: ['b', 'c', 'e'], nbytes: [8, 8, 8] },
      {
        op: 'erred',
        key: 'd',
        error: expect.objectContaining({ name: 'TypeError', message: 'no 20' }),
      },
    ]);
    expect(state.get('e')).toBe(21);
  });

  it('awaits inline calls that return promises without calling earlier ones twice', async () => {
    const state = new WorkerState();
    const counter = { n: 0 };
    registerBuiltin('test.count', () => ++counter.n);
    const out = await state.handleAll(
      packCompute([
        t('y', src('(a, b) => [a, b]'), [
          { $call: { kind: 'builtin', name: 'test.count' }, args: [] },
          { $call: src('async (x) => x * 2'), args: [21] },
        ]),
      ]),
    );
    expect(messages(out)).toEqual([{ op: 'finished', keys: ['y'], nbytes: [expect.any(Number)] }]);
    expect(state.get('y')).toEqual([1, 42]);
    expect(counter.n).toBe(1);
  });

  it('queues messages behind a batch that is still awaiting', async () => {
    const state = new WorkerState();
    const first = state.handle(packCompute([t('a', mod('slowDouble'), [21])]));
    const gather = state.handle({ op: 'gather', id: 1, keys: ['a'], release: false });
    expect(gather.now).toEqual([]);
    expect(messages(await first.later!)).toEqual([{ op: 'finished', keys: ['a'], nbytes: [8] }]);
    expect(messages(await gather.later!)).toEqual([
      { op: 'gathered', id: 1, keys: ['a'], values: [42], missing: [] },
    ]);
  });
});

describe('WorkerState batches', () => {
  it('handles the messages of a batch in order, as if sent one by one', async () => {
    const state = new WorkerState();
    state.handle({ op: 'put', keys: ['old'], values: [1] });
    const h = state.handle({
      op: 'batch',
      messages: [
        { op: 'release', keys: ['old'] },
        { op: 'put', keys: ['x'], values: [20] },
        packCompute([t('y', src('(x) => x + 1'), [{ $ref: 'x' }], ['x'])]),
        packCompute([t('z', src('async (y) => y * 2'), [{ $ref: 'y' }], ['y'])]),
        { op: 'gather', id: 7, keys: ['z', 'old'], release: false },
      ],
    });
    // What ran at once is reported at once; the rest waits behind the async task, in order.
    expect(messages(h.now)).toEqual([{ op: 'finished', keys: ['y'], nbytes: [8] }]);
    expect(messages(await h.later!)).toEqual([
      { op: 'finished', keys: ['z'], nbytes: [8] },
      { op: 'gathered', id: 7, keys: ['z'], values: [42], missing: ['old'] },
    ]);
  });

  it('refuses a whole batch with a malformed put before running any of it', () => {
    const state = new WorkerState();
    expect(() =>
      state.handle({
        op: 'batch',
        messages: [
          packCompute([t('a', src('() => 1'), [])]),
          { op: 'put', keys: ['x', 'y'], values: [1] },
        ],
      }),
    ).toThrow(/put has 2 keys but 1 values/);
    expect(state.has('a')).toBe(false);
  });
});

describe('WorkerState large batches', () => {
  it('runs 100,000 no-op source tasks with one dependency each, synchronously', () => {
    const state = new WorkerState();
    state.handle({ op: 'put', keys: ['in'], values: [0] });
    const n = 100_000;
    const tasks: WireTask[] = [];
    for (let i = 0; i < n; i++) {
      tasks.push(t(`k-${i}`, src('(x) => x'), [{ $ref: 'in' }], ['in']));
    }
    const h = state.handle(packCompute(tasks));
    expect(h.later).toBeUndefined();
    expect(h.now).toHaveLength(1);
    const m = h.now[0].message;
    expect(m.op === 'finished' && m.keys.length).toBe(n);
    expect(state.size).toBe(n + 1);
  });
});

// WorkerState driven directly, without threads: every op, every kind of function reference, and
// every failure a task or a message can bring.
import { describe, expect, it } from '@jest/globals';
import { MessageChannel } from 'node:worker_threads';
import {
  registerBuiltin,
  registerCodec,
  type FromWorker,
  type PortableFunctionRef,
  type WireTask,
  packCompute,
} from '@dask-ts/protocol';
import { WorkerState, type Outgoing } from './worker-state.js';
import { isUnsendable, sendable, unsendable } from './unsendable.js';

const fixtures = new URL('../test/fixtures/', import.meta.url);
const kernels = new URL('kernels.mjs', fixtures).href;
const builtinsModule = new URL('builtins.mjs', fixtures).href;

const src = (
  source: string,
  scope: Record<string, unknown> = {},
  name?: string,
): PortableFunctionRef =>
  name === undefined ? { kind: 'source', source, scope } : { kind: 'source', source, scope, name };
const mod = (exportName: string, specifier = kernels): PortableFunctionRef => ({
  kind: 'module',
  specifier,
  exportName,
});
const t = (
  key: string,
  fn: PortableFunctionRef,
  args: unknown[],
  deps: string[] = [],
): WireTask => ({
  key,
  fn,
  args,
  deps,
});
/** The messages sent; a `finished` message's run time is checked, then left out. */
const messages = (out: readonly Outgoing[]): FromWorker[] =>
  out.map((o) => {
    const m = o.message;
    if (m.op !== 'finished') return m;
    expect(m.ms).toBeGreaterThanOrEqual(0);
    const { ms: _ms, ...rest } = m;
    return rest;
  });

function erredOf(
  out: readonly Outgoing[],
  key: string,
): { name: string; message: string; stack?: string } {
  const m = messages(out).find((x) => x.op === 'erred' && x.key === key);
  if (m === undefined || m.op !== 'erred') throw new Error(`no erred message for ${key}`);
  return m.error;
}

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

describe('WorkerState failures', () => {
  it('names the task and the missing dependency', () => {
    const state = new WorkerState();
    const h = state.handle(
      packCompute([t('y', src('(x) => x + 1'), [{ $ref: 'nowhere' }], ['nowhere'])]),
    );
    const e = erredOf(h.now, 'y');
    expect(e.name).toBe('GraphError');
    expect(e.message).toBe(
      "Task 'y' cannot run: its dependency 'nowhere' is not held by this worker (never computed or put here, or already released)",
    );
  });

  it('names source functions in stacks, and a trailing line comment does not break them', () => {
    const state = new WorkerState();
    const h = state.handle(
      packCompute([
        t('c', src('(x) => x + 1 // adds one', {}, 'inc'), [1]),
        t('s', src('() => { throw new TypeError("nope"); }', {}, 'thrower'), []),
      ]),
    );
    expect(state.get('c')).toBe(2);
    const e = erredOf(h.now, 's');
    expect(e.name).toBe('TypeError');
    expect(e.stack).toContain('dask-ts-source:thrower');
  });

  it('holds undefined results as real values', () => {
    const state = new WorkerState();
    const h = state.handle(
      packCompute([
        t('u', src('() => undefined'), []),
        t('v', src('(u) => u === undefined'), [{ $ref: 'u' }]),
      ]),
    );
    expect(messages(h.now)).toEqual([{ op: 'finished', keys: ['u', 'v'], nbytes: [4, 4] }]);
    expect(state.get('v')).toBe(true);
  });

  it('keeps a failing task name, message and stack (with the user frame), and tells its dependents', async () => {
    const state = new WorkerState();
    const out = await state.handleAll(
      packCompute([
        t('ok', src('() => 1'), []),
        t('bad', mod('explodeInKernel'), [7]),
        t('after', src('(b) => b'), [{ $ref: 'bad' }], ['bad']),
      ]),
    );
    const e = erredOf(out, 'bad');
    expect(e.name).toBe('RangeError');
    expect(e.message).toBe('kernel refused 7');
    expect(e.stack).toContain('explodeInKernel');
    expect(e.stack).toContain('kernels.mjs');
    expect(erredOf(out, 'after').message).toBe(
      "Task 'after' cannot run: its dependency 'bad' failed earlier in this batch",
    );
    expect(state.has('bad')).toBe(false);
    expect(state.get('ok')).toBe(1);
  });

  it('reports a non-Error throw', () => {
    const state = new WorkerState();
    const h = state.handle(packCompute([t('x', src('() => { throw 42; }'), [])]));
    expect(erredOf(h.now, 'x')).toEqual({
      name: 'NonErrorThrown',
      message: 'A task threw a non-Error value: 42',
      thrown: { value: 42 },
    });
  });

  it('names the specifier and the export when a module or export is missing', async () => {
    const state = new WorkerState();
    const missingModule = new URL('does-not-exist.mjs', fixtures).href;
    const out = await state.handleAll(
      packCompute([
        t('a', mod('nope'), []),
        t('b', mod('notAFunction'), []),
        t('c', mod('f', missingModule), []),
        t('d', mod('g', missingModule), []),
      ]),
    );
    expect(erredOf(out, 'a').message).toBe(
      `Module '${kernels}' has no function export 'nope' (no such export)`,
    );
    expect(erredOf(out, 'b').message).toBe(
      `Module '${kernels}' has no function export 'notAFunction' (it is a number)`,
    );
    expect(erredOf(out, 'c').message).toContain(
      `Cannot load function 'f' from module '${missingModule}'`,
    );
    expect(erredOf(out, 'd').message).toContain(
      `Cannot load function 'g' from module '${missingModule}'`,
    );
  });

  it('names the builtin (and its module) when it cannot be found', async () => {
    const state = new WorkerState();
    const empty = new URL('kernels.mjs', fixtures).href;
    const gone = new URL('gone.mjs', fixtures).href;
    const out = await state.handleAll(
      packCompute([
        t('a', { kind: 'builtin', name: 'test.unknown' }, []),
        t('b', { kind: 'builtin', name: 'test.unknown', module: empty }, []),
        t('c', { kind: 'builtin', name: 'test.unknown', module: gone }, []),
      ]),
    );
    expect(erredOf(out, 'a').message).toBe(
      "Builtin 'test.unknown' is not registered here, and its reference names no module that registers it: import the package that registers it, or give the reference its module",
    );
    expect(erredOf(out, 'b').message).toBe(
      `Builtin 'test.unknown' is not registered, even after importing its module '${empty}'`,
    );
    expect(erredOf(out, 'c').message).toContain(
      `Cannot load builtin 'test.unknown': importing its module '${gone}' failed`,
    );
  });

  it('names a source function that does not parse or is not a function', () => {
    const state = new WorkerState();
    const h = state.handle(
      packCompute([
        t('a', src('(x) => x +', {}, 'brokenLambda'), [1]),
        t('b', src('42', {}, 'notFn'), []),
      ]),
    );
    expect(erredOf(h.now, 'a')).toMatchObject({
      name: 'FunctionRefError',
      message: expect.stringMatching(
        /^Cannot rebuild source function 'brokenLambda': SyntaxError: /,
      ),
    });
    expect(erredOf(h.now, 'b').message).toBe(
      "Source function 'notFn' does not evaluate to a function (got number)",
    );
  });

  it('refuses local refs inside inline calls, saying they never cross threads', () => {
    const state = new WorkerState();
    const local = {
      kind: 'local',
      name: 'myClosure',
      fn: () => 1,
      problem: "it uses the outer variable 'k'",
    };
    const h = state.handle(packCompute([t('a', src('(x) => x'), [{ $call: local, args: [] }])]));
    expect(erredOf(h.now, 'a').message).toBe(
      "Function 'myClosure' is a local closure and cannot run in a worker: local functions never cross threads or processes (it uses the outer variable 'k'). Use a module reference, or a source reference with its outer values in 'scope'.",
    );
  });

  it('refuses a put whose keys and values disagree, naming the keys', () => {
    const state = new WorkerState();
    expect(() => state.handle({ op: 'put', keys: ['p', 'q'], values: [1] })).toThrow(
      'Malformed message from scheduler: put has 2 keys but 1 values (keys: p, q)',
    );
    expect(state.size).toBe(0);
  });
});

describe('WorkerState data', () => {
  it('puts (decoding codec payloads), releases (ignoring unknown keys) and gathers', () => {
    const state = new WorkerState();
    state.handle({
      op: 'put',
      keys: ['a', 'e'],
      values: [{ n: 1 }, { $codec: 'error', data: { name: 'RangeError', message: 'kept' } }],
    });
    expect(state.get('e')).toBeInstanceOf(Error);
    expect((state.get('e') as Error).name).toBe('RangeError');
    state.handle({ op: 'release', keys: ['never-held', 'e'] });
    expect(state.has('e')).toBe(false);
    const h = state.handle({ op: 'gather', id: 7, keys: ['a', 'e', 'zz'], release: false });
    expect(h.now).toEqual([
      {
        message: { op: 'gathered', id: 7, keys: ['a'], values: [{ n: 1 }], missing: ['e', 'zz'] },
        transfer: [],
      },
    ]);
    expect(state.has('a')).toBe(true);
  });

  it('gathers with release by transferring typed-array buffers, not copying them', async () => {
    const state = new WorkerState();
    state.handle(
      packCompute([
        t('f', src('(n) => Float64Array.from({ length: n }, (_, i) => i * 0.5)'), [1000]),
      ]),
    );
    const original = state.get('f') as Float64Array;
    const [g] = state.handle({ op: 'gather', id: 1, keys: ['f'], release: true }).now;
    expect(g!.transfer).toEqual([original.buffer]);
    expect(state.has('f')).toBe(false);

    const { port1, port2 } = new MessageChannel();
    try {
      const received = new Promise<FromWorker>((resolve) => port2.once('message', resolve));
      port1.postMessage(g!.message, [...g!.transfer]);
      expect(original.buffer.byteLength).toBe(0); // detached: moved, not copied
      const m = await received;
      if (m.op !== 'gathered') throw new Error('expected gathered');
      const got = m.values[0] as Float64Array;
      expect(Object.prototype.toString.call(got)).toBe('[object Float64Array]');
      expect(got.length).toBe(1000);
      expect(got[999]).toBe(499.5);
    } finally {
      port1.close();
      port2.close();
    }
  });

  it('copies instead of transferring a buffer that a held value still uses', () => {
    const state = new WorkerState();
    state.handle(
      packCompute([
        t('f', src('() => new Float32Array(8)'), []),
        t('view', src('(f) => ({ head: f.subarray(0, 2) })'), [{ $ref: 'f' }]),
        t('own', src('() => new Uint8Array(4)'), []),
      ]),
    );
    const [g] = state.handle({ op: 'gather', id: 2, keys: ['f', 'own'], release: true }).now;
    expect(g!.transfer).toEqual([(g!.message as { values: Uint8Array[] }).values[1]!.buffer]);
    expect(state.has('view')).toBe(true);
  });

  it('ignores everything after close', () => {
    const state = new WorkerState();
    expect(state.handle({ op: 'close' }).closed).toBe(true);
    expect(state.closed).toBe(true);
    expect(state.handle({ op: 'put', keys: ['x'], values: [1] }).now).toEqual([]);
    expect(state.has('x')).toBe(false);
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
    const m = h.now[0]!.message;
    expect(m.op === 'finished' && m.keys.length).toBe(n);
    expect(state.size).toBe(n + 1);
  });
});

describe('WorkerState values that cannot be sent', () => {
  it('gathers a value its codecs cannot encode as a marker that says why, not as missing', () => {
    class Opaque {}
    registerCodec({
      name: 'test.opaque',
      test: (v): v is Opaque => v instanceof Opaque,
      encode: () => {
        throw new Error('opaque values stay home');
      },
      decode: () => new Opaque(),
    });
    const state = new WorkerState();
    state.handle({ op: 'put', keys: ['ok'], values: [1] });
    // A task's result that only this worker can hold.
    (state as unknown as { data: Map<string, unknown> }).data.set('opaque', new Opaque());
    const [g] = state.handle({ op: 'gather', id: 1, keys: ['ok', 'opaque'], release: false }).now;
    const m = g!.message;
    if (m.op !== 'gathered') throw new Error('expected gathered');
    expect(m.keys).toEqual(['ok', 'opaque']);
    expect(m.missing).toEqual([]);
    expect(m.values[0]).toBe(1);
    const marker = m.values[1];
    if (!isUnsendable(marker)) throw new Error('expected a marker');
    expect(marker.data.name).toBe('DataCloneError');
    expect(marker.data.message).toMatch(/result of opaque cannot be sent.*opaque values stay home/);
  });

  it('makes a gathered message sendable: each value structured clone refuses becomes a marker', () => {
    const gen = (function* () {
      yield 1;
    })();
    const fixed = sendable({
      op: 'gathered',
      id: 2,
      keys: ['a', 'g', 'f'],
      values: [[1, 2], gen, { fn: () => 1 }],
      missing: [],
    });
    if (fixed?.op !== 'gathered') throw new Error('expected gathered');
    expect(fixed.values[0]).toEqual([1, 2]);
    expect(isUnsendable(fixed.values[1])).toBe(true);
    expect((fixed.values[1] as ReturnType<typeof unsendable>).data.message).toMatch(
      /result of g cannot be sent from its worker: .*could not be cloned.*Array\.from/,
    );
    expect(isUnsendable(fixed.values[2])).toBe(true);
    expect(() => structuredClone(fixed)).not.toThrow();
    // An erred message keeps only its error's strings.
    const erred = sendable({
      op: 'erred',
      key: 'x',
      error: { name: 'E', message: 'm', stack: 's', cause: { f: () => 1 } },
    });
    expect(erred).toEqual({
      op: 'erred',
      key: 'x',
      error: { name: 'E', message: 'm', stack: 's' },
    });
    expect(sendable({ op: 'finished', keys: [], nbytes: [] })).toBeUndefined();
  });

  it('holds an input that arrived as a marker; a task reading it fails naming both keys', () => {
    const state = new WorkerState();
    state.handle({
      op: 'put',
      keys: ['gen'],
      values: [unsendable({ name: 'DataCloneError', message: 'gen is a generator' })],
    });
    const out = state.handle(packCompute([t('use', src('(g) => g'), [{ $ref: 'gen' }], ['gen'])]));
    const err = erredOf(out.now, 'use');
    expect(err.name).toBe('DataCloneError');
    expect(err.message).toBe(
      "Task 'use' cannot run: its input 'gen' could not be copied to this worker: gen is a generator",
    );
    // Gathered again, it is sent on as the same marker.
    const [g] = state.handle({ op: 'gather', id: 3, keys: ['gen'], release: false }).now;
    const m = g!.message;
    expect(m.op === 'gathered' && m.values[0]).toEqual(
      unsendable({ name: 'DataCloneError', message: 'gen is a generator' }),
    );
  });
});

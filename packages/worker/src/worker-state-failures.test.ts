// WorkerState driven directly, without threads: every failure a task or a message can bring, the
// data ops (put, release, gather), and values that cannot be sent.
import { describe, expect, it } from '@jest/globals';
import { MessageChannel } from 'node:worker_threads';
import { registerCodec, packCompute, type FromWorker } from '@dask-ts/protocol';
import { WorkerState } from './worker-state.js';
import { isUnsendable, sendable, unsendable } from './unsendable.js';
import {
  erredOf,
  fixtures,
  kernels,
  messages,
  mod,
  src,
  t,
} from './__tests__/worker-state-helpers.js';

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
    expect(g.transfer).toEqual([original.buffer]);
    expect(state.has('f')).toBe(false);

    const { port1, port2 } = new MessageChannel();
    try {
      const received = new Promise<FromWorker>((resolve) => port2.once('message', resolve));
      port1.postMessage(g.message, [...g.transfer]);
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
    expect(g.transfer).toEqual([(g.message as { values: Uint8Array[] }).values[1].buffer]);
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
    const m = g.message;
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
    const m = g.message;
    expect(m.op === 'gathered' && m.values[0]).toEqual(
      unsendable({ name: 'DataCloneError', message: 'gen is a generator' }),
    );
  });
});

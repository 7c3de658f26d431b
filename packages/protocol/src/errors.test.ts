// What a task throws survives serialization whole: properties, cause chains, built-in classes and
// thrown non-Errors; what cannot cross threads is described, never dropped silently.
import { describe, expect, it } from '@jest/globals';
import {
  TaskError,
  deserializeError,
  isTaskError,
  registerClass,
  taskFailure,
  fromWorkerSchema,
  parseMessage,
  serializeError,
  type SerializedError,
} from './index.js';

/** As a worker's message travels: structured clone, then validation. */
function travel(e: SerializedError): SerializedError {
  const msg = parseMessage(
    fromWorkerSchema,
    structuredClone({ op: 'erred', key: 'k', error: e }),
    'worker-1',
  ) as { error: SerializedError };
  return msg.error;
}

describe('serializeError / deserializeError', () => {
  it('keeps own enumerable properties (code, errno, custom fields) and the class of built-ins', () => {
    const err = Object.assign(new TypeError('no such file'), {
      code: 'ENOENT',
      errno: -2,
      details: { path: '/x', tries: [1, 2] },
      when: new Date(0),
    });
    const back = deserializeError(travel(serializeError(err))) as TypeError & typeof err;
    expect(back).toBeInstanceOf(TypeError);
    expect(back.message).toBe('no such file');
    expect(back.code).toBe('ENOENT');
    expect(back.errno).toBe(-2);
    expect(back.details).toEqual({ path: '/x', tries: [1, 2] });
    expect(back.when.getTime()).toBe(0);
    expect(back.stack).toBe(err.stack);
  });

  it('keeps a cause chain, with its properties, recursively', () => {
    const root = Object.assign(new RangeError('root'), { code: 'E_ROOT' });
    const mid = new Error('mid', { cause: root });
    const top = new Error('top', { cause: mid });
    const back = deserializeError(travel(serializeError(top)));
    const m = back.cause as Error;
    const r = m.cause as RangeError & { code: string };
    expect(m.message).toBe('mid');
    expect(r).toBeInstanceOf(RangeError);
    expect(r.code).toBe('E_ROOT');
  });

  it('bounds cycles and depth instead of recursing forever', () => {
    const a = new Error('a') as Error & { self?: unknown; other?: unknown };
    const b = new Error('b', { cause: a }) as Error & { back?: unknown };
    a.self = a;
    a.other = b;
    b.back = a;
    (a as { cause?: unknown }).cause = b;
    const s = travel(serializeError(a));
    expect(s.props?.self).toBe('[Circular]');
    const back = deserializeError(s) as Error & { other: Error & { back: unknown } };
    expect(back.other.message).toBe('b');
    expect(back.other.back).toBe('[Circular]');
    expect((back.cause as Error).message).toBe('b');
    let deep: Error = new Error('0');
    for (let i = 1; i < 50; i++) deep = new Error(String(i), { cause: deep });
    let chain = deserializeError(travel(serializeError(deep)));
    let n = 0;
    while (chain.cause instanceof Error) {
      chain = chain.cause;
      n++;
    }
    expect(n).toBeLessThan(12);
    expect(chain.name).toBe('Truncated');
  });

  it('describes properties that cannot cross threads instead of dropping them', () => {
    const err = Object.assign(new Error('x'), {
      retry: function retry() {},
      sym: Symbol('s'),
      nested: { fn: () => 1, ok: 1 },
    });
    const back = deserializeError(travel(serializeError(err))) as Error & Record<string, unknown>;
    expect(back.retry).toBe('[Function: retry]');
    expect(back.sym).toBe('Symbol(s)');
    expect(back.nested).toEqual({ fn: '[Function: fn]', ok: 1 });
  });

  it('keeps a thrown non-Error as its value', () => {
    for (const value of [{ code: 42, why: 'x' }, 'plain string', 7, null, undefined, [1, 2]]) {
      const s = travel(serializeError(value));
      expect(s.name).toBe('NonErrorThrown');
      const e = new TaskError('k', s);
      expect(e.cause).toEqual(value);
    }
    expect(serializeError({ code: 42 }).message).toBe(
      'A task threw a non-Error value: {"code":42}',
    );
  });
});

describe('TaskError', () => {
  it("copies the original's properties and keeps it as cause", () => {
    const original = Object.assign(new Error('gone'), { code: 'ENOENT', key: 'theirs' });
    const e = new TaskError('task-1', serializeError(original), ['story'], { cause: original });
    expect(e.cause).toBe(original);
    expect((e as TaskError & { code: string }).code).toBe('ENOENT');
    expect(e.key).toBe('task-1'); // its own fields win
    expect(e.name).toBe('Error');
    const thrown = { code: 42 };
    const t = new TaskError('task-2', travel(serializeError(thrown)));
    expect((t as TaskError & { code: number }).code).toBe(42);
    expect(t.cause).toEqual(thrown);
    expect(t.message).toBe(
      'Task task-2 failed: NonErrorThrown: A task threw a non-Error value: {"code":42}',
    );
  });
});

describe('taskFailure: errors keep their class', () => {
  it('rebuilds a built-in error from a worker as its own class, with key, story and cause', () => {
    const original = Object.assign(new RangeError('bad index'), { code: 'E_IDX' });
    const e = taskFailure('load-1', travel(serializeError(original)), ['load-1: erred']);
    expect(e).toBeInstanceOf(RangeError);
    expect(e).toBeInstanceOf(TaskError);
    expect(isTaskError(e)).toBe(true);
    expect(e.message).toBe('bad index');
    expect(e.name).toBe('RangeError');
    expect(e.key).toBe('load-1');
    expect(e.story).toEqual(['load-1: erred']);
    expect((e as unknown as { code: string }).code).toBe('E_IDX');
    expect(e.cause).toBeInstanceOf(RangeError);
    expect(e.stack).toContain('[dask-ts] while computing task load-1');
  });

  it('in-thread, keeps any class, with the very thrown object as cause', () => {
    class Mine extends Error {
      override name = 'Mine';
      constructor(readonly limit: number) {
        super(`over ${limit}`);
      }
    }
    const original = new Mine(10);
    const e = taskFailure('k', serializeError(original), [], { thrown: original });
    expect(e).toBeInstanceOf(Mine);
    expect((e as unknown as Mine).limit).toBe(10);
    expect(e.cause).toBe(original);
    expect(original).not.toHaveProperty('key');
  });

  it('rebuilds a registered error class from a worker', () => {
    class QuotaError extends Error {
      override name = 'QuotaError';
    }
    registerClass(QuotaError, { module: 'file:///quota-error-test.js' });
    const e = taskFailure('q', travel(serializeError(new QuotaError('full'))));
    expect(e).toBeInstanceOf(QuotaError);
    expect(e.message).toBe('full');
  });

  it('falls back to TaskError for an unknown class or a thrown non-Error', () => {
    class Unknown extends Error {
      override name = 'Unknown';
    }
    const e = taskFailure('u', travel(serializeError(new Unknown('x'))));
    expect(e.constructor).toBe(TaskError);
    expect(e.name).toBe('Unknown');
    expect(e.message).toBe('Task u failed: Unknown: x');
    const t = taskFailure('t', travel(serializeError({ code: 42 })));
    expect(t.constructor).toBe(TaskError);
    expect(t.cause).toEqual({ code: 42 });
    expect(isTaskError(new RangeError('plain'))).toBe(false);
    expect(new RangeError('plain')).not.toBeInstanceOf(TaskError);
  });
});

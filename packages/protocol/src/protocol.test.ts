import { describe, expect, it } from '@jest/globals';
import {
  keySplit,
  keyToString,
  parseKey,
  task,
  ref,
  substitute,
  encodeValue,
  decodeValue,
  registerCodec,
  parseMessage,
  fromWorkerSchema,
  ProtocolError,
  getScheduler,
  registerScheduler,
  packCompute,
  toWorkerSchema,
  type FunctionRef,
} from './index.js';

const id: FunctionRef = { kind: 'builtin', name: 'test.id' };

describe('keys', () => {
  it('has one canonical form, round-tripping tuples', () => {
    expect(keySplit('inc-3f2a9c1b8d')).toBe('inc');
    expect(keySplit('["sum-3f2a9c1b",0,4]')).toBe('sum');
    expect(keySplit(['read-csv-77aa00bb', 3])).toBe('read-csv');
    expect(keySplit('load-17')).toBe('load');
    expect(keySplit('total')).toBe('total');
    expect(keySplit('["broken')).toBe('["broken');
    expect(keyToString('x')).toBe('x');
    expect(keyToString(['x', 0, 1])).toBe('["x",0,1]');
    expect(parseKey('["x",0,1]')).toEqual(['x', 0, 1]);
  });
  it('refuses ambiguous or malformed keys, naming them', () => {
    expect(() => keyToString('["x"]')).toThrow(/may not begin/);
    expect(() => keyToString(['x', 1.5] as never)).toThrow(/index 1 is not an integer/);
  });
});

describe('task model', () => {
  it('finds references anywhere inside nested arguments, once', () => {
    const t = task(id, [
      ref('a'),
      { b: [ref('b'), { $literal: ref('c') }] },
      ref('a'),
      { $call: id, args: [ref('d')] },
    ]);
    expect([...t.deps].sort()).toEqual(['a', 'b', 'd']);
  });
  it('substitutes values and evaluates inline calls without copying untouched values', () => {
    const plain = [1, { x: 2 }];
    const values = new Map<string, unknown>([['a', 10]]);
    expect(
      substitute(
        plain,
        (k) => values.get(k),
        () => 0,
      ),
    ).toBe(plain);
    const out = substitute(
      [ref('a'), { n: ref('a') }, { $call: id, args: [ref('a')] }],
      (k) => values.get(k),
      (_f, args) => (args[0] as number) * 2,
    );
    expect(out).toEqual([10, { n: 10 }, 20]);
  });
});

describe('codecs', () => {
  it('keeps error names, Maps and typed arrays, listing buffers to transfer', () => {
    class MyError extends Error {
      override name = 'MyError';
    }
    const arr = new Float64Array([1, 2]);
    const { payload, transfer } = encodeValue(
      { e: new MyError('boom'), m: new Map([['k', arr]]) },
      { transfer: true },
    );
    expect(transfer).toEqual([arr.buffer]);
    const back = decodeValue(structuredClone(payload)) as {
      e: Error;
      m: Map<string, Float64Array>;
    };
    expect(back.e.name).toBe('MyError');
    expect(back.e.message).toBe('boom');
    expect(back.m.get('k')).toEqual(new Float64Array([1, 2]));
  });
  it('uses registered codecs for classes', () => {
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    registerCodec({
      name: 'test.point',
      test: (v): v is Point => v instanceof Point,
      encode: (p) => [p.x, p.y],
      decode: (d) => new Point(...(d as [number, number])),
    });
    const back = decodeValue(structuredClone(encodeValue([new Point(1, 2)]).payload)) as Point[];
    expect(back[0]).toBeInstanceOf(Point);
    expect(back[0].y).toBe(2);
  });
  it('round-trips user objects that look tagged', () => {
    const v = { $codec: 'error', data: 1 };
    expect(decodeValue(structuredClone(encodeValue(v).payload))).toEqual(v);
  });
});

describe('messages', () => {
  it('refuses a malformed message naming the sender and field', () => {
    expect(() => parseMessage(fromWorkerSchema, { op: 'finished', keys: 'x' }, 'worker-3')).toThrow(
      ProtocolError,
    );
    expect(() => parseMessage(fromWorkerSchema, { op: 'finished', keys: 'x' }, 'worker-3')).toThrow(
      /worker-3.*keys/,
    );
    expect(() => parseMessage(fromWorkerSchema, 'garbage', 'worker-3')).toThrow(
      /Malformed message from worker-3/,
    );
  });
});

describe('scheduler registry', () => {
  it('names unknown schedulers and lists the known ones', () => {
    registerScheduler('test-only', () => ({ name: 'test-only', get: async () => [] }));
    expect(getScheduler('test-only').name).toBe('test-only');
    expect(() => getScheduler('nope')).toThrow(/Unknown scheduler 'nope'.*'test-only'/);
  });
});

describe('message validation of large batches', () => {
  it('names the field and index of a bad element', () => {
    const keys = Array.from({ length: 1000 }, (_, i) => `k${i}`);
    const bad = [...keys];
    (bad as unknown[])[17] = 5;
    expect(() =>
      parseMessage(fromWorkerSchema, { op: 'finished', keys: bad, nbytes: keys.map(() => 8) }, 'w'),
    ).toThrow(/keys\.17: expected a string, got number/);
    expect(() =>
      parseMessage(fromWorkerSchema, { op: 'finished', keys, nbytes: [1, 'x'] }, 'w'),
    ).toThrow(/nbytes\.1: expected a number, got string/);
    const msg = packCompute([{ key: 'y', fn: { kind: 'builtin', name: 'f' }, args: [], deps: [] }]);
    expect(parseMessage(toWorkerSchema, msg, 'scheduler')).toEqual(msg);
    expect(() => parseMessage(toWorkerSchema, { ...msg, argCount: [-2] }, 'scheduler')).toThrow(
      /argCount\.0: expected an integer >= -1, got number/,
    );
    expect(() => parseMessage(toWorkerSchema, { op: 'release', keys: 'k' }, 's')).toThrow(
      /keys: expected an array \(each a string\), got string/,
    );
    expect(() => parseMessage(toWorkerSchema, { op: 'put', keys: ['a'], values: 3 }, 's')).toThrow(
      /values: expected an array/,
    );
  });
});

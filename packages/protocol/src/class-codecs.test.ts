// Class codecs (registerClass), the tag of instances without one, decoding that never modifies
// its payload (so it can be retried once a codec's module is loaded), and the worker mark that
// makes 'sync' the default scheduler inside workers.
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import {
  MissingCodecError,
  decodeValue,
  encodeValue,
  enterWorker,
  getScheduler,
  isInsideWorker,
  registerClass,
  registerScheduler,
  setDefaultScheduler,
  type Scheduler,
} from './index.js';

const here = import.meta.url;
const roundTrip = (v: unknown, key?: string): unknown =>
  decodeValue(structuredClone(encodeValue(v).payload), key === undefined ? {} : { key });

class Vec {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
  len(): number {
    return Math.hypot(this.x, this.y);
  }
}
class Segment {
  constructor(
    readonly a: Vec,
    readonly b: Vec,
    readonly at: Date,
    readonly err: RangeError,
  ) {}
}
registerClass(Vec, { module: here });
registerClass(Segment, { module: here });

describe('registerClass', () => {
  it('brings instances back as themselves, nested ones included', () => {
    const s = new Segment(new Vec(3, 4), new Vec(0, 1), new Date(5), new RangeError('r'));
    const back = roundTrip({ list: [s], map: new Map([['v', new Vec(6, 8)]]) }) as {
      list: Segment[];
      map: Map<string, Vec>;
    };
    expect(back.list[0]).toBeInstanceOf(Segment);
    expect(back.list[0].a.len()).toBe(5);
    expect(back.list[0].at).toEqual(new Date(5));
    expect(back.list[0].err).toBeInstanceOf(RangeError);
    expect(back.map.get('v')!.len()).toBe(10);
  });

  it('names the module in the payload, so a receiver can import it', () => {
    const { payload } = encodeValue(new Vec(1, 2));
    expect(payload).toMatchObject({ $codec: `class:Vec@${here}`, module: here });
  });

  it('refuses what a worker could not import, naming the class', () => {
    class Local {}
    expect(() => registerClass(Local, { module: './local.mjs' })).toThrow(
      /registerClass\(Local\): 'module' must be the absolute URL .*import\.meta\.url.*"\.\/local\.mjs"/,
    );
    expect(() => registerClass(Local, undefined as unknown as { module: string })).toThrow(
      /got undefined/,
    );
    expect(() => registerClass(42 as unknown as typeof Local, { module: here })).toThrow(
      /expects a class, got number/,
    );
  });

  it('does not claim subclasses (they would lose their own prototype)', () => {
    class Vec3 extends Vec {}
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const back = roundTrip(new Vec3(1, 1));
      expect(back).not.toBeInstanceOf(Vec);
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      warn.mockRestore();
    }
  });
});

describe('decoding', () => {
  it('throws a MissingCodecError naming the codec, its module and the key', () => {
    const payload = {
      $codec: 'class:Gone@file:///app/gone.mjs',
      module: 'file:///app/gone.mjs',
      data: {},
    };
    let err: unknown;
    try {
      decodeValue([1, { p: payload }], { key: 'load-3' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MissingCodecError);
    expect(err).toMatchObject({ codec: payload.$codec, module: 'file:///app/gone.mjs' });
    expect((err as Error).message).toMatch(
      /The value of load-3 holds codec .*import 'file:\/\/\/app\/gone\.mjs'/,
    );
  });

  it('never modifies its payload, so it may be decoded again', () => {
    const payload = structuredClone(
      encodeValue([new Vec(3, 4), { $codec: 'error', data: 1 }, new Map([['e', new Error('x')]])])
        .payload,
    );
    const before = structuredClone(payload);
    const first = decodeValue(payload) as unknown[];
    expect(payload).toEqual(before);
    const second = decodeValue(payload) as unknown[];
    expect(second[0]).toBeInstanceOf(Vec);
    expect(second[1]).toEqual({ $codec: 'error', data: 1 });
    expect(first[1]).toEqual(second[1]);
  });

  it('returns payloads with nothing to decode as they are', () => {
    const payload = { a: [1, 2, { b: 'c' }], m: new Map([['k', 1]]) };
    expect(decodeValue(payload)).toBe(payload);
  });
});

describe('classes without a codec', () => {
  const warnings: { message: string; code: unknown }[] = [];
  let spy: ReturnType<typeof jest.spyOn> | undefined;
  afterEach(() => spy?.mockRestore());

  it('arrive as plain objects with one warning per class, naming the key and the class', () => {
    spy = jest.spyOn(process, 'emitWarning').mockImplementation((w, options) => {
      warnings.push({ message: String(w), code: (options as { code?: unknown }).code });
    });
    class Money {
      constructor(readonly cents: number) {}
    }
    class Other {
      n = 1;
    }
    expect(roundTrip(new Money(250), 'price')).toEqual({ cents: 250 });
    expect(roundTrip([new Money(1)], 'again')).toEqual([{ cents: 1 }]);
    expect(roundTrip({ o: new Other() })).toEqual({ o: { n: 1 } });
    expect(warnings.map((w) => w.code)).toEqual([
      'DASK_TS_LOST_PROTOTYPE',
      'DASK_TS_LOST_PROTOTYPE',
    ]);
    expect(warnings[0].message).toMatch(
      /The value of price holds an instance of class Money, which arrived as a plain object.*registerClass\(Money, \{ module: import\.meta\.url \}\)/,
    );
    expect(warnings[1].message).toMatch(/A value holds an instance of class Other/);
  });
});

describe('inside a worker', () => {
  it("makes 'sync' the default scheduler while the mark is held", () => {
    const fake = (name: string): Scheduler => ({ name, get: () => Promise.resolve([]) });
    registerScheduler('sync', () => fake('sync'));
    registerScheduler('threads', () => fake('threads'));
    setDefaultScheduler('threads');
    expect(isInsideWorker()).toBe(false);
    expect(getScheduler().name).toBe('threads');
    const leave = enterWorker();
    const inner = enterWorker();
    try {
      expect(isInsideWorker()).toBe(true);
      expect(getScheduler().name).toBe('sync');
      expect(getScheduler('threads').name).toBe('threads');
      inner();
      inner();
      expect(isInsideWorker()).toBe(true);
    } finally {
      leave();
    }
    expect(isInsideWorker()).toBe(false);
    expect(getScheduler().name).toBe('threads');
  });
});

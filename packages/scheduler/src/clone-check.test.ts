// findUncloneable agrees with structured clone itself on every kind of value it can judge, says
// where the culprit is, and survives circular, shared and very deep values. The outbox's safety
// net drops what sending refuses and reports it, sending the rest.
import { describe, expect, it } from '@jest/globals';
import type { PortableFunctionRef, ToWorker } from '@dask-ts/protocol';
import { findUncloneable } from './clone-check.js';
import { Outbox } from './outbox.js';

function clones(v: unknown): boolean {
  try {
    structuredClone(v);
    return true;
  } catch {
    return false;
  }
}

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

describe('findUncloneable', () => {
  const shared = { s: 1 };
  const circular: Record<string, unknown> = { a: [1, 2] };
  circular.self = circular;
  const values: [string, unknown][] = [
    ['number', 1],
    ['string', 's'],
    ['bigint', 2n],
    ['undefined', undefined],
    ['null', null],
    ['plain object', { a: 1, b: [1, { c: 'x' }] }],
    ['null-prototype object', Object.create(null) as object],
    ['class instance', new Point(1, 2)],
    ['typed array', new Float64Array(4)],
    ['ArrayBuffer', new ArrayBuffer(8)],
    ['Date', new Date(0)],
    ['RegExp', /x/g],
    ['Error', new RangeError('r')],
    ['Map', new Map<unknown, unknown>([[{ k: 1 }, [1]]])],
    ['Set', new Set([1, 'a'])],
    ['boxed number', Object(3) as object],
    ['shared parts', [shared, shared, { shared }]],
    ['circular', circular],
    ['function', () => 1],
    ['async function', async () => 1],
    ['class', Point],
    ['Symbol', Symbol('s')],
    ['boxed Symbol', Object(Symbol('s')) as object],
    ['WeakMap', new WeakMap()],
    ['WeakSet', new WeakSet()],
    ['WeakRef', new WeakRef({})],
    ['Promise', Promise.resolve(1)],
    ['generator', (function* () {})()],
    ['Map iterator', new Map().keys()],
    ['Set iterator', new Set().values()],
    ['Array iterator', [1][Symbol.iterator]()],
    ['Proxy', new Proxy({}, {})],
    ['Proxy of an array', new Proxy([1], {})],
    [
      'arguments',
      (function (..._a: unknown[]) {
        // eslint-disable-next-line prefer-rest-params
        return arguments;
      })(1),
    ],
    ['function in a Map value', new Map([['k', () => 1]])],
    ['Symbol in a Set', new Set([Symbol('s')])],
    ['function in a class instance', Object.assign(new Point(1, 2), { f: () => 1 })],
  ];
  it.each(values)('agrees with structured clone: %s', (_what, v) => {
    expect(findUncloneable(v) === undefined).toBe(clones(v));
  });

  it('says where the culprit is and what it is', () => {
    expect(findUncloneable({ a: [1, { b: function parse() {} }] })).toEqual({
      path: '.a[1].b',
      what: 'a function (parse)',
    });
    expect(findUncloneable(new Map([['k', new WeakSet()]]))).toEqual({
      path: '.get("k")',
      what: 'a WeakSet',
    });
    expect(findUncloneable({ 'odd key': Symbol('z') })).toEqual({
      path: '["odd key"]',
      what: 'a Symbol (Symbol(z))',
    });
    expect(findUncloneable((function* () {})())?.what).toMatch(/^a generator/);
  });

  it('walks very deep and large values without recursion, once per object', () => {
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 100_000; i++) deep = { next: deep };
    expect(findUncloneable(deep)).toBeUndefined();
    const rows = Array.from({ length: 200_000 }, (_, i) => ({ i, name: `r${i}`, tags: [i] }));
    const t0 = performance.now();
    expect(findUncloneable(rows)).toBeUndefined();
    // Generous for a loaded machine: the walk is a plain loop.
    expect(performance.now() - t0).toBeLessThan(5_000);
    (rows[150_000] as Record<string, unknown>).bad = () => 1;
    expect(findUncloneable(rows)).toEqual({ path: '[150000].bad', what: 'a function' });
  });
});

describe('Outbox refusals', () => {
  const fn: PortableFunctionRef = { kind: 'source', source: '(a) => a', scope: {} };
  it('drops what structured clone refuses, reports it, and sends the rest', () => {
    const sent: ToWorker[] = [];
    const refused: [string[], string][] = [];
    let sentOnce = false;
    const box = new Outbox(
      (m) => {
        // Like postMessage: refuses the whole message when one part cannot be copied.
        structuredClone(m);
        sent.push(m);
        sentOnce = true;
      },
      (keys, err) => refused.push([[...keys], err.message]),
    );
    const good: string[] = [];
    box.put('data-ok', 1, () => good.push('data-ok'));
    box.put('data-bad', { f: () => 1 }, () => good.push('data-bad'));
    const { tasks } = box.compute();
    tasks.add('t-ok', fn, [{ $ref: 'data-ok' }]);
    tasks.add('t-bad', fn, [Symbol('s')]);
    tasks.add('t-ok2', fn, [2]);
    box.flush();
    expect(sentOnce).toBe(true);
    expect(refused.map(([keys]) => keys)).toEqual([['data-bad'], ['t-bad']]);
    expect(good).toEqual(['data-ok']);
    const parts = sent.flatMap((m) => (m.op === 'batch' ? m.messages : [m]));
    expect(parts.map((m) => m.op)).toEqual(['put', 'compute']);
    expect(parts[0]).toMatchObject({ keys: ['data-ok'] });
    expect(parts[1]).toMatchObject({ keys: ['t-ok', 't-ok2'] });
  });

  it('says the channel is broken when a message still cannot be sent, refusing no task', () => {
    const refused: string[] = [];
    const broken: string[] = [];
    const sent: string[] = [];
    const box = new Outbox(
      () => {
        throw new Error('channel closed');
      },
      (keys) => refused.push(...keys),
      (err) => broken.push(err.message),
    );
    box.put('d', 1, () => sent.push('d'));
    box.compute().tasks.add('t', fn, [1]);
    box.release(['old']);
    expect(() => box.flush()).not.toThrow();
    expect(refused).toEqual([]);
    expect(broken).toEqual(['channel closed']);
    expect(sent).toEqual([]);
  });
});

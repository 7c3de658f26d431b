// The one walker of the argument language: what each value is (argKind), in order visits
// (visitArgs), copy-on-write maps (mapArgs), and the walkers built on them (collectDeps,
// substitute, isRef, isCall, allRefs), including arguments nested 100k levels deep.
import { describe, expect, it } from '@jest/globals';
import {
  ArgKind,
  allRefs,
  argKind,
  collectDeps,
  isCall,
  isPlainObject,
  isRef,
  mapArgs,
  ref,
  substitute,
  visitArgs,
  type FunctionRef,
} from './index.js';
import * as runtime from './runtime.js';

const fn: FunctionRef = { kind: 'builtin', name: 'test.fn' };

function nullProto(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.assign(Object.create(null) as Record<string, unknown>, fields);
}

class Box {
  constructor(readonly $ref: string) {}
}

/** [[[...[leaf]...]]] nested `depth` arrays deep. */
function deepArray(depth: number, leaf: unknown): unknown {
  let v: unknown = leaf;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

/** { a: { a: ... leaf } } nested `depth` plain objects deep. */
function deepObject(depth: number, leaf: unknown): unknown {
  let v: unknown = leaf;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

describe('argKind: the one decision', () => {
  it('classifies every kind', () => {
    expect(argKind(1)).toBe(ArgKind.Value);
    expect(argKind('x')).toBe(ArgKind.Value);
    expect(argKind(null)).toBe(ArgKind.Value);
    expect(argKind(undefined)).toBe(ArgKind.Value);
    expect(argKind(() => 1)).toBe(ArgKind.Value);
    expect(argKind({ $ref: 'x' })).toBe(ArgKind.Ref);
    expect(argKind({ $call: fn, args: [] })).toBe(ArgKind.Call);
    expect(argKind({ $literal: { $ref: 'x' } })).toBe(ArgKind.Literal);
    expect(argKind([1, 2])).toBe(ArgKind.Array);
    expect(argKind({ a: 1 })).toBe(ArgKind.Object);
  });

  it('plain object vs class instance vs null prototype', () => {
    // A null-prototype object is plain: it is read as the language reads a literal object.
    expect(isPlainObject(nullProto({ a: 1 }))).toBe(true);
    expect(argKind(nullProto({ $ref: 'x' }))).toBe(ArgKind.Ref);
    expect(argKind(nullProto({ $literal: 1 }))).toBe(ArgKind.Literal);
    expect(argKind(nullProto({ $call: fn, args: [] }))).toBe(ArgKind.Call);
    expect(argKind(nullProto({ a: 1 }))).toBe(ArgKind.Object);
    // A class instance is a value, even with a `$ref` field; so are built-ins.
    expect(isPlainObject(new Box('x'))).toBe(false);
    expect(argKind(new Box('x'))).toBe(ArgKind.Value);
    expect(argKind(new Map([['$ref', 'x']]))).toBe(ArgKind.Value);
    expect(argKind(new Date(0))).toBe(ArgKind.Value);
    expect(argKind(new Float64Array(2))).toBe(ArgKind.Value);
  });

  it('a malformed ref or call is an ordinary object', () => {
    expect(argKind({ $ref: 3 })).toBe(ArgKind.Object);
    expect(argKind({ $call: fn })).toBe(ArgKind.Object);
    expect(argKind({ $call: fn, args: 'no' })).toBe(ArgKind.Object);
  });

  it('isRef, isCall and allRefs agree with argKind', () => {
    expect(isRef(new Box('x'))).toBe(false);
    expect(isRef(nullProto({ $ref: 'x' }))).toBe(true);
    expect(isCall({ $call: fn, args: [] })).toBe(true);
    expect(
      isCall(
        new (class {
          $call = fn;
          args = [];
        })(),
      ),
    ).toBe(false);
    expect(allRefs([])).toBe(true);
    expect(allRefs([ref('a'), ref('b')])).toBe(true);
    expect(allRefs([ref('a'), 1])).toBe(false);
    expect(allRefs([new Box('a')])).toBe(false);
    expect(allRefs([{ $ref: 3 }])).toBe(false);
  });

  it('is on the zod-free runtime entry', () => {
    expect(runtime.argKind).toBe(argKind);
    expect(runtime.visitArgs).toBe(visitArgs);
    expect(runtime.mapArgs).toBe(mapArgs);
    expect(runtime.ArgKind.Ref).toBe(ArgKind.Ref);
  });
});

describe('visitArgs', () => {
  it('visits refs, calls and literals in order, not inside refs and literals', () => {
    const seen: string[] = [];
    const value = [
      ref('a'),
      { x: ref('b'), y: [1, { $literal: { $ref: 'hidden' } }] },
      { $call: fn, args: [ref('c'), { $call: fn, args: [ref('d')] }] },
      new Box('boxed'),
      ref('e'),
    ];
    visitArgs(value, {
      ref: (k) => void seen.push(`ref:${k}`),
      call: () => void seen.push('call'),
      literal: () => void seen.push('literal'),
    });
    expect(seen).toEqual(['ref:a', 'ref:b', 'literal', 'call', 'ref:c', 'call', 'ref:d', 'ref:e']);
  });

  it('stops when a visitor returns true', () => {
    const seen: string[] = [];
    const stopped = visitArgs([ref('a'), ref('b'), ref('c')], {
      ref: (k) => (seen.push(k), k === 'b'),
    });
    expect(stopped).toBe(true);
    expect(seen).toEqual(['a', 'b']);
    expect(visitArgs([1, { a: 2 }], { ref: () => true })).toBe(false);
  });

  it('walks 100k levels of arrays and objects without overflowing the stack', () => {
    const keys: string[] = [];
    visitArgs(deepArray(100_000, ref('deep')), { ref: (k) => void keys.push(k) });
    visitArgs(deepObject(100_000, ref('deeper')), { ref: (k) => void keys.push(k) });
    expect(keys).toEqual(['deep', 'deeper']);
  });

  it('ends on circular arguments', () => {
    const a: unknown[] = [ref('x')];
    a.push(a);
    const o: Record<string, unknown> = { r: ref('y') };
    o.self = { back: o };
    const keys = new Set<string>();
    visitArgs([a, o], { ref: (k) => void keys.add(k) });
    expect([...keys]).toEqual(['x', 'y']);
  });
});

describe('mapArgs', () => {
  it('copies only the containers on the way to a change', () => {
    const untouched = { a: [1, 2], b: 'c' };
    const value = [untouched, { r: ref('x') }, new Box('x')];
    const out = mapArgs(value, { ref: (k) => k.toUpperCase() }) as unknown[];
    expect(out).not.toBe(value);
    expect(out[0]).toBe(untouched);
    expect(out[1]).toEqual({ r: 'X' });
    expect(out[2]).toBe(value[2]);
    const same = [1, { a: [2] }];
    expect(mapArgs(same, { ref: () => 0 })).toBe(same);
  });

  it('keeps literals and calls by default, and maps them when asked', () => {
    const lit = { $literal: { $ref: 'x' } };
    const call = { $call: fn, args: [ref('a')] };
    const kept = mapArgs([lit, call], { ref: (k, node) => (k === 'a' ? ref('b') : node) }) as [
      unknown,
      { $call: FunctionRef; args: unknown[] },
    ];
    expect(kept[0]).toBe(lit);
    expect(kept[1]).toEqual({ $call: fn, args: [ref('b')] });
    const evaluated = mapArgs([lit, call], {
      ref: () => 2,
      literal: (l) => l.$literal,
      call: (_f, args) => (args[0] as number) * 10,
    });
    expect(evaluated).toEqual([{ $ref: 'x' }, 20]);
  });

  it('a copied null-prototype object keeps its fields', () => {
    const out = mapArgs(nullProto({ a: ref('x'), b: 1 }), { ref: () => 5 });
    expect(out).toEqual({ a: 5, b: 1 });
  });

  it('maps 100k levels deep without overflowing the stack', () => {
    const out = mapArgs(deepArray(100_000, ref('x')), { ref: () => 7 });
    let v = out;
    for (let i = 0; i < 100_000; i++) v = (v as unknown[])[0];
    expect(v).toBe(7);
    const calls = (() => {
      let c: unknown = ref('x');
      for (let i = 0; i < 100_000; i++) c = { $call: fn, args: [c] };
      return c;
    })();
    expect(mapArgs(calls, { ref: () => 0, call: (_f, args) => (args[0] as number) + 1 })).toBe(
      100_000,
    );
  });

  it('ends on circular arguments', () => {
    const a: unknown[] = [ref('x')];
    a.push(a);
    const out = mapArgs(a, { ref: () => 1 }) as unknown[];
    expect(out[0]).toBe(1);
  });
});

describe('walkers built on it', () => {
  it('collectDeps: first-seen order, through calls, not through literals or class instances', () => {
    const s = new Set<string>();
    collectDeps(
      [
        ref('a'),
        { $call: fn, args: [ref('b'), ref('a')] },
        { $literal: ref('no') },
        new Box('no'),
        { x: [ref('c')] },
      ],
      s,
    );
    expect([...s]).toEqual(['a', 'b', 'c']);
    const deep = new Set<string>();
    collectDeps(deepObject(100_000, ref('d')), deep);
    expect([...deep]).toEqual(['d']);
  });

  it('substitute: refs read, literals unwrapped, calls evaluated', () => {
    const values = new Map<string, unknown>([
      ['a', 1],
      ['b', 2],
    ]);
    const out = substitute(
      [ref('a'), { $literal: { $ref: 'b' } }, { $call: fn, args: [ref('b'), 3] }, { k: ref('b') }],
      (k) => values.get(k),
      (_f, args) => (args as number[]).reduce((x, y) => x + y, 0),
    );
    expect(out).toEqual([1, { $ref: 'b' }, 5, { k: 2 }]);
  });
});

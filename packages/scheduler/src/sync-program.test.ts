// Compiled argument programs: the same arguments `substitute` builds (plain parts kept as the very
// values, changed lists and objects copied, literals unwrapped, cycles left alone), inline calls of
// any arity, suspension on a promise, and a chain of a million calls without recursion.
import { describe, expect, it } from '@jest/globals';
import { ref, substitute, type FunctionRef } from '@dask-ts/protocol';
import { compileArgs, runArgs, type InlineFunction, type Suspended } from './sync-program.js';

const add: FunctionRef = { kind: 'builtin', name: 'test.add' };
const wait: FunctionRef = { kind: 'builtin', name: 'test.wait' };
const fns = new Map<FunctionRef, InlineFunction>([
  [add, (...xs) => (xs as number[]).reduce((s, x) => s + x, 0)],
  [wait, (x) => Promise.resolve((x as number) * 10)],
]);
const slots = new Map([
  ['a', 0],
  ['b', 1],
]);
const values = [1, 2];

function both(args: unknown[]): { compiled: unknown; substituted: unknown } {
  const program = compileArgs(
    args,
    (k) => slots.get(k)!,
    (f) => fns.get(f)!,
  );
  const compiled = runArgs(program, values);
  const substituted = substitute(
    args,
    (k) => values[slots.get(k)!],
    (f, a) => fns.get(f)!(...a),
  );
  return { compiled, substituted };
}

describe('compiled argument programs', () => {
  it('build what substitute builds, keeping plain parts as themselves', () => {
    const plain = { deep: [1, { x: 2 }] };
    const args = [
      ref('a'),
      3,
      plain,
      [ref('b'), plain, 'z'],
      { k: ref('a'), keep: plain, lit: { $literal: { $ref: 'not-a-ref' } } },
      { $call: add, args: [ref('a'), ref('b'), 4, 5, { $call: add, args: [] }] },
    ];
    const { compiled, substituted } = both(args);
    expect(compiled).toEqual(substituted);
    expect(compiled).toEqual([
      1,
      3,
      plain,
      [2, plain, 'z'],
      { k: 1, keep: plain, lit: { $ref: 'not-a-ref' } },
      12,
    ]);
    const out = compiled as unknown[];
    expect(out[2]).toBe(plain);
    expect((out[3] as unknown[])[1]).toBe(plain);
    // A list without references is the graph's own list.
    const same = [1, plain];
    expect(both(same).compiled).toBe(same);
  });

  it('leaves a cycle as it is', () => {
    const loop: Record<string, unknown> = { a: 1 };
    loop.self = loop;
    const { compiled } = both([loop, ref('a')]);
    expect((compiled as unknown[])[0]).toBe(loop);
    expect((compiled as unknown[])[1]).toBe(1);
  });

  it('stops at an inline call that returns a promise and goes on from there', async () => {
    const program = compileArgs(
      [{ $call: add, args: [{ $call: wait, args: [ref('b')] }, 1] }],
      (k) => slots.get(k)!,
      (f) => fns.get(f)!,
    );
    const r = runArgs(program, values) as Suspended;
    expect(Array.isArray(r)).toBe(false);
    r.stack[r.sp] = await r.pending;
    expect(runArgs(program, values, r.pc, r.stack, r.sp + 1)).toEqual([21]);
  });

  it('runs a chain of a million inline calls without recursion', () => {
    const inc: FunctionRef = { kind: 'builtin', name: 'test.inc' };
    let arg: unknown = ref('a');
    for (let i = 0; i < 1_000_000; i++) arg = { $call: inc, args: [arg] };
    const program = compileArgs(
      [arg],
      (k) => slots.get(k)!,
      () => (x) => (x as number) + 1,
    );
    expect(runArgs(program, values)).toEqual([1_000_001]);
  });
});

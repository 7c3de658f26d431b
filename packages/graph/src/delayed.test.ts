import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  closeSchedulers,
  daskFinalize,
  daskGraph,
  daskKeys,
  daskRebuild,
  data,
  isCollection,
  registerScheduler,
  setDefaultScheduler,
  daskFinalizeRef,
  type Collection,
  type Graph,
  type Task,
} from '@dask-ts/protocol';
import { delayed, isDelayed, type Delayed } from './delayed.js';
import { compute } from './compute.js';
import { tokenize } from './tokenize.js';
import { makeTestScheduler } from './__tests__/test-scheduler.js';

const sched = makeTestScheduler('test-delayed');
beforeAll(() => {
  registerScheduler('test-delayed', () => sched, { asDefault: true });
  setDefaultScheduler('test-delayed');
});
afterAll(() => closeSchedulers());

const inc = delayed((x: number) => x + 1);
const add = delayed((a: number, b: number) => a + b);

describe('delayed functions', () => {
  it('builds lazy calls and computes them', async () => {
    const y = inc(1);
    expect(isDelayed(y)).toBe(true);
    expect(isCollection(y)).toBe(true);
    expect(y.key).toMatch(/^delayed-[0-9a-f]{32}$/);
    const total = add(inc(1), inc(2));
    expect(await total.compute()).toBe(5);
    const [a, b] = await compute(total, y);
    expect([a, b]).toEqual([5, 2]);
  });

  it('names keys after the function or the name option', () => {
    function double(x: number): number {
      return x * 2;
    }
    expect(delayed(double)(1).key).toMatch(/^double-/);
    expect(delayed((x: number) => x, { name: 'load' })(1).key).toMatch(/^load-/);
  });

  it('gives new keys per call unless pure', () => {
    expect(inc(1).key).not.toBe(inc(1).key);
    const pinc = delayed((x: number) => x + 1, { pure: true, name: 'pinc' });
    expect(pinc(1).key).toBe(pinc(1).key);
    expect(pinc(1).key).not.toBe(pinc(2).key);
    expect(pinc(1).key).toMatch(/^pinc-[0-9a-f]{32}$/);
    const x = inc(1);
    expect(pinc(x).key).toBe(pinc(x).key);
    expect(pinc(x).key).not.toBe(pinc(inc(1)).key);
  });

  it('finds Delayed values inside arrays and plain objects', async () => {
    const f = delayed(
      (xs: number[], o: { a: number; b: { c: number } }) => xs[0] + xs[1] + o.a + o.b.c,
    );
    const r = f([inc(0), 10], { a: inc(1), b: { c: inc(2) } });
    const g = r[daskGraph]();
    expect(g.size).toBe(4);
    expect((g.get(r.key) as Task).deps).toHaveLength(3);
    expect(await r.compute()).toBe(1 + 10 + 2 + 3);
  });

  it('passes user objects that look like references through unchanged', async () => {
    const f = delayed((o: unknown) => o);
    expect(await f({ $ref: 'not-a-key' }).compute()).toEqual({ $ref: 'not-a-key' });
  });

  it('shares common ancestors and materializes dependencies first', async () => {
    const base = inc(1);
    const outs = [add(base, 1), add(base, 2)];
    sched.runs.clear();
    expect(await compute(...outs)).toEqual([3, 4]);
    expect(sched.runs.get(base.key)).toBe(1);
    const g = outs[0][daskGraph]();
    expect([...g.keys()]).toEqual([base.key, outs[0].key]);
  });

  it('wraps plain values as data nodes', async () => {
    const d = delayed([1, 2, 3]);
    expect(d.key).toBe(`array-${tokenize([1, 2, 3])}`);
    expect(d[daskGraph]().get(d.key)).toEqual(data([1, 2, 3]));
    expect(await d.compute()).toEqual([1, 2, 3]);
    expect(delayed(d)).toBe(d);
    const mixed = delayed({ a: inc(1), b: 'x' });
    expect(await mixed.compute()).toEqual({ a: 2, b: 'x' });
    expect(delayed(5, { name: 'five' }).key).toMatch(/^five-/);
  });

  it('gives Delayed attributes, items and method calls', async () => {
    const person = delayed({ name: 'ada', langs: ['en', 'fr'] });
    expect(await person.name.compute()).toBe('ada');
    expect(await person.name.toUpperCase().compute()).toBe('ADA');
    expect(await person.langs[1].compute()).toBe('fr');
    expect(await person.langs.map.key).toMatch(/^getattr-/);
    expect(await person.langs.join('+').compute()).toBe('en+fr');
    // Attribute keys are deterministic.
    expect(person.name.key).toBe(person.name.key);
    const s = delayed((x: string) => x)(' hi ');
    expect(await s.trim().length.compute()).toBe(2);
  });

  it('is not thenable, and keeps protocol symbols', async () => {
    const y = inc(1);
    expect((y as unknown as { then?: unknown }).then).toBeUndefined();
    // Awaiting a Delayed gives the Delayed itself, not its value.
    const awaited = await Promise.resolve(y);
    expect(isDelayed(awaited)).toBe(true);
    expect(y[daskKeys]()).toEqual([y.key]);
    expect(y[daskFinalize]([7])).toBe(7);
    expect(String(y)).toBe(`Delayed('${y.key}')`);
  });

  it('refuses mutation and calls of non-methods', () => {
    const y = inc(1) as unknown as Record<string, unknown>;
    expect(() => {
      y.foo = 1;
    }).toThrow(/Cannot set 'foo' on Delayed '.*': Delayed values are immutable/);
  });

  it('destructures results with nout', async () => {
    const divmod = delayed((a: number, b: number): [number, number] => [Math.floor(a / b), a % b], {
      nout: 2,
    });
    const [q, r] = divmod(7, 2);
    expect(await compute(q, r)).toEqual([3, 1]);
    expect(() => {
      const [z] = inc(1) as unknown as Iterable<unknown>;
      return z;
    }).toThrow(/is not iterable: its length is unknown. Pass \{ nout: n \}/);
    expect(() => delayed((x: number) => x, { nout: -1 })).toThrow(
      'nout must be a non-negative integer',
    );
  });

  it('persists: the result holds the computed value as data', async () => {
    const y = add(inc(1), 10);
    const p = await y.persist();
    expect(p.key).toBe(y.key);
    expect(p[daskGraph]()).toEqual(new Map([[y.key, data(12)]]));
    expect(await inc(p).compute()).toBe(13);
    const rebuilt = y[daskRebuild](new Map([[y.key, 99]]));
    expect(await rebuilt.compute()).toBe(99);
  });

  it('runs closures in-thread (local refs) and ships self-contained ones as source', async () => {
    const factor = 3;
    const closure = delayed((x: number) => x * factor);
    const r = closure(2);
    const node = r[daskGraph]().get(r.key) as Task;
    expect(node.fn.kind).toBe('local');
    expect(await r.compute()).toBe(6);
    const scoped = delayed((x: number) => x * factor, { scope: { factor } });
    const s = scoped(2);
    expect((s[daskGraph]().get(s.key) as Task).fn).toMatchObject({
      kind: 'source',
      source: '(x)=>x * factor',
      scope: { factor: 3 },
    });
    expect(await s.compute()).toBe(6);
  });

  it('delayed of a lazy function is that function (its scope kept), or one with new options', async () => {
    const factor = 3;
    const scoped = delayed((x: number) => x * factor, { scope: { factor } });
    // What client.submit / client.map do with the function they are given.
    expect(delayed(scoped)).toBe(scoped);
    const s = delayed(scoped)(2);
    expect((s[daskGraph]().get(s.key) as Task).fn).toMatchObject({
      kind: 'source',
      scope: { factor: 3 },
    });
    expect(await s.compute()).toBe(6);
    const named = delayed(scoped, { name: 'triple' })(2);
    expect(named.key).toMatch(/^triple-/);
    expect((named[daskGraph]().get(named.key) as Task).fn).toMatchObject({ kind: 'source' });
    expect(await named.compute()).toBe(6);
  });

  it('accepts function references', async () => {
    const r = delayed({
      kind: 'source',
      source: '(a, b) => a * b',
      scope: {},
      name: 'mul',
    } as const)(6, 7);
    expect(r.key).toMatch(/^mul-/);
    expect(await r.compute()).toBe(42);
  });

  it('merges the graphs of other collections passed as arguments', async () => {
    class Pair implements Collection<number> {
      [daskGraph](): Graph {
        return new Map([
          ['p0', data(20)],
          ['p1', data(22)],
        ]);
      }
      [daskKeys](): string[] {
        return ['p0', 'p1'];
      }
      [daskFinalize](values: readonly unknown[]): number {
        return (values[0] as number) + (values[1] as number);
      }
    }
    const r = inc(new Pair());
    expect(await r.compute()).toBe(43);
    const g = r[daskGraph]();
    expect([...g.keys()].slice(0, 2)).toEqual(['p0', 'p1']);
    const fin = [...g.values()].find((n) => n.kind === 'task' && n.deps.includes('p0')) as Task;
    expect(fin.fn.kind).toBe('local');
    // A collection may name a portable finalizer.
    class Portable extends Pair {
      [daskFinalizeRef]() {
        return { kind: 'source', source: '(vs) => vs[0] - vs[1]', scope: {} };
      }
    }
    const d = delayed(new Portable());
    expect(await d.compute()).toBe(-2);
  });

  it('builds deep chains without recursion', async () => {
    let x: Delayed<number> = delayed(0);
    for (let i = 0; i < 20_000; i++) x = inc(x);
    expect(x[daskGraph]().size).toBe(20_001);
    expect(await x.compute({ optimize: false, scheduler: chainScheduler() })).toBe(20_000);
  });
});

/** An iterative evaluator for long chains (the recursive test scheduler would overflow). */
function chainScheduler() {
  return {
    name: 'chain',
    async get(graph: Graph, keys: readonly string[]) {
      const values = new Map<string, unknown>();
      for (const [k, node] of graph) {
        if (node.kind === 'data') values.set(k, node.value);
        else values.set(k, (values.get(node.deps[0]) as number) + 1);
      }
      return keys.map((k) => values.get(k));
    },
  };
}

// Type-level checks (compile-time only).
export function typeChecks(): void {
  const f: (x: number | Delayed<number>) => Delayed<number> = delayed<(x: number) => number>(
    (x) => x + 1,
  );
  const s: Delayed<string> = delayed({ a: 'x' }).a;
  const n: Delayed<number> = delayed('abc').length;
  const u: Delayed<string> = delayed('abc').toUpperCase();
  const [q, r] = delayed((): [number, string] => [1, 'a'], { nout: 2 })();
  const q2: Delayed<number> = q;
  const r2: Delayed<string> = r;
  void [f, s, n, u, q2, r2];
}

import { describe, expect, it } from '@jest/globals';
import { FunctionRefError, type SourceRef, type TaskFunction } from '@dask-ts/protocol';
import {
  builtinRef,
  isSelfContained,
  moduleRef,
  sourceRef,
  toFunctionRef,
  toPortableRef,
} from './source.js';
import { resolveFunction } from './__tests__/test-scheduler.js';

function refusal(f: () => unknown): FunctionRefError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(FunctionRefError);
    return e as FunctionRefError;
  }
  throw new Error('expected a FunctionRefError');
}

declare const window: unknown;

const run = (ref: SourceRef, ...args: unknown[]): unknown => resolveFunction(ref)(...args);

describe('sourceRef', () => {
  it('ships self-contained arrow functions, function expressions and async functions', async () => {
    expect(
      run(
        sourceRef((x: number) => x + 1),
        1,
      ),
    ).toBe(2);
    expect(
      run(
        sourceRef(function add(a: number, b: number) {
          return a + b;
        }),
        2,
        3,
      ),
    ).toBe(5);
    expect(
      await (run(
        sourceRef(async (x: number) => Math.sqrt(x)),
        9,
      ) as Promise<number>),
    ).toBe(3);
    expect(run(sourceRef('(s) => JSON.stringify({ s, n: Number("2") })'), 'a')).toBe(
      '{"s":"a","n":2}',
    );
  });

  it('converts shorthand methods to function expressions', async () => {
    const obj = {
      twice(x: number) {
        return x * 2;
      },
      async later(x: number) {
        return x + 1;
      },
      *gen(n: number) {
        for (let i = 0; i < n; i++) yield i;
      },
      delete(x: number) {
        return -x;
      },
    };
    const r = sourceRef(obj.twice);
    expect(r.source.startsWith('function (')).toBe(true);
    expect(run(r, 4)).toBe(8);
    expect(await (run(sourceRef(obj.later), 1) as Promise<number>)).toBe(2);
    expect([...(run(sourceRef(obj.gen), 3) as Iterable<number>)]).toEqual([0, 1, 2]);
    expect(run(sourceRef(obj.delete), 3)).toBe(-3);
  });

  it('accepts values passed in scope', () => {
    const factor = 3;
    const r = sourceRef((x: number) => x * factor, { scope: { factor } });
    expect(r.scope).toEqual({ factor: 3 });
    expect(run(r, 2)).toBe(6);
  });

  it('allows locals, parameters, destructuring, catch params, loops, nested functions and globals', () => {
    const f = ({ a, b: [c = 1] = [] }: { a: number; b?: number[] }, ...rest: number[]) => {
      let total = a + c + rest.length;
      for (const r of rest) total += r;
      for (let i = 0; i < 2; i++) total += i;
      try {
        JSON.parse('{');
      } catch (err) {
        total += err instanceof SyntaxError ? 100 : 0;
      }
      function helper(y: number): number {
        return y + Math.max(1, 0);
      }
      const g = (z: number) => helper(z);
      // eslint-disable-next-line no-var -- a hoisted var is part of what is checked
      var late = g(0);
      const label = typeof window === 'undefined' ? 0 : 1;
      outer: for (const k in { p: 1 }) {
        if (k) break outer;
      }
      return (
        total +
        late +
        label +
        new Map([[1, 2]]).size +
        structuredClone(1) +
        new TextEncoder().encode('x').length
      );
    };
    expect(run(sourceRef(f), { a: 1, b: [] }, 5)).toBe(1 + 1 + 1 + 5 + 1 + 100 + 1 + 0 + 1 + 1 + 1);
  });

  it('refuses a closure, naming the variable, the task and the fix', () => {
    const factor = 2;
    const e = refusal(() => sourceRef((x: number) => x * factor, { key: 'double-1f3a' }));
    expect(e.message).toBe(
      "Task 'double-1f3a': the function uses the outer variable 'factor', which a worker thread cannot see. Pass it explicitly: delayed(fn, { scope: { factor } }), or export the function from its own module (not the entry script) and name it there with moduleRef(import.meta.url, 'name').",
    );
    expect(e.key).toBe('double-1f3a');
    expect(e.variables).toEqual(['factor']);
  });

  it('names every free variable, including ones only written, or read in nested blocks', () => {
    let counter = 0;
    const offset = 1;
    const scale = 2;
    const f = function scaled(x: number) {
      counter = counter + 1;
      {
        const inner = x;
        if (inner) return inner * scale;
      }
      return x + offset;
    };
    const e = refusal(() => sourceRef(f));
    expect(e.variables).toEqual(['counter', 'scale', 'offset']);
    expect(e.message).toMatch(
      /^The function 'scaled' uses the outer variables 'counter', 'scale', 'offset'/,
    );
    expect(e.message).toContain('{ scope: { counter, scale, offset } }');
    expect(e.message).toContain("moduleRef(import.meta.url, 'scaled')");
    // A variable declared in a block is not visible outside it.
    const outside = refusal(() => sourceRef('(x) => { { let y = x; } return y; }'));
    expect(outside.variables).toEqual(['y']);
    expect(counter).toBe(0);
  });

  it('refuses native and bound functions (not the standard ones, shipped by name)', () => {
    const native = refusal(() => sourceRef(structuredClone, { key: 'clone-1' }));
    expect(native.message).toMatch(
      /^Task 'clone-1': the function 'structuredClone' is native code/,
    );
    const bound = refusal(() => sourceRef(((x: number) => x).bind(null)));
    expect(bound.message).toMatch(/^The function 'bound ' is a bound function|bound function/);
  });

  it('refuses classes and text that is not a function', () => {
    expect(refusal(() => sourceRef(class A {} as unknown as () => void)).message).toContain(
      'The value is a class, not a function',
    );
    expect(refusal(() => sourceRef('1 + 1')).message).toContain(
      'could not be parsed as a function: 1 + 1',
    );
    expect(refusal(() => sourceRef('(x) => {')).message).toContain('could not be parsed');
  });
});

describe('toFunctionRef and toPortableRef', () => {
  it('gives a shared SourceRef for self-contained functions', () => {
    const f = (x: number) => x + 1;
    const r1 = toFunctionRef(f);
    expect(r1.kind).toBe('source');
    expect(toFunctionRef(f)).toBe(r1);
    expect(toPortableRef(r1, 'k')).toBe(r1);
  });

  it('gives a LocalRef with the problem for closures; toPortableRef refuses it', () => {
    const secret = 42;
    const f = () => secret;
    const r = toFunctionRef(f, { name: 'answer' });
    expect(r.kind).toBe('local');
    if (r.kind !== 'local') return;
    expect(r.fn).toBe(f);
    expect(r.problem).toContain("outer variable 'secret'");
    const e = refusal(() => toPortableRef(r, 'answer-9'));
    expect(e.message).toMatch(
      /^Task 'answer-9': the function 'answer' uses the outer variable 'secret'/,
    );
    expect(e.key).toBe('answer-9');
    expect(e.variables).toEqual(['secret']);
    // With scope, the same function is portable.
    expect(toFunctionRef(f, { scope: { secret } }).kind).toBe('source');
  });

  it('gives a LocalRef for native functions, and a SourceRef naming a standard one', () => {
    const r = toFunctionRef(structuredClone);
    expect(r.kind).toBe('local');
    expect(refusal(() => toPortableRef(r, 'clone-1')).message).toMatch(
      /^Task 'clone-1': the function 'structuredClone' is native code/,
    );
    for (const [f, text] of [
      [JSON.parse, 'globalThis.JSON.parse'],
      [Math.abs, 'globalThis.Math.abs'],
      [parseFloat, 'globalThis.parseFloat'],
      [Number.isInteger, 'globalThis.Number.isInteger'],
      [Object.keys, 'globalThis.Object.keys'],
      [String, 'globalThis.String'],
    ] as const) {
      const ref = toFunctionRef(f as TaskFunction);
      expect(ref).toMatchObject({ kind: 'source', source: text });
      expect(isSelfContained(f as TaskFunction)).toBe(true);
    }
    // Only by identity: a native function of the same name elsewhere is not JSON.parse.
    const fake = Function.prototype.bind.call(JSON.parse, null) as TaskFunction;
    expect(toFunctionRef(fake).kind).toBe('local');
  });

  it('refuses a hand-made LocalRef without a problem', () => {
    const e = refusal(() => toPortableRef({ kind: 'local', fn: () => 1, name: 'one' }, 'one-1'));
    expect(e.message).toContain("Task 'one-1': the function 'one' is a local closure");
  });

  it('parses each function once (cached per function object)', () => {
    const f = (x: number) => x * 2;
    const t0 = performance.now();
    for (let i = 0; i < 100_000; i++) toFunctionRef(f);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe('moduleRef and builtinRef', () => {
  it('makes references', () => {
    expect(moduleRef('file:///app/k.js', 'parse')).toEqual({
      kind: 'module',
      specifier: 'file:///app/k.js',
      exportName: 'parse',
    });
    expect(moduleRef('lodash')).toEqual({
      kind: 'module',
      specifier: 'lodash',
      exportName: 'default',
    });
    expect(builtinRef('bag.count', '@dask-ts/bag')).toEqual({
      kind: 'builtin',
      name: 'bag.count',
      module: '@dask-ts/bag',
    });
    expect(builtinRef('x')).toEqual({ kind: 'builtin', name: 'x' });
  });

  it('refuses relative specifiers and empty names', () => {
    expect(refusal(() => moduleRef('./k.js', 'f')).message).toContain(
      "'./k.js' is a relative path",
    );
    expect(refusal(() => moduleRef('', 'f')).message).toContain('non-empty string');
    expect(refusal(() => moduleRef('pkg', '')).message).toContain(
      "moduleRef('pkg'): the export name",
    );
    expect(refusal(() => builtinRef('')).message).toContain('builtinRef: the name');
  });
});

describe('explicit scope', () => {
  it('ships functions and classes in scope as helpers, checked recursively', () => {
    const k = 2;
    const twice = (v: number): number => v * k;
    class Box {
      constructor(readonly v: number) {}
    }
    const ref = toFunctionRef((x: number) => new Box(twice(x)), { scope: { twice, k, Box } });
    expect(ref.kind).toBe('source');
    const s = ref as SourceRef;
    expect(s.scope).toEqual({ k: 2 });
    expect(Object.keys(s.helpers ?? {}).sort()).toEqual(['Box', 'twice']);
    expect(s.helpers!.Box).toMatch(/^class Box/);
    // A helper's own outer variables must be in scope too: refused when the ref is made.
    expect(() => toFunctionRef((x: number) => twice(x), { scope: { twice } })).toThrow(
      /'twice' is a function that reads 'k'/,
    );
  });

  it('refuses values that cannot be copied, naming their path', () => {
    expect(() =>
      sourceRef((x: number) => x + cfg.n, { scope: { cfg: { n: 1, s: Symbol('s') } } }),
    ).toThrow(/'cfg\.s' is a symbol/);
    expect(() => toFunctionRef((x: number) => x, { scope: { 'not-an-id': 1 } })).toThrow(
      /not a JavaScript identifier/,
    );
  });

  it('records where the reference was made', () => {
    const ref = toFunctionRef((x: number) => x + 1) as SourceRef;
    expect(ref.origin).toMatch(/^file:\/\/.*source\.test\.ts:\d+:\d+$/);
  });

  it('shares one reference among functions of the same text and name (a lambda made in a loop)', () => {
    const refs = Array.from({ length: 3 }, () => toFunctionRef((y: number) => y * 3 + 1));
    expect(refs[1]).toBe(refs[0]);
    expect(refs[2]).toBe(refs[0]);
    expect((refs[0] as SourceRef).origin).toMatch(/source\.test\.ts:\d+:\d+$/);
    // Another name, or another text, is another reference.
    const tripled = (y: number) => y * 3 + 1;
    expect(toFunctionRef(tripled)).not.toBe(refs[0]);
    expect(toFunctionRef((y: number) => y * 3 + 2)).not.toBe(refs[0]);
    // A name given in the options, or a scope, makes a reference of its own.
    expect(toFunctionRef((y: number) => y * 3 + 1, { name: 'f' })).not.toBe(refs[0]);
  });
});
declare const cfg: { n: number };

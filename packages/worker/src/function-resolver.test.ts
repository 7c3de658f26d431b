// The one function resolver's two faces: `resolve` (synchronous, a `Suspend` while a module is
// imported) and `resolveNow`/`resolveFunction` (the function now, a promise only while a module
// is imported); closures only where they were made; the task key named where it is known.
import { describe, expect, it } from '@jest/globals';
import { FunctionRefError, type FunctionRef } from '@dask-ts/protocol';
import { FunctionResolver, resolveFunction } from './function-resolver.js';
import { ModuleLoader } from './module-loader.js';
import { Suspend } from './suspend.js';

const kernels = new URL('../test/fixtures/kernels.mjs', import.meta.url).href;

describe('FunctionResolver', () => {
  it('suspends while a module imports, then answers synchronously', async () => {
    const fns = new FunctionResolver({ modules: new ModuleLoader() });
    const ref: FunctionRef = { kind: 'module', specifier: kernels, exportName: 'sumArray' };
    let suspended: unknown;
    try {
      fns.resolve(ref);
    } catch (err) {
      suspended = err;
    }
    expect(suspended).toBeInstanceOf(Suspend);
    await (suspended as Suspend).until;
    expect(fns.resolve(ref)([20, 22])).toBe(42);
    // A second reference object naming the same function is the same function.
    expect(fns.resolve({ ...ref })).toBe(fns.resolve(ref));
  });

  it('resolveNow gives a promise only while the module imports', async () => {
    const fns = new FunctionResolver({ modules: new ModuleLoader() });
    const ref: FunctionRef = { kind: 'module', specifier: kernels, exportName: 'sumArray' };
    const first = fns.resolveNow(ref, 'y');
    expect(first).toBeInstanceOf(Promise);
    const fn = await first;
    expect(fns.resolveNow(ref, 'y')).toBe(fn);
  });

  it('names the task key in front of the same text when it is given', async () => {
    const fns = new FunctionResolver({ modules: new ModuleLoader() });
    const ref: FunctionRef = { kind: 'module', specifier: kernels, exportName: 'nope' };
    const text = `Module '${kernels}' has no function export 'nope' (no such export)`;
    const withKey = await Promise.resolve(fns.resolveNow(ref, 'y')).catch((e: unknown) => e);
    expect(withKey).toBeInstanceOf(FunctionRefError);
    expect((withKey as FunctionRefError).message).toBe(`Task y: ${text}`);
    expect((withKey as FunctionRefError).key).toBe('y');
    expect(() => fns.resolve(ref)).toThrow(new FunctionRefError(text, undefined));
  });

  it('calls closures only in the thread that made them', () => {
    const local: FunctionRef = { kind: 'local', name: 'add1', fn: (x: number) => x + 1 };
    expect(resolveFunction(local, 'y')).toBe(local.fn);
    expect(() => new FunctionResolver().resolve(local)).toThrow(
      "Function 'add1' is a local closure and cannot run in a worker",
    );
  });

  it('rebuilds a source function once per scope, binding its values by name', () => {
    const fns = new FunctionResolver();
    const mk = (k: number): FunctionRef => ({
      kind: 'source',
      source: '(x) => x * k',
      scope: { k },
    });
    const a = fns.resolve(mk(2));
    expect(a(21)).toBe(42);
    expect(fns.resolve(mk(2))).toBe(a);
    expect(fns.resolve(mk(3))(2)).toBe(6);
    expect(fns.resolve(mk(2))).toBe(a);
  });
});

// The collection kit's kernel tables and user-function arguments: defineKernels registers
// `<namespace>.<name>` builtins carrying the declaring module's URL and refuses bad declarations
// by name; userFunctions turns lambdas, closures, references and property keys into task
// arguments, with the fix for a closure shown in the collection's terms.
import { describe, expect, it } from '@jest/globals';
import { lookupBuiltin, type LocalRef } from '@dask-ts/protocol';
import { defineKernels, fnKeyPrefix, moduleRef, userFunctions } from './index.js';

describe('defineKernels', () => {
  const double = (x: number): number => x * 2;
  const k = defineKernels('kittest', import.meta.url, { double });

  it('registers the table and gives shared, typed references to this module', () => {
    expect(lookupBuiltin('kittest.double')).toBe(double);
    expect(k.ref('double')).toEqual({
      kind: 'builtin',
      name: 'kittest.double',
      module: import.meta.url,
    });
    expect(k.ref('double')).toBe(k.ref('double'));
    expect(k.task('double', [{ $ref: 'a' }])).toEqual({
      kind: 'task',
      fn: k.ref('double'),
      args: [{ $ref: 'a' }],
      deps: ['a'],
    });
    expect(k.module).toBe(import.meta.url);
  });

  it('refuses a bad namespace, module or kernel, naming it', () => {
    expect(() => defineKernels('a.b', import.meta.url, {})).toThrow(/namespace "a.b"/);
    expect(() => defineKernels('ok', './kernels.js', {})).toThrow(/"\.\/kernels\.js" is not a URL/);
    expect(() => defineKernels('ok', import.meta.url, { x: 1 as never })).toThrow(
      /kernel 'x' is not a function/,
    );
    expect(() => (k.ref as (n: string) => unknown)('triple')).toThrow(
      /No kernel 'triple' in namespace 'kittest'/,
    );
  });
});

describe('userFunctions', () => {
  const fns = userFunctions('toy');

  it('makes lambdas portable inline calls and references literals', () => {
    const a = fns.arg((x: number) => x + 1, {}, 'map');
    expect(a.arg).toMatchObject({ $call: { kind: 'source' }, args: [] });
    const m = moduleRef('file:///m.js', 'f');
    expect(fns.arg(m, {}, 'map').arg).toEqual({ $literal: m });
    expect(fns.arg(m, {}, 'map').token).toBe(fns.arg(m, {}, 'map').token);
    expect(fns.key('name', {}, 'groupby').arg).toMatchObject({
      $call: { kind: 'source', source: '() => ((x) => x["name"]\n)' },
    });
  });

  it('shows the fix for a closure in the collection terms', () => {
    const k = 3;
    const a = fns.arg((x: number) => x * k, {}, 'map').arg as { $call: LocalRef };
    expect(a.$call.kind).toBe('local');
    expect(a.$call.problem).toMatch(/toy\.map\(fn, \{ scope: \{ k \} \}\)/);
  });

  it('refuses what is not a function, naming the operation', () => {
    expect(() => fns.arg(42, {}, 'map')).toThrow(
      'map: expected a function or a function reference, got number',
    );
  });

  it('names keys after the function', () => {
    expect(fnKeyPrefix(function inc() {})).toBe('inc');
    expect(fnKeyPrefix(moduleRef('file:///m.js', 'parse'))).toBe('parse');
    expect(fnKeyPrefix(() => 1)).toBeUndefined();
  });
});

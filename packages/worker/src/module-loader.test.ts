// Module loading: TypeScript URLs, the tsx hint when no loader is available, the loader found
// in the TypeScript module's own project, failures kept.
import { describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WorkerState } from './worker-state.js';
import { isTypeScriptUrl, ModuleLoader } from './module-loader.js';
import { packCompute } from '@dask-ts/protocol';

const fixtures = new URL('../test/fixtures/', import.meta.url);

describe('ModuleLoader', () => {
  it('recognises TypeScript file URLs', () => {
    expect(isTypeScriptUrl('file:///a/src/k.ts')).toBe(true);
    expect(isTypeScriptUrl('file:///a/src/k.mts?v=1')).toBe(true);
    expect(isTypeScriptUrl('file:///a/dist/k.js')).toBe(false);
    expect(isTypeScriptUrl('some-package/k.ts')).toBe(false);
  });

  it('loads TypeScript modules (under jest, through its own transform)', async () => {
    const state = new WorkerState();
    const spec = new URL('typed-kernels.ts', fixtures).href;
    const out = await state.handleAll(
      packCompute([
        {
          key: 'a',
          fn: { kind: 'module', specifier: spec, exportName: 'tenfold' },
          args: [3],
          deps: [],
        },
        {
          key: 'b',
          fn: { kind: 'builtin', name: 'test.typed-negate', module: spec },
          args: [{ $ref: 'a' }],
          deps: ['a'],
        },
      ]),
    );
    expect(out.map((o) => o.message)).toEqual([
      { op: 'finished', keys: ['a', 'b'], nbytes: [8, 8], ms: expect.any(Number) },
    ]);
    expect(state.get('b')).toBe(-30);
  });

  it('says to install tsx, naming the module, when no TypeScript loader can be had', async () => {
    const loader = new ModuleLoader({ typeScriptLoader: 'no-such-tsx-package/esm/api' });
    const spec = new URL('missing-kernels.ts', fixtures).href;
    const entry = loader.load(spec);
    expect(entry.state).toBe('loading');
    if (entry.state === 'loading') await entry.done;
    const after = loader.get(spec);
    expect(after?.state).toBe('failed');
    if (after?.state !== 'failed') return;
    expect(after.error.message).toContain(
      `Cannot import TypeScript module '${spec}': install tsx (npm install --save-dev tsx) to run TypeScript sources`,
    );
    expect(after.error.message).toContain("cannot import 'no-such-tsx-package/esm/api'");
    // The failure is kept: asking again answers at once.
    expect(loader.load(spec)).toBe(after);
  });

  it("finds the TypeScript loader in the module's own project when this package lacks it", async () => {
    // A project with its own loader package (a stand-in for tsx that records its registration).
    const project = mkdtempSync(join(tmpdir(), 'dask-ts-ts-project-'));
    try {
      const pkg = join(project, 'node_modules', 'project-ts-loader');
      mkdirSync(pkg, { recursive: true });
      writeFileSync(
        join(pkg, 'package.json'),
        JSON.stringify({ name: 'project-ts-loader', exports: { './esm/api': './api.mjs' } }),
      );
      writeFileSync(
        join(pkg, 'api.mjs'),
        'export function register() { globalThis.__projectTsLoaderRegistered = true; }\n',
      );
      writeFileSync(join(project, 'k.ts'), 'export const seven = (): number => 7;\n');
      const loader = new ModuleLoader({ typeScriptLoader: 'project-ts-loader/esm/api' });
      const spec = pathToFileURL(join(project, 'k.ts')).href;
      const entry = loader.load(spec);
      if (entry.state === 'loading') await entry.done;
      expect(
        (globalThis as { __projectTsLoaderRegistered?: boolean }).__projectTsLoaderRegistered,
      ).toBe(true);
      const after = loader.get(spec);
      expect(after?.state).toBe('loaded');
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});

// Importing the package registers its schedulers; the default pool is lazy, closable through the
// protocol registry, and never keeps a script alive.
import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  closeSchedulers,
  data,
  getScheduler,
  ref,
  registeredSchedulers,
  task,
  type GraphNode,
} from '@dask-ts/protocol';
import { LocalCluster, syncScheduler } from './index.js';
import { src } from './__tests__/graphs.js';

describe('registration', () => {
  it("registers 'sync', 'threads' (the default) and 'processes'", async () => {
    expect(registeredSchedulers()).toEqual(
      expect.arrayContaining(['sync', 'threads', 'processes']),
    );
    expect(getScheduler('sync')).toBe(syncScheduler);
    const def = getScheduler();
    expect(def).toBeInstanceOf(LocalCluster);
    expect(def.name).toBe('threads');
    expect(getScheduler('processes').name).toBe('processes');
    const g = new Map<string, GraphNode>([
      ['x', data(1)],
      ['y', task(src('(x) => x * 10'), [ref('x')])],
    ]);
    expect(await def.get(g, ['y'])).toEqual([10]);
    await closeSchedulers();
    expect((def as LocalCluster).workers).toEqual([]);
  });

  it('lets a script exit without close (idle workers are unref’d)', async () => {
    const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    if (!existsSync(dist))
      throw new Error('Build @dask-ts/scheduler first (npm run build): this test runs dist/');
    const script = fileURLToPath(new URL('./__tests__/exit-without-close.mjs', import.meta.url));
    const started = performance.now();
    const { code, stdout, stderr } = await new Promise<{
      code: number | null;
      stdout: string;
      stderr: string;
    }>((resolve) => {
      const child = execFile(
        process.execPath,
        [script],
        { timeout: 45_000, env: { ...process.env, NODE_OPTIONS: '' } },
        (_err, out, errOut) => resolve({ code: child.exitCode, stdout: out, stderr: errOut }),
      );
    });
    expect(stderr).toBe('');
    expect(stdout).toBe('21\n');
    expect(code).toBe(0);
    expect(performance.now() - started).toBeLessThan(30_000);
  });
});

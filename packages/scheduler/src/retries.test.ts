// Retries on the local threads scheduler: `compute(..., { retries })` runs a task that throws
// again (a file counts its attempts), and the final error says how many attempts were made.
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { task } from '@dask-ts/protocol';
import { compute, delayed } from '@dask-ts/graph';
import { createThreadsScheduler } from './index.js';
import { src } from './__tests__/graphs.js';

const threads = createThreadsScheduler({ workers: 2, log: () => undefined });
const dir = mkdtempSync(join(tmpdir(), 'dask-ts-retries-'));
afterAll(async () => {
  await threads.close();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

const flaky = src(`async (file, failures) => {
  const fsp = await import('node:fs/promises');
  const n = Number(await fsp.readFile(file, 'utf8').catch(() => '0')) + 1;
  await fsp.writeFile(file, String(n));
  if (n <= failures) throw new Error('flaky failure ' + n);
  return n;
}`);

describe('threads scheduler retries', () => {
  it('runs a failing task again up to retries; then the error names the attempts', async () => {
    const ok = new Map([['x', task(flaky, [join(dir, 'ok'), 2])]]);
    expect(await threads.get(ok, ['x'], { retries: 2 })).toEqual([3]);
    const bad = new Map([['x', task(flaky, [join(dir, 'bad'), 2])]]);
    await expect(threads.get(bad, ['x'], { retries: 1 })).rejects.toThrow(
      'flaky failure 2 (failed 2 attempts; retries: 1)',
    );
    // Through @dask-ts/graph's compute, as a user writes it.
    const flakyJs = async (file: string, failures: number) => {
      const fsp = await import('node:fs/promises');
      const n = Number(await fsp.readFile(file, 'utf8').catch(() => '0')) + 1;
      await fsp.writeFile(file, String(n));
      if (n <= failures) throw new Error('flaky failure ' + n);
      return n;
    };
    const [viaCompute] = await compute(delayed(flakyJs)(join(dir, 'compute'), 1), {
      scheduler: threads,
      retries: 1,
    });
    expect(viaCompute).toBe(2);
    await expect(threads.get(ok, ['x'], { retries: -1 })).rejects.toThrow(
      /threads compute: retries must be an integer >= 0, got -1/,
    );
  }, 60_000);
});

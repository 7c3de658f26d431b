// Progress: the bar's text, when a bar is drawn, the final call at 100% (exactly once), updates
// that arrive within the interval reported when it ends, tasks reported as they finish on the
// pools, and no timer left behind.
import { describe, expect, it, jest } from '@jest/globals';
import { data, ref, task, type GraphNode, type ProgressInfo } from '@dask-ts/protocol';
import { createProgress, renderBar } from './progress.js';
import { createProcessesScheduler, createThreadsScheduler, syncScheduler } from './index.js';
import { src, treeReduction } from './__tests__/graphs.js';

function sink(isTTY: boolean): { write: (t: string) => boolean; isTTY: boolean; text: string[] } {
  const text: string[] = [];
  return { text, isTTY, write: (t: string) => text.push(t) > 0 };
}

describe('progress', () => {
  it('renders tasks done of total, the rate and the time left', () => {
    expect(renderBar(50, 100, 0, 1000)).toBe(
      '[############------------]  50/100   50%  50 tasks/s  1.0s left',
    );
    expect(renderBar(100, 100, 0, 2000)).toBe(
      '[########################]  100/100  100%  50 tasks/s  2.0s',
    );
    expect(renderBar(0, 10, 0, 0)).toBe(
      '[------------------------]  0/10    0%  0 tasks/s  ? left',
    );
    expect(renderBar(3, 10, 1, 1000)).toMatch(/1 erred$/);
  });

  it('is off unless asked for; a bar needs a terminal unless forced', () => {
    expect(createProgress({}, 10, sink(true))).toBeUndefined();
    expect(createProgress({ progress: true }, 10, sink(false))).toBeUndefined();
    expect(createProgress({ progress: true }, 10, sink(true))).toBeDefined();
    expect(createProgress({ progress: 'always' }, 10, sink(false))).toBeDefined();
  });

  it('throttles updates, then finishes at 100% with a newline', () => {
    const out = sink(true);
    const calls: number[] = [];
    const p = createProgress({ progress: true, onProgress: (i) => calls.push(i.done) }, 10, out)!;
    p.update(1, 0);
    p.update(2, 0); // within the interval: dropped
    p.finish(10, 0);
    p.finish(10, 0); // idempotent
    expect(calls).toEqual([1, 10]);
    expect(out.text).toHaveLength(2);
    expect(out.text[0].startsWith('\r\u001b[2K[')).toBe(true);
    expect(out.text[1]).toContain('10/10  100%');
    expect(out.text[1].endsWith('\n')).toBe(true);
  });

  it('draws the bar on stderr for a sync compute and leaves no timer', async () => {
    const writes: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((t: string | Uint8Array) => {
      writes.push(String(t));
      return true;
    });
    try {
      const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
      const { graph, key, expected } = treeReduction(3000);
      expect(await syncScheduler.get(graph, [key], { progress: 'always' })).toEqual([expected]);
      expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBe(before);
    } finally {
      spy.mockRestore();
    }
    const last = writes[writes.length - 1];
    expect(last).toContain('5999/5999  100%');
    expect(last.endsWith('\n')).toBe(true);
  });

  it('reports erred tasks in the final call when a compute fails', async () => {
    const calls: { done: number; erred: number }[] = [];
    const g = new Map<string, GraphNode>([
      ['x', data(1)],
      ['y', task(src('() => { throw new Error("x"); }'), [ref('x')])],
    ]);
    await expect(
      syncScheduler.get(g, ['y'], { onProgress: (p) => calls.push(p) }),
    ).rejects.toThrow();
    expect(calls[calls.length - 1]).toMatchObject({ erred: 1 });
  });

  it('reports 100% once, from finish, even when an update reached the total first', () => {
    const calls: number[] = [];
    const p = createProgress({ onProgress: (i) => calls.push(i.done) }, 10)!;
    p.update(10, 0);
    p.finish(10, 0);
    expect(calls).toEqual([10]);
  });

  it('reports an update that came within the interval once the interval is over', async () => {
    const calls: number[] = [];
    let seen: (() => void) | undefined;
    const second = new Promise<void>((resolve) => (seen = resolve));
    const p = createProgress(
      {
        onProgress: (i) => {
          calls.push(i.done);
          if (i.done === 3) seen!();
        },
      },
      10,
    )!;
    p.update(1, 0);
    p.update(2, 0);
    p.update(3, 0);
    await second;
    expect(calls).toEqual([1, 3]);
    p.finish(10, 0);
    expect(calls).toEqual([1, 3, 10]);
  });
});

describe.each([
  ['threads', createThreadsScheduler],
  ['processes', createProcessesScheduler],
] as const)('progress on %s', (_name, make) => {
  it('reports tasks as they finish, in order, and 100% exactly once (40 tasks of 100 ms)', async () => {
    const pool = make({ workers: 2, log: () => undefined });
    const slow = src(
      '(i) => { const end = Date.now() + 100; while (Date.now() < end); return i; }',
    );
    const g = new Map<string, GraphNode>();
    for (let i = 0; i < 40; i++) g.set(`t${i}`, task(slow, [i]));
    const calls: ProgressInfo[] = [];
    try {
      await pool.get(g, [...g.keys()], { onProgress: (p) => calls.push(p) });
    } finally {
      await pool.close();
    }
    const done = calls.map((c) => c.done);
    expect(done.filter((d) => d === 40)).toHaveLength(1);
    expect(done[done.length - 1]).toBe(40);
    expect([...done].sort((a, b) => a - b)).toEqual(done);
    // About 2 s of work reported a few times a second: many steps, none of them a big jump.
    expect(new Set(done).size).toBeGreaterThanOrEqual(5);
    expect(Math.max(...done.map((d, i) => d - (done[i - 1] ?? 0)))).toBeLessThan(20);
  }, 120_000);
});

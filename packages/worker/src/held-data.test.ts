// HeldData: least recently used results spill to disk past the threshold and come back equal when
// read; values that could not come back as themselves stay in memory; files and the directory go
// away on delete and clear; a WorkerState with a spill threshold runs tasks over spilled inputs.
import { afterEach, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packCompute } from '@dask-ts/protocol';
import { HeldData } from './held-data.js';
import { WorkerState } from './worker-state.js';
import { messages, src, t } from './__tests__/worker-state-helpers.js';

const MB = 2 ** 20;
const roots: string[] = [];
function spillDir(): string {
  const root = mkdtempSync(join(tmpdir(), 'held-data-test-'));
  roots.push(root);
  return join(root, 'worker');
}
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

const big = (fill: number): Float64Array => new Float64Array(MB / 8).fill(fill); // 1 MiB

describe('HeldData', () => {
  it('spills the least recently used results past the threshold and reads them back', () => {
    const dir = spillDir();
    const held = new HeldData({ aboveBytes: 2.5 * MB, dir });
    held.set('a', big(1));
    held.set('b', big(2));
    held.get('a'); // a is now more recent than b
    held.set('c', big(3));
    // 3 MiB held: the least recently used (b) went to disk.
    expect(held.stats).toMatchObject({ memoryBytes: 2 * MB, spilledBytes: MB, spilledKeys: 1 });
    expect(readdirSync(dir)).toHaveLength(1);
    expect(held.has('b')).toBe(true);
    expect(held.size).toBe(3);
    const b = held.get('b') as Float64Array;
    // (v8.deserialize builds it in Node's own realm, not the test's: compare by tag)
    expect(Object.prototype.toString.call(b)).toBe('[object Float64Array]');
    expect(b.length).toBe(MB / 8);
    expect(b.every((x) => x === 2)).toBe(true);
    // Reading b back pushed out the least recently used one (a), then c went on being newest.
    expect(held.stats).toMatchObject({ spills: 2, unspills: 1, spilledKeys: 1 });
    expect((held.get('a') as Float64Array)[0]).toBe(1);
    held.delete('a');
    held.delete('b');
    held.delete('c');
    expect(held.size).toBe(0);
    expect(readdirSync(dir)).toHaveLength(0);
    held.clear();
    expect(existsSync(dir)).toBe(false);
  });

  it('spills nested plain data, maps and strings, and they come back equal', () => {
    const held = new HeldData({ aboveBytes: 10, dir: spillDir() });
    const nested = {
      xs: [1, 2, { deep: 'text'.repeat(10) }],
      m: new Map([['k', new Int32Array(4)]]),
    };
    held.set('n', nested);
    held.set('s', 'x'.repeat(100));
    held.set('last', 1);
    expect(held.stats.spilledKeys).toBe(2);
    expect(held.get('n')).toEqual(nested);
    expect(held.get('s')).toBe('x'.repeat(100));
    held.clear();
  });

  it('keeps in memory what could not come back as itself: class instances without a codec, functions', () => {
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    const held = new HeldData({ aboveBytes: 10, dir: spillDir() });
    const p = new Point(1, 2);
    const withFn = { f: () => 1, pad: 'x'.repeat(64) };
    held.set('p', [p, 'x'.repeat(64)]);
    held.set('f', withFn);
    held.set('plain', 'y'.repeat(64));
    held.set('last', 'z'.repeat(64));
    // Only the plain string could go.
    expect(held.stats.spilledKeys).toBe(1);
    expect((held.get('p') as unknown[])[0]).toBe(p);
    expect(held.get('f')).toBe(withFn);
    expect(held.get('plain')).toBe('y'.repeat(64));
    held.clear();
  });

  it('with a budget shared with its node: spills to what the node allows, also while idle, and asks for a collection', async () => {
    const budget = new Int32Array(new SharedArrayBuffer(16));
    let collections = 0;
    const held = new HeldData({
      aboveBytes: 8 * MB,
      dir: spillDir(),
      budget,
      collect: () => collections++,
    });
    held.set('a', big(1));
    held.set('b', big(2));
    held.set('c', big(3));
    // Under its own threshold: nothing spills; what it holds is written for the node (KiB).
    expect(held.stats.spilledKeys).toBe(0);
    expect(Atomics.load(budget, 1)).toBe(3 * 1024);
    // The node allows 1.5 MiB now: the idle store spills down to it on its next check.
    Atomics.store(budget, 0, 1536);
    const ticks = Atomics.load(budget, 2);
    const deadline = Date.now() + 10_000;
    while (held.stats.spilledKeys < 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(held.stats).toMatchObject({ memoryBytes: MB, spilledKeys: 2 });
    expect(Atomics.load(budget, 1)).toBe(1024);
    expect(Atomics.load(budget, 2)).toBeGreaterThan(ticks);
    expect(collections).toBeGreaterThanOrEqual(1);
    // The node asks for a collection (budget[3]).
    const before = collections;
    Atomics.add(budget, 3, 1);
    while (collections === before && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(collections).toBe(before + 1);
    // A new result spills older ones past the node's allowance at once.
    held.set('d', big(4));
    expect(held.stats).toMatchObject({ memoryBytes: MB, spilledKeys: 3 });
    expect((held.get('a') as Float64Array)[0]).toBe(1);
    held.clear();
    expect(Atomics.load(budget, 1)).toBe(0);
  }, 30_000);

  it('without a threshold is a plain map that still reports sizes', () => {
    const held = new HeldData();
    held.set('a', big(1));
    held.set('a', big(2));
    expect(held.size).toBe(1);
    expect((held.get('a') as Float64Array)[0]).toBe(2);
    expect(held.stats).toMatchObject({ memoryBytes: MB, spilledBytes: 0, spills: 0 });
    expect(held.delete('a')).toBe(true);
    expect(held.has('a')).toBe(false);
  });
});

describe('WorkerState with a spill threshold', () => {
  it('runs tasks whose inputs were spilled, and clears its directory on close', async () => {
    const dir = spillDir();
    const state = new WorkerState({ spill: { aboveBytes: 2.5 * MB, dir } });
    const make = src('(v) => new Float64Array(131072).fill(v)');
    const tasks = [1, 2, 3, 4, 5].map((v) => t(`big-${v}`, make, [v]));
    const total = t(
      'total',
      src('(...xs) => xs.reduce((s, x) => s + x[0] * x.length, 0)'),
      tasks.map((x) => ({ $ref: x.key })),
      tasks.map((x) => x.key),
    );
    const done = await state.handleAll(packCompute([...tasks, total]));
    expect(messages(done)[0]).toMatchObject({ op: 'finished' });
    expect(state.get('total')).toBe((1 + 2 + 3 + 4 + 5) * 131072);
    expect(state.memory.spills).toBeGreaterThanOrEqual(3);
    expect(state.memory.unspills).toBeGreaterThanOrEqual(3);
    expect(existsSync(dir)).toBe(true);
    await state.handleAll({ op: 'close' });
    expect(existsSync(dir)).toBe(false);
  });
});

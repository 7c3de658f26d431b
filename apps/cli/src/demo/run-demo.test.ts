// The demo, run in-process on sync and threads with small sizes: its summary must equal a plain
// sequential computation over the very files it generated; its temp dir must be gone afterwards;
// bad sizes are refused with errors naming the option.
import { afterAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeSchedulers } from '@dask-ts/protocol';
import { runDemo } from './run-demo.js';

function reference(dir: string) {
  let count = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  const names = readdirSync(dir).sort();
  for (const name of names) {
    const lines = readFileSync(join(dir, name), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('id,value');
    for (const line of lines.slice(1)) {
      const v = Number(line.split(',')[1]);
      count++;
      sum += v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
  }
  return { files: names.length, summary: { count, sum, min, max, mean: sum / count } };
}

const dirs: string[] = [];
function scratch(): string {
  const d = mkdtempSync(join(tmpdir(), 'dask-ts-demo-test-'));
  dirs.push(d);
  return d;
}

afterAll(async () => {
  await closeSchedulers();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe.each(['sync', 'threads'])('demo on %s', (scheduler) => {
  test('its summary equals a plain computation over the generated files', async () => {
    const dir = scratch();
    const r = await runDemo({ scheduler, files: 7, rows: 250, dir, progress: false });
    const ref = reference(dir);
    expect(ref.files).toBe(7);
    expect(ref.summary.count).toBe(7 * 250);
    expect(r.summary).toEqual(ref.summary);
    expect(r.files).toBe(7);
    expect(r.rows).toBe(250);
    // 4 tasks per file (write, load, parse, stats), 6 merges, 1 summary.
    expect(r.tasks).toBe(7 * 4 + 6 + 1);
    expect(r.scheduler).toBe(scheduler);
    expect(r.kept).toBe(true);
    expect(r.dir).toBe(dir);
    expect(r.tasksPerSecond).toBeGreaterThan(0);
  });
});

test('a single file with no rows gives count 0 and a NaN mean', async () => {
  const r = await runDemo({ scheduler: 'sync', files: 1, rows: 0, progress: false });
  expect(r.summary).toEqual({ count: 0, sum: 0, min: Infinity, max: -Infinity, mean: NaN });
  expect(r.tasks).toBe(5);
});

test('the temporary directory is removed afterwards', async () => {
  const r = await runDemo({ scheduler: 'sync', files: 2, rows: 10, progress: false });
  expect(r.summary.count).toBe(20);
  expect(r.kept).toBe(false);
  expect(existsSync(r.dir)).toBe(false);
});

test('bad sizes are refused, naming the option', async () => {
  await expect(runDemo({ scheduler: 'sync', files: 0 })).rejects.toThrow(
    /demo: files must be an integer between 1 and/,
  );
  await expect(runDemo({ scheduler: 'sync', files: 2.5 })).rejects.toThrow(/files .* got 2\.5/);
  await expect(runDemo({ scheduler: 'sync', rows: -1 })).rejects.toThrow(
    /demo: rows must be .* got -1/,
  );
});

test('an unknown scheduler is refused, naming it', async () => {
  await expect(runDemo({ scheduler: 'gpu', files: 1, rows: 1 })).rejects.toThrow(
    /Unknown scheduler 'gpu'/,
  );
});

// The watch of the SF 10 suites' children: JSON lines come back, and a child past its memory or
// time limit is killed with a message naming the limit.
import { describe, expect, jest, test } from '@jest/globals';
import { runWatched } from './tpch-sf10-watch.js';

jest.setTimeout(60_000);

const node = process.execPath;

describe('runWatched', () => {
  test('collects the JSON lines of a child that exits cleanly', async () => {
    const w = await runWatched(
      node,
      [
        '-e',
        'console.log(JSON.stringify({ a: 1 })); console.log("noise"); console.log("{\\"b\\":2}")',
      ],
      { maxRssMb: 4096, timeoutS: 50 },
    );
    expect(w.problem).toBeUndefined();
    expect(w.lines).toEqual([{ a: 1 }, { b: 2 }]);
  });

  test('kills a child that passes its memory limit, keeping what it printed before', async () => {
    const script =
      'console.log("{\\"id\\":1}"); const keep = []; const t = setInterval(() => { const b = Buffer.alloc(32 << 20, 1); keep.push(b); if (keep.length > 200) clearInterval(t); }, 20);';
    const w = await runWatched(node, ['-e', script], { maxRssMb: 300, timeoutS: 50 });
    expect(w.problem).toMatch(/killed at \d+ MiB resident after \d+ s \(watch limit 300 MiB\)/);
    expect(w.lines).toEqual([{ id: 1 }]);
    expect(w.peakRssMb).toBeGreaterThan(300);
  });

  test('kills a child that runs past its time limit', async () => {
    const w = await runWatched(node, ['-e', 'setInterval(() => {}, 1000)'], {
      maxRssMb: 4096,
      timeoutS: 1,
    });
    expect(w.problem).toMatch(/killed after \d+ s \(watch limit 1 s\)/);
  });

  test('reports a child that fails, with its stderr', async () => {
    const w = await runWatched(node, ['-e', 'console.error("boom"); process.exit(3)'], {
      maxRssMb: 4096,
      timeoutS: 50,
    });
    expect(w.problem).toMatch(/exited with 3 .*boom/);
    const frames = await runWatched(
      node,
      [
        '-e',
        'console.error("FATAL ERROR: out of memory\\n 1: 0xb78db3 node::OOM\\n 2: 0xee8300 v8"); process.exit(4)',
      ],
      { maxRssMb: 4096, timeoutS: 50 },
    );
    expect(frames.problem).toMatch(/exited with 4 after \d+ s: FATAL ERROR: out of memory$/);
  });
});

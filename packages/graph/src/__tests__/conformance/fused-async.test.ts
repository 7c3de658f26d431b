// A chain with an async step, fused into one task (the async function becomes an inline call in
// its consumer's arguments): every scheduler awaits the inline call's promise before the consumer
// runs, so the consumer sees the value, as it does without fusion.
import { expect, test } from '@jest/globals';
import { compute, delayed } from '../../index.js';
import { onEachScheduler } from './harness.js';

const slowTimesTen = delayed(async (x: number) => {
  await new Promise((resolve) => setTimeout(resolve, 5));
  return x * 10;
});
const firstPlus = delayed((xs: number[], y: number) => xs[0] + y);
const inc = delayed((x: number) => x + 1);

onEachScheduler((run) => {
  test('an async step in a fused chain is awaited before its consumer runs', async () => {
    // inc -> slowTimesTen -> [.] -> firstPlus: a linear chain that fusion makes one task.
    const out = firstPlus([slowTimesTen(inc(3))], 2);
    expect(await out.compute(run)).toBe(42);
    expect(await out.compute({ ...run, optimize: false })).toBe(42);
    const [a, b] = await compute(out, firstPlus([slowTimesTen(1)], out), run);
    expect([a, b]).toEqual([42, 52]);
  });
});

// compute's graph tools on long and wide graphs built with `delayed`: a 1,000,000-link chain and
// a 200,000-wide fan-in go through materializing, cull, validate, order and fuse without
// recursion (no stack overflow), and the pipeline's result keeps every key it must; a 100,000-link
// chain of pure calls (each key a token of the call) builds the same keys twice.
import { describe, expect, it } from '@jest/globals';
import { daskGraph } from '@dask-ts/protocol';
import { cull } from './cull.js';
import { delayed } from './delayed.js';
import { fuse } from './fuse.js';
import { order } from './order.js';
import { prepareGraph } from './pipeline.js';
import { validateGraph } from './validate.js';

const inc = delayed((x: number) => x + 1, { name: 'inc' });
const pureInc = delayed((x: number) => x + 1, { pure: true, name: 'inc' });
const noop = delayed((x: number) => x, { name: 'noop' });
const sumList = delayed((xs: number[]) => xs.reduce((a, b) => a + b, 0), { name: 'sum' });

describe('graph tools on long and wide graphs', () => {
  it('a 1,000,000-link chain is materialized, culled, validated, ordered and fused', () => {
    let x = noop(0);
    for (let i = 0; i < 1_000_000; i++) x = inc(x);
    const graph = x[daskGraph]();
    expect(graph.size).toBe(1_000_001);
    expect(cull(graph, [x.key]).size).toBe(1_000_001);
    validateGraph(graph, [x.key]);
    const prio = order(graph);
    expect(prio.get(x.key)).toBe(1_000_000);
    const { graph: fused } = fuse(graph, { keep: [x.key] });
    expect(fused.size).toBeLessThan(graph.size / 32);
    expect(fused.has(x.key)).toBe(true);
    expect(prepareGraph(graph, [x.key], true, true).size).toBe(fused.size);
  }, 120_000);

  it('a 100,000-link chain of pure calls builds the same keys twice', () => {
    const leaf = noop(0);
    const build = (): string => {
      let x = leaf;
      for (let i = 0; i < 100_000; i++) x = pureInc(x);
      return x.key;
    };
    expect(build()).toBe(build());
  }, 60_000);

  it('a 200,000-wide fan-in is materialized, validated and ordered', () => {
    const total = sumList(Array.from({ length: 200_000 }, (_, i) => noop(i)));
    const graph = total[daskGraph]();
    expect(graph.size).toBe(200_001);
    validateGraph(graph, [total.key]);
    expect(order(graph).get(total.key)).toBe(200_000);
    expect(prepareGraph(graph, [total.key], true, true)).toBe(graph);
  }, 60_000);
});

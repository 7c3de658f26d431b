// The collection kit's layer DAG and optimizer hook: lazy layers built once, dedup by name,
// iterative walks over chains of thousands of layers, bottom-up rewrites, and `compute` calling
// each collection type's [daskOptimize] once for all the collections of that type (with all their
// keys), lowering the result; `optimize: false` skips it.
import { describe, expect, it } from '@jest/globals';
import {
  daskFinalize,
  daskGraph,
  daskKeys,
  daskLayers,
  daskOptimize,
  data,
  keyToString,
  task,
  type Collection,
  type GraphLayer,
  type LayerOptimizer,
  type NestedKeys,
} from '@dask-ts/protocol';
import {
  compute,
  dataLayer,
  delayed,
  layerDependents,
  layeredGraph,
  Layer,
  layersInOrder,
  lowerLayers,
  rewriteLayers,
  sourceRef,
} from './index.js';
import { makeTestScheduler } from './__tests__/test-scheduler.js';

const add = sourceRef('(x, k) => x + k', { name: 'add' });

/** A layer adding `k` to every partition of `input`. */
class AddLayer extends Layer {
  constructor(
    name: string,
    readonly input: GraphLayer,
    readonly k: number,
    readonly n: number,
  ) {
    super(name, [input], function* () {
      for (let i = 0; i < n; i++)
        yield [keyToString([name, i]), task(add, [{ $ref: keyToString([input.name, i]) }, k])];
    });
  }
}

const optimizerCalls: { roots: string[]; keys: string[] }[] = [];

/** Folds chains of AddLayers into one (the toy optimizer). */
const foldAdds: LayerOptimizer = (roots, keys) => {
  optimizerCalls.push({ roots: roots.map((r) => r.name), keys: [...keys] });
  return rewriteLayers(roots, (layer, { deps }) => {
    const input = deps[0];
    if (!(layer instanceof AddLayer) || !(input instanceof AddLayer)) return undefined;
    return new AddLayer(layer.name, input.input, layer.k + input.k, layer.n);
  });
};

class Numbers implements Collection<number[]> {
  constructor(
    readonly layer: Layer,
    readonly n: number,
  ) {}
  add(k: number, name = `${this.layer.name}+${k}`): Numbers {
    return new Numbers(new AddLayer(name, this.layer, k, this.n), this.n);
  }
  [daskLayers](): readonly GraphLayer[] {
    return [this.layer];
  }
  get [daskOptimize](): LayerOptimizer {
    return foldAdds;
  }
  [daskGraph]() {
    return layeredGraph(this);
  }
  [daskKeys](): NestedKeys[] {
    return Array.from({ length: this.n }, (_, i) => keyToString([this.layer.name, i]));
  }
  [daskFinalize](values: readonly unknown[]): number[] {
    return values as number[];
  }
}

const numbers = (name: string, xs: number[]): Numbers =>
  new Numbers(
    dataLayer(
      name,
      xs.map((x, i) => [keyToString([name, i]), x]),
    ),
    xs.length,
  );

describe('layers', () => {
  it('builds tasks lazily, once, and shares them', () => {
    let builds = 0;
    const l = new Layer('x', [], () => {
      builds++;
      return [['x', data(1)]];
    });
    expect(builds).toBe(0);
    expect(l.nodes()).toBe(l.nodes());
    expect(builds).toBe(1);
    const moved = l.withDeps([]);
    expect(moved).toBeInstanceOf(Layer);
    expect(moved.nodes()).toBe(l.nodes());
  });

  it('walks, rewrites and lowers a chain of 5000 layers without deep recursion', () => {
    let b = numbers('n', [1, 2]);
    for (let i = 0; i < 5000; i++) b = b.add(1, `add-${i}`);
    expect(layersInOrder([b.layer])).toHaveLength(5001);
    expect(b[daskGraph]().size).toBe(2 + 2); // folded into one AddLayer over the data
    const g = new Map();
    lowerLayers([b.layer], g, new Set());
    expect(g.size).toBe(5001 * 2);
  });

  it('dedups by name and skips what `seen` records', () => {
    const base = numbers('d', [1]);
    const a = base.add(1);
    const again = base.add(1); // same name, another object
    expect(layersInOrder([a.layer, again.layer])).toHaveLength(2);
    const { dependents } = layerDependents([a.layer, base.add(2).layer]);
    expect(dependents.get('d')).toHaveLength(2);
    const seen = new Set<unknown>(['layer:d']);
    const g = new Map();
    lowerLayers([a.layer], g, seen);
    expect([...g.keys()]).toEqual(['["d+1",0]']);
  });
});

describe('the [daskOptimize] hook', () => {
  it('runs once per optimizer over every collection computed together, then lowers', async () => {
    const s = makeTestScheduler();
    const x = numbers('x', [1, 2, 3]);
    const a = x.add(1).add(10);
    const b = x.add(100);
    optimizerCalls.length = 0;
    const [ra, rb, rd] = await compute(a, b, delayed((v: number) => v * 2)(21), { scheduler: s });
    expect(ra).toEqual([12, 13, 14]);
    expect(rb).toEqual([101, 102, 103]);
    expect(rd).toBe(42);
    expect(optimizerCalls).toEqual([
      { roots: ['x+1+10', 'x+100'], keys: [...a[daskKeys](), ...b[daskKeys]()] },
    ]);
    // x+1 was folded into x+1+10: its tasks were never made.
    expect([...s.graphs[0].keys()].some((k) => k.startsWith('["x+1",'))).toBe(false);
  });

  it('is skipped with optimize: false', async () => {
    const s = makeTestScheduler();
    optimizerCalls.length = 0;
    const [r] = await compute(numbers('y', [1]).add(1).add(2), { scheduler: s, optimize: false });
    expect(r).toEqual([4]);
    expect(optimizerCalls).toEqual([]);
    expect([...s.graphs[0].keys()]).toContain('["y+1",0]');
  });

  it('reaches a layered collection passed to a delayed function', async () => {
    const s = makeTestScheduler();
    const sum = delayed((xs: number[]) => xs.reduce((p, q) => p + q, 0));
    const [r] = await compute(sum(numbers('z', [1, 2]).add(1).add(1)), { scheduler: s });
    expect(r).toBe(7);
  });

  it('refuses an optimizer that returns no layers, naming the collection', async () => {
    const bad = numbers('w', [1]);
    Object.defineProperty(bad, daskOptimize, { value: () => null });
    Object.defineProperty(bad, 'toString', { value: () => 'Numbers<w>' });
    await expect(compute(bad, { scheduler: makeTestScheduler() })).rejects.toThrow(
      /\[daskOptimize\] of Numbers<w> returned null/,
    );
  });
});

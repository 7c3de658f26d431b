// Blockwise fusion of bags, bag's optimizer (`[daskOptimize]`, DESIGN.md principle 5), plugged into
// the collection kit of `@dask-ts/graph`: the kit's compute calls it on the layers of the bags and
// Items computed together, before lowering them to tasks. A layer may describe itself as a stream:
// a stage layer's partition i is its input's partition i pushed through its element-wise stages
// (map, filter, flatten, pluck...), and a source layer (readText) can be read as a stream of
// lines. A layer that consumes its input element by element (a stage, or the per-partition step of
// an aggregation) absorbs an input stream that nothing else reads: the input's own tasks are then
// not made at all, and the consumer's task for partition i runs source -> every stage -> its own
// step in one loop (pipeline.ts), with no intermediate arrays. A layer is absorbed only when it has
// exactly one consumer among the layers being optimized and is not itself requested.
import { keyToString, type GraphLayer, type GraphNode } from '@dask-ts/protocol';
import { Layer, layerDependents, rewriteLayers, type LayerNodes } from '@dask-ts/graph';
import type { StageSpec } from './specs.js';

/**
 * What a fusing consumer reads for partition i: a source (a `{ $ref }` to a materialized
 * partition, or a read spec streamed by the kernel) and the element-wise stages to apply.
 *
 * @example
 * const s: Stream = { source: { $ref: '["x",0]' }, stages: [['flatten']] };
 */
export interface Stream {
  readonly source: unknown;
  readonly stages: readonly StageSpec[];
}

/**
 * How a layer takes part in fusion: it reads `input` element by element and makes its tasks from
 * the stream of each input partition; with `stages`, it is itself element-wise (so a consumer can
 * fuse through it).
 *
 * @example
 * const f: Fusion = { input: parent.layer, stages: [['flatten']], make: (s) => [[key, pipeTask(s(0))]] };
 */
export interface Fusion {
  readonly input: GraphLayer;
  readonly stages?: readonly StageSpec[];
  make(stream: (i: number) => Stream): LayerNodes;
}

/**
 * A layer that reads its input element-wise; unfused, it reads the input's partitions as they are.
 *
 * @example
 * const l = new FusionLayer('flatten-ab12', [parent.layer], { input: parent.layer, stages: [['flatten']], make });
 */
export class FusionLayer extends Layer {
  constructor(
    name: string,
    deps: readonly GraphLayer[],
    readonly fusion: Fusion,
  ) {
    const input = fusion.input.name;
    super(name, deps, () =>
      fusion.make((i) => ({ source: { $ref: keyToString([input, i]) }, stages: [] })),
    );
  }
}

/**
 * A source layer whose partition i a consumer can stream (`streamSource(i)` is its read spec).
 *
 * @example
 * new StreamSourceLayer(name, [], () => readTasks, (i) => ({ ...specs[i], read: 'lines' }));
 */
export class StreamSourceLayer extends Layer {
  constructor(
    name: string,
    deps: readonly GraphLayer[],
    build: () => Iterable<readonly [string, GraphNode]>,
    readonly streamSource: (i: number) => unknown,
  ) {
    super(name, deps, build);
  }
}

/**
 * A layer that reads `input` element-wise (see {@link FusionLayer}).
 *
 * @example
 * const l = fusionLayer('flatten-ab12', [parent.layer], { input: parent.layer, stages: [['flatten']], make });
 */
export function fusionLayer(name: string, deps: readonly GraphLayer[], fusion: Fusion): Layer {
  return new FusionLayer(name, deps, fusion);
}

/**
 * Bag's optimizer: fuses element-wise layers into the layers that consume them (see the file
 * comment). Returns `roots` itself when there is nothing to fuse.
 *
 * @example
 * const fused = fuseStages([b.layer]);
 */
export function fuseStages(roots: readonly GraphLayer[]): readonly GraphLayer[] {
  const { order, dependents } = layerDependents(roots);
  const requested = new Set(roots.map((r) => r.name));
  const fusable = (input: GraphLayer): boolean => {
    if (requested.has(input.name)) return false;
    if (!(input instanceof StreamSourceLayer) && !isStage(input)) return false;
    const users = dependents.get(input.name);
    if (users?.length !== 1) return false;
    const c = users[0];
    return c instanceof FusionLayer && c.fusion.input.name === input.name;
  };
  if (!order.some(fusable)) return roots;
  return rewriteLayers(roots, (layer, { deps, rewritten }) => {
    if (!(layer instanceof FusionLayer) || fusable(layer)) return undefined;
    const chain: (readonly StageSpec[])[] = [];
    const absorbed = new Set<string>();
    const more: GraphLayer[] = [];
    const absorb = (l: GraphLayer): void => {
      absorbed.add(l.name);
      more.push(...(rewritten.get(l.name) ?? l).deps);
    };
    let at = layer.fusion.input;
    while (fusable(at) && isStage(at)) {
      chain.push(at.fusion.stages);
      absorb(at);
      at = at.fusion.input;
    }
    const src = at;
    const read = fusable(src) && src instanceof StreamSourceLayer ? src.streamSource : undefined;
    if (read !== undefined) absorb(src);
    if (absorbed.size === 0) return undefined;
    const stages = chain.reverse().flat();
    const stream =
      read !== undefined
        ? (i: number): Stream => ({ source: read(i), stages })
        : (i: number): Stream => ({ source: { $ref: keyToString([src.name, i]) }, stages });
    const fusion = layer.fusion;
    return new Layer(layer.name, uniqueOutside([...deps, ...more], absorbed), () =>
      fusion.make(stream),
    );
  });
}

function isStage(l: GraphLayer): l is FusionLayer & { fusion: { stages: readonly StageSpec[] } } {
  return l instanceof FusionLayer && l.fusion.stages !== undefined;
}

/** `layers` without those named in `absorbed`, each name once. */
function uniqueOutside(layers: readonly GraphLayer[], absorbed: ReadonlySet<string>): GraphLayer[] {
  const names = new Set<string>();
  return layers.filter((l) => {
    if (absorbed.has(l.name) || names.has(l.name)) return false;
    names.add(l.name);
    return true;
  });
}

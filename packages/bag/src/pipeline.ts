// Building fused pipeline tasks: `bag.pipe(sink, stages, source)` (kernels-pipe.ts) for one
// partition, from the stream a layer reads (fusion.ts) and what the layer does with it (its sink:
// `['collect']` for an element-wise layer, the per-partition step for an aggregation). Also the
// two kinds of layers made of such tasks: element-wise stages, and partition-wise sinks.
import { keyToString, task, type Task } from '@dask-ts/protocol';
import { kernel } from './kernels.js';
import type { Layer } from '@dask-ts/graph';
import { fusionLayer, type Stream } from './fusion.js';
import type { SinkSpec, StageSpec } from './specs.js';

/**
 * The task that runs `stream` into `sink`.
 *
 * @example
 * pipeTask(['count'], { source: { $ref: '["x",0]' }, stages: [['flatten']] });
 */
export function pipeTask(sink: SinkSpec, stream: Stream): Task {
  return task(kernel('pipe'), [sink, stream.stages, stream.source]);
}

/**
 * The layer of an element-wise stage over `input` (`n` partitions named `[name, i]`); `deps` are
 * the layers of values its spec refers to (Items, Delayed values).
 *
 * @example
 * stageLayer('flatten-ab12', 4, parent.layer, ['flatten']);
 */
export function stageLayer(
  name: string,
  n: number,
  input: Layer,
  spec: StageSpec,
  deps: readonly Layer[] = [],
): Layer {
  return fusionLayer(name, [input, ...deps], {
    input,
    stages: [spec],
    *make(stream) {
      for (let i = 0; i < n; i++) {
        const s = stream(i);
        yield [
          keyToString([name, i]),
          pipeTask(['collect'], { source: s.source, stages: [...s.stages, spec] }),
        ] as const;
      }
    },
  });
}

/**
 * A layer with one task per partition of `input` that runs the partition's stream into a sink
 * (the same for every partition, or made per partition).
 *
 * @example
 * sinkLayer('write-ab12', 2, parent.layer, (i) => ['write', paths[i], 'none', 'utf8']);
 */
export function sinkLayer(
  name: string,
  n: number,
  input: Layer,
  sink: SinkSpec | ((i: number) => SinkSpec),
  deps: readonly Layer[] = [],
): Layer {
  const sinkOf = typeof sink === 'function' ? sink : () => sink;
  return fusionLayer(name, [input, ...deps], {
    input,
    *make(stream) {
      for (let i = 0; i < n; i++)
        yield [keyToString([name, i]), pipeTask(sinkOf(i), stream(i))] as const;
    },
  });
}

// The fused pipeline kernel `bag.pipe(sink, stages, source)`: one task per partition that reads
// its source (a partition array, or a file block streamed line by line), pushes each element
// through every element-wise stage and into the sink, in one loop - no intermediate arrays, and
// only the sink's result (a partition, or a small partial aggregate) leaves the task. User
// functions are resolved first (importing modules where needed), so the loop itself is synchronous.
// A failing user function throws its own error, unchanged; the scheduler reports it with the key
// of this task, which names the partition.
import type { TaskFunction } from '@dask-ts/protocol';
import { withFns } from '@dask-ts/graph/kernels';
import { makeStage, type Push } from './kernels-stages.js';
import { makeSink } from './kernels-sinks.js';
import { streamRead, type ReadSpec } from './kernels-io.js';
import { describe } from './kernels-elementwise.js';
import { sinkSpecs, stageSpecs, type RunSink, type RunStage } from './specs.js';

/**
 * Runs a partition through `stages` into `sink` (specs of specs.ts, checked against its table
 * here). `source` is the partition (an array) or a read spec (kernels-io.ts).
 *
 * @example
 * pipe(['count'], [['flatten'], ['filter', (w) => w !== '', true]], [['a', ''], ['b']]); // 2
 */
export function pipe(sink: unknown, stages: unknown, source: unknown): unknown {
  if (!Array.isArray(stages)) {
    throw new TypeError(
      `bag.pipe: stages must be an array of stage specs, got ${describe(stages)}`,
    );
  }
  const st = stages.map((spec: unknown) => stageSpecs.check(spec));
  const sk = sinkSpecs.check(sink);
  const fns: unknown[] = [];
  for (const c of st) for (const j of c.slots) fns.push(c.spec[j]);
  for (const j of sk.slots) fns.push(sk.spec[j]);
  const start = (resolved: readonly TaskFunction[]): unknown => {
    let at = 0;
    const runStages = st.map((c) => {
      const r = stageSpecs.resolve(c, resolved, at);
      at += c.slots.length;
      return r;
    });
    return run(sinkSpecs.resolve(sk, resolved, at), runStages, source);
  };
  return fns.length === 0 ? start([]) : withFns(fns, start);
}

function run(sinkSpec: RunSink, stages: readonly RunStage[], source: unknown): unknown {
  const sink = makeSink(sinkSpec);
  let head: Push = sink.push;
  for (let s = stages.length - 1; s >= 0; s--) head = makeStage(stages[s], head);
  if (Array.isArray(source)) {
    const part = source as readonly unknown[];
    for (let i = 0; i < part.length; i++) head(part[i]);
  } else if (isReadSpec(source)) {
    streamRead(source, head);
  } else if (isReadMany(source)) {
    for (const spec of source.specs) streamRead(spec, head);
  } else {
    throw new TypeError(`bag.pipe: a partition must be an array, got ${typeof source}`);
  }
  return sink.result();
}

/** Several files read into one partition (readText's `filesPerPartition`). */
interface ReadMany {
  readonly read: 'many';
  readonly specs: readonly ReadSpec[];
}

function isReadMany(x: unknown): x is ReadMany {
  return typeof x === 'object' && x !== null && (x as ReadMany).read === 'many';
}

function isReadSpec(x: unknown): x is ReadSpec {
  return (
    typeof x === 'object' &&
    x !== null &&
    ((x as ReadSpec).read === 'text' || (x as ReadSpec).read === 'json')
  );
}

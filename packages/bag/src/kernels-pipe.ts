// The fused pipeline kernel `bag.pipe(sink, stages, source)`: one task per partition that reads
// its source (a partition array, or a file block streamed line by line), pushes each element
// through every element-wise stage and into the sink, in one loop - no intermediate arrays, and
// only the sink's result (a partition, or a small partial aggregate) leaves the task. User
// functions are resolved first (importing modules where needed), so the loop itself is synchronous.
// A failing user function throws its own error, unchanged; the scheduler reports it with the key
// of this task, which names the partition.
import { withFns } from './kernel-fns.js';
import { makeStage, STAGE_FN_SLOTS, type Push } from './kernels-stages.js';
import { makeSink, SINK_FN_SLOTS } from './kernels-sinks.js';
import { streamRead, type ReadSpec } from './kernels-io.js';

type Spec = readonly unknown[];

/**
 * Runs a partition through `stages` into `sink`. `source` is the partition (an array) or a read
 * spec (kernels-io.ts).
 *
 * @example
 * pipe(['count'], [['flatten'], ['filter', (w) => w !== '', true]], [['a', ''], ['b']]); // 2
 */
export function pipe(sink: Spec, stages: readonly Spec[], source: unknown): unknown {
  const fns: unknown[] = [];
  const where: [number, number][] = [];
  const note = (
    spec: Spec,
    s: number,
    slots: readonly number[] | undefined,
    what: string,
  ): void => {
    if (slots === undefined)
      throw new Error(`Unknown bag pipeline ${what} ${JSON.stringify(spec[0])}`);
    for (const j of slots) {
      fns.push(spec[j]);
      where.push([s, j]);
    }
  };
  stages.forEach((spec, s) => note(spec, s, STAGE_FN_SLOTS[spec[0] as string], 'stage'));
  note(sink, -1, SINK_FN_SLOTS[sink[0] as string], 'sink');
  if (fns.length === 0) return run(sink, stages, source);
  return withFns(fns, (resolved) => {
    const st = stages.map((spec) => spec.slice());
    const sk = sink.slice();
    resolved.forEach((fn, n) => {
      const [s, j] = where[n]!;
      (s < 0 ? sk : st[s]!)[j] = fn;
    });
    return run(sk, st, source);
  });
}

function run(sinkSpec: Spec, stages: readonly Spec[], source: unknown): unknown {
  const sink = makeSink(sinkSpec);
  let head: Push = sink.push;
  for (let s = stages.length - 1; s >= 0; s--) head = makeStage(stages[s]!, head);
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

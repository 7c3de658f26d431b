// The spec table (specs.ts): the types derived from it refuse malformed specs at compile time (the
// `@ts-expect-error` lines fail typecheck the day a type lets one through); the pipe kernel
// refuses, at run time, a spec of unknown name or wrong arity with an error naming both, resolves
// function slots (module and builtin references, `null` as the identity) without touching the
// specs it was given; and every row of the table is reached from the public API.
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  getScheduler,
  type Collection,
  type Graph,
  type GraphNode,
  type Scheduler,
} from '@dask-ts/protocol';
import { compute, moduleRef } from '@dask-ts/graph';
import '@dask-ts/scheduler';
import { fromSequence } from '../index.js';
import { fnArg } from '../fn-arg.js';
import { kernel } from '../kernels.js';
import { pipe } from '../kernels-pipe.js';
import {
  SINKS,
  STAGES,
  sinkSpecs,
  stageSpecs,
  type RunSink,
  type RunStage,
  type SinkSpec,
  type StageSpec,
} from '../specs.js';

const dir = mkdtempSync(join(tmpdir(), 'dask-ts-bag-specs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const f = fnArg((x: number) => x + 1, {}, 'map').arg;

describe('the derived types', () => {
  test('builders can build every well-formed spec, and nothing else', () => {
    const good: StageSpec[] = [
      ['map', f, []],
      ['starmap', f, [{ $ref: 'x' }]],
      ['filter', f, true],
      ['flatten'],
      ['pluck', { $literal: ['a', 0] }, false, { $literal: undefined }],
      ['str', 'split', { $literal: [' '] }],
      ['strMatch', '*.txt'],
      ['join', f, f, { $literal: [1, 2] }],
    ];
    const sinks: SinkSpec[] = [
      ['collect'],
      ['foldby', f, f, true, { $literal: 0 }],
      ['topk', 3, null],
      ['write', '/tmp/a.txt', 'gzip', 'utf-8', false],
    ];
    const bad: unknown[] = [
      // @ts-expect-error a parameter is missing
      ['filter', f] satisfies StageSpec,
      // @ts-expect-error one parameter too many
      ['flatten', true] satisfies StageSpec,
      // @ts-expect-error parameters swapped
      ['filter', true, f] satisfies StageSpec,
      // @ts-expect-error a raw function where a prepared one (fnArg) belongs
      ['map', (x: number) => x, []] satisfies StageSpec,
      // @ts-expect-error an unknown name
      ['mapp', f, []] satisfies StageSpec,
      // @ts-expect-error a literal slot without its { $literal } wrapper
      ['pluck', 'a', false, { $literal: undefined }] satisfies StageSpec,
      // @ts-expect-error a stage is not a sink
      ['flatten'] satisfies SinkSpec,
      // @ts-expect-error `initial` must be wrapped, `hasInit` is a boolean
      ['foldby', f, f, 0, 1] satisfies SinkSpec,
      // @ts-expect-error `null` (the identity) only where the table allows it
      ['foldby', null, f, false, { $literal: 0 }] satisfies SinkSpec,
      // @ts-expect-error not a compression the writer knows
      ['write', '/tmp/a.txt', 'zip', 'utf-8', false] satisfies SinkSpec,
    ];
    // What the interpreters read: functions, and literals unwrapped.
    const run: [RunStage, RunSink] = [
      ['pluck', 'a', true, null],
      ['foldby', (x: number) => x % 2, (a: number, x: number) => a + x, true, 0],
    ];
    expect(good.map((s) => s[0])).toEqual(Object.keys(STAGES));
    expect(sinks.length + bad.length + run.length).toBe(16);
  });
});

describe('the pipe kernel reads specs through the table', () => {
  const inc = (x: number): number => x + 1;

  test('an unknown name, a wrong arity or a non-array is refused with an error naming it', () => {
    expect(() => pipe(['count'], [['mapp', inc, []]], [1])).toThrow(
      'Unknown bag pipeline stage "mapp"',
    );
    expect(() => pipe(['counts'], [], [1])).toThrow('Unknown bag pipeline sink "counts"');
    expect(() => pipe(['count'], [['filter', inc]], [1])).toThrow(
      "Bag pipeline stage 'filter' takes 2 parameter(s) (predicate, keep), got 1",
    );
    expect(() => pipe(['foldby', inc, inc, false], [], [1])).toThrow(
      "Bag pipeline sink 'foldby' takes 4 parameter(s) (key, binop, hasInit, initial), got 3",
    );
    expect(() => pipe(['count'], ['flatten'], [1])).toThrow(
      'A bag pipeline stage must be an array [name, ...parameters], got string "flatten"',
    );
    expect(() => pipe(['count'], 'flatten', [1])).toThrow(
      'bag.pipe: stages must be an array of stage specs, got string "flatten"',
    );
    expect(() => pipe(['toString'], [], [1])).toThrow('Unknown bag pipeline sink "toString"');
  });

  test('function slots are found from the table and resolved; the specs given are not changed', async () => {
    expect(stageSpecs.check(['join', inc, inc, []]).slots).toEqual([1, 2]);
    expect(sinkSpecs.check(['topk', 2, null]).slots).toEqual([2]);
    expect(sinkSpecs.check(['write', 'p', 'none', 'utf-8', true]).slots).toEqual([]);
    const basename = moduleRef('node:path', 'basename');
    const stages = [
      ['map', basename, []],
      ['filter', (s: string) => s !== 'b', true],
    ] as const;
    const sink = ['foldby', kernel('first'), (a: string, x: string) => a + x, true, ''] as const;
    const copy = JSON.stringify([stages, sink]);
    // The module is imported first (a promise), then the loop runs.
    // Keys: the first character (the builtin `bag.first` of a string).
    const got = (await pipe(sink, stages, ['/a/xa', '/b', '/c/xb'])) as Map<unknown, unknown>;
    expect([...got.values()]).toEqual([['x', 'xaxb']]);
    expect(JSON.stringify([stages, sink])).toBe(copy);
    // `null` in an optional function slot is the identity.
    expect(pipe(['topk', 2, null], [], [3, 1, 4, 1, 5])).toEqual([5, 4]);
  });

  test('every parameter of the table is named, and only function slots are marked so', () => {
    for (const rows of [STAGES, SINKS]) {
      for (const [name, params] of Object.entries(rows)) {
        for (const p of params) expect(`${name}.${p.name}`).toMatch(/^\w+\.\w+$/);
      }
    }
    expect(STAGES.join.map((p) => p.fn)).toEqual([true, true, false]);
  });
});

describe('every row of the table is reached from the public API', () => {
  test('the specs in the graphs of the bag operations cover both tables', async () => {
    const seen = new Set<string>();
    const record: Scheduler = {
      name: 'record-specs',
      get(graph: Graph, keys: readonly string[], options) {
        for (const node of graph.values()) noteSpecs(node, seen);
        return getScheduler('sync').get(graph, keys, options);
      },
    };
    const opts = { scheduler: record } as const;
    const nums = fromSequence([1, 2, 3, 4, 5, 6], { npartitions: 3 });
    const words = fromSequence(['a b', 'c a'], { npartitions: 2 });
    const objs = fromSequence(
      [
        { k: 'x', v: 1 },
        { k: 'y', v: 2 },
      ],
      { npartitions: 2 },
    );
    const bags: Collection<unknown>[] = [
      nums.map((x) => x * 2),
      nums.map((x) => [x, x]).starmap((a: number, b: number) => a + b),
      nums.filter((x) => x > 2),
      words.str.split(' ').flatten(),
      objs.pluck('k'),
      words.str.match('a*'),
      objs.join([{ k: 'x' }], 'k'),
      nums.frequencies(),
      nums.foldby(
        (x) => x % 2,
        (a: number, x: number) => a + x,
      ),
      nums.distinct(),
      nums.topk(2),
      nums.mapPartitions((p) => p),
      nums.groupby((x) => x % 2),
      nums.groupby((x) => x % 2, { maxBranch: 2 }),
      nums.randomSample(0.5, 1),
    ];
    await compute(...bags, opts);
    await compute(
      nums.count(),
      nums.sum(),
      nums.max(),
      nums.all(),
      nums.mean(),
      nums.fold((a: number, x: number) => a + x),
      nums.reduction(
        (p: number[]) => p.length,
        (xs: number[]) => xs.length,
      ),
      opts,
    );
    await nums.repartition({ partitionSize: '1KiB', ...opts });
    await words.toTextFiles(join(dir, '*.txt'), opts);
    expect([...seen].sort()).toEqual(
      [
        ...Object.keys(STAGES).map((s) => `stage:${s}`),
        ...Object.keys(SINKS).map((s) => `sink:${s}`),
      ].sort(),
    );
  }, 60_000);
});

function noteSpecs(node: GraphNode, seen: Set<string>): void {
  if (node.kind !== 'task' || node.fn.kind !== 'builtin' || node.fn.name !== 'bag.pipe') return;
  const [sink, stages] = node.args as [readonly unknown[], readonly (readonly unknown[])[]];
  seen.add(`sink:${String(sink[0])}`);
  for (const s of stages) seen.add(`stage:${String(s[0])}`);
}

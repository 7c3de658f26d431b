// Shuffles through disk, in bounded memory. Every shuffle (hash: groupby with many groups, merge,
// dropDuplicates; range: sortValues, setIndex) is an exchange: each of m input partitions is split
// into n pieces, and output j gathers piece j of every input. In memory, the pieces wait in the
// scheduler until their outputs run, so the whole dataset is held at once. Through disk, the task
// that splits a partition writes its pieces as Arrow IPC files under a directory of this shuffle
// and returns only their names; output j reads its pieces and concatenates them (and sorts, for a
// range). At most one input partition (in a split) or one output (in a gather) is then in a task's
// memory. `configureShuffle` chooses: 'memory' (the default), 'disk', or 'auto' (a split spills
// when its partition's size times the numbers of input and output partitions exceeds
// `memoryLimit`: see kernels-spill.ts). Files are
// written under a temporary name and renamed, so computes that run one shuffle at the same time
// (writing the same bytes) never see half a file; a shuffle's directory is removed when the last
// compute using it ends, whether it succeeded, failed or was aborted, and at the latest when the
// process exits.
//
// An exchange makes a piece per split and output, each a task of its own (in memory) or a file
// (through disk): m × n of them. So it splits at most EXCHANGE_WIDTH inputs' worth: past that,
// neighbouring input partitions are concatenated inside the split task (in order) and split
// together; and the shuffles that choose their output count take at most EXCHANGE_WIDTH by
// default. Row groups of 131 k rows made 480 × 480 pieces of a few hundred rows each in a join at
// TPC-H SF 10, whose per-task costs (a report, an Arrow table, a transfer) far outweighed the rows.
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import type { GraphLayer, Task } from '@dask-ts/protocol';
import { cleanUpOnSignals } from '@dask-ts/protocol/runtime';
import type { LayerNodes } from '@dask-ts/graph';
import type { DType } from './dtypes.js';
import { kernels } from './kernels.js';
import type { Order } from './kernels-sort.js';
import { NamedLayer, partKey, partRef } from './layers.js';

/**
 * How shuffles move data: `'memory'` (default), `'disk'` (always through Arrow IPC files), or
 * `'auto'` (through disk when a partition's size times the input and output partition counts
 * exceeds `memoryLimit` bytes); `tempDir` is where spill directories go (default: the OS temp dir).
 *
 * @example
 * configureShuffle({ method: 'auto', memoryLimit: 512 << 20, tempDir: '/scratch' });
 */
export interface ShuffleConfig {
  readonly method?: 'memory' | 'disk' | 'auto';
  readonly memoryLimit?: number;
  readonly tempDir?: string;
}

let config: Required<Pick<ShuffleConfig, 'method'>> & ShuffleConfig = { method: 'memory' };

/**
 * Sets how the shuffles built from now on move their data (see {@link ShuffleConfig}); returns
 * the previous setting, to restore it.
 *
 * @example
 * const before = configureShuffle({ method: 'disk' });
 * await df.sortValues('x').toParquet('out');
 * configureShuffle(before);
 */
export function configureShuffle(options: ShuffleConfig): ShuffleConfig {
  const m = options.method ?? 'memory';
  if (m !== 'memory' && m !== 'disk' && m !== 'auto')
    throw new Error(
      `configureShuffle: method must be 'memory', 'disk' or 'auto', got '${String(m)}'`,
    );
  if (m === 'auto' && !(typeof options.memoryLimit === 'number' && options.memoryLimit > 0))
    throw new Error("configureShuffle: method 'auto' needs a positive memoryLimit (bytes)");
  const before = config;
  config = { ...options, method: m };
  return before;
}

const live = new Set<string>();
let hooked = false;
/** How many running computes use each spill directory. */
const users = new Map<string, number>();
/**
 * The directories of shuffles made while computes run, one set per running compute: the optimizer
 * rebuilds shuffles while it lowers a plan (a merge narrowed to the columns used), and those are
 * not among the layers the compute was called with.
 */
const making = new Set<Set<string>>();

function track(dir: string): void {
  live.add(dir);
  for (const made of making) {
    made.add(dir);
    users.set(dir, (users.get(dir) ?? 0) + 1);
  }
  if (!hooked) {
    hooked = true;
    const removeLive = (): void => {
      for (const d of live) rmSync(d, { recursive: true, force: true });
    };
    process.once('exit', removeLive);
    // Also when Ctrl-C (or another signal left to its default) ends the process.
    cleanUpOnSignals(removeLive);
  }
}

/** A layer of a shuffle through disk: what its directory is. @internal */
export class SpillLayer extends NamedLayer {
  constructor(
    name: string,
    deps: readonly GraphLayer[],
    nodes: () => LayerNodes,
    text: string,
    readonly dir: string,
  ) {
    super(name, deps, nodes, text);
    track(dir);
  }
}

/** The spill directories of the shuffles among layers and their dependencies. */
function spillDirs(layers: readonly GraphLayer[]): string[] {
  const seen = new Set<GraphLayer>();
  const dirs = new Set<string>();
  const walk = (l: GraphLayer): void => {
    if (seen.has(l)) return;
    seen.add(l);
    if (l instanceof SpillLayer) dirs.add(l.dir);
    for (const d of l.deps) walk(d);
  };
  layers.forEach(walk);
  return [...dirs];
}

/**
 * Runs `run`, then removes the spill directories of `layers`, and of the shuffles made while it
 * ran, that no other running compute uses, however it ended. @internal
 */
export async function withSpillCleanup<T>(
  layers: readonly GraphLayer[],
  run: () => Promise<T>,
): Promise<T> {
  const dirs = spillDirs(layers);
  for (const d of dirs) users.set(d, (users.get(d) ?? 0) + 1);
  const made = new Set<string>();
  making.add(made);
  try {
    return await run();
  } finally {
    making.delete(made);
    for (const d of [...dirs, ...made]) {
      const left = (users.get(d) ?? 1) - 1;
      if (left > 0) users.set(d, left);
      else {
        users.delete(d);
        rmSync(d, { recursive: true, force: true });
      }
    }
  }
}

/**
 * The most split tasks an exchange makes, and the most outputs a shuffle takes unless told (see
 * the file's comment). @internal
 */
export const EXCHANGE_WIDTH = 64;

/**
 * Outputs of a shuffle whose caller did not choose: `wanted` (usually the input partitions), at
 * most EXCHANGE_WIDTH. @internal
 */
export const exchangeOutputs = (wanted: number): number => Math.min(wanted, EXCHANGE_WIDTH);

/**
 * The split tasks' inputs of an exchange of `m` input partitions: `m` of them (at most
 * EXCHANGE_WIDTH), each `per` neighbouring input partitions, concatenated in order by an inline
 * call when several. @internal
 */
export function exchangeInputs(
  input: GraphLayer,
  count: number,
  names: readonly string[],
  types: readonly DType[],
): { readonly m: number; readonly per: number; readonly part: (b: number) => unknown } {
  const per = Math.ceil(count / EXCHANGE_WIDTH);
  const part = (b: number): unknown => {
    const refs: { $ref: string }[] = [];
    for (let i = b * per; i < Math.min(count, (b + 1) * per); i++) refs.push(partRef(input, i));
    return refs.length === 1
      ? refs[0]
      : { $call: kernels.ref('concatPieces'), args: [names, types, ...refs] };
  };
  return { m: Math.ceil(count / per), per, part };
}

/** What an exchange needs to know. @internal */
export interface Exchange {
  readonly name: string;
  readonly input: GraphLayer;
  readonly m: number;
  readonly n: number;
  /**
   * The task splitting `part` (an input partition: a ref, or an inline call concatenating
   * neighbouring ones) into n pieces (a list of tables).
   */
  readonly split: (part: unknown) => Task;
  /** Sort each output by this order (a range exchange), or only concatenate. */
  readonly sort?: Order;
  readonly names: readonly string[];
  readonly types: readonly DType[];
  readonly text: string;
  /** Nodes the split tasks read, yielded first (sample, boundaries). */
  readonly prelude?: () => LayerNodes;
}

/** The layer of an exchange, in memory or through disk as configured. @internal */
export function exchangeLayer(x: Exchange): NamedLayer {
  const { name, input, n, names, types } = x;
  const { m, per, part } = exchangeInputs(input, x.m, names, types);
  const text = per === 1 ? x.text : `${x.text}, split ${per} input partitions at a time`;
  const split = `${name}-split`;
  const gather = (refs: { $ref: string }[]): Task =>
    x.sort === undefined
      ? kernels.task('concatPieces', [names, types, ...refs])
      : kernels.task('concatSort', [x.sort, names, types, ...refs]);
  if (config.method === 'memory') {
    const piece = `${name}-piece`;
    return new NamedLayer(
      name,
      [input],
      function* (): LayerNodes {
        if (x.prelude !== undefined) yield* x.prelude();
        for (let i = 0; i < m; i++) {
          yield [partKey(split, i), x.split(part(i))];
          for (let j = 0; j < n; j++)
            yield [
              partKey(piece, i * n + j),
              kernels.task('piece', [{ $ref: partKey(split, i) }, j]),
            ];
        }
        for (let j = 0; j < n; j++)
          yield [
            partKey(name, j),
            gather(Array.from({ length: m }, (_, i) => ({ $ref: partKey(piece, i * n + j) }))),
          ];
      },
      text,
    );
  }
  const dir = join(config.tempDir ?? tmpdir(), `dask-ts-shuffle-${randomUUID()}`);
  const limit = config.method === 'disk' ? 0 : (config.memoryLimit ?? 0);
  const spilled = `${name}-spill`;
  return new SpillLayer(
    name,
    [input],
    function* (): LayerNodes {
      if (x.prelude !== undefined) yield* x.prelude();
      for (let i = 0; i < m; i++) {
        yield [partKey(split, i), x.split(part(i))];
        yield [
          partKey(spilled, i),
          kernels.task('spillPieces', [{ $ref: partKey(split, i) }, dir, i, limit, m]),
        ];
      }
      const all = Array.from({ length: m }, (_, i) => ({ $ref: partKey(spilled, i) }));
      for (let j = 0; j < n; j++)
        yield [
          partKey(name, j),
          kernels.task('gatherSpilled', [j, x.sort ?? null, names, types, ...all]),
        ];
    },
    `${text} (${config.method === 'disk' ? 'through disk' : `through disk over ${limit} bytes`})`,
    dir,
  );
}

/**
 * How shuffles built now move their data (`configureShuffle`'s method). @internal
 *
 * @example
 * if (shuffleMethod() === 'memory') planInMemory();
 */
export function shuffleMethod(): 'memory' | 'disk' | 'auto' {
  return config.method;
}

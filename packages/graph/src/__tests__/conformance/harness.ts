// Shared set-up of the graph conformance suite (Dask's dask/tests/test_delayed.py and
// test_base.py): every case runs on the in-thread `sync` scheduler and on a two-worker `threads`
// pool (functions travel as source text there, so the functions the cases use are self-contained
// or pass their outer values in `scope`). The scheduler package depends on this one, so it is
// imported from its sources here rather than declared (a dependency cycle); its workers run the
// built dist/ of @dask-ts/scheduler and @dask-ts/worker (packages/graph/turbo.json builds them
// before these tests).
import { afterAll, describe } from '@jest/globals';
import {
  daskFinalize,
  daskGraph,
  daskKeys,
  daskRebuild,
  data,
  type Collection,
  type Graph,
  type GraphNode,
} from '@dask-ts/protocol';
import { daskFinalizeRef, sourceRef, type GraphComputeOptions } from '../../index.js';
import { createThreadsScheduler } from '../../../../scheduler/src/index.js';

export type Run = GraphComputeOptions;

const threads = createThreadsScheduler({ workers: 2 });

afterAll(async () => {
  await threads.close?.();
});

/** Declares `body` once per scheduler: `sync` and `threads`. */
export function onEachScheduler(body: (run: Run, name: 'sync' | 'threads') => void): void {
  describe('sync', () => body({ scheduler: 'sync' }, 'sync'));
  describe('threads', () => body({ scheduler: threads }, 'threads'));
}

export const inc = (x: number): number => x + 1;
export const add = (a: number, b: number): number => a + b;
export const sum = (xs: Iterable<number>): number => {
  let s = 0;
  for (const x of xs) s += x;
  return s;
};

export const addRef = sourceRef((a: number, b: number) => a + b, { name: 'add' });

/** Dask's test `Tuple`: a collection over a hand-written graph whose value is its keys' values. */
export class Tuple implements Collection<unknown[]> {
  constructor(
    readonly dsk: ReadonlyMap<string, GraphNode>,
    readonly keys: readonly string[],
  ) {}
  [daskGraph](): Graph {
    return new Map(this.dsk);
  }
  [daskKeys](): string[] {
    return [...this.keys];
  }
  [daskFinalize](values: readonly unknown[]): unknown[] {
    return [...values];
  }
  [daskFinalizeRef]() {
    return sourceRef('(values) => [...values]', { name: 'tuple' });
  }
  [daskRebuild](values: ReadonlyMap<string, unknown>): Tuple {
    return new Tuple(new Map([...values].map(([k, v]) => [k, data(v)])), this.keys);
  }
  concat(other: Tuple): Tuple {
    return new Tuple(new Map([...this.dsk, ...other.dsk]), [...this.keys, ...other.keys]);
  }
}

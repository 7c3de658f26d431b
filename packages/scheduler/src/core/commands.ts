// The commands one `handle` call builds, batched: deliveries per (submission, worker, whether the
// worker drops the key after sending it), then releases per worker, then one compute per worker,
// then the terminal commands (done, failed, lost, refused, cancelled) in the order they happened.
// Deliveries that keep the key go before those that drop it, so a key sent to several computes is
// dropped only after the last one got it. `flush` hands them out and starts empty again.
import type { GraphNode } from '@dask-ts/protocol';
import type { CoreCommand, WorkerId } from './events.js';

const NO_FETCH: ReadonlyArray<readonly [string, WorkerId]> = Object.freeze([]);

/** One worker's compute command being built during a `handle` call. */
export interface ComputeBatch {
  readonly keys: string[];
  readonly nodes: GraphNode[];
  /** Positions in `keys` of tasks a compute wants (their values may come with `finished`). */
  want: number[] | undefined;
  fetch: (readonly [string, WorkerId])[] | undefined;
  /** Ids already in `fetch` (each input is copied once per batch). */
  fetched: Set<number> | undefined;
}

interface DeliverBatch {
  readonly id: string;
  readonly worker: WorkerId;
  readonly keys: string[];
  readonly release: boolean;
}

/** See the file comment. */
export class CommandBatches {
  private readonly computes: (ComputeBatch | undefined)[] = [];
  private readonly releases: (string[] | undefined)[] = [];
  private readonly deliveries = new Map<string, DeliverBatch>();
  private terminal: CoreCommand[] = [];
  private steals: CoreCommand[] = [];

  /** A new worker (index `computes.length`) gets empty batches. */
  addWorker(): void {
    this.computes.push(undefined);
    this.releases.push(undefined);
  }

  /** Worker `w`'s compute batch, started on first use. */
  compute(w: number): ComputeBatch {
    let b = this.computes[w];
    if (b === undefined) {
      b = { keys: [], nodes: [], want: undefined, fetch: undefined, fetched: undefined };
      this.computes[w] = b;
    }
    return b;
  }

  /** Worker `w` drops `key`. */
  release(w: number, key: string): void {
    const b = this.releases[w];
    if (b === undefined) this.releases[w] = [key];
    else b.push(key);
  }

  /** Submission `id` (index `sub`) gets `key` from worker `from`; `drop`: the worker lets it go. */
  deliver(
    id: string,
    sub: number,
    from: number,
    worker: WorkerId,
    key: string,
    drop: boolean,
  ): void {
    const bk = `${sub}|${from}|${drop ? 1 : 0}`;
    let b = this.deliveries.get(bk);
    if (b === undefined) {
      b = { id, worker, keys: [], release: drop };
      this.deliveries.set(bk, b);
    }
    b.keys.push(key);
  }

  /** Worker `worker` is asked to give back `keys` (see stealing.ts). */
  steal(worker: WorkerId, keys: string[]): void {
    this.steals.push({ type: 'steal', worker, keys });
  }

  /** A submission ended (or was refused) with `cmd`. */
  end(cmd: CoreCommand): void {
    this.terminal.push(cmd);
  }

  /** The commands built since the last flush, in the order of the file comment. */
  flush(names: readonly WorkerId[]): CoreCommand[] {
    const out: CoreCommand[] = [];
    if (this.deliveries.size > 0) {
      for (const b of this.deliveries.values()) if (!b.release) out.push({ type: 'deliver', ...b });
      for (const b of this.deliveries.values()) if (b.release) out.push({ type: 'deliver', ...b });
      this.deliveries.clear();
    }
    for (let w = 0; w < this.releases.length; w++) {
      const keys = this.releases[w];
      if (keys === undefined) continue;
      this.releases[w] = undefined;
      out.push({ type: 'release', worker: names[w], keys });
    }
    for (let w = 0; w < this.computes.length; w++) {
      const b = this.computes[w];
      if (b === undefined) continue;
      this.computes[w] = undefined;
      const { keys, nodes } = b;
      const fetch = b.fetch ?? NO_FETCH;
      if (b.want === undefined) out.push({ type: 'compute', worker: names[w], keys, nodes, fetch });
      else out.push({ type: 'compute', worker: names[w], keys, nodes, fetch, want: b.want });
    }
    if (this.steals.length > 0) {
      for (const c of this.steals) out.push(c);
      this.steals = [];
    }
    if (this.terminal.length > 0) {
      for (const c of this.terminal) out.push(c);
      this.terminal = [];
    }
    return out;
  }
}

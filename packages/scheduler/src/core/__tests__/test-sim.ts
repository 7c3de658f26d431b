// A test shell for the core: simulated workers that hold keys, check every `compute` item's
// inputs are local or fetched from a worker that really holds them, and record every terminal
// command. Used by the unit and property tests only (not exported).
import {
  data,
  task,
  ref,
  type Graph,
  type GraphNode,
  type SerializedError,
} from '@dask-ts/protocol';
import { SchedulerCore, type SchedulerCoreOptions } from '../core.js';
import type { CoreCommand, CoreEvent } from '../events.js';

const FN = { kind: 'builtin', name: 'test.f' } as const;

/** A task node reading `deps`. */
export function t(...deps: string[]): GraphNode {
  return task(
    FN,
    deps.map((d) => ref(d)),
  );
}

/** A graph from [key, node] pairs. */
export function g(...entries: [string, GraphNode][]): Graph {
  return new Map(entries);
}

export { data };

/** See the file comment. */
export class Sim {
  readonly core: SchedulerCore;
  /** Tasks sent to each worker and not yet reported, in order. */
  readonly inflight = new Map<string, string[]>();
  /** Keys each worker holds. */
  readonly store = new Map<string, Set<string>>();
  /** Terminal commands per submission. */
  readonly ends = new Map<string, CoreCommand[]>();
  /** Keys delivered per submission (with multiplicity). */
  readonly deliveries = new Map<string, string[]>();
  /** Deliver commands not yet acknowledged. */
  pendingDeliver: Extract<CoreCommand, { type: 'deliver' }>[] = [];
  readonly computed: string[] = [];
  /** The node of every key sent to a worker. */
  readonly nodes = new Map<string, GraphNode>();
  readonly log: CoreCommand[] = [];
  /** Steal requests not yet answered, per worker. */
  readonly steals = new Map<string, string[]>();
  /** How many times each key was reported finished. */
  readonly finishedCount = new Map<string, number>();

  constructor(
    options: SchedulerCoreOptions = {},
    readonly check = true,
  ) {
    this.core = new SchedulerCore(options);
  }

  handle(events: CoreEvent[]): CoreCommand[] {
    const cmds = this.core.handle(events);
    if (this.check) this.core.validate();
    for (const c of cmds) this.apply(c);
    return cmds;
  }

  private apply(c: CoreCommand): void {
    this.log.push(c);
    switch (c.type) {
      case 'compute': {
        const store = this.store.get(c.worker);
        if (store === undefined) throw new Error(`compute on unknown worker ${c.worker}`);
        const fetched = new Set(c.fetch.map(([k]) => k));
        for (const [k, from] of c.fetch) {
          if (!this.store.get(from)?.has(k))
            throw new Error(
              `batch on ${c.worker}: fetch ${k} from ${from}, which does not hold it`,
            );
        }
        if (fetched.size !== c.fetch.length)
          throw new Error(`batch on ${c.worker}: an input is fetched twice`);
        if (c.keys.length !== c.nodes.length || c.keys.length === 0)
          throw new Error(`batch on ${c.worker}: ${c.keys.length} keys, ${c.nodes.length} nodes`);
        const before = this.inflight.get(c.worker)!;
        for (let i = 0; i < c.keys.length; i++) {
          const key = c.keys[i];
          const node = c.nodes[i];
          this.nodes.set(key, node);
          if (node.kind === 'task') {
            for (const d of node.deps) {
              if (!store.has(d) && !fetched.has(d) && !before.includes(d)) {
                throw new Error(
                  `${key} on ${c.worker}: input ${d} neither local, fetched nor computed there first`,
                );
              }
            }
          }
          before.push(key);
          this.computed.push(key);
        }
        for (const k of fetched) store.add(k);
        break;
      }
      case 'release': {
        const store = this.store.get(c.worker)!;
        for (const k of c.keys) {
          if (!store.has(k)) throw new Error(`release ${k} on ${c.worker}, which does not hold it`);
          store.delete(k);
        }
        break;
      }
      case 'deliver': {
        const store = this.store.get(c.worker)!;
        for (const k of c.keys)
          if (!store.has(k))
            throw new Error(`deliver ${k} from ${c.worker}, which does not hold it`);
        const list = this.deliveries.get(c.id) ?? [];
        list.push(...c.keys);
        this.deliveries.set(c.id, list);
        if (c.release) for (const k of c.keys) store.delete(k);
        this.pendingDeliver.push(c);
        break;
      }
      case 'steal': {
        if (this.steals.has(c.worker)) throw new Error(`a second steal request to ${c.worker}`);
        this.steals.set(c.worker, [...c.keys]);
        break;
      }
      default: {
        const list = this.ends.get(c.id) ?? [];
        list.push(c);
        this.ends.set(c.id, list);
      }
    }
  }

  addWorker(
    worker: string,
    slots = 1,
    more: { group?: string; resources?: Record<string, number> } = {},
  ): CoreCommand[] {
    this.inflight.set(worker, []);
    this.store.set(worker, new Set());
    return this.handle([{ type: 'add-worker', worker, slots, ...more }]);
  }

  removeWorker(worker: string, reason = 'test'): CoreCommand[] {
    this.inflight.delete(worker);
    this.store.delete(worker);
    this.steals.delete(worker);
    return this.handle([{ type: 'remove-worker', worker, reason }]);
  }

  /**
   * `key` if it can run on `worker` now, else the first task in flight there (a worker runs its
   * tasks in order: a task sent after an input it computes itself cannot run before that input).
   */
  runnable(worker: string, key: string): string {
    const list = this.inflight.get(worker)!;
    const node = this.nodes.get(key);
    if (node?.kind !== 'task') return key;
    const i = list.indexOf(key);
    for (const d of node.deps) if (list.indexOf(d) >= 0 && list.indexOf(d) < i) return list[0];
    return key;
  }

  /** Whether task `key` reads `input`. */
  private reads(key: string, input: string): boolean {
    const node = this.nodes.get(key);
    return node?.kind === 'task' && node.deps.includes(input);
  }

  /** An input of `key` that `worker` does not hold (it erred or was lost), if any. */
  missingInput(worker: string, key: string): string | undefined {
    const node = this.nodes.get(key);
    const store = this.store.get(worker)!;
    if (node?.kind !== 'task') return undefined;
    return node.deps.find((d) => !store.has(d));
  }

  /**
   * Finishes (or errs) the in-flight task `key` on `worker`; one with a missing input errs. With
   * `ms`, the report is a `finished-many` carrying that run time.
   */
  finish(worker: string, key: string, error?: SerializedError, ms?: number): CoreCommand[] {
    const list = this.inflight.get(worker)!;
    const i = list.indexOf(key);
    if (i < 0) throw new Error(`${key} is not in flight on ${worker}`);
    list.splice(i, 1);
    const missing = error === undefined ? this.missingInput(worker, key) : undefined;
    if (missing !== undefined) {
      error = {
        name: 'GraphError',
        message: `Task '${key}' cannot run: its dependency '${missing}' is not held by this worker`,
      };
    }
    if (error !== undefined) return this.handle([{ type: 'erred', key, worker, error }]);
    this.store.get(worker)!.add(key);
    this.finishedCount.set(key, (this.finishedCount.get(key) ?? 0) + 1);
    if (ms !== undefined)
      return this.handle([{ type: 'finished-many', keys: [key], worker, nbytes: [8], ms }]);
    return this.handle([{ type: 'finished', key, worker, nbytes: 8 }]);
  }

  /**
   * `worker` answers its steal request: it gives back the asked keys it has not started (all but
   * the first in flight), or only those `pick` keeps.
   */
  giveBack(worker: string, pick: (key: string) => boolean = () => true): CoreCommand[] {
    const asked = this.steals.get(worker);
    if (asked === undefined) throw new Error(`no steal request to ${worker}`);
    this.steals.delete(worker);
    const list = this.inflight.get(worker);
    if (list === undefined) return this.handle([{ type: 'stolen', worker, keys: [] }]);
    const given = asked.filter((k) => list.indexOf(k) >= 1 && pick(k));
    // A worker gives back every asked task it has not started: a task asked with its input (a
    // chain) cannot have started when its input is given back.
    for (let i = 0; i < given.length; i++)
      for (const k of asked)
        if (!given.includes(k) && list.includes(k) && this.reads(k, given[i])) given.push(k);
    for (const k of given) list.splice(list.indexOf(k), 1);
    return this.handle([{ type: 'stolen', worker, keys: given }]);
  }

  /** Acknowledges every pending delivery. */
  ackDeliveries(): CoreCommand[] {
    const ds = this.pendingDeliver;
    this.pendingDeliver = [];
    if (ds.length === 0) return [];
    return this.handle(ds.map((d) => ({ type: 'delivered', id: d.id, keys: d.keys })));
  }

  /** Runs everything in flight to completion (first in flight first). */
  runAll(limit = 100000): void {
    for (let n = 0; n < limit; n++) {
      this.ackDeliveries();
      let progressed = false;
      for (const [w, list] of this.inflight) {
        if (list.length > 0) {
          this.finish(w, list[0]);
          progressed = true;
          break;
        }
      }
      if (!progressed && this.pendingDeliver.length === 0) return;
    }
    throw new Error('runAll: did not settle');
  }

  ended(id: string): string[] {
    return (this.ends.get(id) ?? []).map((c) => c.type);
  }
}

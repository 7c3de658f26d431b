// What a scheduler server's dashboard shows, learned from the traffic the server relays: a
// client's compute brings its tasks (`waiting`), a `compute` sent to a worker makes them
// `processing` there, a worker's `finished` puts them in its `memory` (with their bytes), `erred`
// marks them failed, and a `release` (or a gather that releases) forgets them. A worker that
// leaves sends its tasks back to `waiting` (the shell recomputes what is still wanted); a compute
// that settles forgets the tasks it alone was waiting for. The scheduler's core is never asked:
// the monitor only watches, costs nothing when no dashboard is on, and never throws into the
// server (messages it does not understand are ignored; the shell checks them anyway).
// Tasks are grouped as Dask groups them, by the key's name without its token or indices.
import { keySplit } from '@dask-ts/protocol';

/** Where a task stands, as the dashboard sees it. @example const s: TaskState = 'memory'; */
export type TaskState = 'waiting' | 'processing' | 'memory' | 'erred';

/** The task states, in the order the dashboard lists them. */
export const TASK_STATES: readonly TaskState[] = ['waiting', 'processing', 'memory', 'erred'];

/**
 * One transition of one task (what `/events` streams).
 *
 * @example
 * const t: Transition = { key: 'inc-1a2b', group: 'inc', from: 'waiting', to: 'processing', worker: 'w-1', time: Date.now() };
 */
export interface Transition {
  readonly key: string;
  readonly group: string;
  /** `released` when the task was not known before; `forgotten` when it is dropped. */
  readonly from: TaskState | 'released';
  readonly to: TaskState | 'forgotten';
  readonly worker?: string;
  /** Milliseconds since the epoch. */
  readonly time: number;
}

/**
 * A task group's progress: how many of its tasks are in each state, and how many finished.
 *
 * @example
 * const g: GroupStatus = { name: 'inc', total: 10, done: 4, waiting: 6, processing: 0, memory: 4, erred: 0 };
 */
export interface GroupStatus {
  readonly name: string;
  /** Tasks submitted to it. */
  total: number;
  /** Tasks that finished (in memory now, or released after). */
  done: number;
  waiting: number;
  processing: number;
  memory: number;
  erred: number;
}

/**
 * A worker as the dashboard sees it: its load (tasks processing) and the bytes of results it holds.
 *
 * @example
 * const w: WorkerLoad = { name: 'w-1', processing: 2, memoryTasks: 10, memoryBytes: 80 };
 */
export interface WorkerLoad {
  readonly name: string;
  processing: number;
  memoryTasks: number;
  memoryBytes: number;
}

interface Entry {
  readonly group: GroupStatus;
  state: TaskState;
  worker: string | undefined;
  nbytes: number;
  /** Computes that want it. */
  computes: number;
}

/** How many task groups are kept (the least recently used idle ones are dropped past this). */
const MAX_GROUPS = 200;

/**
 * The group of a key: its name without a trailing token (`inc-3f2a9c...` is `inc`) or the
 * indices of a tuple key (`["sum-3f2a",0,4]` is `sum`).
 *
 * @example
 * taskGroup('["sum-3f2a9c1b",0,4]'); // 'sum'
 */
export function taskGroup(key: string): string {
  return keySplit(key);
}

/**
 * The dashboard's view of a scheduler server (see the file comment).
 *
 * @example
 * const monitor = new Monitor();
 * monitor.submitted(['inc-1a2b3c4d']);
 * monitor.counts(); // { waiting: 1, processing: 0, memory: 0, erred: 0 }
 */
export class Monitor {
  private readonly tasks = new Map<string, Entry>();
  private readonly groups = new Map<string, GroupStatus>();
  private readonly loads = new Map<string, WorkerLoad>();
  private readonly byState: Record<TaskState, number> = {
    waiting: 0,
    processing: 0,
    memory: 0,
    erred: 0,
  };
  private readonly listeners = new Set<(t: Transition) => void>();
  /** Transitions since the start, by where they went. */
  readonly transitions: Record<TaskState | 'forgotten', number> = {
    waiting: 0,
    processing: 0,
    memory: 0,
    erred: 0,
    forgotten: 0,
  };

  /** Calls `f` on every transition until the returned function is called. @example const off = monitor.listen(console.log); */
  listen(f: (t: Transition) => void): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  /** Tasks by state. @example monitor.counts().memory; */
  counts(): Readonly<Record<TaskState, number>> {
    return { ...this.byState };
  }

  /** Task groups, most recently submitted last. @example monitor.taskGroups()[0]?.name; */
  taskGroups(): GroupStatus[] {
    return [...this.groups.values()].map((g) => ({ ...g }));
  }

  /** The load of each known worker. @example monitor.workerLoad('w-1')?.processing; */
  workerLoad(name: string): WorkerLoad {
    return { ...(this.loads.get(name) ?? this.load(name)) };
  }

  /** A worker joined. @example monitor.workerAdded('w-1'); */
  workerAdded(name: string): void {
    this.load(name);
  }

  /** A worker left: what it ran or held waits again. @example monitor.workerRemoved('w-1'); */
  workerRemoved(name: string): void {
    for (const [key, e] of this.tasks) {
      if (e.worker === name && (e.state === 'processing' || e.state === 'memory'))
        this.move(key, e, 'waiting', undefined);
    }
    this.loads.delete(name);
  }

  /** A client's compute brought these task keys. @example monitor.submitted(['x', 'y']); */
  submitted(keys: Iterable<string>): void {
    for (const key of keys) {
      const known = this.tasks.get(key);
      if (known !== undefined) {
        known.computes++;
        continue;
      }
      const group = this.group(taskGroup(key));
      group.total++;
      const e: Entry = { group, state: 'waiting', worker: undefined, nbytes: 0, computes: 1 };
      this.tasks.set(key, e);
      group.waiting++;
      this.byState.waiting++;
      this.emit(key, e, 'released', 'waiting');
    }
  }

  /** A client's compute brought `graph`: its task nodes are submitted. @example monitor.submittedGraph(graph); */
  submittedGraph(graph: ReadonlyMap<string, { readonly kind: string }>): string[] {
    const keys: string[] = [];
    for (const [key, node] of graph) if (node.kind === 'task') keys.push(key);
    this.submitted(keys);
    return keys;
  }

  /** A compute settled: tasks only it wanted, not in memory, are forgotten. @example monitor.settled(['x']); */
  settled(keys: Iterable<string>): void {
    for (const key of keys) {
      const e = this.tasks.get(key);
      if (e === undefined) continue;
      e.computes--;
      if (e.computes <= 0 && e.state !== 'memory') this.forget(key, e);
    }
  }

  /** The server sent `message` to worker `name`. @example monitor.toWorker('w-1', msg); */
  toWorker(name: string, message: unknown): void {
    const m = message as { op?: unknown; keys?: unknown; messages?: unknown; release?: unknown };
    if (typeof m !== 'object' || m === null) return;
    switch (m.op) {
      case 'batch':
        if (Array.isArray(m.messages)) for (const part of m.messages) this.toWorker(name, part);
        return;
      case 'compute':
        for (const key of strings(m.keys)) {
          const e = this.tasks.get(key);
          if (e !== undefined) this.move(key, e, 'processing', name);
        }
        return;
      case 'release':
        for (const key of strings(m.keys)) this.released(key, name);
        return;
      case 'gather':
        if (m.release === true) for (const key of strings(m.keys)) this.released(key, name);
        return;
    }
  }

  /** Worker `name` sent `message` to the server. @example monitor.fromWorker('w-1', msg); */
  fromWorker(name: string, message: unknown): void {
    const m = message as { op?: unknown; keys?: unknown; nbytes?: unknown; key?: unknown };
    if (typeof m !== 'object' || m === null) return;
    if (m.op === 'finished') {
      const keys = strings(m.keys);
      const nbytes = Array.isArray(m.nbytes) ? (m.nbytes as unknown[]) : [];
      keys.forEach((key, i) => {
        const e = this.tasks.get(key);
        if (e === undefined) return;
        const n = nbytes[i];
        e.nbytes = typeof n === 'number' && n > 0 ? n : 0;
        this.move(key, e, 'memory', name);
      });
    } else if (m.op === 'erred' && typeof m.key === 'string') {
      const e = this.tasks.get(m.key);
      if (e !== undefined) this.move(m.key, e, 'erred', name);
    }
  }

  private released(key: string, worker: string): void {
    const e = this.tasks.get(key);
    if (e === undefined || e.worker !== worker) return;
    if (e.state === 'memory' || e.computes <= 0) this.forget(key, e);
  }

  private forget(key: string, e: Entry): void {
    this.leave(e);
    this.tasks.delete(key);
    this.transitions.forgotten++;
    this.emit(key, e, e.state, 'forgotten');
  }

  private move(key: string, e: Entry, to: TaskState, worker: string | undefined): void {
    const from = e.state;
    if (from === to && e.worker === worker) return;
    this.leave(e);
    e.state = to;
    e.worker = worker;
    e.group[to]++;
    this.byState[to]++;
    if (to === 'memory') e.group.done++;
    const load = worker === undefined ? undefined : this.load(worker);
    if (load !== undefined) {
      if (to === 'processing') load.processing++;
      else if (to === 'memory') {
        load.memoryTasks++;
        load.memoryBytes += e.nbytes;
      }
    }
    this.transitions[to]++;
    this.emit(key, e, from, to);
  }

  /** Takes `e` out of the counts of its current state (and its worker's load). */
  private leave(e: Entry): void {
    e.group[e.state]--;
    this.byState[e.state]--;
    const load = e.worker === undefined ? undefined : this.loads.get(e.worker);
    if (load === undefined) return;
    if (e.state === 'processing') load.processing--;
    else if (e.state === 'memory') {
      load.memoryTasks--;
      load.memoryBytes -= e.nbytes;
    }
  }

  private emit(key: string, e: Entry, from: Transition['from'], to: Transition['to']): void {
    if (this.listeners.size === 0) return;
    const t: Transition = {
      key,
      group: e.group.name,
      from,
      to,
      ...(e.worker !== undefined ? { worker: e.worker } : {}),
      time: Date.now(),
    };
    for (const f of this.listeners) f(t);
  }

  private load(name: string): WorkerLoad {
    let load = this.loads.get(name);
    if (load === undefined) {
      load = { name, processing: 0, memoryTasks: 0, memoryBytes: 0 };
      this.loads.set(name, load);
    }
    return load;
  }

  private group(name: string): GroupStatus {
    let g = this.groups.get(name);
    if (g !== undefined) {
      // Most recently used last.
      this.groups.delete(name);
      this.groups.set(name, g);
      return g;
    }
    g = { name, total: 0, done: 0, waiting: 0, processing: 0, memory: 0, erred: 0 };
    this.groups.set(name, g);
    if (this.groups.size > MAX_GROUPS) {
      for (const [n, old] of this.groups) {
        if (this.groups.size <= MAX_GROUPS) break;
        if (old.waiting + old.processing + old.memory + old.erred === 0) this.groups.delete(n);
      }
    }
    return g;
  }
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

// The pure scheduling core: `handle(events) -> commands`, no I/O, timers or randomness. A task is
// *needed* while a submission wants it (and has not been sent it) or a dependent that has not
// finished holds it; everything follows from that one rule. Needed tasks are activated (released
// -> waiting/ready, transitively through released inputs); unneeded ones are dropped (queued ones
// never start, running ones become orphans whose results are released when they finish, results
// in memory are released at once). Ready tasks wait in a priority heap and are placed at the end
// of each `handle` call; commands are batched per worker.
import type { GraphNode, SerializedError } from '@dask-ts/protocol';
import type { ComputeItem, CoreCommand, CoreEvent, TaskState, WorkerId } from './events.js';
import { intake } from './intake.js';
import { WorkerTable } from './placement.js';
import { ReadyHeap } from './ready-heap.js';
import * as S from './story.js';
import { DELIVERED, PENDING, SENT, Submission } from './submission.js';
import {
  CANCELLED,
  ERRED,
  MEMORY,
  ORPHAN,
  PROCESSING,
  READY,
  RELEASED,
  STATE_NAMES,
  TaskTable,
  WAITING,
  type ErrorInfo,
} from './task-table.js';
import { validateCore } from './validate.js';

/**
 * Options of {@link SchedulerCore}.
 *
 * @example
 * new SchedulerCore({ maxRetries: 3, queueFactor: 16 });
 */
export interface SchedulerCoreOptions {
  /** How many times a task may be lost with its worker before its computes fail (default 3). */
  readonly maxRetries?: number;
  /** Tasks in flight per worker slot (default 16): larger batches, less balance. */
  readonly queueFactor?: number;
}

/**
 * Task and worker counts of a core (`cancelled` includes running tasks nobody needs anymore).
 *
 * @example
 * const { memory, processing } = core.counts;
 */
export interface CoreCounts {
  readonly tasks: number;
  readonly waiting: number;
  readonly ready: number;
  readonly processing: number;
  readonly memory: number;
  readonly released: number;
  readonly erred: number;
  readonly cancelled: number;
  readonly workers: number;
  readonly submissions: number;
}

const EMPTY_FETCH: ReadonlyArray<readonly [string, WorkerId]> = Object.freeze([]);

function inactive(s: number): boolean {
  return s === RELEASED || s === CANCELLED || s === ERRED;
}

/**
 * The pure scheduling core shared by every runtime (see the file comment).
 *
 * @example
 * const core = new SchedulerCore();
 * const cmds = core.handle([
 *   { type: 'add-worker', worker: 'w0', slots: 2 },
 *   { type: 'submit', id: 's1', graph: new Map([['x', data(1)]]), wanted: ['x'] },
 * ]);
 * // cmds: [{ type: 'compute', worker: 'w0', items: [{ key: 'x', node, fetch: [] }] }]
 */
export class SchedulerCore {
  /** @internal */ t = new TaskTable();
  /** @internal */ heap = new ReadyHeap(this.t);
  /** @internal */ readonly w = new WorkerTable();
  /** @internal */ log = new S.StoryLog();
  /** @internal */ readonly subs = new Map<string, Submission>();
  /** @internal */ subNames: string[] = [];
  /** @internal */ readonly wantedBy = new Map<number, Submission[]>();
  private readonly maxRetries: number;
  private readonly queueFactor: number;
  private gen = 0;
  private lastWorker: WorkerId | undefined;
  /** Per worker: keys it may hold as a stale copy while the key is being recomputed there. */
  private readonly staleCopies = new Map<number, Set<number>>();
  private lastWorkerIdx: number | undefined;
  // Per-handle batches.
  private computeBatch: (ComputeItem[] | undefined)[] = [];
  private releaseBatch: (string[] | undefined)[] = [];
  private deliverBatch = new Map<string, { id: string; worker: WorkerId; keys: string[]; release: boolean }>();
  private terminal: CoreCommand[] = [];
  // Work queues.
  private dropQueue: number[] = [];
  private dropState = RELEASED;
  private dropCause = S.C_UNNEEDED;
  private dropArg = 0;
  private readonly names: S.StoryNames = {
    key: (id) => this.t.keys[id] ?? `#${id}`,
    worker: (w) => this.w.names[w] ?? `#${w}`,
    submission: (s) => this.subNames[s] ?? `#${s}`,
  };

  constructor(options: SchedulerCoreOptions = {}) {
    this.maxRetries = options.maxRetries ?? 3;
    this.queueFactor = options.queueFactor ?? 16;
    if (!(this.maxRetries >= 0)) throw new RangeError(`maxRetries must be >= 0, got ${this.maxRetries}`);
    if (!(this.queueFactor > 0)) throw new RangeError(`queueFactor must be > 0, got ${this.queueFactor}`);
  }

  /**
   * Handles a batch of events and returns the commands they lead to (deliveries, releases, then
   * computes per worker, then done/failed/refused/cancelled/lost).
   *
   * @example
   * const cmds = core.handle([{ type: 'finished', key: 'x', worker: 'w0', nbytes: 8 }]);
   */
  handle(events: readonly CoreEvent[]): CoreCommand[] {
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      switch (e.type) {
        case 'finished':
          this.onFinished(e.key, e.worker, e.nbytes);
          break;
        case 'erred':
          this.onErred(e.key, e.worker, e.error);
          break;
        case 'submit':
          this.onSubmit(e);
          break;
        case 'delivered':
          this.onDelivered(e.id, e.keys);
          break;
        case 'cancel':
          this.onCancel(e.id, e.reason);
          break;
        case 'add-worker':
          this.onAddWorker(e.worker, e.slots);
          break;
        case 'remove-worker':
          this.onRemoveWorker(e.worker, e.reason);
          break;
        default:
          throw new Error(`Unknown core event ${JSON.stringify((e as { type: unknown }).type)}`);
      }
      this.settle();
    }
    this.schedule();
    return this.flush();
  }

  /**
   * Checks the core's invariants; throws an error naming the key and the broken invariant.
   *
   * @example
   * core.handle(events); core.validate();
   */
  validate(): void {
    validateCore(this);
  }

  /**
   * What happened to `key`, one line per transition with its cause.
   *
   * @example
   * core.story('y'); // ['y released -> waiting: submit s1', 'y waiting -> ready: ...', ...]
   */
  story(key: string): string[] {
    const id = this.t.index.get(key);
    return id === undefined ? [] : this.log.render(id, this.names);
  }

  /**
   * The state of `key`, or undefined when the core does not know it.
   *
   * @example
   * core.state('y'); // { state: 'memory', workers: ['w0'], nbytes: 8 }
   */
  state(key: string): TaskState | undefined {
    const t = this.t;
    const id = t.index.get(key);
    if (id === undefined) return undefined;
    switch (t.state[id]) {
      case WAITING:
        return { state: 'waiting', waitingOn: t.waitCount[id]! };
      case READY:
        return { state: 'ready' };
      case PROCESSING:
        return { state: 'processing', worker: this.w.names[t.procWorker[id]!]! };
      case MEMORY:
        return { state: 'memory', workers: t.holders(id).map((w) => this.w.names[w]!), nbytes: t.nbytes[id]! };
      case ERRED: {
        const info = t.errors.get(id)!;
        return { state: 'erred', error: info.error, origin: t.keys[info.origin]! };
      }
      case CANCELLED:
      case ORPHAN:
        return { state: 'cancelled' };
      default:
        return { state: 'released' };
    }
  }

  /**
   * How many tasks are in each state, live workers and running submissions.
   *
   * @example
   * if (core.counts.submissions === 0) console.log('idle');
   */
  get counts(): CoreCounts {
    const c = this.t.stateCounts;
    return {
      tasks: this.t.size,
      waiting: c[WAITING]!,
      ready: c[READY]!,
      processing: c[PROCESSING]!,
      memory: c[MEMORY]!,
      released: c[RELEASED]!,
      erred: c[ERRED]!,
      cancelled: c[CANCELLED]! + c[ORPHAN]!,
      workers: this.w.live.length,
      submissions: this.subs.size,
    };
  }

  // ---------------------------------------------------------------- events

  private onAddWorker(name: WorkerId, slots: number): void {
    const old = this.w.index.get(name);
    if (old !== undefined && this.w.alive[old]) throw new Error(`Worker ${name} was added twice`);
    if (!(Number.isInteger(slots) && slots > 0)) throw new RangeError(`Worker ${name}: slots must be a positive integer, got ${slots}`);
    this.lastWorker = undefined;
    this.w.add(name, slots, this.queueFactor);
    this.computeBatch.push(undefined);
    this.releaseBatch.push(undefined);
  }

  private onSubmit(e: Extract<CoreEvent, { type: 'submit' }>): void {
    if (this.subs.has(e.id)) {
      this.terminal.push({ type: 'refused', id: e.id, error: new Error(`Submission ${e.id} is already running`) });
      return;
    }
    this.maybeReset();
    const gen = ++this.gen;
    const wanted = intake(this.t, e.graph, e.wanted, gen, e.priorities);
    this.log.reserve(5 * e.graph.size);
    if (!(wanted instanceof Int32Array)) {
      this.terminal.push({ type: 'refused', id: e.id, error: wanted });
      return;
    }
    const t = this.t;
    const idx = this.subNames.length;
    this.subNames.push(e.cause === undefined ? e.id : `${e.id} (${e.cause})`);
    const sub = new Submission(e.id, idx, wanted);
    this.subs.set(e.id, sub);
    if (wanted.length === 0) {
      this.endSub(sub, { type: 'done', id: e.id });
      return;
    }
    for (let i = 0; i < wanted.length; i++) {
      const id = wanted[i]!;
      t.wantPending[id]++;
      const list = this.wantedBy.get(id);
      if (list === undefined) this.wantedBy.set(id, [sub]);
      else list.push(sub);
    }
    for (let i = 0; i < wanted.length; i++) {
      const id = wanted[i]!;
      const s = t.state[id]!;
      if (s === MEMORY) this.deliverKey(id);
      else if (s === ORPHAN) this.reclaim(id, S.C_SUBMIT, idx);
      else if (inactive(s)) this.activate(id, true, S.C_SUBMIT, idx, null);
    }
  }

  private onFinished(key: string, worker: WorkerId, nbytes: number): void {
    const t = this.t;
    const id = t.index.get(key);
    const w = this.workerIndex(worker);
    if (!this.isCurrent(id, w, key, worker, 'finished')) return;
    this.w.dec(w!);
    t.procWorker[id!] = -1;
    if (t.staleRuns.size > 0) this.forgetStaleCopy(id!, w!);
    if (this.staleCopies.size > 0) this.staleCopies.get(w!)?.delete(id!);
    this.addReplicas(id!, w!);
    if (t.state[id!] === ORPHAN) {
      this.log.add(id!, ORPHAN, RELEASED, S.C_FINISHED, w!);
      t.setState(id!, RELEASED);
      this.pushRelease(w!, key);
      this.unhold(id!);
      return;
    }
    this.log.add(id!, PROCESSING, MEMORY, S.C_FINISHED, w!);
    t.setState(id!, MEMORY);
    t.holder0[id!] = w!;
    t.nbytes[id!] = nbytes;
    this.unhold(id!);
    // Dependents waiting on it.
    const ds = t.dtStart[id!]!;
    const de = ds + t.dtCount[id!]!;
    const dl = t.dependents;
    for (let j = ds; j < de; j++) this.depArrived(dl[j]!);
    const extra = t.extraDependents.get(id!);
    if (extra !== undefined) for (const d of extra) this.depArrived(d);
    if (t.wantPending[id!]! > 0) this.deliverKey(id!);
    else if (t.remaining[id!] === 0) this.dropQueue.push(id!);
  }

  /** Inputs fetched to `w` for task `id` are replicas there now (released with the original). */
  private addReplicas(id: number, w: number): void {
    const t = this.t;
    const s = t.depStart[id]!;
    const e = s + t.depCount[id]!;
    const deps = t.deps;
    for (let j = s; j < e; j++) {
      const d = deps[j]!;
      if (t.holder0[d] === w) continue;
      // About to be released (this was its last user)? Then just release the copy on w too.
      if (t.remaining[d] === 1 && t.wantPending[d] === 0 && !t.isHolder(d, w)) this.pushRelease(w, t.keys[d]!);
      else t.addHolder(d, w);
    }
  }

  /** A stale result on live worker `w` (its task was taken back): drop it and its fetched inputs there. */
  private dropStale(id: number, w: number, erred: boolean, fetched: readonly number[]): void {
    const t = this.t;
    const onW = (x: number): boolean => (t.state[x] === PROCESSING || t.state[x] === ORPHAN) && t.procWorker[x] === w;
    // Kept on w: held there, being recomputed there, or read by a task sent there since (which
    // lets go of it when it finishes).
    const keep = (x: number): boolean => {
      if ((t.state[x] === MEMORY && t.isHolder(x, w)) || onW(x)) return true;
      let used = false;
      t.forEachDependent(x, (y) => {
        if (onW(y)) used = true;
      });
      return used;
    };
    let copies = this.staleCopies.get(w);
    const hadCopy = copies !== undefined && copies.delete(id);
    const drop = (x: number): void => {
      if (onW(x)) {
        // Being recomputed on w: its result replaces the copy; if it errs, the copy is released.
        if (copies === undefined) this.staleCopies.set(w, (copies = new Set()));
        copies.add(x);
      } else if (!keep(x)) this.pushRelease(w, t.keys[x]!);
    };
    if (!erred || hadCopy) drop(id);
    for (const d of fetched) drop(d);
  }


  /** Worker name to index, with a one-entry cache (events come in runs per worker). */
  private workerIndex(worker: WorkerId): number | undefined {
    if (worker === this.lastWorker) return this.lastWorkerIdx;
    const w = this.w.index.get(worker);
    this.lastWorker = worker;
    this.lastWorkerIdx = w;
    return w;
  }

  private depArrived(d: number): void {
    const t = this.t;
    if (t.state[d] !== WAITING) return;
    if (--t.waitCount[d]! === 0) {
      this.log.add(d, WAITING, READY, S.C_INPUTS, 0);
      t.setState(d, READY);
      this.heap.push(d);
    }
  }

  private onErred(key: string, worker: WorkerId, error: SerializedError): void {
    const t = this.t;
    const id = t.index.get(key);
    const w = this.w.index.get(worker);
    if (!this.isCurrent(id, w, key, worker, 'erred')) return;
    this.w.dec(w!);
    t.procWorker[id!] = -1;
    this.addReplicas(id!, w!);
    if (this.staleCopies.size > 0 && this.staleCopies.get(w!)?.delete(id!) === true) this.pushRelease(w!, key);
    const note = this.log.note(`erred on ${worker}: ${error.name}: ${error.message}`);
    if (t.state[id!] === ORPHAN) {
      this.log.add(id!, ORPHAN, RELEASED, S.C_ERRED, note);
      t.setState(id!, RELEASED);
      this.unhold(id!);
      return;
    }
    this.log.add(id!, PROCESSING, ERRED, S.C_ERRED, note);
    t.setState(id!, ERRED);
    t.errors.set(id!, { error, origin: id!, lost: false });
    this.unhold(id!);
    this.propagate([id!]);
  }

  private onDelivered(subId: string, keys: readonly string[]): void {
    const sub = this.subs.get(subId);
    if (sub === undefined) return; // ended already (cancelled, failed): stale
    const t = this.t;
    for (const key of keys) {
      const id = t.index.get(key);
      const i = id === undefined ? -1 : sub.indexOf(id);
      if (i < 0) throw new Error(`Impossible event: delivered ${key} for ${subId}, which does not want it`);
      const st = sub.status[i]!;
      if (st === DELIVERED) continue;
      if (st === PENDING) {
        // Re-pended after its worker died, but the caller got it anyway.
        t.wantPending[id!]--;
        this.dropQueue.push(id!);
      }
      sub.status[i] = DELIVERED;
      sub.undelivered--;
    }
    if (sub.undelivered === 0) this.endSub(sub, { type: 'done', id: subId });
  }

  private onCancel(subId: string, reason: string): void {
    const sub = this.subs.get(subId);
    if (sub === undefined) return; // ended already: stale
    this.dropState = CANCELLED;
    this.dropCause = S.C_CANCEL;
    this.dropArg = this.log.note(`cancel ${this.subNames[sub.idx]}: ${reason}`);
    this.endSub(sub, { type: 'cancelled', id: subId, reason });
    this.settle();
  }

  private onRemoveWorker(name: WorkerId, reason: string): void {
    const wt = this.w;
    const w = wt.index.get(name);
    if (w === undefined) throw new Error(`Impossible event: remove-worker ${name}, a worker never added`);
    if (!wt.alive[w]) return;
    this.lastWorker = undefined;
    this.staleCopies.delete(w);
    for (const [id, runs] of this.t.staleRuns) {
      const left = runs.filter((r) => r.w !== w);
      if (left.length === 0) this.t.staleRuns.delete(id);
      else this.t.staleRuns.set(id, left);
    }
    wt.remove(w);
    const t = this.t;
    const note = this.log.note(`worker ${name} removed: ${reason}`);
    // Deliveries sent from w and not acknowledged: want them again.
    const lostResults: number[] = [];
    const candidates: number[] = [];
    const redeliver: number[] = [];
    for (const sub of this.subs.values()) {
      for (let i = 0; i < sub.wanted.length; i++) {
        if (sub.status[i] === SENT && sub.from[i] === w) {
          sub.status[i] = PENDING;
          const id = sub.wanted[i]!;
          t.wantPending[id]++;
          candidates.push(id); // moved out of w (or lost with it): compute it again
          redeliver.push(id); // or deliver it from another holder
        }
      }
    }
    for (let id = 0; id < t.size; id++) {
      const s = t.state[id]!;
      if ((s === PROCESSING || s === ORPHAN) && t.procWorker[id] === w) {
        t.procWorker[id] = -1;
        this.log.add(id, s, RELEASED, S.C_WORKER_REMOVED, note);
        t.setState(id, RELEASED);
        this.unhold(id);
        if (s === PROCESSING) {
          t.lostCount[id]++;
          candidates.push(id);
        }
      } else if (s === MEMORY && t.isHolder(id, w) && !t.removeHolder(id, w)) {
        this.log.add(id, MEMORY, RELEASED, S.C_WORKER_REMOVED, note);
        t.setState(id, RELEASED);
        t.lostCount[id]++;
        lostResults.push(id);
        candidates.push(id);
      }
    }
    // Dependents that counted a lost result as in memory.
    for (const l of lostResults) {
      this.forEachDependent(l, (d) => {
        const s = t.state[d]!;
        if (s === WAITING) t.waitCount[d]++;
        else if (s === READY) {
          this.log.add(d, READY, WAITING, S.C_INPUT_LOST, l);
          t.setState(d, WAITING);
          t.waitCount[d] = 1;
        } else if (s === PROCESSING || s === ORPHAN) {
          const x = t.procWorker[d]!;
          this.w.dec(x);
          t.procWorker[d] = -1;
          // Remember what that run fetched to x (inputs x does not hold), to drop it there later.
          const fetched: number[] = [];
          for (let j = t.depStart[d]!; j < t.depStart[d]! + t.depCount[d]!; j++) {
            const dd = t.deps[j]!;
            if (!(t.state[dd] === MEMORY && t.isHolder(dd, x))) fetched.push(dd);
          }
          const runs = t.staleRuns.get(d);
          if (runs === undefined) t.staleRuns.set(d, [{ w: x, fetched }]);
          else runs.push({ w: x, fetched });
          this.log.add(d, s, RELEASED, S.C_INPUT_LOST, l);
          t.setState(d, RELEASED);
          this.unhold(d);
          if (s === PROCESSING) candidates.push(d);
        }
      });
    }
    const erred: number[] = [];
    for (const id of candidates) {
      if (t.state[id] !== RELEASED || !this.needed(id)) continue;
      if (t.lostCount[id]! > this.maxRetries) {
        const error: SerializedError = {
          name: 'LostError',
          message: `Task ${t.keys[id]} was lost with its worker ${t.lostCount[id]} times (maxRetries ${this.maxRetries}); last: worker ${name} removed: ${reason}`,
        };
        this.log.add(id, RELEASED, ERRED, S.C_LOST, this.log.note(error.message));
        t.setState(id, ERRED);
        t.errors.set(id, { error, origin: id, lost: true });
        erred.push(id);
      }
    }
    for (const id of candidates) {
      if (!this.needed(id)) continue;
      if (t.state[id] === ERRED) {
        if (!erred.includes(id)) erred.push(id); // a delivery to redo, of a key that erred since
      } else this.activate(id, false, S.C_WORKER_REMOVED, note, erred);
    }
    if (erred.length > 0) this.propagate(erred);
    // Deliveries to redo of keys still in memory elsewhere (lost ones are delivered when recomputed).
    for (const id of redeliver) if (t.state[id] === MEMORY) this.deliverKey(id);
  }

  // ---------------------------------------------------------------- transitions

  /** Whether a finished/erred event is current; false (recorded) when stale; throws when impossible. */
  private isCurrent(id: number | undefined, w: number | undefined, key: string, worker: string, what: string): boolean {
    const t = this.t;
    if (w === undefined) throw new Error(`Impossible event: ${what} ${key} on ${worker}, a worker never added`);
    if (id === undefined) {
      if (!this.w.alive[w]) return false;
      throw new Error(`Impossible event: ${what} ${key} on ${worker}, but the core does not know ${key}`);
    }
    const s = t.state[id]!;
    const runs = t.staleRuns.size > 0 ? t.staleRuns.get(id) : undefined;
    const stale = runs === undefined ? -1 : runs.findIndex((r) => r.w === w);
    if (stale >= 0 && this.w.alive[w]) {
      // Taken back from w while it ran there; w runs in order, so the oldest run reports first.
      const run = runs![stale]!;
      runs!.splice(stale, 1);
      if (runs!.length === 0) t.staleRuns.delete(id);
      this.dropStale(id, w, what === 'erred', run.fetched);
      this.log.add(id, s, s, S.C_STALE, this.log.note(`ignored ${what} from ${worker}: taken back after an input was lost`));
      return false;
    }
    if ((s === PROCESSING || s === ORPHAN) && t.procWorker[id] === w) {
      if (this.w.alive[w]) return true;
    }
    if (!this.w.alive[w]) {
      this.log.add(id, s, s, S.C_STALE, this.log.note(`ignored ${what} from removed worker ${worker}`));
      return false;
    }
    if (s === CANCELLED) {
      this.log.add(id, s, s, S.C_STALE, this.log.note(`ignored ${what} from ${worker}: cancelled`));
      return false;
    }
    throw new Error(
      `Impossible transition: ${what} ${key} on ${worker}, but ${key} is ${STATE_NAMES[s]}` +
        (s === PROCESSING ? ` on ${this.w.names[t.procWorker[id]!]}` : '') +
        `\nStory of ${key}:\n  ${this.log.render(id, this.names).join('\n  ')}`,
    );
  }

  /** @internal */
  needed(id: number): boolean {
    return this.t.wantPending[id]! > 0 || this.t.remaining[id]! > 0;
  }

  private hold(id: number): void {
    const t = this.t;
    if (t.holds[id] === 1) return;
    t.holds[id] = 1;
    const s = t.depStart[id]!;
    const e = s + t.depCount[id]!;
    for (let j = s; j < e; j++) t.remaining[t.deps[j]!]++;
  }

  private unhold(id: number): void {
    const t = this.t;
    if (t.holds[id] === 0) return;
    t.holds[id] = 0;
    const s = t.depStart[id]!;
    const e = s + t.depCount[id]!;
    const deps = t.deps;
    for (let j = s; j < e; j++) {
      const d = deps[j]!;
      if (--t.remaining[d]! === 0 && t.wantPending[d] === 0) this.dropQueue.push(d);
    }
  }

  /** Drops every queued task that is no longer needed (iteratively: chains can be long). */
  private settle(): void {
    const t = this.t;
    const q = this.dropQueue;
    while (q.length > 0) {
      const id = q.pop()!;
      if (this.needed(id)) continue;
      const s = t.state[id]!;
      if (s === MEMORY) {
        this.log.add(id, MEMORY, RELEASED, S.C_RELEASED_ON, 0);
        t.setState(id, RELEASED);
        const h0 = t.holder0[id]!;
        if (this.w.alive[h0]) this.pushRelease(h0, t.keys[id]!);
        const extra = t.extraHolders.get(id);
        if (extra !== undefined) for (const h of extra) if (this.w.alive[h]) this.pushRelease(h, t.keys[id]!);
        t.clearHolders(id);
      } else if (s === WAITING || s === READY) {
        this.log.add(id, s, this.dropState, this.dropCause, this.dropArg);
        t.setState(id, this.dropState);
        this.unhold(id);
      } else if (s === PROCESSING) {
        this.log.add(id, s, ORPHAN, this.dropCause, this.dropArg);
        t.setState(id, ORPHAN);
      }
    }
    this.dropState = RELEASED;
    this.dropCause = S.C_UNNEEDED;
    this.dropArg = 0;
  }

  /** An orphan (running, unneeded) is needed again. */
  private reclaim(id: number, cause: number, arg: number): void {
    this.log.add(id, ORPHAN, PROCESSING, cause, arg);
    this.t.setState(id, PROCESSING);
  }

  /**
   * Makes a needed inactive task waiting or ready, activating its inactive inputs in turn. With
   * `retry`, erred tasks are tried again; without, an erred input is collected into `erred`.
   */
  private activate(root: number, retry: boolean, cause: number, arg: number, erred: number[] | null): void {
    const t = this.t;
    const stack = [root];
    let first = true;
    while (stack.length > 0) {
      const id = stack.pop()!;
      const s = t.state[id]!;
      if (s === ORPHAN) {
        this.reclaim(id, S.C_NEEDED, root);
        continue;
      }
      if (!inactive(s)) continue;
      if (s === ERRED) {
        if (!retry) {
          if (erred !== null && !erred.includes(id)) erred.push(id);
          continue;
        }
        t.errors.delete(id);
      }
      this.hold(id);
      let n = 0;
      const ds = t.depStart[id]!;
      const de = ds + t.depCount[id]!;
      for (let j = ds; j < de; j++) {
        const d = t.deps[j]!;
        const sd = t.state[d]!;
        if (sd === MEMORY) continue;
        n++;
        if (inactive(sd) || sd === ORPHAN) stack.push(d);
      }
      t.waitCount[id] = n;
      const to = n === 0 ? READY : WAITING;
      const own = first || cause === S.C_SUBMIT;
      this.log.add(id, s, to, own ? cause : S.C_NEEDED, own ? arg : root);
      first = false;
      t.setState(id, to);
      if (to === READY) this.heap.push(id);
    }
  }

  /** Marks the waiting dependents of erred tasks erred, transitively, and fails their computes. */
  private propagate(roots: number[]): void {
    const t = this.t;
    const failed = new Map<Submission, ErrorInfo>();
    const queue = roots.slice();
    for (let i = 0; i < queue.length; i++) {
      const id = queue[i]!;
      const info = t.errors.get(id)!;
      const subs = this.wantedBy.get(id);
      if (subs !== undefined) {
        for (const sub of subs) {
          const k = sub.indexOf(id);
          if (sub.status[k] === PENDING && !failed.has(sub)) failed.set(sub, info);
        }
      }
      this.forEachDependent(id, (d) => {
        if (t.state[d] !== WAITING) return;
        this.log.add(d, WAITING, ERRED, S.C_DEP_ERRED, id);
        t.setState(d, ERRED);
        t.errors.set(d, { error: info.error, origin: info.origin, lost: info.lost });
        this.unhold(d);
        queue.push(d);
      });
    }
    for (const [sub, info] of failed) {
      const origin = info.origin;
      const story = this.log.render(origin, this.names);
      const key = t.keys[origin]!;
      this.endSub(
        sub,
        info.lost
          ? { type: 'lost', id: sub.id, key, story }
          : { type: 'failed', id: sub.id, key, error: info.error, story },
      );
    }
  }

  private forEachDependent(id: number, f: (d: number) => void): void {
    this.t.forEachDependent(id, f);
  }

  /** Ends a submission with its terminal command and lets go of what it wanted. */
  private endSub(sub: Submission, cmd: CoreCommand): void {
    const t = this.t;
    this.subs.delete(sub.id);
    this.terminal.push(cmd);
    for (let i = 0; i < sub.wanted.length; i++) {
      const id = sub.wanted[i]!;
      const list = this.wantedBy.get(id);
      if (list !== undefined) {
        const j = list.indexOf(sub);
        if (j >= 0) list.splice(j, 1);
        if (list.length === 0) this.wantedBy.delete(id);
      }
      if (sub.status[i] === PENDING) {
        t.wantPending[id]--;
        this.dropQueue.push(id);
      }
    }
  }

  /** Sends a wanted key in memory to each submission waiting for it. */
  private deliverKey(id: number): void {
    const t = this.t;
    const subs = this.wantedBy.get(id);
    if (subs === undefined) return;
    const from = t.holder0[id]!;
    const worker = this.w.names[from]!;
    const key = t.keys[id]!;
    for (const sub of subs) {
      const i = sub.indexOf(id);
      if (sub.status[i] !== PENDING) continue;
      sub.status[i] = SENT;
      sub.from[i] = from;
      const move = --t.wantPending[id]! === 0 && t.remaining[id] === 0;
      const bk = `${sub.idx}|${from}|${move ? 1 : 0}`;
      let b = this.deliverBatch.get(bk);
      if (b === undefined) {
        b = { id: sub.id, worker, keys: [], release: move };
        this.deliverBatch.set(bk, b);
      }
      b.keys.push(key);
      if (move) {
        this.log.add(id, MEMORY, RELEASED, S.C_MOVED, sub.idx);
        t.setState(id, RELEASED);
        const extra = t.extraHolders.get(id);
        if (extra !== undefined) for (const h of extra) if (this.w.alive[h]) this.pushRelease(h, key);
        t.clearHolders(id);
        return;
      }
    }
  }

  /** w's copy of `id` is now tracked (or gone): no stale run may drop it later. */
  private forgetStaleCopy(id: number, w: number): void {
    for (const runs of this.t.staleRuns.values()) {
      for (const r of runs) {
        if (r.w !== w) continue;
        const i = r.fetched.indexOf(id);
        if (i >= 0) (r.fetched as number[]).splice(i, 1);
      }
    }
  }

  private pushRelease(w: number, key: string): void {
    if (this.t.staleRuns.size > 0) this.forgetStaleCopy(this.t.index.get(key)!, w);
    const b = this.releaseBatch[w];
    if (b === undefined) this.releaseBatch[w] = [key];
    else b.push(key);
  }

  // ---------------------------------------------------------------- placement and output

  private schedule(): void {
    const t = this.t;
    const heap = this.heap;
    const wt = this.w;
    while (heap.size > 0 && wt.freeCount > 0) {
      const id = heap.peek();
      if (t.state[id] !== READY) {
        heap.pop();
        continue;
      }
      const w = wt.choose(t, id);
      if (w < 0) break;
      heap.pop();
      this.assign(id, w);
    }
  }

  private assign(id: number, w: number): void {
    const t = this.t;
    this.log.add(id, READY, PROCESSING, S.C_ASSIGN, w);
    t.setState(id, PROCESSING);
    t.procWorker[id] = w;
    this.w.inc(w);
    let fetch = EMPTY_FETCH;
    const s = t.depStart[id]!;
    const e = s + t.depCount[id]!;
    for (let j = s; j < e; j++) {
      const d = t.deps[j]!;
      if (t.holder0[d] === w || t.isHolder(d, w)) continue;
      if (fetch === EMPTY_FETCH) fetch = [];
      (fetch as (readonly [string, WorkerId])[]).push([t.keys[d]!, this.w.names[t.holder0[d]!]!]);
    }
    const item: ComputeItem = { key: t.keys[id]!, node: t.nodes[id] as GraphNode, fetch };
    const b = this.computeBatch[w];
    if (b === undefined) this.computeBatch[w] = [item];
    else b.push(item);
  }

  private flush(): CoreCommand[] {
    const out: CoreCommand[] = [];
    if (this.deliverBatch.size > 0) {
      for (const b of this.deliverBatch.values()) if (!b.release) out.push({ type: 'deliver', ...b });
      for (const b of this.deliverBatch.values()) if (b.release) out.push({ type: 'deliver', ...b });
      this.deliverBatch.clear();
    }
    const names = this.w.names;
    for (let w = 0; w < this.releaseBatch.length; w++) {
      const keys = this.releaseBatch[w];
      if (keys === undefined) continue;
      this.releaseBatch[w] = undefined;
      out.push({ type: 'release', worker: names[w]!, keys });
    }
    for (let w = 0; w < this.computeBatch.length; w++) {
      const items = this.computeBatch[w];
      if (items === undefined) continue;
      this.computeBatch[w] = undefined;
      out.push({ type: 'compute', worker: names[w]!, items });
    }
    if (this.terminal.length > 0) {
      for (const c of this.terminal) out.push(c);
      this.terminal = [];
    }
    return out;
  }

  /** With no compute running and nothing held, start over with empty tables (bounded memory). */
  private maybeReset(): void {
    const c = this.t.stateCounts;
    if (this.subs.size > 0 || this.t.size === 0 || this.t.staleRuns.size > 0) return;
    if (c[PROCESSING]! + c[ORPHAN]! + c[MEMORY]! + c[WAITING]! + c[READY]! > 0) return;
    this.t = new TaskTable();
    this.heap = new ReadyHeap(this.t);
    this.log = new S.StoryLog();
    this.subNames = [];
    this.wantedBy.clear();
    this.staleCopies.clear();
  }
}

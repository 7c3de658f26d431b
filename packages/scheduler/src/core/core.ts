// The pure scheduling core: `handle(events) -> commands`, no I/O, timers or randomness. This file
// holds the public face (handle, state, story, counts, validate) and the handlers of the events
// that do not concern lost workers. The layers below it: the state and its transitions
// (transitions.ts, over the table in transition-table.ts), placing ready tasks (assignment.ts),
// worker loss and stale reports (worker-loss.ts).
import type { SerializedError } from '@dask-ts/protocol';
import type { CoreCommand, CoreEvent, TaskState, WorkerId } from './events.js';
import { intake } from './intake.js';
import * as S from './story.js';
import { DELIVERED, PENDING, Submission } from './submission.js';
import {
  CANCELLED,
  ERRED,
  MEMORY,
  ORPHAN,
  PROCESSING,
  READY,
  RELEASED,
  WAITING,
} from './task-table.js';
import { inactive } from './transitions.js';
import { validateCore } from './validate.js';
import { CoreMissing } from './missing-data.js';
import { DEFAULT_ROOT_SATURATION, isRoot } from './admission.js';
import { waitsOf, type Waits } from './waits.js';

/**
 * Options of {@link SchedulerCore}.
 *
 * @example
 * new SchedulerCore({ maxRetries: 3, queueFactor: 16 });
 */
export interface SchedulerCoreOptions {
  /** How many times a task may be lost with its worker before its computes fail (default 3). */
  readonly maxRetries?: number;
  /**
   * Tasks in flight per worker slot: larger batches and fewer round trips, or better balance for
   * slow, uneven tasks. Default: adaptive. It is 16, and grows with the run times workers report
   * (`ms` of `finished-many`) to about 2 ms of work per slot, up to 1024 tasks: a worker gets
   * hundreds of microsecond tasks at once. It does not shrink below 16: contiguous runs of root
   * tasks keep the inputs of a reduction on one worker. A number fixes it.
   */
  readonly queueFactor?: number;
  /**
   * Steal tasks queued on a busy worker for an idle one (default false): the core then sends
   * `steal` commands, which the shell must answer with `stolen` events (see stealing.ts).
   */
  readonly workStealing?: boolean;
  /**
   * Root tasks (no inputs, no restrictions) in flight per worker slot while they are held back for
   * memory (default 1.25; `Infinity` never holds them back). Roots with large outputs then go out
   * only as places free, the rest queued in the core by priority, so reductions run early and
   * memory stays low; small roots keep the ordinary queue (see admission.ts).
   */
  readonly rootSaturation?: number;
}

// The adaptive queue keeps about this much work (ms) in flight per worker slot (enough to cover a
// round trip to the worker many times over), between QUEUE_MIN and QUEUE_MAX tasks. It does not
// go below 16 for slow tasks: with 2 in flight, root tasks went out in runs of 2 and a bag's
// reduction fetched half its inputs from the other worker (a JSON-lines bag ran 1.5x slower).
const QUEUE_TARGET_MS = 2;
const QUEUE_MIN = 16;
const QUEUE_MAX = 1024;

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
  /** Keys that clients hold (see the `hold` event). */
  readonly held: number;
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
 * // cmds: [{ type: 'compute', worker: 'w0', keys: ['x'], nodes: [node], fetch: [] }]
 */
export class SchedulerCore extends CoreMissing {
  /** @internal */ protected readonly maxRetries: number;
  /** @internal */ private readonly queueFactor: number;
  /** @internal */ private readonly adaptive: boolean;
  /** @internal Per worker: mean run time per task (ms), from `finished-many` reports; 0 before any. */
  private readonly meanMs: number[] = [];
  /** @internal */ private lastWorkerIdx: number | undefined;
  /** @internal Workers paused, with why (see the `pause-worker` event): they take no new tasks. */
  private readonly paused = new Map<number, Set<string>>();

  constructor(options: SchedulerCoreOptions = {}) {
    super();
    this.maxRetries = options.maxRetries ?? 3;
    this.adaptive = options.queueFactor === undefined;
    this.queueFactor = options.queueFactor ?? QUEUE_MIN;
    this.stealing = options.workStealing === true;
    if (!(this.maxRetries >= 0))
      throw new RangeError(`maxRetries must be >= 0, got ${this.maxRetries}`);
    if (!(this.queueFactor > 0))
      throw new RangeError(`queueFactor must be > 0, got ${this.queueFactor}`);
    const sat = options.rootSaturation ?? DEFAULT_ROOT_SATURATION;
    if (typeof sat !== 'number' || !(sat > 0))
      throw new RangeError(
        `rootSaturation must be a number > 0 (Infinity: never hold roots back), got ${String(sat)}`,
      );
    this.admission.saturation = sat;
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
      const e = events[i];
      switch (e.type) {
        case 'finished':
          // Matched against the worker's run queue like a batch: no key index needed.
          this.onFinishedMany([e.key], e.worker, [e.nbytes]);
          break;
        case 'finished-many':
          this.onFinishedMany(e.keys, e.worker, e.nbytes);
          if (e.ms !== undefined) this.adapt(e.worker, e.keys.length, e.ms);
          break;
        case 'erred':
          this.onErred(e.key, e.worker, e.error);
          break;
        case 'submit':
          this.onSubmit(e);
          break;
        case 'hold':
          this.onHold(e);
          break;
        case 'unwant':
          this.onUnwant(e.keys);
          break;
        case 'pause-worker':
          this.onPause(e.worker, e.paused, e.reason ?? 'waiting');
          break;
        case 'replicated':
          this.onReplicated(e.key, e.workers);
          break;
        case 'missing-data':
          this.onMissingData(e.key, e.holder, e.worker, e.compute);
          break;
        case 'delivered':
          this.onDelivered(e.id, e.keys);
          break;
        case 'cancel':
          this.onCancel(e.id, e.reason);
          break;
        case 'add-worker':
          this.onAddWorker(e.worker, e.slots);
          this.rules.addWorker(this.w.index.get(e.worker)!, e.worker, e.group, e.resources);
          break;
        case 'stolen':
          this.onStolen(e.worker, e.keys);
          break;
        case 'remove-worker':
          this.onRemoveWorker(e.worker, e.reason, e.stopped === true);
          break;
        default:
          throw new Error(`Unknown core event ${JSON.stringify((e as { type: unknown }).type)}`);
      }
      this.settle();
    }
    this.schedule();
    if (this.stealing) this.steal();
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
        return { state: 'waiting', waitingOn: t.waitCount[id] };
      case READY:
        return { state: 'ready' };
      case PROCESSING:
        return { state: 'processing', worker: this.w.names[t.procWorker[id]] };
      case MEMORY:
        return {
          state: 'memory',
          workers: t.holders(id).map((w) => this.w.names[w]),
          nbytes: t.nbytes[id],
        };
      case ERRED: {
        const info = t.errors.get(id)!;
        return { state: 'erred', error: info.error, origin: t.keys[info.origin] };
      }
      case CANCELLED:
      case ORPHAN:
        return { state: 'cancelled' };
      default:
        return { state: 'released' };
    }
  }

  /**
   * Why the tasks that do not run wait, counted by reason, with an example key for each.
   *
   * @example
   * const { admission, inputs, paused } = core.waits();
   */
  waits(): Waits {
    return waitsOf(this);
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
      waiting: c[WAITING],
      ready: c[READY],
      processing: c[PROCESSING],
      memory: c[MEMORY],
      released: c[RELEASED],
      erred: c[ERRED],
      cancelled: c[CANCELLED] + c[ORPHAN],
      workers: this.w.live.length,
      submissions: this.subs.size,
      held: this.wants.size,
    };
  }

  // ---------------------------------------------------------------- events

  /** @internal */ private onAddWorker(name: WorkerId, slots: number): void {
    const old = this.w.index.get(name);
    if (old !== undefined && this.w.alive[old]) throw new Error(`Worker ${name} was added twice`);
    if (!(Number.isInteger(slots) && slots > 0))
      throw new RangeError(`Worker ${name}: slots must be a positive integer, got ${slots}`);
    this.lastWorker = undefined;
    const w = this.w.add(name, slots, this.queueFactor);
    this.meanMs[w] = 0;
    this.addBatches();
  }

  /** @internal See {@link CoreStealing}. */
  protected meanRunMs(w: number): number {
    return this.meanMs[w];
  }

  /** @internal A report teaches the mean run time (stealing reads it) and sizes the adaptive queue. */
  private adapt(worker: WorkerId, tasks: number, ms: number): void {
    const w = this.workerIndex(worker);
    if (w === undefined || !this.w.alive[w] || tasks === 0 || !(ms >= 0)) return;
    const per = ms / tasks;
    const mean = this.meanMs[w] === 0 ? per : this.meanMs[w] + 0.3 * (per - this.meanMs[w]);
    this.meanMs[w] = mean;
    // A fixed queue, or a paused worker: it learns (stealing reads it), but keeps its cap.
    if (!this.adaptive || (this.paused.size > 0 && this.paused.has(w))) return;
    const perSlot = Math.min(QUEUE_MAX, Math.max(QUEUE_MIN, Math.ceil(QUEUE_TARGET_MS / mean)));
    this.w.setCap(w, this.w.slots[w] * perSlot);
  }

  /** @internal A worker stops (or starts again) taking new tasks; see the `pause-worker` event. */
  private onPause(worker: WorkerId, paused: boolean, reason: string): void {
    const w = this.workerIndex(worker);
    if (w === undefined || !this.w.alive[w]) return;
    const reasons = this.paused.get(w);
    if (paused) {
      if (reasons === undefined) this.paused.set(w, new Set([reason]));
      else reasons.add(reason);
      this.w.setCap(w, 0);
    } else if (reasons?.delete(reason) === true && reasons.size === 0) {
      this.paused.delete(w);
      this.w.setCap(w, this.capOf(w));
      this.rules.changed = true;
    }
  }

  /** @internal Copies of `key` now on `workers` (see the `replicated` event). */
  private onReplicated(key: string, workers: readonly WorkerId[]): void {
    const t = this.t;
    const id = t.index.get(key);
    for (const name of workers) {
      const w = this.workerIndex(name);
      if (w === undefined || !this.w.alive[w]) continue;
      if (id === undefined || t.state[id] !== MEMORY) this.pushRelease(w, key);
      else if (!t.isHolder(id, w)) t.addHolder(id, w);
    }
  }

  /** @internal Worker `w`'s cap from its slots and (adaptive) mean run time. */
  private capOf(w: number): number {
    const slots = this.w.slots[w];
    const mean = this.meanMs[w];
    if (!this.adaptive || mean === 0) return Math.max(1, Math.round(slots * this.queueFactor));
    return slots * Math.min(QUEUE_MAX, Math.max(QUEUE_MIN, Math.ceil(QUEUE_TARGET_MS / mean)));
  }

  /** @internal */ private onSubmit(e: Extract<CoreEvent, { type: 'submit' }>): void {
    if (this.subs.has(e.id)) {
      this.out.end({
        type: 'refused',
        id: e.id,
        error: new Error(`Submission ${e.id} is already running`),
      });
      return;
    }
    this.maybeReset();
    this.maybeCompact();
    const taken = intake(this.t, e.graph, e.wanted, e.priorities);
    if (!('wanted' in taken)) {
      this.out.end({ type: 'refused', id: e.id, error: taken });
      return;
    }
    this.log.reserve(5 * taken.needed.length);
    const wanted = taken.wanted;
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
      const id = wanted[i];
      t.wantPending[id]++;
      const list = this.wantedBy.get(id);
      if (list === undefined) this.wantedBy.set(id, [sub]);
      else list.push(sub);
    }
    this.activateNew(taken.needed, taken.oldDeps, idx);
    for (let i = 0; i < wanted.length; i++) {
      const id = wanted[i];
      const s = t.state[id];
      if (s === MEMORY) this.deliverKey(id);
      else if (s === ORPHAN) this.reclaim(id, S.C_SUBMIT, idx);
      else if (inactive(s)) this.activate(id, true, S.C_SUBMIT, idx, null);
    }
  }

  /** @internal Reports come in the order the worker runs its tasks: match them to its run queue first. */
  private onFinishedMany(
    keys: readonly string[],
    worker: WorkerId,
    nbytes: readonly number[],
  ): void {
    const w = this.workerIndex(worker);
    const t = this.t;
    const index = t.index;
    if (w === undefined || !this.w.alive[w]) {
      for (let i = 0; i < keys.length; i++)
        this.onFinished(keys[i], worker, nbytes[i] ?? 0, index.get(keys[i]), w);
      return;
    }
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      this.onFinished(key, worker, nbytes[i] ?? 0, this.runs.next(t, w, key) ?? index.get(key), w);
    }
    this.runs.trim(w);
  }

  /** @internal Task `found` (of `key`, undefined when unknown) finished on worker `wFound` (`worker`). */
  private onFinished(
    key: string,
    worker: WorkerId,
    nbytes: number,
    found: number | undefined,
    wFound: number | undefined,
  ): void {
    if (!this.isCurrent(found, wFound, key, worker, 'finished')) return;
    const t = this.t;
    // isCurrent: a known task, running on a live worker.
    const id = found!;
    const w = wFound!;
    this.ranOn(id, w);
    if (t.staleRuns.size > 0) this.forgetStaleCopy(id, w);
    if (this.staleCopies.size > 0) this.staleCopies.get(w)?.delete(id);
    if (t.state[id] === ORPHAN) {
      this.transition(id, RELEASED, S.C_FINISHED, w);
      this.pushRelease(w, key);
      return;
    }
    this.transition(id, MEMORY, S.C_FINISHED, w);
    if (this.attempts.size > 0) this.attempts.delete(id);
    t.holder0[id] = w;
    t.nbytes[id] = nbytes;
    if (isRoot(t, id)) this.admission.rootFinished(nbytes);
    const dl = t.dependents;
    for (let j = t.dtStart[id], e = t.dtEnd(id); j < e; j++) this.depArrived(dl[j]);
    const later = t.laterDependents(id);
    if (later !== undefined) for (const d of later) this.depArrived(d);
    if (t.wantPending[id] > 0) this.deliverKey(id);
    else if (t.remaining[id] === 0) this.dropQueue.push(id);
  }

  /**
   * @internal Task `id` stopped running on `w` (finished or erred): its place there is free, and
   * the inputs fetched to `w` for it are replicas there now (released with the original).
   */
  private ranOn(id: number, w: number): void {
    const t = this.t;
    this.stopRun(id, w);
    const deps = t.deps;
    for (let j = t.depStart[id], e = t.depEnd(id); j < e; j++) {
      const d = deps[j];
      if (t.holder0[d] === w || t.state[d] !== MEMORY) continue;
      // About to be released (this was its last user)? Then just release the copy on w too.
      if (t.remaining[d] === 1 && t.wantPending[d] === 0 && !this.held(d) && !t.isHolder(d, w))
        this.pushRelease(w, t.keys[d]);
      else t.addHolder(d, w);
    }
  }

  /** @internal Worker name to index, with a one-entry cache (events come in runs per worker). */
  private workerIndex(worker: WorkerId): number | undefined {
    if (worker === this.lastWorker) return this.lastWorkerIdx;
    const w = this.w.index.get(worker);
    this.lastWorker = worker;
    this.lastWorkerIdx = w;
    return w;
  }

  /** @internal */ private onErred(key: string, worker: WorkerId, error: SerializedError): void {
    const t = this.t;
    const found = t.index.get(key);
    const wFound = this.w.index.get(worker);
    if (!this.isCurrent(found, wFound, key, worker, 'erred')) return;
    // isCurrent: a known task, running on a live worker.
    const id = found!;
    const w = wFound!;
    this.ranOn(id, w);
    if (this.staleCopies.size > 0 && this.staleCopies.get(w)?.delete(id) === true)
      this.pushRelease(w, key);
    if (t.state[id] === PROCESSING && this.inputMissing(id)) return;
    if (t.state[id] === PROCESSING && this.retryErred(id, w, worker, error)) return;
    const note = this.log.note(`erred on ${worker}: ${error.name}: ${error.message}`);
    if (t.state[id] === ORPHAN) {
      this.transition(id, RELEASED, S.C_ERRED, note);
      return;
    }
    this.transition(id, ERRED, S.C_ERRED, note);
    const final = this.attempts.size > 0 ? this.finalError(id, error) : error;
    t.errors.set(id, { error: final, origin: id, lost: false });
    this.propagate([id]);
  }

  /**
   * @internal A co-assigned task erred because an input it was to read on its worker did not arrive: it
   * erred through that input (its own error is only "missing dependency"), or, when that input is
   * being retried, it waits again. Returns false when every input is in memory (a real error).
   */
  private inputMissing(id: number): boolean {
    const t = this.t;
    // The first erred input, else the last one not in memory.
    let bad = -1;
    t.everyDependency(id, (d) => {
      if (t.state[d] !== MEMORY) bad = d;
      return t.state[d] !== ERRED;
    });
    if (bad < 0) return false;
    if (t.state[bad] === ERRED) {
      const info = t.errors.get(bad)!;
      this.transition(id, ERRED, S.C_DEP_ERRED, bad);
      t.errors.set(id, { error: info.error, origin: info.origin, lost: info.lost });
      this.propagate([id]);
      return true;
    }
    this.transition(id, RELEASED, S.C_INPUT_LOST, bad);
    const erred: number[] = [];
    if (this.needed(id)) this.activate(id, false, S.C_NEEDED, bad, erred);
    if (erred.length > 0) this.propagate(erred);
    return true;
  }

  /** @internal */ private onDelivered(subId: string, keys: readonly string[]): void {
    const sub = this.subs.get(subId);
    if (sub === undefined) return; // ended already (cancelled, failed): stale
    const t = this.t;
    for (const key of keys) {
      const i = sub.indexOfKey(key, t.keys);
      if (i < 0)
        throw new Error(`Impossible event: delivered ${key} for ${subId}, which does not want it`);
      const id = sub.wanted[i];
      const st = sub.status[i];
      if (st === DELIVERED) continue;
      if (st === PENDING) {
        // Re-pended after its worker died, but the caller got it anyway.
        t.wantPending[id]--;
        this.dropQueue.push(id);
      }
      sub.status[i] = DELIVERED;
      sub.undelivered--;
    }
    if (sub.undelivered === 0) this.endSub(sub, { type: 'done', id: subId });
  }

  /** @internal */ private onCancel(subId: string, reason: string): void {
    const sub = this.subs.get(subId);
    if (sub === undefined) return; // ended already: stale
    this.dropState = CANCELLED;
    this.dropCause = S.C_CANCEL;
    this.dropArg = this.log.note(`cancel ${this.subNames[sub.idx]}: ${reason}`);
    this.endSub(sub, { type: 'cancelled', id: subId, reason });
    this.settle();
  }
}

// The core's state and its transitions, shared by the event handlers (core.ts, worker-loss.ts). A
// task is *needed* while a submission wants it (and has not been sent it), a dependent that has
// not finished holds it, or a client holds it (`wants`: a count per task, from `hold` events until
// `unwant`); everything follows from that one rule. Needed tasks are activated
// (released -> waiting/ready, transitively through released inputs); unneeded ones are dropped
// (queued ones never start, running ones become orphans whose results are released when they
// finish, results in memory are released at once). Ready tasks wait in a priority heap and are
// placed at the end of each `handle` call (assignment.ts); commands are batched (commands.ts).
//
// Co-assignment: when a task is assigned to worker W, each waiting dependent whose inputs are all
// in memory on W or running on W is assigned to W at once, after its inputs in the same batch (a
// worker runs its messages and batches in order and keeps its own results). Such a task is
// PROCESSING while an input is still PROCESSING on the same worker; if that input errs, the worker
// reports the dependent erred too, and the core records it as erred through its input.
// Co-assigned tasks do not count against a worker's cap (`slots * queueFactor` tasks taken from
// the ready heap): the cap paces root tasks; what follows from them on the same worker comes free.
//
// Every state change goes through `transition(id, to, cause, arg)`: it checks the pair against
// transition-table.ts (an illegal one throws with the key's story), records it in the story, sets
// the state and takes or lets go of the hold on the task's inputs. The callers keep what is
// particular to their event (holders, errors, counts of missing inputs).
//
// Every member below the public API is `@internal`: stripped from the published declarations.
import type { CoreCommand } from './events.js';
import { RootAdmission } from './admission.js';
import { CommandBatches } from './commands.js';
import { forgettable, liveTasks } from './compaction.js';
import { WorkerTable } from './placement.js';
import { ReadyHeap } from './ready-heap.js';
import { Restrictions } from './restrictions.js';
import { RunQueues } from './run-queues.js';
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
  TaskTable,
  WAITING,
  type ErrorInfo,
} from './task-table.js';
import { HOLD, HOLD_EFFECT, ILLEGAL, UNHOLD, illegalTransition } from './transition-table.js';

/** @internal Whether state `s` is released, cancelled or erred (a needed task there must be activated). */
export function inactive(s: number): boolean {
  return s === RELEASED || s === CANCELLED || s === ERRED;
}

/** See the file comment. */
export abstract class CoreTransitions {
  /** @internal */ t = new TaskTable();
  /** @internal */ heap = new ReadyHeap(this.t);
  /** @internal Ready roots held back until a worker has room for them (admission.ts). */
  readonly admission = new RootAdmission(this.t);
  /** @internal */ readonly w = new WorkerTable();
  /**
   * @internal Tasks given back by a steal, and the idle worker they were asked back for: placed
   * there when it has room (else where placement says), so they do not return to their inputs'
   * holder, the busy worker they came from (stealing.ts).
   */
  readonly stolenFor = new Map<number, number>();
  /** @internal */ log = new S.StoryLog();
  /** @internal */ readonly subs = new Map<string, Submission>();
  /** @internal */ subNames: string[] = [];
  /** @internal */ readonly wantedBy = new Map<number, Submission[]>();
  /** @internal Client-held tasks: how many holds each has (absent: none). */
  readonly wants = new Map<number, number>();
  /** @internal Worker restrictions and resources (restrictions.ts). */
  readonly rules = new Restrictions();
  /** @internal Per task that erred and has retries: how many of its runs erred (retries.ts). */
  readonly attempts = new Map<number, number>();
  /** @internal Per worker: keys it may hold as a stale copy while the key is being recomputed there. */
  protected readonly staleCopies = new Map<number, Set<number>>();
  /** @internal The commands this `handle` call has built so far. */
  protected readonly out = new CommandBatches();
  /** @internal Tasks that may have become unneeded, dropped by `settle` (into `dropState`, for `dropCause`). */
  protected dropQueue: number[] = [];
  /** @internal */ protected dropState = RELEASED;
  /** @internal */ protected dropCause = S.C_UNNEEDED;
  /** @internal */ protected dropArg = 0;
  /** @internal Per worker: the tasks sent to it, in order (finished reports come in this order). */
  protected readonly runs = new RunQueues();
  /** @internal */ protected readonly names: S.StoryNames = {
    key: (id) => (id < 0 ? '(a task since forgotten)' : (this.t.keys[id] ?? `#${id}`)),
    worker: (w) => this.w.names[w] ?? `#${w}`,
    submission: (s) => this.subNames[s] ?? `#${s}`,
  };

  /** @internal A new worker gets empty batches. */
  protected addBatches(): void {
    this.out.addWorker();
    this.runs.addWorker();
  }

  /**
   * @internal Moves task `id` to state `to` because of (`cause`, `arg`): see the file comment and
   * transition-table.ts.
   */
  protected transition(id: number, to: number, cause: number, arg: number): void {
    const t = this.t;
    const from = t.state[id];
    const effect = HOLD_EFFECT[from * 8 + to];
    if (effect === ILLEGAL) this.illegal(id, to);
    this.log.add(id, from, to, cause, arg);
    t.setState(id, to);
    if (effect === HOLD) this.hold(id);
    else if (effect === UNHOLD) this.unhold(id);
  }

  /** @internal Refuses an illegal transition (kept out of `transition`, which is on every task's path). */
  private illegal(id: number, to: number): never {
    const t = this.t;
    throw illegalTransition(t.keys[id], t.state[id], to, this.log.render(id, this.names));
  }

  /** @internal Task `id` stops running on `w` (finished, erred or taken back): frees its place there. */
  protected stopRun(id: number, w: number): void {
    const t = this.t;
    t.procWorker[id] = -1;
    if (t.coAssigned[id] === 1) t.coAssigned[id] = 0;
    else this.w.dec(w);
    this.rules.release(id);
  }

  /** @internal */
  needed(id: number): boolean {
    return (
      this.t.wantPending[id] > 0 ||
      this.t.remaining[id] > 0 ||
      (this.wants.size > 0 && this.wants.has(id))
    );
  }

  /**
   * @internal Whether some compute that is not a client hold waits for task `id`'s value (then the
   * worker sends it with `finished`); a held key's value stays on its worker.
   */
  valueWanted(id: number): boolean {
    if (this.wants.size === 0) return true;
    const subs = this.wantedBy.get(id);
    if (subs === undefined) return false;
    for (const sub of subs) if (!sub.hold) return true;
    return false;
  }

  /** @internal Whether a client holds task `id`. */
  held(id: number): boolean {
    return this.wants.size > 0 && this.wants.has(id);
  }

  /** @internal The task counts itself in the `remaining` of each input. */
  private hold(id: number): void {
    const t = this.t;
    const deps = t.deps;
    const remaining = t.remaining;
    for (let j = t.depStart[id], e = t.depEnd(id); j < e; j++) remaining[deps[j]]++;
  }

  /** @internal The task lets go of its inputs; one nobody needs any more is queued to be dropped. */
  private unhold(id: number): void {
    const t = this.t;
    const deps = t.deps;
    for (let j = t.depStart[id], e = t.depEnd(id); j < e; j++) {
      const d = deps[j];
      if (--t.remaining[d] === 0 && t.wantPending[d] === 0) this.dropQueue.push(d);
    }
  }

  /** @internal Drops every queued task that is no longer needed (iteratively: chains can be long). */
  protected settle(): void {
    const t = this.t;
    const q = this.dropQueue;
    while (q.length > 0) {
      const id = q.pop()!;
      if (this.needed(id)) continue;
      const s = t.state[id];
      if (s === MEMORY) {
        this.transition(id, RELEASED, S.C_RELEASED_ON, 0);
        const h0 = t.holder0[id];
        if (this.w.alive[h0]) this.pushRelease(h0, t.keys[id]);
        const extra = t.extraHolders.get(id);
        if (extra !== undefined)
          for (const h of extra) if (this.w.alive[h]) this.pushRelease(h, t.keys[id]);
        t.clearHolders(id);
      } else if (s === WAITING || s === READY) {
        this.transition(id, this.dropState, this.dropCause, this.dropArg);
      } else if (s === PROCESSING) {
        this.transition(id, ORPHAN, this.dropCause, this.dropArg);
      }
    }
    this.dropState = RELEASED;
    this.dropCause = S.C_UNNEEDED;
    this.dropArg = 0;
  }

  /** @internal An orphan (running, unneeded) is needed again. */
  protected reclaim(id: number, cause: number, arg: number): void {
    this.transition(id, PROCESSING, cause, arg);
  }

  /** @internal A released task becomes waiting on its missing inputs, or ready. */
  private wake(id: number, cause: number, arg: number): void {
    const t = this.t;
    const state = t.state;
    let missing = 0;
    let running = 0;
    const deps = t.deps;
    for (let j = t.depStart[id], e = t.depEnd(id); j < e; j++) {
      const sd = state[deps[j]];
      if (sd !== MEMORY) {
        missing++;
        if (sd === PROCESSING) running++;
      }
    }
    t.waitCount[id] = missing;
    t.started[id] = running;
    if (missing > 0) this.transition(id, WAITING, cause, arg);
    else {
      this.transition(id, READY, cause, arg);
      this.heap.push(id);
    }
  }

  /**
   * @internal Makes a needed inactive task waiting or ready, activating its inactive inputs in
   * turn. With `retry`, erred tasks are tried again; without, an erred input is collected into
   * `erred`.
   */
  protected activate(
    root: number,
    retry: boolean,
    cause: number,
    arg: number,
    erred: number[] | null,
  ): void {
    const t = this.t;
    const stack = [root];
    let first = true;
    while (stack.length > 0) {
      const id = stack.pop()!;
      const s = t.state[id];
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
      // Inputs first, so they are ready before their dependents count them.
      t.forEachDependency(id, (d) => {
        const sd = t.state[d];
        if (inactive(sd) || sd === ORPHAN) stack.push(d);
      });
      const own = first || cause === S.C_SUBMIT;
      first = false;
      this.wake(id, own ? cause : S.C_NEEDED, own ? arg : root);
    }
  }

  /** @internal Activates the new tasks a submit needs, given dependencies first (see intake.ts). */
  protected activateNew(needed: Int32Array, oldDeps: readonly number[], idx: number): void {
    const t = this.t;
    for (const d of oldDeps) {
      const s = t.state[d];
      if (s === ORPHAN) this.reclaim(d, S.C_SUBMIT, idx);
      else if (inactive(s)) this.activate(d, true, S.C_SUBMIT, idx, null);
    }
    for (let i = 0; i < needed.length; i++) this.wake(needed[i], S.C_SUBMIT, idx);
  }

  /** @internal Marks the waiting dependents of erred tasks erred, transitively, and fails their computes. */
  protected propagate(roots: number[]): void {
    const t = this.t;
    const failed = new Map<Submission, ErrorInfo>();
    let eachFailed: (Submission | number)[] | undefined;
    const queue = roots.slice();
    for (let i = 0; i < queue.length; i++) {
      const id = queue[i];
      const info = t.errors.get(id)!;
      const subs = this.wantedBy.get(id);
      if (subs !== undefined) {
        for (const sub of subs) {
          const k = sub.indexOf(id);
          if (sub.status[k] !== PENDING) continue;
          if (sub.each) (eachFailed ??= []).push(sub, id);
          else if (!failed.has(sub)) failed.set(sub, info);
        }
      }
      t.forEachDependent(id, (d) => {
        const s = t.state[d];
        if (s === PROCESSING || s === ORPHAN) {
          // Co-assigned after `id` on its worker: it will report erred too (stale, ignored).
          this.takeBack(d, []);
          if (s === ORPHAN) {
            this.transition(d, RELEASED, S.C_DEP_ERRED, id);
            return;
          }
        } else if (s !== WAITING) return;
        this.transition(d, ERRED, S.C_DEP_ERRED, id);
        t.errors.set(d, { error: info.error, origin: info.origin, lost: info.lost });
        queue.push(d);
      });
    }
    if (eachFailed !== undefined) this.failEach(eachFailed);
    for (const [sub, info] of failed) {
      const origin = info.origin;
      const story = this.log.render(origin, this.names);
      const key = t.keys[origin];
      this.endSub(
        sub,
        info.lost
          ? { type: 'lost', id: sub.id, key, story }
          : { type: 'failed', id: sub.id, key, error: info.error, story },
      );
    }
  }

  /**
   * @internal Running task `d` is taken back from its worker, which still runs it and will report
   * it (stale); `fetched` are the inputs that run copied there, to drop when it reports.
   */
  protected takeBack(d: number, fetched: number[]): number {
    const t = this.t;
    const x = t.procWorker[d];
    this.stopRun(d, x);
    const runs = t.staleRuns.get(d);
    if (runs === undefined) t.staleRuns.set(d, [{ w: x, fetched }]);
    else runs.push({ w: x, fetched });
    return x;
  }

  /**
   * @internal Wanted keys of submissions that settle `each` key erred (pairs of submission and
   * task id): each is reported alone and counted as settled; a submission with none left ends.
   */
  private failEach(pairs: (Submission | number)[]): void {
    const t = this.t;
    for (let j = 0; j < pairs.length; j += 2) {
      const sub = pairs[j] as Submission;
      const id = pairs[j + 1] as number;
      const k = sub.indexOf(id);
      if (!this.subs.has(sub.id) || sub.status[k] !== PENDING) continue;
      const info = t.errors.get(id)!;
      const story = this.log.render(info.origin, this.names);
      const key = t.keys[id];
      const origin = t.keys[info.origin];
      this.out.end({
        type: 'key-failed',
        id: sub.id,
        key,
        origin,
        error: info.error,
        lost: info.lost,
        story,
      });
      this.settleEach(sub, k);
    }
  }

  /** @internal Wanted key `k` of `sub` (which settles each key) is settled without a delivery. */
  private settleEach(sub: Submission, k: number): void {
    const id = sub.wanted[k];
    sub.status[k] = DELIVERED;
    if (--this.t.wantPending[id] === 0) this.dropQueue.push(id);
    if (--sub.undelivered === 0) this.endSub(sub, { type: 'done', id: sub.id });
  }

  /** @internal Task `id` is held by no client any more: submissions that settle each key drop it. */
  protected dropFromBatches(id: number): void {
    const subs = this.wantedBy.get(id);
    if (subs === undefined) return;
    for (const sub of [...subs]) {
      if (!sub.each) continue;
      const k = sub.indexOf(id);
      if (sub.status[k] === PENDING) this.settleEach(sub, k);
    }
  }

  /** @internal Ends a submission with its terminal command and lets go of what it wanted. */
  protected endSub(sub: Submission, cmd: CoreCommand): void {
    const t = this.t;
    this.subs.delete(sub.id);
    this.out.end(cmd);
    for (let i = 0; i < sub.wanted.length; i++) {
      const id = sub.wanted[i];
      const list = this.wantedBy.get(id);
      if (list?.length === 1) {
        // Wanted by this submission alone (the common case): no splice (it makes an array).
        if (list[0] === sub) this.wantedBy.delete(id);
      } else if (list !== undefined) {
        const j = list.indexOf(sub);
        if (j >= 0) list.splice(j, 1);
      }
      if (sub.status[i] === PENDING) {
        t.wantPending[id]--;
        this.dropQueue.push(id);
      }
    }
  }

  /** @internal Sends a wanted key in memory to each submission waiting for it. */
  protected deliverKey(id: number): void {
    const t = this.t;
    const subs = this.wantedBy.get(id);
    if (subs === undefined) return;
    const from = t.holder0[id];
    const worker = this.w.names[from];
    const key = t.keys[id];
    let holds: Submission[] | undefined;
    for (const sub of subs) {
      const i = sub.indexOf(id);
      if (sub.status[i] !== PENDING) continue;
      if (sub.hold) {
        // A client holds it: nothing is sent; the submission is done once every key is (ended
        // after this loop, which ending would disturb).
        sub.status[i] = DELIVERED;
        if (sub.each) this.out.end({ type: 'held', id: sub.id, key });
        // Let go of before it was ready: released unless something else needs it (settle).
        if (--t.wantPending[id] === 0) this.dropQueue.push(id);
        if (--sub.undelivered === 0) (holds ??= []).push(sub);
        continue;
      }
      sub.sent(i);
      sub.from[i] = from;
      const move = --t.wantPending[id] === 0 && t.remaining[id] === 0 && !this.held(id);
      this.out.deliver(sub.id, sub.idx, from, worker, key, move);
      if (move) {
        this.transition(id, RELEASED, S.C_MOVED, sub.idx);
        const extra = t.extraHolders.get(id);
        if (extra !== undefined)
          for (const h of extra) if (this.w.alive[h]) this.pushRelease(h, key);
        t.clearHolders(id);
        break;
      }
    }
    if (holds !== undefined)
      for (const sub of holds) this.endSub(sub, { type: 'done', id: sub.id });
  }

  /** @internal A dependency of waiting task `d` is in memory now. */
  protected depArrived(d: number): void {
    const t = this.t;
    if (t.state[d] !== WAITING) return;
    if (t.started[d] > 0) t.started[d]--;
    if (--t.waitCount[d] === 0) {
      this.transition(d, READY, S.C_INPUTS, 0);
      this.heap.push(d);
    }
  }

  /** @internal w's copy of `id` is now tracked (or gone): no stale run may drop it later. */
  protected forgetStaleCopy(id: number, w: number): void {
    for (const runs of this.t.staleRuns.values()) {
      for (const r of runs) {
        if (r.w !== w) continue;
        const i = r.fetched.indexOf(id);
        if (i >= 0) (r.fetched as number[]).splice(i, 1);
      }
    }
  }

  /** @internal Worker `w` drops its copy of `key`. */
  protected pushRelease(w: number, key: string): void {
    if (this.t.staleRuns.size > 0) this.forgetStaleCopy(this.t.index.get(key)!, w);
    this.out.release(w, key);
  }

  /** @internal A submit compacts a table of at least this many tasks (see compaction.ts). */
  compactAt = 1 << 16;
  /** @internal The table's size after the last compaction: the next waits until it has doubled. */
  private compactedSize = 0;

  /** @internal Forgets what no running compute needs when the table has grown enough (compaction.ts). */
  protected maybeCompact(): void {
    const t = this.t;
    if (t.size < this.compactAt || t.size < 2 * this.compactedSize) return;
    if (8 * forgettable(t) < t.size) {
      // Too little to forget for a pass over the table (compaction.ts): wait for the next doubling.
      this.compactedSize = t.size;
      return;
    }
    const roots: number[] = [];
    for (const sub of this.subs.values()) for (const id of sub.wanted) roots.push(id);
    for (const ids of this.staleCopies.values()) for (const id of ids) roots.push(id);
    for (const id of this.wants.keys()) roots.push(id);
    const map = t.compact(liveTasks(t, roots));
    this.compactedSize = t.size;
    this.heap.remap(map);
    this.admission.queue.remap(map);
    this.stolenFor.clear(); // a preference only: dropped rather than remapped
    this.log.remap(map);
    for (const sub of this.subs.values()) sub.remap(map);
    const wantedBy = [...this.wantedBy];
    this.wantedBy.clear();
    for (const [id, subs] of wantedBy) this.wantedBy.set(map[id], subs);
    const wants = [...this.wants];
    this.wants.clear();
    for (const [id, n] of wants) this.wants.set(map[id], n);
    for (const [w, ids] of this.staleCopies) {
      this.staleCopies.set(w, new Set([...ids].map((id) => map[id])));
    }
    this.runs.remap(map);
    this.rules.remap(map);
    const attempts = [...this.attempts];
    this.attempts.clear();
    for (const [id, n] of attempts) if (map[id] >= 0) this.attempts.set(map[id], n);
  }

  /** @internal With no compute running and nothing held, start over with empty tables (bounded memory). */
  protected maybeReset(): void {
    const c = this.t.stateCounts;
    if (this.subs.size > 0 || this.t.size === 0 || this.t.staleRuns.size > 0) return;
    if (this.wants.size > 0) return;
    if (c[PROCESSING] + c[ORPHAN] + c[MEMORY] + c[WAITING] + c[READY] > 0) return;
    // Same storage, emptied: the next submit needs no new arrays.
    this.t.clear();
    this.compactedSize = 0;
    this.heap.clear();
    this.admission.clear();
    this.stolenFor.clear();
    this.log.clear();
    this.subNames = [];
    this.wantedBy.clear();
    this.staleCopies.clear();
    this.runs.clear();
    this.rules.clearTasks();
    this.attempts.clear();
  }
}

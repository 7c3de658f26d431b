// The core's state and its transitions, shared by the event handlers (core.ts, worker-loss.ts). A
// task is *needed* while a submission wants it (and has not been sent it) or a dependent that has
// not finished holds it; everything follows from that one rule. Needed tasks are activated
// (released -> waiting/ready, transitively through released inputs); unneeded ones are dropped
// (queued ones never start, running ones become orphans whose results are released when they
// finish, results in memory are released at once). Ready tasks wait in a priority heap and are
// placed at the end of each `handle` call; commands are batched per worker.
//
// Co-assignment: when a task is assigned to worker W, each waiting dependent whose inputs are all
// in memory on W or running on W is assigned to W at once, after its inputs in the same batch (a
// worker runs its messages and batches in order and keeps its own results). Such a task is
// PROCESSING while an input is still PROCESSING on the same worker; if that input errs, the worker
// reports the dependent erred too, and the core records it as erred through its input.
// Co-assigned tasks do not count against a worker's cap (`slots * queueFactor` tasks taken from
// the ready heap): the cap paces root tasks; what follows from them on the same worker comes free.
import type { GraphNode } from '@dask-ts/protocol';
import type { CoreCommand, WorkerId } from './events.js';
import { liveTasks } from './compaction.js';
import { WorkerTable } from './placement.js';
import { ReadyHeap } from './ready-heap.js';
import * as S from './story.js';
import { PENDING, SENT, Submission } from './submission.js';
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

const NO_FETCH: ReadonlyArray<readonly [string, WorkerId]> = Object.freeze([]);

/** One worker's compute command being built during a `handle` call (see `assign`). */
interface ComputeBatch {
  readonly keys: string[];
  readonly nodes: GraphNode[];
  /** Positions in `keys` of tasks a compute wants (their values may come with `finished`). */
  want: number[] | undefined;
  fetch: (readonly [string, WorkerId])[] | undefined;
  /** Ids already in `fetch` (each input is copied once per batch). */
  fetched: Set<number> | undefined;
}

/** Whether state `s` is released, cancelled or erred (a needed task there must be activated). */
export function inactive(s: number): boolean {
  return s === RELEASED || s === CANCELLED || s === ERRED;
}

/** See the file comment. */
export abstract class CoreTransitions {
  /** @internal */ t = new TaskTable();
  /** @internal */ heap = new ReadyHeap(this.t);
  /** @internal */ readonly w = new WorkerTable();
  /** @internal */ log = new S.StoryLog();
  /** @internal */ readonly subs = new Map<string, Submission>();
  /** @internal */ subNames: string[] = [];
  /** @internal */ readonly wantedBy = new Map<number, Submission[]>();
  /** Per worker: keys it may hold as a stale copy while the key is being recomputed there. */
  protected readonly staleCopies = new Map<number, Set<number>>();
  // Per-handle batches.
  private computeBatch: (ComputeBatch | undefined)[] = [];
  private releaseBatch: (string[] | undefined)[] = [];
  private deliverBatch = new Map<
    string,
    { id: string; worker: WorkerId; keys: string[]; release: boolean }
  >();
  protected terminal: CoreCommand[] = [];
  // Work queues.
  protected dropQueue: number[] = [];
  protected dropState = RELEASED;
  protected dropCause = S.C_UNNEEDED;
  protected dropArg = 0;
  private readonly coStack: number[] = [];
  /** Per worker: tasks assigned to it, in the order sent (finished reports come in this order). */
  protected runQueue: number[][] = [];
  protected runHead: number[] = [];
  protected readonly names: S.StoryNames = {
    key: (id) => (id < 0 ? '(a task since forgotten)' : (this.t.keys[id] ?? `#${id}`)),
    worker: (w) => this.w.names[w] ?? `#${w}`,
    submission: (s) => this.subNames[s] ?? `#${s}`,
  };

  /** A new worker gets empty batches. */
  protected addBatches(): void {
    this.computeBatch.push(undefined);
    this.releaseBatch.push(undefined);
    this.runQueue.push([]);
    this.runHead.push(0);
  }

  /** Task `id` stops running on `w` (finished, erred or taken back): frees its place there. */
  protected stopRun(id: number, w: number): void {
    const t = this.t;
    t.procWorker[id] = -1;
    if (t.coAssigned[id] === 1) t.coAssigned[id] = 0;
    else this.w.dec(w);
  }

  /** @internal */
  needed(id: number): boolean {
    return this.t.wantPending[id]! > 0 || this.t.remaining[id]! > 0;
  }

  protected hold(id: number): void {
    const t = this.t;
    if (t.holds[id] === 1) return;
    t.holds[id] = 1;
    const s = t.depStart[id]!;
    const e = s + t.depCount[id]!;
    const deps = t.deps;
    const remaining = t.remaining;
    for (let j = s; j < e; j++) remaining[deps[j]!]++;
  }

  protected unhold(id: number): void {
    const t = this.t;
    if (t.holds[id] === 0) return;
    t.holds[id] = 0;
    const s = t.depStart[id]!;
    const e = s + t.depCount[id]!;
    const deps = t.deps;
    const remaining = t.remaining;
    for (let j = s; j < e; j++) {
      const d = deps[j]!;
      if (--remaining[d]! === 0 && t.wantPending[d] === 0) this.dropQueue.push(d);
    }
  }

  /** Drops every queued task that is no longer needed (iteratively: chains can be long). */
  protected settle(): void {
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
        if (extra !== undefined)
          for (const h of extra) if (this.w.alive[h]) this.pushRelease(h, t.keys[id]!);
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
  protected reclaim(id: number, cause: number, arg: number): void {
    this.log.add(id, ORPHAN, PROCESSING, cause, arg);
    this.t.setState(id, PROCESSING);
  }

  /** A released task becomes waiting on its `n` missing inputs, or ready. */
  private wake(id: number, s: number, cause: number, arg: number): void {
    const t = this.t;
    this.hold(id);
    let n = 0;
    let running = 0;
    const ds = t.depStart[id]!;
    const de = ds + t.depCount[id]!;
    const deps = t.deps;
    const state = t.state;
    for (let j = ds; j < de; j++) {
      const sd = state[deps[j]!]!;
      if (sd !== MEMORY) {
        n++;
        if (sd === PROCESSING) running++;
      }
    }
    t.waitCount[id] = n;
    t.started[id] = running;
    const to = n === 0 ? READY : WAITING;
    this.log.add(id, s, to, cause, arg);
    t.setState(id, to);
    if (to === READY) this.heap.push(id);
  }

  /**
   * Makes a needed inactive task waiting or ready, activating its inactive inputs in turn. With
   * `retry`, erred tasks are tried again; without, an erred input is collected into `erred`.
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
      // Inputs first, so they are ready before their dependents count them.
      const ds = t.depStart[id]!;
      const de = ds + t.depCount[id]!;
      for (let j = ds; j < de; j++) {
        const sd = t.state[t.deps[j]!]!;
        if (inactive(sd) || sd === ORPHAN) stack.push(t.deps[j]!);
      }
      const own = first || cause === S.C_SUBMIT;
      first = false;
      this.wake(id, s, own ? cause : S.C_NEEDED, own ? arg : root);
    }
  }

  /** Activates the new tasks a submit needs, given dependencies first (see intake.ts). */
  protected activateNew(needed: Int32Array, oldDeps: readonly number[], idx: number): void {
    const t = this.t;
    for (const d of oldDeps) {
      const s = t.state[d]!;
      if (s === ORPHAN) this.reclaim(d, S.C_SUBMIT, idx);
      else if (inactive(s)) this.activate(d, true, S.C_SUBMIT, idx, null);
    }
    for (let i = 0; i < needed.length; i++) this.wake(needed[i]!, RELEASED, S.C_SUBMIT, idx);
  }

  /** Marks the waiting dependents of erred tasks erred, transitively, and fails their computes. */
  protected propagate(roots: number[]): void {
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
      t.forEachDependent(id, (d) => {
        const s = t.state[d]!;
        if (s === PROCESSING || s === ORPHAN) {
          // Co-assigned after `id` on its worker: it will report erred too (stale, ignored).
          const x = t.procWorker[d]!;
          this.stopRun(d, x);
          const runs = t.staleRuns.get(d);
          if (runs === undefined) t.staleRuns.set(d, [{ w: x, fetched: [] }]);
          else runs.push({ w: x, fetched: [] });
          if (s === ORPHAN) {
            this.log.add(d, ORPHAN, RELEASED, S.C_DEP_ERRED, id);
            t.setState(d, RELEASED);
            this.unhold(d);
            return;
          }
        } else if (s !== WAITING) return;
        this.log.add(d, s, ERRED, S.C_DEP_ERRED, id);
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

  /** Ends a submission with its terminal command and lets go of what it wanted. */
  protected endSub(sub: Submission, cmd: CoreCommand): void {
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
  protected deliverKey(id: number): void {
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
        if (extra !== undefined)
          for (const h of extra) if (this.w.alive[h]) this.pushRelease(h, key);
        t.clearHolders(id);
        return;
      }
    }
  }

  /** A dependency of waiting task `d` is in memory now. */
  protected depArrived(d: number): void {
    const t = this.t;
    if (t.state[d] !== WAITING) return;
    if (t.started[d]! > 0) t.started[d]--;
    if (--t.waitCount[d]! === 0) {
      this.log.add(d, WAITING, READY, S.C_INPUTS, 0);
      t.setState(d, READY);
      this.heap.push(d);
    }
  }

  /** w's copy of `id` is now tracked (or gone): no stale run may drop it later. */
  protected forgetStaleCopy(id: number, w: number): void {
    for (const runs of this.t.staleRuns.values()) {
      for (const r of runs) {
        if (r.w !== w) continue;
        const i = r.fetched.indexOf(id);
        if (i >= 0) (r.fetched as number[]).splice(i, 1);
      }
    }
  }

  protected pushRelease(w: number, key: string): void {
    if (this.t.staleRuns.size > 0) this.forgetStaleCopy(this.t.index.get(key)!, w);
    const b = this.releaseBatch[w];
    if (b === undefined) this.releaseBatch[w] = [key];
    else b.push(key);
  }

  // ---------------------------------------------------------------- placement and output

  protected schedule(): void {
    const t = this.t;
    const heap = this.heap;
    const wt = this.w;
    while (heap.size > 0 && wt.freeCount > 0) {
      const id = heap.peek();
      if (t.state[id] !== READY) {
        heap.pop();
        continue;
      }
      const w = wt.choose(t, id, heap.size);
      if (w < 0) break;
      heap.pop();
      this.assign(id, w, READY);
      this.coAssign(id, w);
    }
  }

  /** Assigns to `w` every waiting dependent of `root` (transitively) whose inputs are all on `w`. */
  private coAssign(root: number, w: number): void {
    const t = this.t;
    const stack = this.coStack;
    stack.push(root);
    while (stack.length > 0) {
      const id = stack.pop()!;
      const s = t.dtStart[id]!;
      const e = s + t.dtCount[id]!;
      const dl = t.dependents;
      for (let j = s; j < e; j++) if (this.tryCoAssign(dl[j]!, w)) stack.push(dl[j]!);
      if (t.extraDependents.size > 0) {
        const extra = t.extraDependents.get(id);
        if (extra !== undefined) for (const d of extra) if (this.tryCoAssign(d, w)) stack.push(d);
      }
    }
  }

  private tryCoAssign(d: number, w: number): boolean {
    const t = this.t;
    if (t.state[d] !== WAITING) return false;
    if (++t.started[d]! < t.waitCount[d]!) return false;
    const s = t.depStart[d]!;
    const e = s + t.depCount[d]!;
    const deps = t.deps;
    for (let j = s; j < e; j++) {
      const x = deps[j]!;
      const sx = t.state[x]!;
      if (sx === PROCESSING ? t.procWorker[x] !== w : !(sx === MEMORY && t.isHolder(x, w)))
        return false;
    }
    this.assign(d, w, WAITING);
    t.coAssigned[d] = 1;
    return true;
  }

  private assign(id: number, w: number, from: number): void {
    const t = this.t;
    this.log.add(id, from, PROCESSING, S.C_ASSIGN, w);
    t.setState(id, PROCESSING);
    t.procWorker[id] = w;
    if (from === READY) this.w.inc(w);
    let b = this.computeBatch[w];
    if (b === undefined) {
      b = { keys: [], nodes: [], want: undefined, fetch: undefined, fetched: undefined };
      this.computeBatch[w] = b;
    }
    const s = t.depStart[id]!;
    const e = s + t.depCount[id]!;
    for (let j = s; j < e; j++) {
      const d = t.deps[j]!;
      if (t.holder0[d] === w || t.state[d] !== MEMORY || t.isHolder(d, w)) continue;
      if (b.fetched === undefined) {
        b.fetched = new Set();
        b.fetch = [];
      } else if (b.fetched.has(d)) continue;
      b.fetched.add(d);
      b.fetch!.push([t.keys[d]!, this.w.names[t.holder0[d]!]!]);
    }
    this.runQueue[w]!.push(id);
    if (t.wantPending[id]! > 0) (b.want ??= []).push(b.keys.length);
    b.keys.push(t.keys[id]!);
    b.nodes.push(t.nodes[id]!);
  }

  protected flush(): CoreCommand[] {
    const out: CoreCommand[] = [];
    if (this.deliverBatch.size > 0) {
      for (const b of this.deliverBatch.values())
        if (!b.release) out.push({ type: 'deliver', ...b });
      for (const b of this.deliverBatch.values())
        if (b.release) out.push({ type: 'deliver', ...b });
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
      const b = this.computeBatch[w];
      if (b === undefined) continue;
      this.computeBatch[w] = undefined;
      const { keys, nodes } = b;
      const fetch = b.fetch ?? NO_FETCH;
      if (b.want === undefined)
        out.push({ type: 'compute', worker: names[w]!, keys, nodes, fetch });
      else out.push({ type: 'compute', worker: names[w]!, keys, nodes, fetch, want: b.want });
    }
    if (this.terminal.length > 0) {
      for (const c of this.terminal) out.push(c);
      this.terminal = [];
    }
    return out;
  }

  /** @internal A submit compacts a table of at least this many tasks (see compaction.ts). */
  compactAt = 1 << 16;
  /** The table's size after the last compaction: the next waits until it has doubled. */
  private compactedSize = 0;

  /** Forgets what no running compute needs when the table has grown enough (compaction.ts). */
  protected maybeCompact(): void {
    const t = this.t;
    if (t.size < this.compactAt || t.size < 2 * this.compactedSize) return;
    const roots: number[] = [];
    for (const sub of this.subs.values()) for (const id of sub.wanted) roots.push(id);
    for (const ids of this.staleCopies.values()) for (const id of ids) roots.push(id);
    const map = t.compact(liveTasks(t, roots));
    this.compactedSize = t.size;
    this.heap.remap(map);
    this.log.remap(map);
    for (const sub of this.subs.values()) sub.remap(map);
    const wantedBy = [...this.wantedBy];
    this.wantedBy.clear();
    for (const [id, subs] of wantedBy) this.wantedBy.set(map[id]!, subs);
    for (const [w, ids] of this.staleCopies) {
      this.staleCopies.set(w, new Set([...ids].map((id) => map[id]!)));
    }
    for (let w = 0; w < this.runQueue.length; w++) {
      const q = this.runQueue[w]!;
      const kept: number[] = [];
      for (let i = this.runHead[w]!; i < q.length; i++)
        if (map[q[i]!]! >= 0) kept.push(map[q[i]!]!);
      this.runQueue[w] = kept;
      this.runHead[w] = 0;
    }
  }

  /** With no compute running and nothing held, start over with empty tables (bounded memory). */
  protected maybeReset(): void {
    const c = this.t.stateCounts;
    if (this.subs.size > 0 || this.t.size === 0 || this.t.staleRuns.size > 0) return;
    if (c[PROCESSING]! + c[ORPHAN]! + c[MEMORY]! + c[WAITING]! + c[READY]! > 0) return;
    // Same storage, emptied: the next submit needs no new arrays.
    this.t.clear();
    this.compactedSize = 0;
    this.heap.clear();
    this.log.clear();
    this.subNames = [];
    this.wantedBy.clear();
    this.staleCopies.clear();
    for (let w = 0; w < this.runQueue.length; w++) {
      this.runQueue[w] = [];
      this.runHead[w] = 0;
    }
  }
}

// Losing workers, and the stale reports that follow. A removed worker's running tasks and the
// results only it held are lost: they are recomputed (each up to `maxRetries` losses, then their
// computes end `lost`), deliveries sent from it are redone. Every death counts, a result moved out
// to a caller who never got it included; a worker the shell stopped on purpose (`stopped`: it ran
// a task nobody wanted anymore) costs no retries. The error of a task lost once too often says
// why its worker died, what that worker was running, and which workers went down while it ran. A task running elsewhere that was to
// fetch a lost result is taken back (with the tasks co-assigned after it on its worker, which read
// its result); its worker will still report it, and that report is stale: ignored, with whatever
// it left on that worker released.
import { functionName, type GraphNode, type SerializedError } from '@dask-ts/protocol';
import type { WorkerId } from './events.js';
import * as S from './story.js';
import { PENDING, SENT } from './submission.js';
import {
  CANCELLED,
  ERRED,
  MEMORY,
  ORPHAN,
  PROCESSING,
  READY,
  RELEASED,
  STATE_NAMES,
  WAITING,
} from './task-table.js';
import { CoreAssignment } from './assignment.js';

/** See the file comment. */
export abstract class CoreWorkers extends CoreAssignment {
  /** @internal */ protected abstract readonly maxRetries: number;
  /** @internal */ protected lastWorker: WorkerId | undefined;
  /** @internal The workers lost while a task ran there, since it was last lost for the first time. */
  private readonly tookDown = new Map<string, WorkerId[]>();

  /**
   * The task `worker` runs now (the first sent to it that it has not reported), with whether a
   * compute still needs it; undefined when it runs none (or is unknown).
   *
   * @example
   * const r = core.running('thread-0'); // { key: 'spin-3', needed: false }
   */
  running(worker: WorkerId): { readonly key: string; readonly needed: boolean } | undefined {
    const w = this.w.index.get(worker);
    if (w === undefined || !this.w.alive[w]) return undefined;
    const id = this.runs.head(this.t, w);
    if (id < 0) return undefined;
    return { key: this.t.keys[id], needed: this.t.state[id] === PROCESSING };
  }

  /** @internal */
  protected onRemoveWorker(name: WorkerId, why: string, stopped = false): void {
    const wt = this.w;
    const w = wt.index.get(name);
    if (w === undefined)
      throw new Error(`Impossible event: remove-worker ${name}, a worker never added`);
    if (!wt.alive[w]) return;
    // Counted toward maxRetries unless the shell stopped the worker on purpose.
    const lose = stopped ? 0 : 1;
    const head = this.runs.head(this.t, w);
    const reason =
      head < 0
        ? why
        : `${why} (while running ${this.t.keys[head]}, function ${describeFn(this.t.nodes[head])})`;
    this.lastWorker = undefined;
    this.staleCopies.delete(w);
    for (const [id, runs] of this.t.staleRuns) {
      const left = runs.filter((r) => r.w !== w);
      if (left.length === 0) this.t.staleRuns.delete(id);
      else this.t.staleRuns.set(id, left);
    }
    wt.remove(w);
    this.runs.clear(w);
    // A task that may run elsewhere once its named workers are gone is placed again.
    this.rules.removeWorker(w);
    const t = this.t;
    const note = this.log.note(`worker ${name} removed: ${reason}`);
    // Deliveries sent from w and not acknowledged: want them again.
    const lostResults: number[] = [];
    const candidates: number[] = [];
    const redeliver: number[] = [];
    const moved = new Set<number>();
    for (const sub of this.subs.values()) {
      for (let i = 0; i < sub.wanted.length; i++) {
        if (sub.status[i] === SENT && sub.from[i] === w) {
          sub.status[i] = PENDING;
          const id = sub.wanted[i];
          t.wantPending[id]++;
          // Moved out of w and lost with it (never delivered): a loss like any other.
          if (t.state[id] === RELEASED && !moved.has(id)) {
            moved.add(id);
            t.lostCount[id] += lose;
          }
          candidates.push(id); // moved out of w (or lost with it): compute it again
          redeliver.push(id); // or deliver it from another holder
        }
      }
    }
    for (let id = 0; id < t.size; id++) {
      const s = t.state[id];
      if ((s === PROCESSING || s === ORPHAN) && t.procWorker[id] === w) {
        t.procWorker[id] = -1;
        t.coAssigned[id] = 0;
        this.rules.release(id);
        this.transition(id, RELEASED, S.C_WORKER_REMOVED, note);
        if (s === PROCESSING) {
          t.lostCount[id] += lose;
          candidates.push(id);
          if (lose > 0) {
            const key = t.keys[id];
            const before = t.lostCount[id] > 1 ? this.tookDown.get(key) : undefined;
            this.tookDown.set(key, before === undefined ? [name] : [...before, name]);
          }
        }
      } else if (s === MEMORY && t.isHolder(id, w) && !t.removeHolder(id, w)) {
        this.transition(id, RELEASED, S.C_WORKER_REMOVED, note);
        t.lostCount[id] += lose;
        lostResults.push(id);
        candidates.push(id);
      }
    }
    this.inputsLost(lostResults, candidates, -1);
    this.recompute(candidates, reason, note);
    // Deliveries to redo of keys still in memory elsewhere (lost ones are delivered when recomputed).
    for (const id of redeliver) if (t.state[id] === MEMORY) this.deliverKey(id);
  }

  /**
   * @internal Results `lost` are gone: their dependents that counted them as in memory wait again,
   * and the running ones are taken back (with the tasks co-assigned after them on their worker,
   * which read their results), each added to `candidates`. With `onlyOn` >= 0 the results are
   * still held elsewhere: only the dependents running on worker `onlyOn` (which could not fetch
   * them) are taken back.
   */
  protected inputsLost(lost: readonly number[], candidates: number[], onlyOn: number): void {
    const t = this.t;
    const takenFrom = new Map<number, number>();
    const takeBack: number[] = [];
    const take = (d: number, s: number, cause: number): void => {
      // Remember what that run fetched to its worker x, to drop it there later.
      const x = t.procWorker[d];
      this.takeBack(
        d,
        this.copiedTo(d, x, (dd) => takenFrom.get(dd) === x),
      );
      this.transition(d, RELEASED, S.C_INPUT_LOST, cause);
      takenFrom.set(d, x);
      takeBack.push(d);
      if (s === PROCESSING) candidates.push(d);
    };
    for (const l of lost) {
      t.forEachDependent(l, (d) => {
        const s = t.state[d];
        if (onlyOn >= 0) {
          if ((s === PROCESSING || s === ORPHAN) && t.procWorker[d] === onlyOn) take(d, s, l);
        } else if (s === WAITING) t.waitCount[d]++;
        else if (s === READY) {
          this.transition(d, WAITING, S.C_INPUT_LOST, l);
          t.waitCount[d] = 1;
          t.started[d] = 0;
        } else if (s === PROCESSING || s === ORPHAN) take(d, s, l);
      });
    }
    for (let i = 0; i < takeBack.length; i++) {
      const b = takeBack[i];
      const x = takenFrom.get(b)!;
      t.forEachDependent(b, (d) => {
        const s = t.state[d];
        if ((s === PROCESSING || s === ORPHAN) && t.procWorker[d] === x) take(d, s, b);
      });
    }
  }

  /**
   * @internal Needed `candidates` (released by a loss) are computed again, or, lost more than
   * `maxRetries` times, erred with an error that gives `reason`; computes fail accordingly.
   */
  protected recompute(candidates: readonly number[], reason: string, note: number): void {
    const t = this.t;
    const erred: number[] = [];
    for (const id of candidates) {
      if (t.state[id] !== RELEASED || !this.needed(id)) continue;
      if (t.lostCount[id] > this.maxRetries) {
        const down = this.tookDown.get(t.keys[id]);
        this.tookDown.delete(t.keys[id]);
        const error: SerializedError = {
          name: 'LostError',
          message: `Task ${t.keys[id]} was lost with its worker ${t.lostCount[id]} time${t.lostCount[id] === 1 ? '' : 's'} (maxRetries ${this.maxRetries}); the last time, ${reason}${down === undefined ? '' : `. Workers lost while it ran: ${down.join(', ')}`}`,
        };
        this.transition(id, ERRED, S.C_LOST, this.log.note(error.message));
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
  }

  /** @internal Whether a finished/erred event is current; false (recorded) when stale; throws when impossible. */
  protected isCurrent(
    id: number | undefined,
    w: number | undefined,
    key: string,
    worker: string,
    what: string,
  ): boolean {
    const t = this.t;
    if (w === undefined)
      throw new Error(`Impossible event: ${what} ${key} on ${worker}, a worker never added`);
    if (id === undefined) {
      if (!this.w.alive[w]) return false;
      throw new Error(
        `Impossible event: ${what} ${key} on ${worker}, but the core does not know ${key}`,
      );
    }
    const s = t.state[id];
    if ((s === PROCESSING || s === ORPHAN) && t.procWorker[id] === w && t.staleRuns.size === 0)
      return true;
    const runs = t.staleRuns.size > 0 ? t.staleRuns.get(id) : undefined;
    const stale = runs === undefined ? -1 : runs.findIndex((r) => r.w === w);
    if (runs !== undefined && stale >= 0 && this.w.alive[w]) {
      // Taken back from w while it ran there; w runs in order, so the oldest run reports first.
      const run = runs[stale];
      runs.splice(stale, 1);
      if (runs.length === 0) t.staleRuns.delete(id);
      this.dropStale(id, w, what === 'erred', run.fetched);
      return this.ignored(id, `${what} from ${worker}: taken back after an input was lost`);
    }
    if ((s === PROCESSING || s === ORPHAN) && t.procWorker[id] === w) {
      if (this.w.alive[w]) return true;
    }
    if (!this.w.alive[w]) return this.ignored(id, `${what} from removed worker ${worker}`);
    if (s === CANCELLED) return this.ignored(id, `${what} from ${worker}: cancelled`);
    throw new Error(
      `Impossible transition: ${what} ${key} on ${worker}, but ${key} is ${STATE_NAMES[s]}` +
        (s === PROCESSING ? ` on ${this.w.names[t.procWorker[id]]}` : '') +
        `\nStory of ${key}:\n  ${this.log.render(id, this.names).join('\n  ')}`,
    );
  }

  /** @internal A stale report about `id` is ignored: a line in its story, not a transition. */
  private ignored(id: number, what: string): false {
    const s = this.t.state[id];
    this.log.add(id, s, s, S.C_STALE, this.log.note(`ignored ${what}`));
    return false;
  }

  /**
   * @internal The inputs of task `d` that a run of it on worker `x` had copied there: those `x`
   * neither holds nor computes (nor `computedThere` says it computed).
   */
  protected copiedTo(d: number, x: number, computedThere?: (dd: number) => boolean): number[] {
    const t = this.t;
    const fetched: number[] = [];
    t.forEachDependency(d, (dd) => {
      const sd = t.state[dd];
      if (sd === MEMORY && t.isHolder(dd, x)) return;
      if ((sd === PROCESSING || sd === ORPHAN) && t.procWorker[dd] === x) return;
      if (computedThere === undefined || !computedThere(dd)) fetched.push(dd);
    });
    return fetched;
  }

  /** @internal A stale result on live worker `w` (its task was taken back): drop it and its fetched inputs there. */
  protected dropStale(id: number, w: number, erred: boolean, fetched: readonly number[]): void {
    const t = this.t;
    const onW = (x: number): boolean =>
      (t.state[x] === PROCESSING || t.state[x] === ORPHAN) && t.procWorker[x] === w;
    // Kept on w: held there, being recomputed there, or read by a task sent there since (which
    // lets go of it when it finishes).
    const keep = (x: number): boolean =>
      (t.state[x] === MEMORY && t.isHolder(x, w)) || onW(x) || t.someDependent(x, onW);
    let copies = this.staleCopies.get(w);
    const hadCopy = copies !== undefined && copies.delete(id);
    const drop = (x: number): void => {
      if (onW(x)) {
        // Being recomputed on w: its result replaces the copy; if it errs, the copy is released.
        if (copies === undefined) this.staleCopies.set(w, (copies = new Set()));
        copies.add(x);
      } else if (!keep(x)) this.pushRelease(w, t.keys[x]);
    };
    if (!erred || hadCopy) drop(id);
    for (const d of fetched) drop(d);
  }
}

/** A task's function, for errors: its name, or the start of its source. */
function describeFn(node: GraphNode | undefined): string {
  if (node === undefined || node.kind !== 'task') return '(data)';
  return functionName(node.fn);
}

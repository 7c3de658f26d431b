// A holder that no longer has a result (Dask's "missing data"): a worker asked for `key` (from a
// peer, or through the shell's relay) and its holder answered that it does not have it, or could
// not be asked at all (it died, or refused). The shell tells the core with a `missing-data` event,
// naming the holder and, when known, the worker that could not get it. The core stops counting
// that holder; if it was the last one, the result is lost like a lost worker's (its dependents
// wait again, running ones are taken back, and it is computed again from its inputs, counting
// toward `maxRetries`). If other holders remain, the dependents running on the worker that could
// not get it are taken back and placed again, fetching from another holder. A taken-back task's
// worker still reports it (erred, for want of the input): that report is stale and ignored. An
// event about a key or worker the core no longer knows, or a holder it no longer counts, changes
// nothing but what runs on the named worker.
// A delivery to a compute (or a client's fetch) that the holder could not make is wanted again,
// as when the holder dies with it (worker-loss.ts): re-pended, and sent once the key is in memory,
// from another holder or computed again; a key the delivery moved out of the core (released with
// it) counts as lost. A delivery already acknowledged, or sent from another worker, is left alone.
import type { WorkerId } from './events.js';
import { CoreHolds } from './holds.js';
import { SENT, PENDING } from './submission.js';
import { MEMORY, RELEASED } from './task-table.js';
import * as S from './story.js';

/** See the file comment. */
export abstract class CoreMissing extends CoreHolds {
  /**
   * @internal `holder` does not have `key`; `worker` (if given) could not get it from there;
   * `compute` (if given) was not delivered it.
   */
  protected onMissingData(
    key: string,
    holder: WorkerId,
    worker: WorkerId | undefined,
    compute?: string,
  ): void {
    const t = this.t;
    const id = t.index.get(key);
    if (id === undefined) return;
    const h = this.w.index.get(holder);
    const x = worker === undefined ? undefined : this.w.index.get(worker);
    let why = `${holder} does not hold ${key}${worker === undefined ? '' : ` (${worker} could not fetch it)`}`;
    const candidates: number[] = [];
    if (compute !== undefined && h !== undefined && this.repend(compute, id, h)) {
      why += `, which ${compute} was to be delivered`;
      const note = this.log.note(why);
      if (t.state[id] === RELEASED) {
        // Moved out of the core by that delivery and never delivered: lost, computed again.
        t.lostCount[id]++;
        this.log.add(id, RELEASED, RELEASED, S.C_LOST, note);
        this.recompute([id], why, note);
        return;
      }
      if (t.state[id] === MEMORY && !t.isHolder(id, h)) {
        this.deliverKey(id);
        return;
      }
    }
    if (t.state[id] === MEMORY && h !== undefined && t.isHolder(id, h)) {
      const note = this.log.note(why);
      if (!t.removeHolder(id, h)) {
        // Its last holder: lost, and computed again (see the file comment).
        this.transition(id, RELEASED, S.C_LOST, note);
        t.lostCount[id]++;
        candidates.push(id);
        // Lost too often: erred now, while its running dependents still need it (they fail).
        if (t.lostCount[id] > this.maxRetries && this.needed(id)) {
          this.recompute(candidates, why, note);
          return;
        }
        this.inputsLost([id], candidates, -1);
        this.recompute(candidates, why, note);
        return;
      }
      this.log.add(id, MEMORY, MEMORY, S.C_LOST, note);
    }
    // Delivered again from another holder (a re-pended delivery; a lost key is once recomputed).
    if (compute !== undefined && t.state[id] === MEMORY) this.deliverKey(id);
    if (t.state[id] !== MEMORY || x === undefined || !this.w.alive[x] || t.isHolder(id, x)) return;
    // Still held elsewhere: what runs on `worker` waiting for it is placed again.
    this.inputsLost([id], candidates, x);
    if (candidates.length > 0) this.recompute(candidates, why, this.log.note(why));
  }

  /** Re-pends `compute`'s delivery of task `id` sent from worker `h`; false when there is none. */
  private repend(compute: string, id: number, h: number): boolean {
    const sub = this.subs.get(compute);
    if (sub === undefined) return false;
    const i = sub.indexOf(id);
    if (i < 0 || sub.status[i] !== SENT || sub.from[i] !== h) return false;
    sub.status[i] = PENDING;
    sub.from[i] = -1;
    this.t.wantPending[id]++;
    return true;
  }
}

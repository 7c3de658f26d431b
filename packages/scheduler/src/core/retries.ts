// Retries: a task whose placement says `retries: N` and whose function throws is run again (on
// any worker: it goes back to the ready heap) up to N times before its error is final. Each erred
// run is a line in its story; the final error keeps the task's own name, message and stack, and
// its message says how many attempts were made. Only a task's own error counts: one that erred
// because an input it was to read went missing is placed again as before (core.ts), and losing a
// worker counts toward `maxRetries` instead (worker-loss.ts). Tasks co-assigned after the retried
// one on its worker read its result there: they are taken back (the worker reports them erred,
// and those reports are stale) and wait for its next run.
import type { SerializedError } from '@dask-ts/protocol';
import { placementOf } from './restrictions.js';
import * as S from './story.js';
import { ORPHAN, PROCESSING, RELEASED } from './task-table.js';
import { CoreWorkers } from './worker-loss.js';

/** See the file comment. */
export abstract class CoreRetries extends CoreWorkers {
  /**
   * @internal Task `id` erred on `w` (`worker`) with `error`: runs it again when it has retries
   * left (returns true), else returns false and the caller records the error (see
   * {@link CoreRetries.finalError}).
   */
  protected retryErred(id: number, w: number, worker: string, error: SerializedError): boolean {
    const retries = placementOf(this.t, id)?.retries ?? 0;
    if (retries === 0) return false;
    const failed = (this.attempts.get(id) ?? 0) + 1;
    this.attempts.set(id, failed);
    if (failed > retries) return false;
    const note = this.log.note(
      `erred on ${worker} (attempt ${failed} of ${retries + 1}): ${error.name}: ${error.message}; retrying`,
    );
    const t = this.t;
    const readers = this.coAssignedReaders(id, w);
    this.transition(id, RELEASED, S.C_RETRY, note);
    const erred: number[] = [];
    if (this.needed(id)) this.activate(id, false, S.C_RETRY, note, erred);
    for (const d of readers) {
      const s = t.state[d];
      this.transition(d, RELEASED, S.C_INPUT_LOST, id);
      if (s === PROCESSING && this.needed(d)) this.activate(d, false, S.C_NEEDED, id, erred);
    }
    if (erred.length > 0) this.propagate(erred);
    return true;
  }

  /**
   * @internal The tasks co-assigned after `id` on worker `w` that read it (transitively), taken
   * back from `w` (their reports from it will be stale).
   */
  protected coAssignedReaders(id: number, w: number): number[] {
    const t = this.t;
    const out: number[] = [];
    const stack = [id];
    while (stack.length > 0) {
      t.forEachDependent(stack.pop()!, (d) => {
        const s = t.state[d];
        if ((s !== PROCESSING && s !== ORPHAN) || t.procWorker[d] !== w || out.includes(d)) return;
        // What its run copied to w is dropped there when it reports (or gives it back): a copy
        // the core does not know of would outlive the compute, and a later compute of the same
        // keys would read it instead of waiting for the value computed again.
        this.takeBack(
          d,
          this.copiedTo(d, w, (dd) => dd === id || out.includes(dd)),
        );
        out.push(d);
        stack.push(d);
      });
    }
    return out;
  }

  /**
   * @internal The error task `id` is recorded with: `error`, its message saying how many attempts
   * were made when it had retries.
   */
  protected finalError(id: number, error: SerializedError): SerializedError {
    const failed = this.attempts.get(id);
    if (failed === undefined) return error;
    this.attempts.delete(id);
    const retries = placementOf(this.t, id)?.retries ?? 0;
    return {
      ...error,
      message: `${error.message} (failed ${failed} attempt${failed === 1 ? '' : 's'}; retries: ${retries})`,
    };
  }
}

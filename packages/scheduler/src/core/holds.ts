// Client-held keys in the core: a `hold` takes the graph in once and makes one submission per key,
// or one for all of them (a batch that settles key by key: submission.ts), and counts each key's
// holds (`wants`); `unwant` lets go of one hold per key, and a key nobody holds any more is
// released, or dropped from the batches still computing it. The submissions then live and end as
// a compute's do (transitions.ts).
import type { CoreEvent } from './events.js';
import { intake } from './intake.js';
import * as S from './story.js';
import { Submission } from './submission.js';
import { MEMORY, ORPHAN } from './task-table.js';
import { inactive } from './transitions.js';
import { CoreStealing } from './stealing.js';

/** See the file comment. */
export abstract class CoreHolds extends CoreStealing {
  /**
   * @internal Client-held keys: one intake for the graph, then one hold submission per key, or
   * one for all of them (a batch; see the `hold` event).
   */
  protected onHold(e: Extract<CoreEvent, { type: 'hold' }>): void {
    const { ids, keys } = e;
    const refuse = (error: Error): void => {
      for (const id of ids) this.out.end({ type: 'refused', id, error });
    };
    const batch = ids.length === 1;
    if ((!batch && ids.length !== keys.length) || new Set(keys).size !== keys.length) {
      refuse(new Error(`A hold needs one submission id, or one per key, and distinct keys`));
      return;
    }
    if (!batch && e.deliver === true) {
      refuse(new Error(`A hold that delivers its values needs one submission id`));
      return;
    }
    const taken = ids.find((id) => this.subs.has(id));
    if (taken !== undefined) {
      refuse(new Error(`Submission ${taken} is already running`));
      return;
    }
    this.maybeReset();
    this.maybeCompact();
    const intook = intake(this.t, e.graph, keys, undefined);
    if (!('wanted' in intook)) {
      refuse(intook);
      return;
    }
    this.log.reserve(5 * intook.needed.length);
    const subs: Submission[] = [];
    // Each loop over the keys is a method of its own (see intake.ts on V8 and hot loops): a
    // 20,000-key hold must not leave compiled code that bails out on every one-key hold after it.
    if (batch) {
      // One submission for every key, settling key by key (see submission.ts). The keys are
      // distinct, so intake's wanted ids are theirs, in order.
      const wanted = intook.wanted;
      const idx = this.subNames.length;
      this.subNames.push(e.cause === undefined ? ids[0] : `${ids[0]} (${e.cause})`);
      const sub = new Submission(ids[0], idx, wanted, e.deliver !== true, keys.length > 1);
      subs.push(sub);
      this.subs.set(ids[0], sub);
      this.wantAll(wanted, sub);
    } else this.holdEach(ids, keys, e.cause, subs);
    if (subs.length === 0) return;
    this.activateNew(intook.needed, intook.oldDeps, subs[0].idx);
    for (const sub of subs) this.startWanted(sub);
  }

  /** One submission per key (`ids[i]` holds `keys[i]`), added to `subs`. */
  private holdEach(
    ids: readonly string[],
    keys: readonly string[],
    cause: string | undefined,
    subs: Submission[],
  ): void {
    for (let i = 0; i < keys.length; i++) {
      const id = this.t.index.get(keys[i])!;
      const idx = this.subNames.length;
      this.subNames.push(cause === undefined ? ids[i] : `${ids[i]} (${cause})`);
      const sub = new Submission(ids[i], idx, Int32Array.of(id), true);
      subs.push(sub);
      this.subs.set(ids[i], sub);
      this.want(id, sub);
    }
  }

  /** Counts one more hold of each of `wanted` by `sub`. */
  private wantAll(wanted: Int32Array, sub: Submission): void {
    for (let i = 0; i < wanted.length; i++) this.want(wanted[i], sub);
  }

  /** Counts one more hold of task `id` by `sub`. */
  private want(id: number, sub: Submission): void {
    this.wants.set(id, (this.wants.get(id) ?? 0) + 1);
    this.t.wantPending[id]++;
    const list = this.wantedBy.get(id);
    if (list === undefined) this.wantedBy.set(id, [sub]);
    else list.push(sub);
  }

  /** Starts what `sub` wants: delivered if in memory, reclaimed or activated otherwise. */
  private startWanted(sub: Submission): void {
    const t = this.t;
    for (let i = 0; i < sub.wanted.length; i++) {
      const id = sub.wanted[i];
      const s = t.state[id];
      if (s === MEMORY) this.deliverKey(id);
      else if (s === ORPHAN) this.reclaim(id, S.C_SUBMIT, sub.idx);
      else if (inactive(s)) this.activate(id, true, S.C_SUBMIT, sub.idx, null);
    }
  }

  /** @internal Lets go of one client hold on each key; one nobody needs any more is released. */
  protected onUnwant(keys: readonly string[]): void {
    const t = this.t;
    for (const key of keys) {
      const id = t.index.get(key);
      if (id === undefined) continue;
      const n = this.wants.get(id);
      if (n === undefined) continue;
      if (n > 1) this.wants.set(id, n - 1);
      else {
        this.wants.delete(id);
        this.dropQueue.push(id);
        this.dropFromBatches(id);
      }
    }
  }
}

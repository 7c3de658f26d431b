// Placing ready tasks and building the compute commands, at the end of each `handle` call. Ready
// tasks leave the heap in rank order while a worker has room (placement.ts chooses which); each
// assigned task brings along, on the same worker, every waiting dependent whose inputs are all
// there (co-assignment, see transitions.ts). A compute lists the inputs its worker must fetch from
// another, each once per batch, and which of its keys a compute wants.
import type { Placement } from '@dask-ts/protocol';
import type { CoreCommand } from './events.js';
import * as S from './story.js';
import { isRoot, PACE_BELOW, sharedWidely } from './admission.js';
import { placementOf, restricts } from './restrictions.js';
import { MEMORY, PROCESSING, READY, WAITING } from './task-table.js';
import { CoreTransitions } from './transitions.js';

/** See the file comment. */
export abstract class CoreAssignment extends CoreTransitions {
  /** @internal */ private readonly coStack: number[] = [];

  /**
   * @internal Places ready tasks, in rank order, while workers have room: from the ready heap and
   * from the roots held back for admission (admission.ts), whichever ranks first.
   */
  protected schedule(): void {
    const t = this.t;
    const heap = this.heap;
    const wt = this.w;
    const rules = this.rules;
    if (rules.changed) {
      rules.changed = false;
      if (rules.parked.size > 0) this.placeParked();
    }
    const adm = this.admission;
    const held = adm.queue;
    const depth = adm.depth();
    const paced = depth < PACE_BELOW;
    // Set once no worker has room for a root in this call: the next roots are held back at once.
    let rootsFull = false;
    let heldNote = -1;
    // Placements no worker took in this call: their next tasks are parked without trying.
    let refused: Set<Placement> | undefined;
    while (wt.freeCount > 0) {
      let id = heap.size > 0 ? heap.peek() : -1;
      let q = heap;
      if (held.size > 0 && !rootsFull) {
        const a = held.peek();
        if (id < 0 || t.prio[a] < t.prio[id]) {
          id = a;
          q = held;
        }
      }
      if (id < 0) break;
      if (t.state[id] !== READY) {
        q.pop();
        continue;
      }
      const p = placementOf(t, id);
      let w: number;
      if (restricts(p)) {
        w = refused?.has(p) === true ? -1 : rules.choose(t, id, p, wt);
        if (w < 0) {
          (refused ??= new Set()).add(p);
          // No worker may take it now: parked until something changes (restrictions.ts).
          q.pop();
          if (rules.park(id, p)) this.noteWhyParked(id, p);
          continue;
        }
      } else if (paced && isRoot(t, id)) {
        w = rootsFull ? -1 : adm.choose(t, wt, id, depth, heap.size + held.size);
        if (w < 0) {
          rootsFull = true;
          if (q === heap) {
            heap.pop();
            held.push(id);
            heldNote = this.noteHeldBack(id, depth, heldNote);
          }
          continue;
        }
      } else {
        w = this.stolenFor.size > 0 ? this.thiefOf(id) : -1;
        if (w < 0) w = wt.choose(t, id, heap.size + held.size);
        if (w < 0) break;
      }
      q.pop();
      this.assign(id, w);
      this.coAssign(id, w);
    }
  }

  /** @internal The idle worker that task `id` was stolen for, when it has room now; else -1. */
  private thiefOf(id: number): number {
    const w = this.stolenFor.get(id);
    if (w === undefined) return -1;
    this.stolenFor.delete(id);
    return this.w.alive[w] && this.w.occ[w] < this.w.cap[w] ? w : -1;
  }

  /**
   * @internal The story of root `id` says it waits for admission (see admission.ts); `note` is
   * the text's note when made already in this call (else -1). Returns the note.
   */
  private noteHeldBack(id: number, depth: number, note: number): number {
    if (note < 0)
      note = this.log.note(
        `waits: held back for admission (${depth.toFixed(2)} tasks in flight per worker slot)`,
      );
    this.log.add(id, READY, READY, S.C_WAITS, note);
    return note;
  }

  /**
   * @internal Places parked tasks, each placement's queue from its head, until a task no worker
   * takes (see restrictions.ts).
   */
  private placeParked(): void {
    const t = this.t;
    for (const [p, q] of this.rules.parked) {
      let i = 0;
      for (; i < q.length && this.w.freeCount > 0; i++) {
        const id = q[i];
        // Gone from ready since (cancelled, or ready again through the heap): dropped here.
        if (t.state[id] !== READY || t.inHeap[id] === 1) continue;
        const w = this.rules.choose(t, id, p, this.w);
        if (w < 0) break;
        this.assign(id, w);
        this.coAssign(id, w);
      }
      if (i === q.length) this.rules.parked.delete(p);
      else if (i > 0) q.splice(0, i);
    }
  }

  /**
   * @internal Assigns to `w` every waiting dependent of `root` (transitively) whose inputs are all
   * on `w`, except the dependents of a task shared widely: a fan-out would all run on `w`, one
   * after the other, while other workers idle; they are placed as they become ready.
   */
  private coAssign(root: number, w: number): void {
    const t = this.t;
    const stack = this.coStack;
    stack.push(root);
    const dl = t.dependents;
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (sharedWidely(t, id)) continue;
      for (let j = t.dtStart[id], e = t.dtEnd(id); j < e; j++)
        if (this.tryCoAssign(dl[j], w)) stack.push(dl[j]);
      const later = t.laterDependents(id);
      if (later !== undefined) for (const d of later) if (this.tryCoAssign(d, w)) stack.push(d);
    }
  }

  /** @internal */
  private tryCoAssign(d: number, w: number): boolean {
    const t = this.t;
    if (t.state[d] !== WAITING) return false;
    if (++t.started[d] < t.waitCount[d]) return false;
    const p = placementOf(t, d);
    if (restricts(p)) {
      const others = p.allowOtherWorkers === true && !this.rules.named(p, this.w);
      if (!this.rules.fits(p, w, this.w.names[w], others)) return false;
    }
    const deps = t.deps;
    for (let j = t.depStart[d], e = t.depEnd(d); j < e; j++) {
      const x = deps[j];
      const sx = t.state[x];
      if (sx === PROCESSING ? t.procWorker[x] !== w : !(sx === MEMORY && t.isHolder(x, w)))
        return false;
    }
    this.assign(d, w);
    t.coAssigned[d] = 1;
    return true;
  }

  /** @internal Sends ready (or co-assigned waiting) task `id` to worker `w`, with the inputs to fetch. */
  private assign(id: number, w: number): void {
    const t = this.t;
    if (t.state[id] === READY) this.w.inc(w);
    this.transition(id, PROCESSING, S.C_ASSIGN, w);
    t.procWorker[id] = w;
    const p = placementOf(t, id);
    if (p !== undefined && p.resources !== undefined) this.rules.take(id, p, w);
    const b = this.out.compute(w);
    const deps = t.deps;
    for (let j = t.depStart[id], e = t.depEnd(id); j < e; j++) {
      const d = deps[j];
      if (t.holder0[d] === w || t.state[d] !== MEMORY || t.isHolder(d, w)) continue;
      if (b.fetched === undefined) b.fetched = new Set();
      else if (b.fetched.has(d)) continue;
      b.fetched.add(d);
      (b.fetch ??= []).push([t.keys[d], this.w.names[t.holder0[d]]]);
    }
    this.runs.push(w, id);
    if (t.wantPending[id] > 0 && this.valueWanted(id)) (b.want ??= []).push(b.keys.length);
    b.keys.push(t.keys[id]);
    b.nodes.push(t.nodes[id]);
  }

  /**
   * The resources free now in each worker group that declared some (see restrictions.ts).
   *
   * @example
   * core.resources().get('gpu-box'); // { GPU: 1 }
   */
  resources(): Map<string, Readonly<Record<string, number>>> {
    return this.rules.resources();
  }

  /** @internal The story of parked task `id` says why it waits (the first time it is parked). */
  private noteWhyParked(id: number, p: Placement): void {
    const why = !this.rules.named(p, this.w)
      ? `no worker matches restriction workers=[${(p.workers ?? []).join(', ')}]`
      : `no worker it may run on has room${p.resources === undefined ? '' : ` and resources ${JSON.stringify(p.resources)} free`}`;
    this.log.add(id, READY, READY, S.C_WAITS, this.log.note(`waits: ${why}`));
  }

  /** @internal The commands built by this `handle` call. */
  protected flush(): CoreCommand[] {
    return this.out.flush(this.w.names);
  }
}

// Placement rules of the core: worker restrictions and abstract resources (a task's `placement`,
// see @dask-ts/protocol's placement.ts). A worker may belong to a group (its worker node: every
// thread of node `gpu-box` is one core worker, `gpu-box-0`, `gpu-box-1`...), and a restriction
// names workers or groups. Resources belong to the group: the node's threads share what it
// declared (`{ GPU: 2 }`), so two threads never run more GPU tasks at once than the node has.
// A task takes its resources when it is assigned and gives them back when it stops running there
// (finished, erred, taken back, stolen, or lost with its worker), so a worker's queue never holds
// more of them than it has free.
//
// A restricted task that no worker can take now is parked (still ready, out of the heap), in a
// queue per placement (the tasks of one `map` or `compute` share theirs). When something changes
// that could let one in (a worker joins or is unpaused, a task stops running somewhere), each
// queue is tried from its head, and stops at the first task no worker takes: a thousand GPU tasks
// waiting for one GPU cost one attempt per change, not a thousand. Its story says once why it
// waits.
import { checkResources, type Placement } from '@dask-ts/protocol';
import type { TaskTable } from './task-table.js';
import type { WorkerTable } from './placement.js';

/**
 * Task `id`'s placement, or undefined. The node is read only when intake flagged it (`placed`):
 * touching a million node objects on the hot path costs a cache miss each.
 */
export function placementOf(t: TaskTable, id: number): Placement | undefined {
  return t.placed[id] === 1 ? t.nodes[id].placement : undefined;
}

/** Whether a placement restricts where its task runs (not only how often). */
export function restricts(p: Placement | undefined): p is Placement {
  return p !== undefined && (p.workers !== undefined || p.resources !== undefined);
}

/** See the file comment. */
export class Restrictions {
  /** Per worker: its group's index. */
  private readonly groupOf: number[] = [];
  private readonly groupNames: string[] = [];
  private readonly groupIndex = new Map<string, number>();
  /** Per group: resources free now (undefined: it declared none). */
  private readonly free: (Map<string, number> | undefined)[] = [];
  /** Per group: its live workers. */
  private readonly members: number[] = [];
  /** Tasks holding resources: task id -> [group, what it holds]. */
  private readonly holding = new Map<number, readonly [number, Readonly<Record<string, number>>]>();
  /** Ready restricted tasks no worker could take (out of the heap), per placement, oldest first. */
  readonly parked = new Map<Placement, number[]>();
  /** Set when something happened that may let a parked task in. */
  changed = false;
  /** Parked tasks whose story says why already. */
  private readonly noted = new Set<number>();

  /** Worker `w` joined, in `group` (default: its own name), declaring `resources` for the group. */
  addWorker(
    w: number,
    name: string,
    group: string | undefined,
    resources: Readonly<Record<string, number>> | undefined,
  ): void {
    const gname = group ?? name;
    let g = this.groupIndex.get(gname);
    if (g === undefined) {
      g = this.groupNames.length;
      this.groupNames.push(gname);
      this.groupIndex.set(gname, g);
      this.free.push(undefined);
      this.members.push(0);
    }
    this.groupOf[w] = g;
    // The group's pool is set by its first live worker (a node that comes back may declare other
    // amounts); a thread that joins a live group again keeps what its tasks hold.
    if (resources !== undefined) checkResources(resources, `Worker ${name}: resources`);
    if (this.members[g]++ === 0)
      this.free[g] = resources === undefined ? undefined : new Map(Object.entries(resources));
    this.changed = true;
  }

  /** Worker `w` left (its running tasks gave their resources back already). */
  removeWorker(w: number): void {
    this.members[this.groupOf[w]]--;
    this.changed = true;
  }

  /** The name of worker `w`'s group. */
  groupName(w: number): string {
    return this.groupNames[this.groupOf[w]];
  }

  /**
   * Whether worker `w` (named `name`) may run a task of placement `p` now, with `others`: true when
   * the worker restriction is to be ignored (allowOtherWorkers, and none of them is alive).
   */
  fits(p: Placement, w: number, name: string, others: boolean): boolean {
    const names = p.workers;
    if (names !== undefined && !others) {
      if (!names.includes(name) && !names.includes(this.groupNames[this.groupOf[w]])) return false;
    }
    const need = p.resources;
    if (need === undefined) return true;
    const free = this.free[this.groupOf[w]];
    for (const r in need) {
      const n = need[r];
      if (n > 0 && (free === undefined || (free.get(r) ?? 0) < n)) return false;
    }
    return true;
  }

  /** Whether some live worker is named by `p`'s worker restriction (or it has none). */
  named(p: Placement, wt: WorkerTable): boolean {
    const names = p.workers;
    if (names === undefined) return true;
    for (const w of wt.live) {
      if (names.includes(wt.names[w]) || names.includes(this.groupNames[this.groupOf[w]]))
        return true;
    }
    return false;
  }

  /**
   * Where a restricted ready task `id` (placement `p`) runs: the worker with room that fits and
   * holds most of its input bytes, else the least busy; -1 when none can take it now.
   */
  choose(t: TaskTable, id: number, p: Placement, wt: WorkerTable): number {
    const others = p.allowOtherWorkers === true && !this.named(p, wt);
    let best = -1;
    let bestBytes = -1;
    let bestLoad = Infinity;
    for (const w of wt.live) {
      if (wt.occ[w] >= wt.cap[w] || !this.fits(p, w, wt.names[w], others)) continue;
      let bytes = 0;
      t.forEachDependency(id, (d) => {
        if (t.isHolder(d, w)) bytes += t.nbytes[d] + 1;
      });
      const load = wt.occ[w] / wt.slots[w];
      if (bytes > bestBytes || (bytes === bestBytes && load < bestLoad)) {
        best = w;
        bestBytes = bytes;
        bestLoad = load;
      }
    }
    return best;
  }

  /** Task `id` (placement `p`) was assigned to `w`: it takes its resources there. */
  take(id: number, p: Placement, w: number): void {
    const need = p.resources;
    if (need === undefined) return;
    const g = this.groupOf[w];
    const free = this.free[g];
    if (free === undefined) return;
    for (const r in need) free.set(r, (free.get(r) ?? 0) - need[r]);
    this.holding.set(id, [g, need]);
  }

  /** Task `id` stopped running: it gives its resources back (if it held any). */
  release(id: number): void {
    this.changed = true;
    if (this.holding.size === 0) return;
    const h = this.holding.get(id);
    if (h === undefined) return;
    this.holding.delete(id);
    const free = this.free[h[0]];
    if (free === undefined) return;
    for (const r in h[1]) free.set(r, (free.get(r) ?? 0) + h[1][r]);
  }

  /** Parks ready task `id` (placement `p`); returns whether its story should say why (the first time only). */
  park(id: number, p: Placement): boolean {
    const q = this.parked.get(p);
    if (q === undefined) this.parked.set(p, [id]);
    else q.push(id);
    if (this.noted.has(id)) return false;
    this.noted.add(id);
    return true;
  }

  /** Every parked task (for checks). */
  parkedIds(): number[] {
    return [...this.parked.values()].flat();
  }

  /**
   * Checks the pools: no amount below zero, and only running tasks (`running(id)`) hold some;
   * `fail` names the culprit.
   */
  check(fail: (id: number, msg: string) => void, running: (id: number) => boolean): void {
    for (const id of this.holding.keys())
      if (!running(id)) fail(id, 'holds resources but does not run');
    this.free.forEach((f, g) => {
      if (f === undefined) return;
      for (const [r, n] of f)
        if (n < -1e-9)
          throw new Error(`Invariant broken: ${this.groupNames[g]} has ${n} ${r} free`);
    });
  }

  /** Free resources of each group that declared some (for status pages and tests). */
  resources(): Map<string, Readonly<Record<string, number>>> {
    const out = new Map<string, Readonly<Record<string, number>>>();
    this.free.forEach((f, g) => {
      if (f !== undefined) out.set(this.groupNames[g], Object.fromEntries(f));
    });
    return out;
  }

  /** Renumbers tasks after a compaction (`map[old]`, -1: forgotten). */
  remap(map: Int32Array): void {
    const held = [...this.holding];
    this.holding.clear();
    for (const [id, h] of held) if (map[id] >= 0) this.holding.set(map[id], h);
    for (const [p, q] of this.parked) {
      const kept = q.map((id) => map[id]).filter((id) => id >= 0);
      if (kept.length > 0) this.parked.set(p, kept);
      else this.parked.delete(p);
    }
    const noted = [...this.noted];
    this.noted.clear();
    for (const id of noted) if (map[id] >= 0) this.noted.add(map[id]);
  }

  /** Forgets every task (an idle core starting over); workers and their pools stay. */
  clearTasks(): void {
    this.parked.clear();
    this.noted.clear();
  }
}

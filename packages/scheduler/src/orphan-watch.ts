// Stops workers that keep running tasks nobody wants. When a compute is aborted (or fails), its
// tasks already sent to workers become orphans: no compute needs their results. A worker runs
// one task at a time, so one that is stuck on an orphan (an endless loop, a hung await), or that
// still has a queue of them to get through, would hold up every task queued behind it, for every
// later compute. The pool's shell reports, after each turn and on a timer, which orphan each
// worker is running; a worker seen running orphans without a break (one or several in a row) for
// longer than the grace period is stopped (terminated and replaced by the shell), and its queue
// goes with it. Orphans that end within the grace period cost nothing. Its timer never keeps a
// script alive.

import type { Member } from './cluster-records.js';
import type { SchedulerCore } from './core/index.js';

/**
 * Watches the tasks workers run and stops those stuck on an orphan.
 *
 * @example
 * const watch = new OrphanWatch(250, () => heads(), (worker, key) => stop(worker, key));
 * watch.poke(); // after a turn that may have made orphans
 */
export class OrphanWatch {
  private readonly seen = new Map<string, { readonly key: string; readonly at: number }>();
  private timer: NodeJS.Timeout | undefined;

  /**
   * @param graceMs how long a worker may run orphans without a break before it is stopped
   * @param heads the orphan each worker runs now (absent or undefined for a worker that runs a
   *   needed task, none, or one that may not have started)
   * @param stop stops a worker running orphan `key`
   */
  constructor(
    private readonly graceMs: number,
    private readonly heads: () => Iterable<readonly [worker: string, orphan: string | undefined]>,
    private readonly stop: (worker: string, key: string) => void,
  ) {}

  /** Whether some worker is being watched. @example if (watch.watching) watch.poke(); */
  get watching(): boolean {
    return this.seen.size > 0;
  }

  /** Looks at what every worker runs now; stops the ones stuck past the grace period. */
  poke(now = performance.now()): void {
    const current = new Map<string, string>();
    for (const [worker, key] of this.heads()) if (key !== undefined) current.set(worker, key);
    for (const worker of [...this.seen.keys()]) {
      if (!current.has(worker)) this.seen.delete(worker);
    }
    for (const [worker, key] of current) {
      const since = this.seen.get(worker);
      // Orphan after orphan keeps the time of the first: a queue of short ones counts as one.
      if (since === undefined) this.seen.set(worker, { key, at: now });
      else if (now - since.at < this.graceMs) this.seen.set(worker, { key, at: since.at });
      else {
        this.seen.delete(worker);
        this.stop(worker, key);
      }
    }
    this.arm();
  }

  /** Stops watching (the pool closes). @example watch.clear(); */
  clear(): void {
    this.seen.clear();
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    if (this.seen.size === 0) {
      if (this.timer !== undefined) clearTimeout(this.timer);
      this.timer = undefined;
      return;
    }
    if (this.timer !== undefined) return;
    let first = Infinity;
    for (const s of this.seen.values()) first = Math.min(first, s.at);
    const wait = Math.max(1, first + this.graceMs - performance.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.poke();
    }, wait);
    this.timer.unref();
  }
}

/**
 * The orphan (a task no compute wants) each ready worker of `members` runs now, if any: what an
 * {@link OrphanWatch} looks at. A worker with a compute still waiting in its outbox has not
 * started it, and one being stopped is left alone.
 *
 * @example
 * new OrphanWatch(250, () => orphanHeads(core, members), stop);
 */
export function* orphanHeads(
  core: Pick<SchedulerCore, 'running'>,
  members: ReadonlyMap<string, Member>,
): Iterable<readonly [string, string | undefined]> {
  for (const [name, m] of members) {
    if (!m.ready || m.stopping !== undefined || !m.outbox.empty) continue;
    const r = core.running(name);
    if (r !== undefined && !r.needed) yield [name, r.key];
  }
}

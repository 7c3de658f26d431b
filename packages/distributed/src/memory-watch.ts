// A worker node's memory limit, kept by its main thread (the worker threads may be busy in a task
// for minutes; this thread never is). Every `sampleMs` it reads the process's resident memory
// (RSS: every thread's heap, buffers and code) and the bytes each thread's results hold in memory
// (shared cells the threads write, see @dask-ts/worker's held-data.ts), and acts on the fraction
// of the limit in use:
// - TARGET (60 %): results held in memory may take what the limit leaves once the memory that is
//   not results is counted, up to TARGET of it, shared among the threads; each thread spills its
//   least recently used results to its own folder past its share (down to PAUSED_TARGET while
//   paused, so that memory can fall back under TARGET). Past PAUSE, every COLLECT_MS, the node
//   asks each thread (and itself) for a full garbage collection: memory spilled or released is
//   only given back once V8 collects it, which an idle thread never would, and a thread busy with
//   a long batch of tasks only does when it next holds a result.
// - PAUSE (80 %; logged once it lasts LONG_PAUSE_MS): every thread stops taking new tasks (a `memory` message with `paused: true` on
//   each thread's link; the scheduler pauses those workers), until memory is back under TARGET,
//   or until no thread holds anything in memory any more (for two reports after the pause):
//   pausing cannot free memory that is not results (glibc keeps freed memory in its arenas
//   unless MALLOC_MMAP_THRESHOLD_ is set; Client.local sets it), and waiting would hang.
// - RESTART (95 %): first every thread (and this one) is asked to collect garbage (freed buffers
//   V8 has not collected yet often make up such a peak); still past it GRACE_MS later, the
//   thread running a task (the one whose loop has been busy longest, else the one holding the
//   most) is stopped and started afresh, before the OS kills the whole process;
//   the scheduler hears why ("worker w-0 restarted at 3.9 GiB of 4 GiB") and recomputes what it
//   held. Then CALM_MS pass before the next restart, so memory freed can show.
// Threads also report memory every REPORT_MS, for the scheduler's /status.json. The node's spill
// folder is removed on close and, when the process ends any other way short of SIGKILL, on exit.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { garbageCollector, type SpillOptions } from '@dask-ts/worker';
import { formatBytes } from './parse-bytes.js';

/** Results held in memory are kept under this fraction of the limit. */
export const TARGET = 0.6;
/** While paused, threads spill down to this fraction (so memory falls back under TARGET). */
export const PAUSED_TARGET = 0.5;
/** Past this fraction the node takes no new tasks. */
export const PAUSE = 0.8;
/** Past this fraction a thread is restarted. */
export const RESTART = 0.95;
/** A pause is logged once it has lasted this long (ms); shorter ones are routine while spilling. */
export const LONG_PAUSE_MS = 5000;
/** A thread whose loop has not ticked for this long is busy in a task (ms). */
const BUSY_MS = 300;
/** How long memory must stay past RESTART before a thread is restarted (ms). */
const GRACE_MS = 250;
/** How often, past PAUSE, threads are asked to collect garbage (ms). */
const COLLECT_MS = 200;
/** How long after a restart before the next one (ms). */
const CALM_MS = 1500;
/** How often threads report memory to the scheduler (ms). */
const REPORT_MS = 1000;

/**
 * How the node reports a thread's memory to the scheduler (over that thread's link).
 *
 * @example
 * const m: MemoryReport = { op: 'memory', paused: false, rss: 2 ** 28, limit: 2 ** 30, held: 0, spilled: 0 };
 */
export interface MemoryReport {
  readonly op: 'memory';
  /** Whether the node takes no new tasks for now. */
  readonly paused: boolean;
  /** The node's resident memory (bytes). */
  readonly rss: number;
  /** The node's memory limit (bytes). */
  readonly limit: number;
  /** What this thread's results take in memory (bytes). */
  readonly held: number;
  /** What this thread's results take on disk, spilled (bytes). */
  readonly spilled: number;
}

/** What the watch needs of one worker thread. */
export interface WatchedThread {
  /** Sends a message to the scheduler over the thread's link. */
  send(message: MemoryReport): void;
  /** Stops the thread and starts it afresh, telling the scheduler why. */
  restart(why: string): void;
}

/**
 * Options of a {@link MemoryWatch}.
 *
 * @example
 * const o: MemoryWatchOptions = { limit: 2 ** 30, nthreads: 2, name: 'w', log: console.error };
 */
export interface MemoryWatchOptions {
  /** The node's memory limit in bytes. */
  readonly limit: number;
  readonly nthreads: number;
  /** The node's name (for its spill folder). */
  readonly name: string;
  /** Where the node's spill folder is made (default: the OS temporary folder). */
  readonly spillDir?: string;
  readonly log: (line: string) => void;
  /** How often memory is sampled (ms, default 50). */
  readonly sampleMs?: number;
  /** The resident memory (tests; default `process.memoryUsage.rss`). */
  readonly rss?: () => number;
  /** How long a pause lasts before it is logged (ms, default LONG_PAUSE_MS). */
  readonly longPauseMs?: number;
}

interface Watched {
  readonly budget: Int32Array;
  thread: WatchedThread | undefined;
  lastTick: number;
  freeAt: number;
}

/**
 * The memory limit of one worker node (see the file comment).
 *
 * @example
 * const watch = new MemoryWatch({ limit: 2 ** 30, nthreads: 1, name: 'w', log: console.error });
 * const spill = watch.spillFor('w'); // workerData.spill of the thread
 * watch.attach('w', { send: (m) => link.send(m), restart: (why) => restartThread(why) });
 * watch.close();
 */
export class MemoryWatch {
  /** The node's spill folder (made when a thread first spills). */
  readonly dir: string;
  private readonly threads = new Map<string, Watched>();
  private readonly timer: NodeJS.Timeout;
  private readonly rss: () => number;
  private readonly removeDir = (): void => rmSync(this.dir, { recursive: true, force: true });
  private paused = false;
  private pausedAt = 0;
  private get longPauseMs(): number {
    return this.options.longPauseMs ?? LONG_PAUSE_MS;
  }
  /** Whether this pause was logged (it lasted LONG_PAUSE_MS). */
  private pauseLogged = false;
  private calmUntil = 0;
  /** When memory went past RESTART (0: it is not). */
  private overSince = 0;
  private lastCollect = 0;
  private lastReport = 0;
  private incarnations = 0;
  private peakRss = 0;
  private restarts = 0;

  constructor(private readonly options: MemoryWatchOptions) {
    const id = `${safe(options.name)}-${process.pid}-${randomBytes(4).toString('hex')}`;
    this.dir = join(options.spillDir ?? tmpdir(), `dask-ts-worker-${id}`);
    this.rss = options.rss ?? (() => process.memoryUsage.rss());
    process.on('exit', this.removeDir);
    this.timer = setInterval(() => this.sample(), options.sampleMs ?? 50);
    this.timer.unref();
  }

  /**
   * The spill settings of a fresh thread named `name` (its `workerData.spill`): its own folder
   * under the node's, its share of the target, and the cells it shares with this watch.
   *
   * @example
   * new Worker(entry, { workerData: { name, spill: watch.spillFor(name) } });
   */
  spillFor(name: string): SpillOptions {
    const budget = new Int32Array(new SharedArrayBuffer(5 * Int32Array.BYTES_PER_ELEMENT));
    const now = Date.now();
    this.threads.set(name, { budget, thread: undefined, lastTick: 0, freeAt: now });
    return {
      aboveBytes: Math.floor((this.options.limit * TARGET) / this.options.nthreads),
      dir: join(this.dir, `${safe(name)}-${this.incarnations++}`),
      budget,
    };
  }

  /**
   * Watches thread `name` (after {@link spillFor}); a paused node pauses it at once.
   *
   * @example
   * watch.attach('w-0', { send: (m) => link.send(m), restart: (why) => restart(why) });
   */
  attach(name: string, thread: WatchedThread): void {
    const w = this.threads.get(name);
    if (w === undefined) return;
    w.thread = thread;
    if (this.paused) thread.send(this.report(w, this.rss()));
  }

  /**
   * A thread ended: its spill folder goes.
   *
   * @example
   * thread.on('exit', () => watch.ended(spill));
   */
  ended(spill: SpillOptions): void {
    rmSync(spill.dir, { recursive: true, force: true });
  }

  /** The highest RSS sampled, whether the node is paused, restarts so far. @example watch.stats; */
  get stats(): { readonly peakRss: number; readonly paused: boolean; readonly restarts: number } {
    return { peakRss: this.peakRss, paused: this.paused, restarts: this.restarts };
  }

  /** Stops watching and removes the spill folder. @example watch.close(); */
  close(): void {
    clearInterval(this.timer);
    process.off('exit', this.removeDir);
    this.removeDir();
  }

  private report(w: Watched, rss: number): MemoryReport {
    return {
      op: 'memory',
      paused: this.paused,
      rss,
      limit: this.options.limit,
      held: Atomics.load(w.budget, 1) * 1024,
      spilled: Atomics.load(w.budget, 4) * 1024,
    };
  }

  private sample(): void {
    const { limit, nthreads } = this.options;
    const rss = this.rss();
    const now = Date.now();
    if (rss > this.peakRss) this.peakRss = rss;
    let held = 0;
    for (const w of this.threads.values()) {
      held += Atomics.load(w.budget, 1) * 1024;
      const tick = Atomics.load(w.budget, 2);
      if (tick !== w.lastTick) {
        w.lastTick = tick;
        w.freeAt = now;
      }
    }
    // What is not results (code, buffers of running tasks, garbage) leaves the rest to results.
    const other = Math.max(0, rss - held);
    const level = this.paused ? PAUSED_TARGET : TARGET;
    const share = Math.max(1, Math.floor((level * limit - other) / nthreads / 1024));
    for (const w of this.threads.values()) Atomics.store(w.budget, 0, share);
    let changed = false;
    if (!this.paused && rss > PAUSE * limit) {
      this.paused = changed = true;
      this.pausedAt = now;
      this.pauseLogged = false;
    } else if (this.paused && !this.pauseLogged && now - this.pausedAt >= this.longPauseMs) {
      // Short pauses are routine while results spill (see /status.json); a long one is told.
      this.pauseLogged = true;
      this.options.log(
        `dask-ts worker ${this.options.name}: paused for ${this.longPauseMs / 1000} s at ${formatBytes(rss)} of ${formatBytes(limit)} (takes no new tasks until under ${TARGET * 100} %)`,
      );
    } else if (
      this.paused &&
      (rss < TARGET * limit ||
        (held === 0 && rss < PAUSE * limit && now - this.pausedAt > 2 * REPORT_MS))
    ) {
      this.paused = false;
      changed = true;
      if (this.pauseLogged)
        this.options.log(
          `dask-ts worker ${this.options.name}: resumed at ${formatBytes(rss)}${held === 0 && rss >= TARGET * limit ? ' (nothing left to spill)' : ''}`,
        );
    }
    if (rss > PAUSE * limit && now - this.lastCollect >= COLLECT_MS) this.collect(now);
    if (rss <= RESTART * limit) this.overSince = 0;
    else if (this.overSince === 0) {
      this.overSince = now;
      this.collect(now);
    } else if (now - this.overSince >= GRACE_MS && now >= this.calmUntil) {
      this.overSince = 0;
      this.restartOne(rss, now);
    }
    if (changed || now - this.lastReport >= REPORT_MS) {
      this.lastReport = now;
      for (const w of this.threads.values()) w.thread?.send(this.report(w, rss));
    }
  }

  /** Asks every thread for a full garbage collection, and runs one here. */
  private collect(now: number): void {
    this.lastCollect = now;
    for (const w of this.threads.values()) Atomics.add(w.budget, 3, 1);
    garbageCollector()?.();
  }

  /** Restarts the thread busy longest in a task, else the one holding the most. */
  private restartOne(rss: number, now: number): void {
    let pick: [string, Watched] | undefined;
    for (const entry of this.threads) {
      const w = entry[1];
      if (w.thread === undefined) continue;
      if (pick === undefined) pick = entry;
      else if (w.freeAt < pick[1].freeAt && now - w.freeAt > BUSY_MS) pick = entry;
      else if (
        now - pick[1].freeAt <= BUSY_MS &&
        now - w.freeAt <= BUSY_MS &&
        Atomics.load(w.budget, 1) > Atomics.load(pick[1].budget, 1)
      )
        pick = entry;
    }
    if (pick === undefined) return;
    const [name, w] = pick;
    const thread = w.thread!;
    w.thread = undefined;
    this.calmUntil = now + CALM_MS;
    this.restarts++;
    const why = `worker ${name} restarted at ${formatBytes(rss)} of ${formatBytes(this.options.limit)} (its node passed ${RESTART * 100} % of its memory limit)`;
    this.options.log(`dask-ts worker ${name}: ${why}`);
    thread.restart(why);
  }
}

/** A name that is safe in a file name. */
function safe(name: string): string {
  return name.replace(/[^\w.-]/g, '_');
}

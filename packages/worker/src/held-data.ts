// The results a worker holds, and their sizes; with a spill threshold, the least recently used
// ones go to disk while the bytes held in memory are above it, and come back when read. Policy:
// - Sizes are the ones reported to the scheduler (`sizeOf`: typed-array bytes, string lengths...).
// - Recency is the map's insertion order: a read moves a key to the end. Sizes and order are kept
//   only when spilling is on, so a worker without a limit pays nothing over a plain map.
// - The newest result is never spilled by its own arrival (a dependent usually reads it next).
// - A value is written as the codec encoding that carries it between threads (`encodeValue`),
//   serialized with `v8.serialize`. A value that contains an instance of a class without a codec
//   would come back as a plain object, and one that cannot be serialized at all (a function, a
//   generator) cannot go: both stay in memory, and the next candidate is spilled instead; such a
//   key is not tried again while it is held (each try encodes the whole value).
// - With a `budget` shared with the worker's node (which watches the whole process's memory), the
//   threshold is the lower of `aboveBytes` and what the node allows now; the store writes the
//   bytes it holds in memory there, and checks again every BUDGET_MS while its thread is free (a
//   worker the node paused sets nothing new, yet must spill down to what it is allowed). When the
//   node asks for a garbage collection, the store runs one (`collect`) on its next check or set:
//   a thread busy with a long batch of tasks leaves the buffers it freed to V8's own pace.
// - Files live in the worker's own directory, made on the first spill and removed by `clear()`
//   (the worker's close; its pool removes it too when the worker dies); a file is deleted as soon
//   as its value comes back.
import { mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { decodeValue, encodeValue, sizeOf } from '@dask-ts/protocol/runtime';

/**
 * Where and when a worker spills results to disk.
 *
 * @example
 * const spill: SpillOptions = { aboveBytes: 256 * 2 ** 20, dir: '/tmp/dask-ts-spill-w0' };
 */
export interface SpillOptions {
  /** Spill while the results held in memory total more than this many bytes. */
  readonly aboveBytes: number;
  /** The worker's own spill directory (made on the first spill, removed on close). */
  readonly dir: string;
  /**
   * Cells shared with the worker's node (an Int32Array over a SharedArrayBuffer, 4 or 5 long): `[0]`
   * the most KiB the node allows in memory now (0: `aboveBytes`), set by the node; `[1]` the KiB
   * held in memory, `[2]` a counter bumped every BUDGET_MS while the thread is free, both set here;
   * `[3]` a counter the node bumps to ask for a garbage collection (see `collect`); `[4]`, when
   * the array is 5 long, the KiB spilled to disk, set here.
   */
  readonly budget?: Int32Array;
  /** Runs a full garbage collection: after the store spilled on its own, or when the node asks. */
  readonly collect?: () => void;
}

/** How often a store with a shared budget checks it while its thread is free (ms). */
export const BUDGET_MS = 100;

/**
 * What a worker's results take, in memory and on disk.
 *
 * @example
 * const { memoryBytes, spilledBytes } = held.stats;
 */
export interface HeldStats {
  readonly memoryBytes: number;
  readonly spilledBytes: number;
  readonly spilledKeys: number;
  /** Results written to disk since the worker started (each time counted). */
  readonly spills: number;
  /** Results read back from disk since the worker started. */
  readonly unspills: number;
}

interface OnDisk {
  readonly file: string;
  readonly nbytes: number;
}

/** The key of a class instance without a codec in an encoded payload (see protocol's codecs.ts). */
const LOST_INSTANCE = 'dask-ts.instance';

/**
 * The results of one worker, by key; see the file comment.
 *
 * @example
 * const held = new HeldData({ aboveBytes: 1e9, dir: '/tmp/dask-ts-spill-w0' });
 * held.set('x', new Float64Array(10));
 * held.get('x');
 */
export class HeldData {
  private readonly memory = new Map<string, unknown>();
  private readonly sizes = new Map<string, number>();
  private readonly disk = new Map<string, OnDisk>();
  /** Keys held in memory whose values cannot be spilled (tried once). */
  private readonly stuck = new Set<string>();
  private memoryBytes = 0;
  private diskBytes = 0;
  private folderMade = false;
  private files = 0;
  private spills = 0;
  private unspills = 0;
  private readonly timer: NodeJS.Timeout | undefined;
  /** The node's last request for a garbage collection (budget[3]) that was met. */
  private collected = 0;

  /** @param spill when and where to spill; without it, everything stays in memory */
  constructor(private readonly spill?: SpillOptions) {
    const budget = spill?.budget;
    if (budget === undefined) return;
    this.timer = setInterval(() => {
      Atomics.add(budget, 2, 1);
      const before = this.spills;
      if (this.memoryBytes > this.threshold()) this.spillOlder(undefined);
      this.collectIfAsked(this.spills !== before);
    }, BUDGET_MS);
    this.timer.unref();
  }

  /** How many results are held (in memory and on disk). @example held.size; */
  get size(): number {
    return this.memory.size + this.disk.size;
  }

  /** Whether `key` is held. @example held.has('x'); */
  has(key: string): boolean {
    return this.memory.has(key) || this.disk.has(key);
  }

  /**
   * The value of `key` (read back from disk when it was spilled); undefined when none.
   *
   * @example
   * const x = held.get('x');
   */
  get(key: string): unknown {
    const value = this.memory.get(key);
    if (this.spill === undefined) return value;
    if (value !== undefined || this.memory.has(key)) {
      // Most recently used: to the end of the order.
      this.memory.delete(key);
      this.memory.set(key, value);
      return value;
    }
    const d = this.disk.get(key);
    return d === undefined ? undefined : this.readBack(key, d);
  }

  /**
   * Holds `value` for `key` (`nbytes` big: `sizeOf(value)` when not given), then spills older
   * results while memory is over the threshold.
   *
   * @example
   * held.set('y', result, 8);
   */
  set(key: string, value: unknown, nbytes?: number): void {
    if (this.spill === undefined) {
      // Without spilling, a plain map: sizes are summed only when asked (see `stats`).
      this.memory.set(key, value);
      return;
    }
    this.delete(key);
    const size = nbytes ?? sizeOf(value);
    this.memory.set(key, value);
    this.sizes.set(key, size);
    this.memoryBytes += size;
    if (this.memoryBytes > this.threshold()) this.spillOlder(key);
    this.report();
    this.collectIfAsked(false);
  }

  /** Forgets `key` (its file too). @example held.delete('x'); */
  delete(key: string): boolean {
    if (this.memory.delete(key)) {
      if (this.spill === undefined) return true;
      this.stuck.delete(key);
      this.memoryBytes -= this.sizes.get(key) ?? 0;
      this.sizes.delete(key);
      this.report();
      return true;
    }
    const d = this.disk.get(key);
    if (d === undefined) return false;
    this.disk.delete(key);
    this.diskBytes -= d.nbytes;
    removeFile(d.file);
    this.report();
    return true;
  }

  /** The values held in memory (spilled ones are copies on disk). @example [...held.values()]; */
  values(): IterableIterator<unknown> {
    return this.memory.values();
  }

  /** What the results take now. @example held.stats.spilledBytes; */
  get stats(): HeldStats {
    let memoryBytes = this.memoryBytes;
    if (this.spill === undefined) for (const v of this.memory.values()) memoryBytes += sizeOf(v);
    return {
      memoryBytes,
      spilledBytes: this.diskBytes,
      spilledKeys: this.disk.size,
      spills: this.spills,
      unspills: this.unspills,
    };
  }

  /** Forgets everything and removes the spill directory. @example held.clear(); */
  clear(): void {
    this.memory.clear();
    this.sizes.clear();
    this.stuck.clear();
    this.disk.clear();
    this.memoryBytes = this.diskBytes = 0;
    this.report();
    clearInterval(this.timer);
    if (this.folderMade) rmSync(this.spill!.dir, { recursive: true, force: true });
    this.folderMade = false;
  }

  /** The bytes held in memory past which older results spill now. */
  private threshold(): number {
    const above = this.spill?.aboveBytes ?? Infinity;
    const allowed = this.spill?.budget === undefined ? 0 : Atomics.load(this.spill.budget, 0);
    return allowed > 0 ? Math.min(above, allowed * 1024) : above;
  }

  /** Collects garbage when the node asked (or `anyway`), with a shared budget and a collector. */
  private collectIfAsked(anyway: boolean): void {
    const budget = this.spill?.budget;
    if (budget === undefined) return;
    const asked = Atomics.load(budget, 3);
    if (!anyway && asked === this.collected) return;
    this.collected = asked;
    this.spill?.collect?.();
  }

  /** Writes the bytes held in memory (and on disk, in a 5-cell budget) to the shared budget. */
  private report(): void {
    const budget = this.spill?.budget;
    if (budget === undefined) return;
    Atomics.store(budget, 1, Math.ceil(this.memoryBytes / 1024));
    if (budget.length > 4) Atomics.store(budget, 4, Math.ceil(this.diskBytes / 1024));
  }

  /** Spills the least recently used results (never `keep`) until memory is under the threshold. */
  private spillOlder(keep: string | undefined): void {
    const above = this.threshold();
    for (const [key, value] of this.memory) {
      if (this.memoryBytes <= above) break;
      if (key === keep || this.stuck.has(key)) continue;
      const size = this.sizes.get(key) ?? 0;
      if (size === 0) continue;
      const bytes = spillBytes(value);
      if (bytes === undefined) {
        this.stuck.add(key);
        continue;
      }
      const file = join(this.dir(), `${this.files++}.bin`);
      writeFileSync(file, bytes);
      this.memory.delete(key);
      this.sizes.delete(key);
      this.memoryBytes -= size;
      this.disk.set(key, { file, nbytes: size });
      this.diskBytes += size;
      this.spills++;
    }
    this.report();
  }

  private readBack(key: string, d: OnDisk): unknown {
    const value = decodeValue(deserialize(readFileSync(d.file)), { key });
    this.disk.delete(key);
    this.diskBytes -= d.nbytes;
    removeFile(d.file);
    this.unspills++;
    this.set(key, value, d.nbytes);
    return value;
  }

  private dir(): string {
    const dir = this.spill!.dir;
    if (!this.folderMade) mkdirSync(dir, { recursive: true });
    this.folderMade = true;
    return dir;
  }
}

/** The bytes to write for `value`, or undefined when it cannot come back as itself. */
function spillBytes(value: unknown): Buffer | undefined {
  try {
    const { payload } = encodeValue(value);
    if (holdsLostInstance(payload)) return undefined;
    return serialize(payload);
  } catch {
    return undefined;
  }
}

/** Whether an encoded payload holds a class instance without a codec (looked at to a depth). */
function holdsLostInstance(payload: unknown, depth = 0): boolean {
  if (typeof payload !== 'object' || payload === null || ArrayBuffer.isView(payload)) return false;
  if (depth > 64) return true; // too deep to tell: keep it in memory
  if (Array.isArray(payload)) {
    for (const v of payload) if (holdsLostInstance(v, depth + 1)) return true;
    return false;
  }
  if ((payload as { $codec?: unknown }).$codec === LOST_INSTANCE) return true;
  if (payload instanceof Map) {
    for (const v of payload.values()) if (holdsLostInstance(v, depth + 1)) return true;
    return false;
  }
  if (Object.getPrototypeOf(payload) !== Object.prototype) return false;
  for (const k in payload) {
    if (holdsLostInstance((payload as Record<string, unknown>)[k], depth + 1)) return true;
  }
  return false;
}

function removeFile(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone (the directory was cleared): nothing to do.
  }
}

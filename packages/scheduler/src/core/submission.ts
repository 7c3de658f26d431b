// One compute sharing the core: its wanted keys (deduplicated ids) and, per wanted key, whether it
// is still to be computed (PENDING, counted in the task's `wantPending`), sent to the caller with a
// `deliver` command (SENT, from which worker), or acknowledged by a `delivered` event (DELIVERED).
// A submission ends exactly once (done, failed, lost, cancelled) and is then forgotten. It finds
// its own wanted keys by name (for `delivered` events) without the core's key index. A `hold`
// submission is never sent its values: it ends `done` once its keys are in memory, and they stay
// held by the core's `wants` after it ends. A submission that settles `each` key on its own (a
// client's batch of held keys) is not ended by one key's failure: that key alone is reported
// (`key-failed`) and counted as settled, and a key every client let go of while it was pending is
// dropped from it the same way, silently. Wanted ids that are one run (a `map`'s block of new
// tasks) are found by subtraction, keys acknowledged in the order they were sent by a queue of
// the positions sent, and others through a map built on first use.

export const PENDING = 0;
export const SENT = 1;
export const DELIVERED = 2;

/** See the file comment. */
export class Submission {
  readonly status: Uint8Array;
  readonly from: Int32Array;
  private pos: Map<number, number> | undefined;
  private keyPos: Map<string, number> | undefined;
  /** Whether `wanted` is one run of consecutive ids (see the file comment). */
  private run: boolean;
  /** Positions in the order their keys were sent, from `sentHead` on not yet acknowledged. */
  private readonly sentOrder: number[] = [];
  private sentHead = 0;
  undelivered: number;

  constructor(
    readonly id: string,
    readonly idx: number,
    public wanted: Int32Array,
    readonly hold = false,
    readonly each = false,
  ) {
    this.status = new Uint8Array(wanted.length);
    this.from = new Int32Array(wanted.length).fill(-1);
    this.undelivered = wanted.length;
    this.run = isRun(wanted);
  }

  /** Renumbers the wanted tasks after a compaction (they are all kept). */
  remap(map: Int32Array): void {
    this.wanted = this.wanted.map((id) => map[id]);
    this.pos = undefined;
    this.run = isRun(this.wanted);
  }

  /** The position of task `id` among the wanted keys, or -1. */
  indexOf(id: number): number {
    const w = this.wanted;
    if (this.run) {
      const i = id - w[0];
      return i >= 0 && i < w.length ? i : -1;
    }
    if (w.length <= 8) {
      for (let i = 0; i < w.length; i++) if (w[i] === id) return i;
      return -1;
    }
    if (this.pos === undefined) {
      this.pos = new Map();
      for (let i = 0; i < w.length; i++) this.pos.set(w[i], i);
    }
    return this.pos.get(id) ?? -1;
  }

  /** The key at position `i` was sent to the caller. */
  sent(i: number): void {
    this.status[i] = SENT;
    this.sentOrder.push(i);
  }

  /**
   * The position of `key` among the wanted keys (`keys` is the task table's), or -1. Keys
   * acknowledged in the order they were sent are found without a lookup.
   */
  indexOfKey(key: string, keys: readonly string[]): number {
    const w = this.wanted;
    const order = this.sentOrder;
    let h = this.sentHead;
    while (h < order.length && this.status[order[h]] === DELIVERED) h++;
    this.sentHead = h;
    if (h < order.length && keys[w[order[h]]] === key) {
      this.sentHead = h + 1;
      return order[h];
    }
    let at = -1;
    if (w.length <= 8) {
      for (let i = 0; i < w.length && at < 0; i++) if (keys[w[i]] === key) at = i;
    } else {
      if (this.keyPos === undefined) {
        this.keyPos = new Map();
        for (let i = 0; i < w.length; i++) this.keyPos.set(keys[w[i]], i);
      }
      at = this.keyPos.get(key) ?? -1;
    }
    return at;
  }
}

/** Whether `ids` are consecutive, increasing by one (an empty or one-id list is not a run). */
function isRun(ids: Int32Array): boolean {
  const n = ids.length;
  if (n < 2 || ids[n - 1] - ids[0] !== n - 1) return false;
  for (let i = 1; i < n; i++) if (ids[i] !== ids[i - 1] + 1) return false;
  return true;
}

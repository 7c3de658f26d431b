// Key stories, stored cheaply: one compact numeric record per transition (task id, from-state,
// to-state, cause code, cause argument) in growable typed arrays, rendered into text only when a
// story is asked for. Free-form text (error messages, removal reasons) goes to a side table. The
// log is cleared when the core goes idle and resets, or when it passes `cap` records.
import { STATE_NAMES } from './task-table.js';

/** Cause codes; the argument's meaning depends on the code. */
export const C_SUBMIT = 0; // arg: submission index
export const C_INPUTS = 1; // arg: -
export const C_ASSIGN = 2; // arg: worker
export const C_FINISHED = 3; // arg: worker
export const C_ERRED = 4; // arg: text (worker and error)
export const C_DEP_ERRED = 5; // arg: task id
export const C_WORKER_REMOVED = 6; // arg: text
export const C_UNNEEDED = 7; // arg: -
export const C_MOVED = 8; // arg: submission index
export const C_CANCEL = 9; // arg: text
export const C_STALE = 10; // arg: text
export const C_INPUT_LOST = 11; // arg: task id
export const C_RELEASED_ON = 12; // arg: -
export const C_LOST = 13; // arg: text
export const C_NEEDED = 14; // arg: task id (the dependent that needs it again)
export const C_SUB_ENDED = 15; // arg: submission index
export const C_RETRY = 16; // arg: text
export const C_WAITS = 17; // arg: text
export const C_STOLEN = 18; // arg: text

/** Renders names for the log's arguments. */
export interface StoryNames {
  key(id: number): string;
  worker(w: number): string;
  submission(s: number): string;
}

/** See the file comment. */
export class StoryLog {
  private task = new Int32Array(4096);
  private info = new Int32Array(4096);
  private arg = new Int32Array(4096);
  private len = 0;
  private text: string[] = [];
  private dropped = false;

  constructor(private readonly cap = 1 << 25) {}

  /** Records a transition of `id` from `from` to `to` because of (`cause`, `a`). */
  add(id: number, from: number, to: number, cause: number, a: number): void {
    if (this.len === this.task.length) {
      if (this.len >= this.cap) {
        this.clear();
        this.dropped = true;
      } else this.growTo(this.len * 2);
    }
    const i = this.len++;
    this.task[i] = id;
    this.info[i] = from | (to << 4) | (cause << 8);
    this.arg[i] = a;
  }

  /** Makes room for `n` more records (a submit reserves a few per new task). */
  reserve(n: number): void {
    const want = Math.min(this.len + n, this.cap);
    // Geometric growth: many small submits into a busy core copy the log O(log n) times.
    if (want > this.task.length)
      this.growTo(Math.min(Math.max(want, 2 * this.task.length), this.cap));
  }

  /** Stores free text and returns its argument. */
  note(s: string): number {
    this.text.push(s);
    return this.text.length - 1;
  }

  clear(): void {
    this.len = 0;
    this.text = [];
    this.dropped = false;
  }

  private growTo(n: number): void {
    const g = (a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.task = g(this.task);
    this.info = g(this.info);
    this.arg = g(this.arg);
  }

  /**
   * Renumbers tasks after a compaction (`map[old]` is the new id, -1 when forgotten): the records of
   * forgotten tasks go; a forgotten task named as a cause is shown as forgotten.
   */
  remap(map: Int32Array): void {
    let j = 0;
    for (let i = 0; i < this.len; i++) {
      const id = map[this.task[i]];
      if (id < 0) continue;
      const inf = this.info[i];
      const c = (inf >> 8) & 255;
      let a = this.arg[i];
      if (c === C_DEP_ERRED || c === C_INPUT_LOST || c === C_NEEDED) a = a >= 0 ? map[a] : -1;
      this.task[j] = id;
      this.info[j] = inf;
      this.arg[j] = a;
      j++;
    }
    this.len = j;
  }

  /** The story of task `id` as text lines. */
  render(id: number, names: StoryNames): string[] {
    const out: string[] = [];
    if (this.dropped) out.push('(earlier history dropped)');
    for (let i = 0; i < this.len; i++) {
      if (this.task[i] !== id) continue;
      const inf = this.info[i];
      const from = STATE_NAMES[inf & 15];
      const to = STATE_NAMES[(inf >> 4) & 15];
      const a = this.arg[i];
      const why = this.cause((inf >> 8) & 255, a, names);
      out.push(
        from === to
          ? `${names.key(id)} ${from}: ${why}`
          : `${names.key(id)} ${from} -> ${to}: ${why}`,
      );
    }
    return out;
  }

  private cause(c: number, a: number, n: StoryNames): string {
    switch (c) {
      case C_SUBMIT:
        return `submit ${n.submission(a)}`;
      case C_INPUTS:
        return 'all dependencies in memory';
      case C_ASSIGN:
        return `assigned to ${n.worker(a)}`;
      case C_FINISHED:
        return `finished on ${n.worker(a)}`;
      case C_DEP_ERRED:
        return `dependency ${n.key(a)} erred`;
      case C_UNNEEDED:
        return 'no longer needed';
      case C_MOVED:
        return `delivered to ${n.submission(a)} and dropped by its worker`;
      case C_INPUT_LOST:
        return `dependency ${n.key(a)} lost`;
      case C_RELEASED_ON:
        return 'released';
      case C_NEEDED:
        return `needed again by ${n.key(a)}`;
      case C_SUB_ENDED:
        return `${n.submission(a)} ended`;
      default:
        return this.text[a] ?? '?';
    }
  }
}

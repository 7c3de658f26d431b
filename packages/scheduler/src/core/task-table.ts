// The core's task table: keys interned to dense integer ids, per-task state in growable typed
// arrays, dependencies and dependents in CSR form. Each submit appends one block of new ids; the
// dependencies of a task never change after it is added, and its dependents inside its own block
// are one CSR segment. A dependent added by a later submit to an older task goes to a small
// overflow map. Nothing here allocates per task beyond the key string and the node reference.
//
// Walking the graph: a task's inputs are `deps[j]` for j from `depStart[id]` to `depEnd(id)`; its
// dependents are `dependents[j]` from `dtStart[id]` to `dtEnd(id)`, then `laterDependents(id)` (the
// overflow map, which a loop must not forget). Loops on every task's path (activating, holding,
// placing, assigning, finishing) are written in that one form; everything else walks through
// `forEachDependency` / `everyDependency` / `forEachDependent` / `someDependent`. The split is
// measured, not taste: on Node 20 the closure-taking helpers in the per-task loops cost the core
// bench 13-29% (a closure and its context allocated per call, not inlined away), the plain loops
// nothing.
//
// Index access: the core compiles without `noUncheckedIndexedAccess`, so a read from a typed array
// or an array has the element's type (`t.state[id]` is a `number`) and a `!` after it asserts
// nothing. Ids are checked where they enter (intake resolves every key; events are looked up by
// key or worker name) and are below `size` from then on; `validate()` checks the tables. So index
// reads carry no `!`. A `!` is written only where it narrows a type that does include `undefined`
// (a Map entry the code knows is there, a pop from a stack it knows is not empty): each one is a
// claim. typescript-eslint's `no-unnecessary-type-assertion` finds any `!` that narrows nothing (the
// shared lint config does not turn it on yet; the core passes it).
import type { GraphNode, SerializedError } from '@dask-ts/protocol';
import { KeyIndex } from './key-index.js';
import { DepPredictor } from '@dask-ts/graph';

/** Internal task states (numeric); `ORPHAN` is a task still running that nobody needs anymore. */
export const WAITING = 0;
export const READY = 1;
export const PROCESSING = 2;
export const MEMORY = 3;
export const RELEASED = 4;
export const ERRED = 5;
export const CANCELLED = 6;
export const ORPHAN = 7;
export const STATE_NAMES = [
  'waiting',
  'ready',
  'processing',
  'memory',
  'released',
  'erred',
  'cancelled',
  'cancelled',
] as const;

/** Why a task erred: its own error (`origin` = itself), a dependency's, or loss of its worker. */
export interface ErrorInfo {
  readonly error: SerializedError;
  readonly origin: number;
  readonly lost: boolean;
}

function grow<T extends Int32Array | Uint8Array | Float64Array>(a: T, n: number, fill = 0): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  if (fill !== 0) b.fill(fill, a.length);
  return b;
}

/** Dense per-task storage; see the file comment. */
export class TaskTable {
  size = 0;
  readonly keys: string[] = [];
  readonly nodes: GraphNode[] = [];
  readonly index = new KeyIndex(this.keys);
  /** Resolves a submit's dependency keys to ids (reused by every submit: see intake.ts). */
  readonly predictor = new DepPredictor(this.keys, 0, 0, this.index);
  state = new Uint8Array(0);
  /** Dependencies not yet in memory (WAITING tasks). */
  waitCount = new Int32Array(0);
  /** Dependents that hold this task (they need its result and have not finished). */
  remaining = new Int32Array(0);
  /** Submissions that want this key and have not been sent it yet. */
  wantPending = new Int32Array(0);
  /** Worker index of a PROCESSING or ORPHAN task. */
  procWorker = new Int32Array(0);
  /** First holder of a MEMORY task (-1 none); further holders in `extraHolders`. */
  holder0 = new Int32Array(0);
  nbytes = new Float64Array(0);
  /** Global rank: smaller runs first (earlier submits first, then each submit's order). */
  prio = new Int32Array(0);
  /** The rank the next submitted task gets. */
  nextPrio = 0;
  /**
   * Inputs of a WAITING task that are PROCESSING (a hint, exact on the common path): when it
   * reaches `waitCount`, every missing input is running and the task may be co-assigned.
   */
  started = new Int32Array(0);
  depStart = new Int32Array(0);
  depCount = new Int32Array(0);
  dtStart = new Int32Array(0);
  dtCount = new Int32Array(0);
  lostCount = new Uint8Array(0);
  /** 1 while a PROCESSING/ORPHAN task was co-assigned (it does not count against its worker's cap). */
  coAssigned = new Uint8Array(0);
  inHeap = new Uint8Array(0);
  /** 1 when the task's node has a placement (read from the node only then: see restrictions.ts). */
  placed = new Uint8Array(0);
  /** Scratch marks for traversals (compared with a moving stamp). */
  mark = new Int32Array(0);
  deps = new Int32Array(1024);
  depsLen = 0;
  dependents = new Int32Array(1024);
  dependentsLen = 0;
  readonly extraDependents = new Map<number, number[]>();
  readonly extraHolders = new Map<number, number[]>();
  readonly errors = new Map<number, ErrorInfo>();
  /** Workers still running a task that was taken back from them (their reports are stale), oldest first. */
  readonly staleRuns = new Map<
    number,
    { readonly w: number; readonly fetched: readonly number[] }[]
  >();
  readonly stateCounts = new Int32Array(8);
  private stamp = 0;

  /** Makes room for `n` tasks. */
  reserve(n: number): void {
    const cap = this.state.length;
    if (n <= cap) return;
    const c = Math.max(n, cap * 2, 1024);
    this.state = grow(this.state, c);
    this.waitCount = grow(this.waitCount, c);
    this.remaining = grow(this.remaining, c);
    this.wantPending = grow(this.wantPending, c);
    this.procWorker = grow(this.procWorker, c, -1);
    this.holder0 = grow(this.holder0, c, -1);
    this.nbytes = grow(this.nbytes, c);
    this.prio = grow(this.prio, c);
    this.started = grow(this.started, c);
    this.depStart = grow(this.depStart, c);
    this.depCount = grow(this.depCount, c);
    this.dtStart = grow(this.dtStart, c);
    this.dtCount = grow(this.dtCount, c);
    this.lostCount = grow(this.lostCount, c);
    this.coAssigned = grow(this.coAssigned, c);
    this.inHeap = grow(this.inHeap, c);
    this.placed = grow(this.placed, c);
    this.mark = grow(this.mark, c);
    // The key and node arrays get their room at once too (blank entries, overwritten by `add`):
    // growing a million-entry array push by push costs several times more.
    const k = this.keys;
    const from = k.length;
    if (from < c) {
      k.length = c;
      k.fill('', from, c);
      this.nodes.length = c;
      (this.nodes as (GraphNode | undefined)[]).fill(undefined, from, c);
    }
  }

  reserveDeps(n: number): void {
    if (n > this.deps.length) this.deps = grow(this.deps, Math.max(n, this.deps.length * 2));
  }

  reserveDependents(n: number): void {
    if (n > this.dependents.length)
      this.dependents = grow(this.dependents, Math.max(n, this.dependents.length * 2));
  }

  /** Adds a key (state RELEASED) and returns its id. */
  add(key: string, node: GraphNode): number {
    const id = this.size++;
    if (id >= this.state.length) this.reserve(id + 1);
    // The key and node arrays are sized by `reserve` (and kept by `clear`): overwrite in place.
    if (id < this.keys.length) {
      this.keys[id] = key;
      this.nodes[id] = node;
    } else {
      this.keys.push(key);
      this.nodes.push(node);
    }
    this.index.size = this.size; // indexed lazily, on the first lookup
    this.state[id] = RELEASED;
    this.stateCounts[RELEASED]++;
    return id;
  }

  /** Forgets every id from `size` on (a refused submit). */
  truncate(size: number): void {
    for (let id = size; id < this.size; id++) {
      this.stateCounts[this.state[id]]--;
      this.state[id] = 0;
      this.depStart[id] = this.depCount[id] = this.dtStart[id] = this.dtCount[id] = 0;
      this.prio[id] = 0;
      this.placed[id] = 0;
    }
    this.keys.fill('', size, this.size);
    this.index.truncate(size);
    (this.nodes as (GraphNode | undefined)[]).fill(undefined, size, this.size);
    this.size = size;
  }

  /**
   * Forgets every task but keeps the storage (an idle core starting over): per-task arrays are
   * reset over the used range, and the key and node arrays are blanked in place (no reference to
   * an old graph is kept) so the next submit refills them without growing.
   */
  clear(): void {
    this.blank(0, this.size);
    this.size = 0;
    this.index.truncate(0);
    this.nextPrio = 0;
    this.depsLen = 0;
    this.dependentsLen = 0;
    this.extraDependents.clear();
    this.extraHolders.clear();
    this.errors.clear();
    this.staleRuns.clear();
    this.stateCounts.fill(0);
  }

  /** Resets the per-task storage of ids `from` to `to` (exclusive) to that of unused ids. */
  private blank(from: number, to: number): void {
    for (const a of this.perTask()) a.fill(0, from, to);
    this.mark.fill(0, from, to);
    this.procWorker.fill(-1, from, to);
    this.holder0.fill(-1, from, to);
    this.keys.fill('', from, to);
    (this.nodes as (GraphNode | undefined)[]).fill(undefined, from, to);
  }

  /** The per-task arrays that move with their task (the CSR offsets are rebuilt instead). */
  private perTask(): (Uint8Array | Int32Array | Float64Array)[] {
    return [
      this.state,
      this.waitCount,
      this.remaining,
      this.wantPending,
      this.procWorker,
      this.holder0,
      this.nbytes,
      this.prio,
      this.started,
      this.lostCount,
      this.coAssigned,
      this.inHeap,
      this.placed,
      this.depStart,
      this.depCount,
      this.dtStart,
      this.dtCount,
    ];
  }

  /**
   * Keeps only the tasks marked in `keep`, renumbered in order (see compaction.ts), and returns
   * the old-to-new id map (-1: forgotten). Dependencies of kept tasks must be kept.
   */
  compact(keep: Uint8Array): Int32Array {
    const n = this.size;
    const map = new Int32Array(n).fill(-1);
    let m = 0;
    let edges = 0;
    for (let id = 0; id < n; id++) {
      if (keep[id] === 1) {
        map[id] = m++;
        edges += this.depCount[id];
      } else this.stateCounts[this.state[id]]--;
    }
    // Dependencies, renumbered, in the new order; dependents rebuilt from them (which also takes in
    // the overflow map of dependents added by later submits).
    const deps = new Int32Array(Math.max(1024, edges));
    const depStart = new Int32Array(m);
    const depCount = new Int32Array(m);
    const dtCount = new Int32Array(m);
    let len = 0;
    for (let id = 0; id < n; id++) {
      const j = map[id];
      if (j < 0) continue;
      const s = this.depStart[id];
      const c = this.depCount[id];
      depStart[j] = len;
      depCount[j] = c;
      for (let k = s; k < s + c; k++) {
        const d = map[this.deps[k]];
        if (d < 0) throw new Error(`compact: ${this.keys[id]} is kept but its input is not`);
        deps[len++] = d;
        dtCount[d]++;
      }
    }
    const dtStart = new Int32Array(m);
    for (let j = 0, off = 0; j < m; j++) {
      dtStart[j] = off;
      off += dtCount[j];
    }
    const dependents = new Int32Array(Math.max(1024, len));
    const fill = new Int32Array(m);
    for (let j = 0; j < m; j++) {
      for (let k = depStart[j]; k < depStart[j] + depCount[j]; k++) {
        const d = deps[k];
        dependents[dtStart[d] + fill[d]++] = j;
      }
    }
    // Move the kept tasks down, then blank what is left.
    for (const a of this.perTask())
      for (let id = 0; id < n; id++) if (map[id] >= 0) a[map[id]] = a[id];
    for (let id = 0; id < n; id++) {
      const j = map[id];
      if (j < 0 || j === id) continue;
      this.keys[j] = this.keys[id];
      this.nodes[j] = this.nodes[id];
    }
    this.blank(m, n);
    this.depStart.set(depStart);
    this.depCount.set(depCount);
    this.dtStart.set(dtStart);
    this.dtCount.set(dtCount);
    this.mark.fill(0, 0, m);
    this.deps = deps;
    this.depsLen = len;
    this.dependents = dependents;
    this.dependentsLen = len;
    this.extraDependents.clear();
    remapKeys(this.extraHolders, map, (v) => v);
    remapKeys(this.errors, map, (info) => ({ ...info, origin: map[info.origin] }));
    remapKeys(this.staleRuns, map, (runs) =>
      runs.map((r) => ({ w: r.w, fetched: r.fetched.map((f) => map[f]) })),
    );
    this.size = m;
    this.index.truncate(0);
    this.index.size = m;
    return map;
  }

  setState(id: number, s: number): void {
    this.stateCounts[this.state[id]]--;
    this.stateCounts[s]++;
    this.state[id] = s;
  }

  /** A fresh traversal stamp; `mark[id] === stamp` means visited. */
  nextStamp(): number {
    return ++this.stamp;
  }

  /** Where `id`'s dependencies end in `deps` (exclusive); they start at `depStart[id]`. */
  depEnd(id: number): number {
    return this.depStart[id] + this.depCount[id];
  }

  /** Where `id`'s dependents of its own block end in `dependents`; they start at `dtStart[id]`. */
  dtEnd(id: number): number {
    return this.dtStart[id] + this.dtCount[id];
  }

  /** The dependents of `id` added by later submits (the overflow map), or undefined. */
  laterDependents(id: number): readonly number[] | undefined {
    return this.extraDependents.size === 0 ? undefined : this.extraDependents.get(id);
  }

  /** Calls `f` for each dependency (input) of `id`, in argument order. */
  forEachDependency(id: number, f: (d: number) => void): void {
    const deps = this.deps;
    for (let j = this.depStart[id], e = this.depEnd(id); j < e; j++) f(deps[j]);
  }

  /** Whether `p` holds for every dependency of `id` (it stops at the first that fails). */
  everyDependency(id: number, p: (d: number) => boolean): boolean {
    const deps = this.deps;
    for (let j = this.depStart[id], e = this.depEnd(id); j < e; j++) if (!p(deps[j])) return false;
    return true;
  }

  /** Calls `f` for every dependent of `id`: its own block's, then those of later submits. */
  forEachDependent(id: number, f: (d: number) => void): void {
    const dl = this.dependents;
    for (let j = this.dtStart[id], e = this.dtEnd(id); j < e; j++) f(dl[j]);
    const later = this.laterDependents(id);
    if (later !== undefined) for (const d of later) f(d);
  }

  /** Whether `p` holds for some dependent of `id` (it stops at the first that does). */
  someDependent(id: number, p: (d: number) => boolean): boolean {
    const dl = this.dependents;
    for (let j = this.dtStart[id], e = this.dtEnd(id); j < e; j++) if (p(dl[j])) return true;
    const later = this.laterDependents(id);
    return later !== undefined && later.some(p);
  }

  /** The holders of a MEMORY task. */
  holders(id: number): number[] {
    const h = this.holder0[id];
    if (h < 0) return [];
    const extra = this.extraHolders.get(id);
    return extra === undefined ? [h] : [h, ...extra];
  }

  isHolder(id: number, w: number): boolean {
    if (this.holder0[id] === w) return true;
    if (this.extraHolders.size === 0) return false;
    const extra = this.extraHolders.get(id);
    return extra !== undefined && extra.includes(w);
  }

  addHolder(id: number, w: number): void {
    const h = this.holder0[id];
    if (h === w) return;
    if (h < 0) {
      this.holder0[id] = w;
      return;
    }
    const extra = this.extraHolders.get(id);
    if (extra === undefined) this.extraHolders.set(id, [w]);
    else if (!extra.includes(w)) extra.push(w);
  }

  /** Removes holder `w`; returns whether any holder is left. */
  removeHolder(id: number, w: number): boolean {
    const extra = this.extraHolders.get(id);
    if (this.holder0[id] === w) {
      if (extra === undefined) {
        this.holder0[id] = -1;
        return false;
      }
      this.holder0[id] = extra.shift()!;
      if (extra.length === 0) this.extraHolders.delete(id);
      return true;
    }
    if (extra !== undefined) {
      const i = extra.indexOf(w);
      if (i >= 0) extra.splice(i, 1);
      if (extra.length === 0) this.extraHolders.delete(id);
    }
    return this.holder0[id] >= 0;
  }

  clearHolders(id: number): void {
    this.holder0[id] = -1;
    if (this.extraHolders.size > 0) this.extraHolders.delete(id);
  }
}

/** Renumbers the keys of a map of kept tasks (entries of forgotten tasks are dropped). */
function remapKeys<V>(m: Map<number, V>, map: Int32Array, f: (v: V) => V): void {
  if (m.size === 0) return;
  const entries = [...m];
  m.clear();
  for (const [id, v] of entries) if (map[id] >= 0) m.set(map[id], f(v));
}

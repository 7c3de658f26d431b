// The one graph interner: keys become dense integer ids (their position in a key table) and each
// task's dependency keys become ids, in O(nodes + edges), hashing as few keys as possible. Used by
// graph's passes (graph-index.ts: cull, fuse, order, validate), the sync scheduler's plan and the
// scheduling core's intake.
//
// The trick: a dependency usually sits where it can be predicted, and a prediction is checked with
// one string comparison, so most edges never touch a hash table. In order of trial:
// - depth-first post-order (how `delayed` lays out a graph): a task's last input sits right before
//   it, and each earlier input right before the subtree of the next (`span` remembers where each
//   task's subtree starts);
// - the id right after the previous dependency's (collections list a layer's inputs in the order
//   their tasks were added: partition i reads partitions 2i and 2i+1);
// - one stride on from where the previous task's input in the same place sat (or the two-step
//   stride of the two tasks before: a stencil's neighbours, a shuffle's parts), then a unit stride
//   (right after a wrap-around the two-step stride is wrong);
// - the previous dependency's id again.
// A miss is looked up at once only if the key index is already built (`current`); otherwise it is
// recorded and all are found after the pass (`findKeys`), by one scan of the key table against a
// small map of them, which costs far less than hashing every key. With `manyMisses` (a table whose
// keys are all known before the pass) the index is built once that many misses pile up, and later
// misses are looked up at once. The index itself (`KeyIndex`) is an open-addressing table of ids,
// built lazily: a pass whose predictions all hold never builds it.
import type { Graph, GraphNode } from '@dask-ts/protocol';

/**
 * A key-to-id lookup that may be built lazily; `current` says a lookup costs no building.
 *
 * @example
 * const id = index.current ? index.get('x') : undefined;
 */
export interface KeyLookup {
  get(key: string): number | undefined;
  readonly current: boolean;
}

/** How many keys past the predicted one a missed dependency is looked for (see `resolve`). */
const SKIP = 3;

function hash(s: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h ^ (h >>> 15);
}

/**
 * Finding a key's id in a key table: an open-addressing hash table (linear probing) of ids in one
 * Int32Array, keyed by an FNV-1a hash of the key and checked against the table. For a million keys
 * it is several times lighter than a `Map<string, number>`. Lazy: the owner raises `size` as it
 * appends keys, and the first lookup indexes every key appended since the last one. `truncate`
 * drops ids (the table is then rebuilt).
 *
 * @example
 * const keys = ['a', 'b'];
 * const index = new KeyIndex(keys);
 * index.size = 2;
 * index.get('b'); // 1
 */
export class KeyIndex implements KeyLookup {
  private slots = new Int32Array(1024).fill(-1);
  private mask = 1023;
  /** Ids below `count` are in the hash table. */
  private count = 0;
  /** Ids below `size` are keys of the table (ids are appended in order). */
  size = 0;

  constructor(private readonly keys: readonly string[]) {}

  /** The id of `key`, or undefined. */
  get(key: string): number | undefined {
    if (this.count < this.size) this.catchUp();
    const slots = this.slots;
    const keys = this.keys;
    const mask = this.mask;
    let i = hash(key) & mask;
    for (;;) {
      const id = slots[i];
      if (id < 0) return undefined;
      if (keys[id] === key) return id;
      i = (i + 1) & mask;
    }
  }

  /** Whether every key of the table is indexed already (a lookup costs no catching up). */
  get current(): boolean {
    return this.count >= this.size;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** Keeps ids below `size` only. */
  truncate(size: number): void {
    this.size = size;
    if (this.count > size) this.rebuild(this.slots.length, size);
  }

  /** Indexes the keys appended since the last lookup. */
  private catchUp(): void {
    const n = this.size;
    let cap = this.slots.length;
    if (2 * n > cap) {
      while (2 * n > cap) cap *= 2;
      this.rebuild(cap, n);
      return;
    }
    for (let id = this.count; id < n; id++) this.place(this.keys[id], id);
    this.count = n;
  }

  private rebuild(cap: number, size: number): void {
    this.slots = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    this.count = size;
    for (let id = 0; id < size; id++) this.place(this.keys[id], id);
  }

  private place(key: string, id: number): void {
    const slots = this.slots;
    const mask = this.mask;
    let i = hash(key) & mask;
    while (slots[i] >= 0) i = (i + 1) & mask;
    slots[i] = id;
  }
}

/**
 * Resolves the dependency keys of tasks, in id order, to ids by prediction (see the file
 * comment). Ids `base ..` are the ones being added in this pass; ids of dependencies may be any
 * below `size`. What it misses is recorded (`missedAt`, `missedTask`, `missedKeys`) for
 * {@link findKeys} after the pass, with -1 written in its place.
 *
 * @example
 * const p = new DepPredictor(keys, 0, keys.length, index);
 * for (let id = 0; id < n; id++) if (deps[id].length > 0) e += p.resolve(id, deps[id], out, e, n);
 */
export class DepPredictor {
  /** Where each recorded miss is in `out`, which task has it, and its key. */
  readonly missedAt: number[] = [];
  readonly missedTask: number[] = [];
  readonly missedKeys: string[] = [];
  /** span[id - base]: how far before id its post-order subtree starts. */
  private span: Int32Array;
  private base: number;
  private guess: number;
  private prevAt = 0;
  private prevLen = -1;
  private prev2At = 0;
  private prev2Len = -1;

  /**
   * @param keys the key table (ids below the `size` given to {@link resolve} are keys)
   * @param base the first id added in this pass
   * @param count how many ids this pass adds at most
   * @param index where a miss is looked up, when it is `current`
   * @param manyMisses misses after which the index is built and the recorded ones looked up
   *   (only for a table whose keys were all added before the pass)
   */
  constructor(
    private keys: readonly string[],
    base: number,
    count: number,
    private index: KeyLookup,
    private manyMisses = Infinity,
  ) {
    this.base = base;
    this.span = new Int32Array(count);
    this.guess = base - 1;
  }

  /**
   * Starts a new pass (the constructor's parameters), keeping the storage. Reuse one predictor for
   * every pass: V8 discards code compiled around a predictor once that predictor is garbage, so a
   * fresh predictor per pass runs unoptimized code again each time (a third slower on a large
   * submit).
   *
   * @example
   * predictor.reset(table.keys, table.index, table.size, graph.size);
   */
  reset(
    keys: readonly string[],
    index: KeyLookup,
    base: number,
    count: number,
    manyMisses = Infinity,
  ): void {
    if (this.span.length < count) this.span = new Int32Array(Math.max(count, 2 * this.span.length));
    else this.span.fill(0, 0, count);
    this.keys = keys;
    this.index = index;
    this.manyMisses = manyMisses;
    this.base = base;
    this.guess = base - 1;
    this.prevAt = this.prev2At = 0;
    this.prevLen = this.prev2Len = -1;
    this.missedAt.length = this.missedTask.length = this.missedKeys.length = 0;
  }

  /**
   * Writes the ids of the dependencies `ds` (non-empty) of task `id` to `out[at ..]` (-1 for a
   * recorded miss); returns `ds.length`. Call it for tasks in increasing id order.
   */
  resolve(id: number, ds: readonly string[], out: Int32Array, at: number, size: number): number {
    const keys = this.keys;
    const len = ds.length;
    const lastAt = this.prevAt;
    const lastLen = this.prevLen;
    const beforeAt = this.prev2At;
    const beforeLen = this.prev2Len;
    this.prev2At = lastAt;
    this.prev2Len = lastLen;
    this.prevAt = at;
    this.prevLen = len;
    if (this.postOrder(id, ds, out, at)) {
      const first = out[at];
      this.span[id - this.base] = id - first + this.span[first - this.base];
      this.guess = id - 1;
      return len;
    }
    const stride = lastLen === len;
    const stride2 = stride && beforeLen === len;
    let guess = this.guess;
    for (let i = 0; i < len; i++) {
      const dk = ds[i];
      const g = guess + 1;
      let d = -1;
      if (g < size && keys[g] === dk) d = g;
      else {
        if (stride) {
          const b = out[lastAt + i];
          const c = stride2 ? out[beforeAt + i] : -1;
          const p = b >= 0 ? (c >= 0 ? 2 * b - c : b + 1) : c >= 0 ? c + 2 : -1;
          if (p >= 0 && p < size && keys[p] === dk) d = p;
          else if (c >= 0 && b >= 0 && b + 1 < size && keys[b + 1] === dk) d = b + 1;
        }
        if (d < 0) {
          if (guess >= 0 && keys[guess] === dk) d = guess;
          else {
            // A few keys on: a layer's odd task carried up unchanged sits between two layers.
            for (let q = g + 1; q <= g + SKIP && q < size; q++) {
              if (keys[q] === dk) {
                d = q;
                break;
              }
            }
            if (d < 0 && this.index.current) d = this.index.get(dk) ?? -1;
          }
        }
      }
      out[at + i] = d;
      if (d >= 0) guess = d;
      else this.miss(at + i, id, dk, out);
    }
    this.guess = guess;
    return len;
  }

  /** Whether `ds` sit where depth-first post-order puts them; if so, their ids are in `out`. */
  private postOrder(id: number, ds: readonly string[], out: Int32Array, at: number): boolean {
    const keys = this.keys;
    const base = this.base;
    const span = this.span;
    let p = id - 1;
    for (let j = ds.length - 1; j >= 0; j--) {
      if (p < base || keys[p] !== ds[j]) return false;
      out[at + j] = p;
      p = p - span[p - base] - 1;
    }
    return true;
  }

  private miss(at: number, id: number, key: string, out: Int32Array): void {
    this.missedAt.push(at);
    this.missedTask.push(id);
    this.missedKeys.push(key);
    if (this.missedKeys.length < this.manyMisses) return;
    // Many misses: look them up now, in an index built once; later misses are looked up at once.
    let kept = 0;
    for (let m = 0; m < this.missedKeys.length; m++) {
      const d = this.index.get(this.missedKeys[m]);
      if (d !== undefined) {
        out[this.missedAt[m]] = d;
        continue;
      }
      this.missedAt[kept] = this.missedAt[m]!;
      this.missedTask[kept] = this.missedTask[m]!;
      this.missedKeys[kept++] = this.missedKeys[m]!;
    }
    this.missedAt.length = this.missedTask.length = this.missedKeys.length = kept;
  }
}

/**
 * The ids of `wanted` keys among the first `size` of `keys` (undefined: not there): a few are found
 * by one scan of the table against a small map of them (the keys' hashes are cached by the
 * strings), many (an eighth of the table or more), or any when `preferIndex` or the index is
 * current, by the index.
 *
 * @example
 * const ids = findKeys(keys, keys.length, p.missedKeys, index);
 */
export function findKeys(
  keys: readonly string[],
  size: number,
  wanted: readonly string[],
  index: KeyLookup,
  preferIndex = false,
): (number | undefined)[] {
  if (wanted.length === 0) return [];
  if (preferIndex || index.current || 8 * wanted.length >= size)
    return wanted.map((k) => index.get(k));
  if (wanted.length <= 2) {
    // One or two keys: a plain comparison per key of the table beats a map lookup per key.
    const a = wanted[0];
    const b = wanted.length === 2 ? wanted[1] : a;
    let ia: number | undefined;
    let ib: number | undefined;
    for (let id = 0; id < size; id++) {
      const k = keys[id];
      if (k === a) ia ??= id;
      if (k === b) ib ??= id;
      if (ia !== undefined && ib !== undefined) break;
    }
    return wanted.length === 2 ? [ia, ib] : [ia];
  }
  const at = new Map<string, number>();
  for (const k of wanted) at.set(k, -1);
  let left = at.size;
  for (let id = 0; id < size && left > 0; id++) {
    if (at.get(keys[id]) === -1) {
      at.set(keys[id], id);
      left--;
    }
  }
  return wanted.map((k) => {
    const id = at.get(k)!;
    return id >= 0 ? id : undefined;
  });
}

/**
 * The ids of `wanted` keys (undefined: not in the table), looked for first among the last keys
 * from `from` to `size` (outputs usually come last, so the index is rarely built), then in the
 * index. Each key is tried first right after the one before it, so wanted keys in table order
 * (a `map`'s whole block) cost one comparison each and no map of the tail.
 *
 * @example
 * const [id] = findRecent(keys, 0, keys.length, ['total'], index);
 */
export function findRecent(
  keys: readonly string[],
  from: number,
  size: number,
  wanted: readonly string[],
  index: KeyLookup,
): (number | undefined)[] {
  const lo = Math.max(from, size - wanted.length - 16);
  const out = new Array<number | undefined>(wanted.length);
  let tail: Map<string, number> | undefined;
  let next = lo;
  for (let i = 0; i < wanted.length; i++) {
    const k = wanted[i];
    let id: number | undefined;
    if (next < size && keys[next] === k) id = next;
    else if (wanted.length <= 4) {
      for (let j = size - 1; j >= lo; j--) {
        if (keys[j] === k) {
          id = j;
          break;
        }
      }
    } else {
      if (tail === undefined) {
        tail = new Map();
        for (let j = lo; j < size; j++) tail.set(keys[j], j);
      }
      id = tail.get(k);
    }
    if (id !== undefined) next = id + 1;
    out[i] = id ?? index.get(k);
  }
  return out;
}

/** Writes the graph's keys and nodes in insertion order; returns the number of edges. */
function listNodes(graph: Graph, keys: string[], nodes: GraphNode[]): number {
  let i = 0;
  let edges = 0;
  for (const [k, node] of graph) {
    keys[i] = k;
    nodes[i++] = node;
    if (node.kind === 'task') edges += node.deps.length;
  }
  return edges;
}

/** Fills `depStart` (but its last entry) and `deps` through the predictor; returns the edge count. */
function resolveNodes(
  p: DepPredictor,
  nodes: readonly GraphNode[],
  depStart: Int32Array,
  deps: Int32Array,
): number {
  const n = nodes.length;
  let e = 0;
  for (let i = 0; i < n; i++) {
    depStart[i] = e;
    const node = nodes[i];
    if (node.kind === 'task' && node.deps.length > 0) e += p.resolve(i, node.deps, deps, e, n);
  }
  return e;
}

/** The predictor every {@link internGraph} pass reuses (see {@link DepPredictor.reset}). */
const NO_KEYS: readonly string[] = [];
const NO_INDEX = new KeyIndex(NO_KEYS);
const shared = new DepPredictor(NO_KEYS, 0, 0, NO_INDEX);

/**
 * A graph interned by {@link internGraph}: node i is the graph's i-th key in insertion order; its
 * dependencies are `deps[depStart[i] .. depStart[i + 1])`, in `node.deps` order, -1 for a key not
 * in the graph.
 *
 * @example
 * const g = internGraph(graph); // g.keys[g.deps[g.depStart[i]]] is node i's first dependency
 */
export interface InternedGraph {
  readonly keys: string[];
  readonly nodes: GraphNode[];
  readonly depStart: Int32Array;
  readonly deps: Int32Array;
  /** The graph's keys to ids, built on first use. */
  readonly index: KeyIndex;
  /** The first missing dependency (in node order), if any. */
  readonly missing: { readonly task: number; readonly dep: string } | undefined;
}

/**
 * Interns a graph's keys and dependencies in O(nodes + edges), predicting where each dependency
 * sits (see the file comment).
 *
 * @example
 * const g = internGraph(new Map([['a', data(1)], ['b', task(inc, [ref('a')])]]));
 * // g.keys = ['a', 'b'], g.deps = Int32Array [0]
 */
export function internGraph(graph: Graph): InternedGraph {
  // Each loop is a function of its own: V8 compiles a hot loop on the spot (on-stack replacement)
  // before the code after it has run, and reuses that code on later calls, where it bails out at
  // the first statement after the loop; a function holding only the loop never does.
  const n = graph.size;
  const keys = new Array<string>(n);
  const nodes = new Array<GraphNode>(n);
  const edges = listNodes(graph, keys, nodes);
  const index = new KeyIndex(keys);
  index.size = n;
  const depStart = new Int32Array(n + 1);
  const deps = new Int32Array(edges);
  const p = shared;
  p.reset(keys, index, 0, n, Math.max(64, n >> 3));
  depStart[n] = resolveNodes(p, nodes, depStart, deps);
  let missing: InternedGraph['missing'];
  const found = findKeys(keys, n, p.missedKeys, index);
  for (let m = 0; m < found.length; m++) {
    const d = found[m];
    if (d !== undefined) deps[p.missedAt[m]] = d;
    else missing ??= { task: p.missedTask[m], dep: p.missedKeys[m] };
  }
  p.reset(NO_KEYS, NO_INDEX, 0, 0); // keeps no reference to this graph
  return { keys, nodes, depStart, deps, index, missing };
}

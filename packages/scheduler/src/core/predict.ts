// Predicting where a task's inputs sit in a key table, so that planning a graph rarely hashes a
// key: each prediction is checked with one string comparison, and only a miss falls back to a
// lookup. Used by the core's intake and the sync scheduler's plan. In depth-first post-order (how
// `delayed` lays out a graph) a task's last input sits right before it and each earlier input
// right before the subtree of the next; `lo[p - loBase]` is the first position of p's subtree.

/**
 * Whether the inputs `ds` of the task at position `i` of `keys` sit where depth-first post-order
 * puts them (at positions >= `min`); on success their positions are written to `out[at ..]`.
 *
 * @example
 * if (postOrder(keys, node.deps, i, lo, 0, 0, deps, e)) e += node.deps.length;
 */
export function postOrder(
  keys: readonly string[],
  ds: readonly string[],
  i: number,
  lo: Int32Array,
  loBase: number,
  min: number,
  out: Int32Array,
  at: number,
): boolean {
  let p = i - 1;
  for (let j = ds.length - 1; j >= 0; j--) {
    if (p < min || keys[p] !== ds[j]) return false;
    out[at + j] = p;
    p = lo[p - loBase] - 1;
  }
  return true;
}

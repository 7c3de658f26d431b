// The piscina peer's worker: a no-op task function (returns its argument), the same work as the
// tree graph's leaves, so the comparison measures per-task overhead only.

/**
 * The no-op piscina task.
 *
 * @example
 * await pool.run(3); // 3
 */
export default function noop(x: number): number {
  return x;
}

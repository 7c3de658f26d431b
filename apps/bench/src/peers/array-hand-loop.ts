// The hand-written two-thread loop of the `array-chain` suite: splits n elements between
// `threads` worker threads (array-hand-thread.ts), each summing abs(sin(2x + 1)) over its half of
// the seeded uniform stream chunk by chunk, and adds their sums. No scheduler, no tasks, nothing
// stored: what the work costs on this machine.
import { Worker } from 'node:worker_threads';

/**
 * The chain's sum over n elements of seed `seed`'s stream, on `threads` threads.
 *
 * @example
 * const s = await handChain(1 << 20, 1, 1 << 18, 2);
 */
export async function handChain(
  n: number,
  seed: number,
  chunk: number,
  threads: number,
): Promise<number> {
  const per = Math.ceil(n / threads);
  const parts = Array.from({ length: threads }, (_, t) => {
    const first = t * per;
    const count = Math.max(0, Math.min(per, n - first));
    return new Promise<number>((resolve, reject) => {
      const w = new Worker(new URL('./array-hand-thread.js', import.meta.url), {
        workerData: { seed, first, count, chunk },
      });
      w.once('message', (m: { sum: number }) => resolve(m.sum));
      w.once('error', reject);
      w.once('exit', (code) => {
        if (code !== 0) reject(new Error(`hand-loop thread ${t} exited with ${code}`));
      });
    });
  });
  const sums = await Promise.all(parts);
  return sums.reduce((a, b) => a + b, 0);
}

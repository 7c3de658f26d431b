// piscina as a peer: a pool of worker threads running the same no-op tasks one by one —
// `pool.run()` once per task, every task submitted first, then all awaited. The pool is started
// and warmed up before timing; it is always destroyed afterwards.
import { Piscina } from 'piscina';
import { bestOf } from '../harness.js';

const WORKER = new URL('./noop-worker.js', import.meta.url).href;

/**
 * Runs `tasks` no-op piscina tasks on a pool of `threads` threads, best of `reps`; times in ms.
 *
 * @example
 * const { best } = await runPiscina({ tasks: 40_000, threads: 2, reps: 5 });
 */
export async function runPiscina(options: {
  tasks: number;
  threads: number;
  reps: number;
}): Promise<{ best: number; times: number[] }> {
  const pool = new Piscina<number, number>({
    filename: WORKER,
    minThreads: options.threads,
    maxThreads: options.threads,
    idleTimeout: 60_000,
  });
  try {
    const runAll = async (n: number) => {
      const pending: Promise<number>[] = new Array<Promise<number>>(n);
      for (let i = 0; i < n; i++) pending[i] = pool.run(i);
      const results = await Promise.all(pending);
      if (results[n - 1] !== n - 1)
        throw new Error(`piscina returned ${results[n - 1]} for task ${n - 1}`);
    };
    await runAll(options.tasks); // warm-up, untimed: threads started, code compiled
    return await bestOf(options.reps, () => runAll(options.tasks));
  } finally {
    await pool.destroy();
  }
}

// The floors the latency suite compares dask-ts with: start `n` bare workers (threads or child
// processes running an echo script) and exchange one message with each; a bare `postMessage`
// round trip to a warm thread; piscina's awaited `run()` round trip on a warm pool.
import { fork } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { nowNs } from '../harness.js';

const ECHO_THREAD = new URL('./echo-thread.js', import.meta.url);
const ECHO_PROCESS = new URL('./echo-process.js', import.meta.url);
const NOOP = new URL('./noop-worker.js', import.meta.url).href;

const ms = (t0: bigint): number => Number(nowNs() - t0) / 1e6;

/**
 * Milliseconds to start `n` bare threads and get one echo from each (they are stopped after).
 *
 * @example
 * const floor = await bareThreadsStart(2);
 */
export async function bareThreadsStart(n: number): Promise<number> {
  const t0 = nowNs();
  const workers = Array.from({ length: n }, () => new Worker(ECHO_THREAD));
  await Promise.all(
    workers.map((w) => new Promise((resolve) => (w.once('message', resolve), w.postMessage(1)))),
  );
  const took = ms(t0);
  await Promise.all(workers.map((w) => w.terminate()));
  return took;
}

/**
 * Milliseconds to fork `n` bare Node processes and get one echo from each (killed after).
 *
 * @example
 * const floor = await bareProcessesStart(2);
 */
export async function bareProcessesStart(n: number): Promise<number> {
  const t0 = nowNs();
  const children = Array.from({ length: n }, () =>
    fork(ECHO_PROCESS, [], { serialization: 'advanced', stdio: 'ignore' }),
  );
  await Promise.all(
    children.map((c) => new Promise((resolve) => (c.once('message', resolve), c.send(1)))),
  );
  const took = ms(t0);
  await Promise.all(
    children.map((c) => new Promise((resolve) => (c.once('exit', resolve), c.kill('SIGKILL')))),
  );
  return took;
}

/**
 * Each of `reps` awaited `postMessage` round trips to a warm bare thread, in ms.
 *
 * @example
 * const times = await postMessageRoundTrips(1000);
 */
export async function postMessageRoundTrips(reps: number): Promise<number[]> {
  const w = new Worker(ECHO_THREAD);
  try {
    const once = (i: number) =>
      new Promise((resolve) => (w.once('message', resolve), w.postMessage(i)));
    for (let i = 0; i < 100; i++) await once(i);
    const times: number[] = [];
    for (let i = 0; i < reps; i++) {
      const t0 = nowNs();
      await once(i);
      times.push(ms(t0));
    }
    return times;
  } finally {
    await w.terminate();
  }
}

/**
 * Each of `reps` awaited `pool.run()` round trips on a warm piscina pool of `threads`, in ms.
 *
 * @example
 * const times = await piscinaRoundTrips(1000, 2);
 */
export async function piscinaRoundTrips(reps: number, threads: number): Promise<number[]> {
  const pool = new Piscina<number, number>({
    filename: NOOP,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 60_000,
  });
  try {
    for (let i = 0; i < 100; i++) await pool.run(i);
    const times: number[] = [];
    for (let i = 0; i < reps; i++) {
      const t0 = nowNs();
      if ((await pool.run(i)) !== i) throw new Error(`piscina returned the wrong value for ${i}`);
      times.push(ms(t0));
    }
    return times;
  } finally {
    await pool.destroy();
  }
}

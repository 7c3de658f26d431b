// Suite `latency`: what one small compute costs, through the public API (`delayed` + `compute`).
// (1) The first compute on a fresh pool of 2 workers, against its floor: starting 2 bare workers
// of the same kind and exchanging one message with each, measured in the same run, alternating
// with the dask-ts runs (targets: within 1.5× of the floor). (2) A one-task compute on a warm pool,
// median, with a new lambda each time (as a loop body that calls `delayed((x) => x + 1)` does),
// with one function reused, and with a new function text each time (a parse per compute); beside
// piscina's awaited `run()` round trip and a bare `postMessage` round trip (targets: threads
// ≤ 200 µs, processes ≤ 400 µs, new lambdas included).
import { compute, delayed } from '@dask-ts/graph';
import type { Scheduler } from '@dask-ts/protocol';
import { createProcessesScheduler, createThreadsScheduler } from '@dask-ts/scheduler';
import { fmt, nowNs, ratio, type Suite, type SuiteResult } from '../harness.js';
import {
  bareProcessesStart,
  bareThreadsStart,
  piscinaRoundTrips,
  postMessageRoundTrips,
} from '../peers/floors.js';

const WORKERS = 2;

type Pool = Scheduler & { close(): Promise<void> };

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** One compute of one task, timed in ms; checks the answer. */
async function oneTask(pool: Scheduler, fn: (x: number) => number, x: number): Promise<number> {
  const t0 = nowNs();
  const [y] = await compute(delayed(fn)(x), { scheduler: pool });
  const took = Number(nowNs() - t0) / 1e6;
  if (y !== x + 1) throw new Error(`a one-task compute returned ${String(y)} for ${x}`);
  return took;
}

/** First computes on fresh pools, alternating with the floor; best and median of each. */
async function firstCompute(
  make: () => Pool,
  floor: () => Promise<number>,
  reps: number,
): Promise<{ ours: number[]; bare: number[] }> {
  const ours: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < reps; i++) {
    bare.push(await floor());
    const t0 = nowNs();
    const pool = make();
    try {
      const [y] = await compute(delayed((x: number) => x + 1)(i), { scheduler: pool });
      ours.push(Number(nowNs() - t0) / 1e6);
      if (y !== i + 1) throw new Error(`the first compute returned ${String(y)}`);
    } finally {
      await pool.close();
    }
  }
  return { ours, bare };
}

/** Warm one-task computes: new lambdas, one reused function, and new function texts (µs). */
async function warm(
  make: () => Pool,
  reps: number,
): Promise<{ fresh: number; reused: number; texts: number }> {
  const pool = make();
  try {
    const reusedFn = (x: number): number => x + 1;
    for (let i = 0; i < 200; i++) await oneTask(pool, (x: number) => x + 1, i);
    const fresh: number[] = [];
    const reused: number[] = [];
    const texts: number[] = [];
    for (let i = 0; i < reps; i++) {
      // Interleaved, so that a disturbance of the machine hits all three alike.
      fresh.push(await oneTask(pool, (x: number) => x + 1, i));
      reused.push(await oneTask(pool, reusedFn, i));
      const text = new Function('x', `return x + 1 + ${i} - ${i};`) as (x: number) => number;
      texts.push(await oneTask(pool, text, i));
    }
    return {
      fresh: median(fresh) * 1000,
      reused: median(reused) * 1000,
      texts: median(texts) * 1000,
    };
  } finally {
    await pool.close();
  }
}

/** The `latency` suite. @example await latency.run({ quick: true }) */
export const latency: Suite = {
  name: 'latency',
  describe: 'first compute on a fresh pool vs bare workers; warm one-task compute vs piscina',
  async run({ quick }): Promise<SuiteResult> {
    const firstReps = quick ? 3 : 9;
    const warmReps = quick ? 200 : 1000;
    const quiet = { workers: WORKERS, log: () => undefined };
    const threads = (): Pool => createThreadsScheduler(quiet);
    const processes = (): Pool => createProcessesScheduler(quiet);

    const ft = await firstCompute(threads, () => bareThreadsStart(WORKERS), firstReps);
    const fp = await firstCompute(processes, () => bareProcessesStart(WORKERS), firstReps);
    const wt = await warm(threads, warmReps);
    const wp = await warm(processes, warmReps);
    const pis = median(await piscinaRoundTrips(warmReps, WORKERS)) * 1000;
    const post = median(await postMessageRoundTrips(warmReps)) * 1000;

    const firstRow = (what: string, r: { ours: number[]; bare: number[] }): string[][] => [
      [
        `first compute, fresh ${what} pool (${WORKERS})`,
        `${fmt(median(r.ours))} ms`,
        `${fmt(Math.min(...r.ours))} ms`,
        `${ratio(median(r.ours), median(r.bare))} of floor`,
        '≤ 1.5× of floor',
      ],
      [
        `floor: ${WORKERS} bare ${what}, one message each`,
        `${fmt(median(r.bare))} ms`,
        `${fmt(Math.min(...r.bare))} ms`,
        '1.00×',
        '',
      ],
    ];
    const warmRows = (what: string, w: typeof wt, target: number): string[][] => [
      [
        `warm one-task compute, ${what}, new lambda`,
        `${fmt(w.fresh)} µs`,
        '',
        `${ratio(w.fresh, pis)} of piscina`,
        `≤ ${target} µs`,
      ],
      [
        `warm one-task compute, ${what}, same function`,
        `${fmt(w.reused)} µs`,
        '',
        `${ratio(w.reused, pis)} of piscina`,
        `≤ ${target} µs`,
      ],
      [
        `warm one-task compute, ${what}, new function text`,
        `${fmt(w.texts)} µs`,
        '',
        `${ratio(w.texts, pis)} of piscina`,
        '',
      ],
    ];
    return {
      suite: 'latency',
      title: 'latency of one small compute (first on a fresh pool; warm, median)',
      headers: ['measurement', 'median', 'best', 'ratio', 'target'],
      rows: [
        ...firstRow('threads', ft),
        ...firstRow('processes', fp),
        ...warmRows('threads', wt, 200),
        ...warmRows('processes', wp, 400),
        [
          `piscina awaited run() round trip (${WORKERS} threads)`,
          `${fmt(pis)} µs`,
          '',
          '1.00×',
          '',
        ],
        ['bare postMessage round trip (1 thread)', `${fmt(post)} µs`, '', ratio(post, pis), ''],
      ],
      notes: [
        `first compute: ${firstReps} fresh pools each, alternating with the floor in the same run; a compute = compute(delayed(fn)(x), { scheduler }) from creating the pool to the result (closing untimed)`,
        `warm: ${warmReps} one-task computes of each kind, interleaved, after 200 untimed; "new lambda" builds (x) => x + 1 afresh each time (same text), "new function text" a different text each time`,
        'a shared, loaded 2-core VM: compare the rows of one run, not runs with each other',
      ],
    };
  },
};

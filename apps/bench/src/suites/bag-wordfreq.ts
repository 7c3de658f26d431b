// Suite `bag-wordfreq`: word frequencies over generated text (1 GiB; DASK_TS_BENCH_WORDFREQ_MIB
// overrides, --quick uses 16 MiB) in 32 blocks: readText -> split -> flatten -> filter ->
// frequencies, on the threads scheduler with 1 and 2 workers, vs a single-threaded Node loop over the same file
// and vs dask.bag with the processes scheduler. The bag chain runs fused: one task per block reads,
// splits and counts, and only the per-block counts cross threads. Every implementation must find
// the same number of distinct words and total words. Workers are started before the timed runs
// (the start-up time is printed in the notes); sizes of 256 MiB and more are timed once.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { readText } from '@dask-ts/bag';
import { createThreadsScheduler } from '@dask-ts/scheduler';
import { fmt, ratio, type Suite, type SuiteResult } from '../harness.js';
import { DASK_MISSING, daskAvailable } from '../peers/dask.js';
import {
  BLOCKS,
  bestWithCpu,
  blockBytes,
  fileMiB,
  runDaskBag,
  warmThreads,
  wordsFile,
} from './bag-data.js';

async function nodeBaseline(path: string): Promise<[number, number]> {
  const counts = new Map<string, number>();
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of rl) {
    for (const w of line.split(' ')) if (w !== '') counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  let total = 0;
  for (const n of counts.values()) total += n;
  return [counts.size, total];
}

/** The `bag-wordfreq` suite. @example await bagWordfreq.run({ quick: true }) */
export const bagWordfreq: Suite = {
  name: 'bag-wordfreq',
  describe: 'word frequencies over generated text: dask-ts bag vs Node loop vs dask.bag',
  async run({ quick }): Promise<SuiteResult> {
    const mib = quick ? 16 : Number(process.env.DASK_TS_BENCH_WORDFREQ_MIB ?? 1024);
    const reps = quick ? 2 : mib >= 256 ? 1 : 3;
    const path = await wordsFile(mib);
    const size = fileMiB(path);
    const blocksize = blockBytes(path);
    const check = (got: [number, number], who: string, want: [number, number]) => {
      if (got[0] !== want[0] || got[1] !== want[1])
        throw new Error(`${who} found ${got.join('/')} words, expected ${want.join('/')}`);
    };
    let expected: [number, number] = [0, 0];
    const base = await bestWithCpu(reps, async () => {
      expected = await nodeBaseline(path);
    });
    const row = (name: string, ms: number, cpu: number): string[] => [
      name,
      fmt(ms),
      fmt(cpu),
      fmt(size / (ms / 1000)),
      ratio(base.best, ms),
    ];
    const rows: string[][] = [row('Node single thread (readline + Map)', base.best, base.cpu)];
    const ours: number[] = [];
    const starts: string[] = [];
    for (const workers of [1, 2]) {
      const threads = createThreadsScheduler({ workers });
      try {
        starts.push(`${workers}: ${fmt(await warmThreads(threads, workers))} ms`);
        const bag = readText(path, { blocksize, keepDelimiter: false })
          .map((line) => line.split(' '))
          .flatten()
          .filter((w) => w !== '')
          .frequencies();
        const { best, cpu } = await bestWithCpu(reps, async () => {
          const pairs = await bag.compute({ scheduler: threads });
          check([pairs.length, pairs.reduce((a, p) => a + p[1], 0)], 'dask-ts', expected);
        });
        ours.push(best);
        rows.push(
          row(`dask-ts bag, threads (${workers} worker${workers > 1 ? 's' : ''})`, best, cpu),
        );
      } finally {
        await threads.close?.();
      }
    }
    const notes = [
      `${fmt(size)} MiB of text (${fmt(expected[1] / 1e6)} M words), ${BLOCKS} blocks of ${fmt(blocksize / 2 ** 20)} MiB, best of ${reps}; speed-up = Node single-thread time ÷ this time; CPU ms = user + system time of all threads (and processes) during the best run`,
      `dask-ts 2 workers vs 1: ${ratio(ours[0], ours[1])}; worker start-up before the timed runs (workers: ms): ${starts.join(', ')}`,
    ];
    if (daskAvailable()) {
      const d = await runDaskBag('wordfreq', path, blocksize, 2, reps);
      check(d.result, 'dask.bag', expected);
      rows.push(row(`dask.bag ${d.dask} processes (2 workers)`, d.best_ms, d.cpu_ms));
      notes.push(
        `dask-ts (2 workers) vs dask.bag: ${ratio(d.best_ms, ours[1])} faster (dask.bag's time includes starting its process pool, as every dask compute on the processes scheduler does)`,
      );
    } else {
      notes.push(DASK_MISSING);
    }
    return {
      suite: 'bag-wordfreq',
      title: 'word frequencies over generated text',
      headers: ['implementation', 'best ms', 'CPU ms', 'MiB/s', 'speed-up'],
      rows,
      notes,
    };
  },
};

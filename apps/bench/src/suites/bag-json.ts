// Suite `bag-json`: JSON lines, 2,000,000 records (--quick: 100,000) in 32 blocks: readJson ->
// filter(amount > 50) -> foldby(user, sum of amounts) on the threads scheduler (1 and 2 workers)
// vs a single-threaded Node loop (readline + JSON.parse + Map) and vs dask.bag (read_text ->
// json.loads -> filter -> foldby, processes scheduler). The bag chain runs fused: one task per
// block parses, filters and folds. All must find the same number of users and the same total.
// Workers are started before the timed runs (the start-up time is printed in the notes).
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { readJson } from '@dask-ts/bag';
import { createThreadsScheduler } from '@dask-ts/scheduler';
import { fmt, int, ratio, type Suite, type SuiteResult } from '../harness.js';
import { DASK_MISSING, daskAvailable } from '../peers/dask.js';
import {
  BLOCKS,
  bestWithCpu,
  blockBytes,
  fileMiB,
  recordsFile,
  runDaskBag,
  warmThreads,
} from './bag-data.js';

interface Rec {
  readonly id: number;
  readonly user: string;
  readonly amount: number;
  readonly tags: string[];
}

async function nodeBaseline(path: string): Promise<[number, number]> {
  const sums = new Map<string, number>();
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of rl) {
    if (line === '') continue;
    const r = JSON.parse(line) as Rec;
    if (r.amount > 50) sums.set(r.user, (sums.get(r.user) ?? 0) + r.amount);
  }
  let total = 0;
  for (const v of sums.values()) total += v;
  return [sums.size, total];
}

/** The `bag-json` suite. @example await bagJson.run({ quick: true }) */
export const bagJson: Suite = {
  name: 'bag-json',
  describe: 'JSON lines parse/filter/foldby: dask-ts bag vs Node loop vs dask.bag',
  async run({ quick }): Promise<SuiteResult> {
    const n = quick ? 100_000 : 2_000_000;
    const reps = quick ? 2 : 3;
    const path = await recordsFile(n);
    const blocksize = blockBytes(path);
    const check = (got: [number, number], who: string, want: [number, number]) => {
      if (got[0] !== want[0] || got[1] !== want[1])
        throw new Error(`${who} found ${got.join('/')}, expected ${want.join('/')}`);
    };
    let expected: [number, number] = [0, 0];
    const base = await bestWithCpu(reps, async () => {
      expected = await nodeBaseline(path);
    });
    const ours: { best: number; cpu: number }[] = [];
    const starts: string[] = [];
    for (const workers of [1, 2]) {
      const threads = createThreadsScheduler({ workers });
      try {
        starts.push(`${workers}: ${fmt(await warmThreads(threads, workers))} ms`);
        const bag = readJson<Rec>(path, { blocksize })
          .filter((r) => r.amount > 50)
          .foldby('user', (acc: number, r) => acc + r.amount, {
            initial: 0,
            combine: (a, b) => a + b,
            combineInitial: 0,
          });
        const r = await bestWithCpu(reps, async () => {
          const pairs = await bag.compute({ scheduler: threads });
          check([pairs.length, pairs.reduce((a, p) => a + p[1], 0)], 'dask-ts', expected);
        });
        ours.push(r);
      } finally {
        await threads.close?.();
      }
    }
    const two = ours[1].best;
    const row = (name: string, ms: number, cpu: number): string[] => [
      name,
      int(n),
      fmt(ms),
      fmt(cpu),
      fmt(n / ms / 1000),
      ratio(ms, two),
    ];
    const rows: string[][] = [
      row('Node single thread (readline + JSON.parse + Map)', base.best, base.cpu),
      row('dask-ts bag, threads (1 worker)', ours[0].best, ours[0].cpu),
      row('dask-ts bag, threads (2 workers)', two, ours[1].cpu),
    ];
    const notes = [
      `${int(n)} records (${fmt(fileMiB(path))} MiB), ${BLOCKS} blocks of ${fmt(blocksize / 2 ** 20)} MiB, best of ${reps}; ratio = this time ÷ dask-ts (2 workers) time; CPU ms = user + system time of all threads (and processes) during the best run`,
      `dask-ts 2 workers vs 1: ${ratio(ours[0].best, two)}; worker start-up before the timed runs (workers: ms): ${starts.join(', ')}`,
    ];
    if (daskAvailable()) {
      const d = await runDaskBag('json', path, blocksize, 2, reps);
      check(d.result, 'dask.bag', expected);
      rows.push(row(`dask.bag ${d.dask} processes (2 workers)`, d.best_ms, d.cpu_ms));
      notes.push(
        "dask.bag's time includes starting its process pool, as every dask compute on the processes scheduler does",
      );
    } else {
      notes.push(DASK_MISSING);
    }
    return {
      suite: 'bag-json',
      title: 'JSON lines: parse, filter, foldby',
      headers: [
        'implementation',
        'records',
        'best ms',
        'CPU ms',
        'M records/s',
        'time ÷ dask-ts 2 workers',
      ],
      rows,
      notes,
    };
  },
};

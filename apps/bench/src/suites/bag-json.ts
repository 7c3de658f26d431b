// Suite `bag-json`: JSON lines, 2,000,000 records (--quick: 100,000): readJson(blocksize) ->
// filter(amount > 50) -> foldby(user, sum of amounts) on the threads scheduler (2 workers) vs
// dask.bag (read_text -> json.loads -> filter -> foldby, processes scheduler). Both must find the
// same number of users and the same total.
import { readJson } from '@dask-ts/bag';
import { createThreadsScheduler } from '@dask-ts/scheduler';
import { bestOf, fmt, int, ratio, type Suite, type SuiteResult } from '../harness.js';
import { DASK_MISSING, daskAvailable } from '../peers/dask.js';
import { fileMiB, recordsFile, runDaskBag } from './bag-data.js';

interface Rec {
  readonly id: number;
  readonly user: string;
  readonly amount: number;
  readonly tags: string[];
}

/** The `bag-json` suite. @example await bagJson.run({ quick: true }) */
export const bagJson: Suite = {
  name: 'bag-json',
  describe: 'JSON lines parse/filter/foldby: dask-ts bag vs dask.bag',
  async run({ quick }): Promise<SuiteResult> {
    const n = quick ? 100_000 : 2_000_000;
    const reps = quick ? 1 : 3;
    const blocksize = quick ? 1 << 20 : 16 << 20;
    const path = await recordsFile(n);
    const threads = createThreadsScheduler({ workers: 2 });
    let result: [number, number] = [0, 0];
    let ours: { best: number };
    try {
      const bag = readJson<Rec>(path, { blocksize })
        .filter((r) => r.amount > 50)
        .foldby('user', (acc: number, r) => acc + r.amount, { initial: 0, combine: (a, b) => a + b, combineInitial: 0 });
      ours = await bestOf(reps, async () => {
        const pairs = await bag.compute({ scheduler: threads });
        result = [pairs.length, pairs.reduce((a, p) => a + p[1], 0)];
      });
    } finally {
      await threads.close?.();
    }
    const rows: string[][] = [['dask-ts bag, threads (2 workers)', int(n), fmt(ours.best), fmt(n / ours.best / 1000), '1.00×']];
    const notes = [`${int(n)} records (${fmt(fileMiB(path))} MiB), blocksize ${blocksize >> 20} MiB, best of ${reps}; ratio = peer time ÷ dask-ts time`];
    if (daskAvailable()) {
      const d = await runDaskBag('json', path, blocksize, 2, reps);
      if (d.result[0] !== result[0] || d.result[1] !== result[1]) {
        throw new Error(`dask.bag found ${d.result.join('/')}, dask-ts ${result.join('/')}`);
      }
      rows.push([`dask.bag ${d.dask} processes (2 workers)`, int(n), fmt(d.best_ms), fmt(n / d.best_ms / 1000), ratio(d.best_ms, ours.best)]);
    } else {
      notes.push(DASK_MISSING);
    }
    return {
      suite: 'bag-json',
      title: 'JSON lines: parse, filter, foldby',
      headers: ['implementation', 'records', 'best ms', 'M records/s', 'dask-ts speed-up'],
      rows,
      notes,
    };
  },
};

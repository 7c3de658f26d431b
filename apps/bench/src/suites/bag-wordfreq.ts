// Suite `bag-wordfreq`: word frequencies over generated text (1 GiB; DASK_TS_BENCH_WORDFREQ_MIB
// overrides, --quick uses 16 MiB): readText(blocksize) -> split -> flatten -> frequencies, on the
// threads scheduler with 1 and 2 workers, vs a single-threaded Node loop over the same file and vs
// dask.bag with the processes scheduler. Every implementation must find the same number of
// distinct words and total words.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { readText } from '@dask-ts/bag';
import { createThreadsScheduler } from '@dask-ts/scheduler';
import { bestOf, fmt, ratio, type Suite, type SuiteResult } from '../harness.js';
import { DASK_MISSING, daskAvailable } from '../peers/dask.js';
import { fileMiB, runDaskBag, wordsFile } from './bag-data.js';

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
    const reps = quick ? 1 : 3;
    const blocksize = quick ? 2 << 20 : 32 << 20;
    const path = await wordsFile(mib);
    const size = fileMiB(path);
    const check = (got: [number, number], who: string, want: [number, number]) => {
      if (got[0] !== want[0] || got[1] !== want[1]) throw new Error(`${who} found ${got.join('/')} words, expected ${want.join('/')}`);
    };
    let expected: [number, number] = [0, 0];
    const base = await bestOf(reps, async () => {
      expected = await nodeBaseline(path);
    });
    const rows: string[][] = [['Node single thread (readline + Map)', fmt(base.best), fmt(size / (base.best / 1000)), '1.00×']];
    const ours: number[] = [];
    for (const workers of [1, 2]) {
      const threads = createThreadsScheduler({ workers });
      try {
        const bag = readText(path, { blocksize })
          .map((line) => line.split(' '))
          .flatten()
          .filter((w) => w !== '')
          .frequencies();
        const { best } = await bestOf(reps, async () => {
          const pairs = await bag.compute({ scheduler: threads });
          check([pairs.length, pairs.reduce((a, p) => a + p[1], 0)], 'dask-ts', expected);
        });
        ours.push(best);
        rows.push([`dask-ts bag, threads (${workers} worker${workers > 1 ? 's' : ''})`, fmt(best), fmt(size / (best / 1000)), ratio(base.best, best)]);
      } finally {
        await threads.close?.();
      }
    }
    const notes = [
      `${fmt(size)} MiB of text, blocksize ${blocksize >> 20} MiB, best of ${reps}; speed-up = Node single-thread time ÷ this time`,
      `dask-ts 2 workers vs 1: ${ratio(ours[0]!, ours[1]!)}`,
    ];
    if (daskAvailable()) {
      const d = await runDaskBag('wordfreq', path, blocksize, 2, reps);
      check(d.result, 'dask.bag', expected);
      rows.push([`dask.bag ${d.dask} processes (2 workers)`, fmt(d.best_ms), fmt(size / (d.best_ms / 1000)), ratio(base.best, d.best_ms)]);
      notes.push(`dask-ts (2 workers) vs dask.bag: ${ratio(d.best_ms, ours[1]!)} faster`);
    } else {
      notes.push(DASK_MISSING);
    }
    return {
      suite: 'bag-wordfreq',
      title: 'word frequencies over generated text',
      headers: ['implementation', 'best ms', 'MiB/s', 'speed-up'],
      rows,
      notes,
    };
  },
};

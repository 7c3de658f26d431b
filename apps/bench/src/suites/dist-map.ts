// Suite `dist-map`: per-task overhead of distributed dask-ts against dask.distributed, both as a
// scheduler with 2 worker processes × 1 thread on this machine (dask-ts: `Client.local`; Dask:
// `LocalCluster(n_workers=2, threads_per_worker=1, processes=True)`). (1) `client.map` of N no-op
// tasks, gathered back: one untimed run first (dask-ts: the whole map, as every suite warms up;
// Dask: a map of 1,000, as it compiles nothing), then best of `reps`. (2) The median of
// one `submit(noop, i)` awaited round trip, right after the maps and once warm (after thousands
// of untimed ones). Both sides run through their public client API.
import { Client } from '@dask-ts/client';
import {
  fmt,
  int,
  nowNs,
  ratio,
  PYTHON,
  runJson,
  type Suite,
  type SuiteResult,
} from '../harness.js';
import { DASK_MISSING, daskAvailable } from '../peers/dask.js';
import { fileURLToPath } from 'node:url';

interface DaskDistResult {
  readonly map_best_ms: number;
  readonly tasks: number;
  readonly roundtrip_median_ms: number;
  readonly dask: string;
}

const SCRIPT = fileURLToPath(new URL('../../python/dist_map_bench.py', import.meta.url));

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const noop = (x: number): number => x;

async function ours(
  tasks: number,
  reps: number,
  roundtrips: number,
  warmup: number,
): Promise<{ best: number; rt: number; warm: number }> {
  const client = await Client.local({ nWorkers: 2, threadsPerWorker: 1, asDefault: false });
  try {
    const items = Array.from({ length: tasks }, (_, i) => i);
    const expected = (tasks * (tasks - 1)) / 2;
    // The whole workload once, untimed (code compiled, buffers grown), as every suite does.
    await client.gather(client.map(noop, items));
    let best = Infinity;
    for (let r = 0; r < reps; r++) {
      const t0 = nowNs();
      const out = await client.gather(client.map(noop, items));
      best = Math.min(best, Number(nowNs() - t0) / 1e6);
      if (out.reduce((a, b) => a + b, 0) !== expected) throw new Error('dask-ts map: wrong sum');
    }
    const roundTrips = async (n: number): Promise<number> => {
      const rts: number[] = [];
      for (let i = 0; i < n; i++) {
        const t0 = nowNs();
        if ((await client.submit(noop, i)) !== i) throw new Error('dask-ts submit: wrong value');
        rts.push(Number(nowNs() - t0) / 1e6);
      }
      return median(rts);
    };
    // The first round trips after the maps (the submit path's code still warming up), then the
    // steady state: after `warmup` more untimed ones (V8 optimizes a function called once per
    // round trip only after a few thousand calls).
    const cold = await roundTrips(roundtrips);
    await roundTrips(warmup);
    return { best, rt: cold, warm: await roundTrips(roundtrips) };
  } finally {
    await client.close();
  }
}

/** The `dist-map` suite. @example await distMap.run({ quick: true }) */
export const distMap: Suite = {
  name: 'dist-map',
  describe: 'client.map of no-ops and submit round trips on 2 worker processes vs dask.distributed',
  async run({ quick }): Promise<SuiteResult> {
    const tasks = quick ? 2_000 : 20_000;
    const reps = quick ? 1 : 6;
    const roundtrips = quick ? 50 : 1000;
    const warmup = quick ? 200 : 5000;
    const us = await ours(tasks, reps, roundtrips, warmup);
    const rate = (ms: number): number => (tasks / ms) * 1000;
    const rows: string[][] = [
      [
        'dask-ts Client.local (2 processes × 1 thread)',
        fmt(us.best),
        int(rate(us.best)),
        fmt(us.rt),
        fmt(us.warm),
        '1×',
      ],
    ];
    const notes = [
      `${tasks.toLocaleString('en-US')} no-op tasks per map, gathered back; one untimed run (dask-ts: the whole map; Dask, which compiles nothing: a map of 1,000), then best of ${reps}; round trip = median of ${roundtrips} awaited submit(noop, i) right after the maps ("first"), and again after ${warmup.toLocaleString('en-US')} more untimed ones ("warm": V8 has optimized the submit path by then; Dask, which compiles nothing, is measured once and shown in both columns); "dask-ts / peer" = tasks/s ratio (higher: dask-ts faster). Loaded shared 2-core machine: compare within a run.`,
    ];
    if (daskAvailable()) {
      const d = await runJson<DaskDistResult>(PYTHON, [
        SCRIPT,
        '--tasks',
        String(tasks),
        '--reps',
        String(quick ? 1 : 2),
        '--roundtrips',
        String(roundtrips),
      ]);
      rows.push([
        `dask.distributed ${d.dask} LocalCluster (2 processes × 1 thread)`,
        fmt(d.map_best_ms),
        int(rate(d.map_best_ms)),
        fmt(d.roundtrip_median_ms),
        fmt(d.roundtrip_median_ms),
        ratio(rate(us.best), rate(d.map_best_ms)),
      ]);
      notes.push(
        `submit→result round trip: dask-ts ${ratio(d.roundtrip_median_ms, us.rt)} (first) and ${ratio(d.roundtrip_median_ms, us.warm)} (warm) faster than dask.distributed`,
      );
    } else notes.push(DASK_MISSING);
    return {
      suite: 'dist-map',
      title: 'distributed: client.map of no-op tasks and submit round trips, 2 worker processes',
      headers: [
        'implementation',
        'map best ms',
        'tasks/s',
        'submit→result median ms (first)',
        'submit→result median ms (warm)',
        'dask-ts / peer',
      ],
      rows,
      notes,
    };
  },
};

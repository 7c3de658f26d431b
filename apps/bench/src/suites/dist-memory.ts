// Suite `dist-memory`: a graph whose intermediates total 4× the cluster's memory limit computed by
// spilling. `Client.local` with 2 worker processes × 1 thread, each limited to 256 MiB (512 MiB
// for the cluster); a `delayed` graph of L leaves of 8 MiB (Float64Array), each mixed with the
// leaf half a turn away (so leaves are held until both readers ran: another L arrays of 8 MiB),
// then reduced to one number per array and summed: 2 GiB of intermediates (1 GiB with --quick).
// Reported: the time against the same run on a cluster without a limit, and each worker
// process's peak resident memory (VmHWM, read from /proc before the cluster closes) against its
// limit plus 10 %; dask.distributed runs the same graph (NumPy arrays) on a LocalCluster of the
// same shape, with and without `memory_limit='256MiB'`.
import { readFileSync } from 'node:fs';
import { Client } from '@dask-ts/client';
import { delayed, type Delayed } from '@dask-ts/graph';
import { fileURLToPath } from 'node:url';
import { fmt, nowNs, PYTHON, runJson, type Suite, type SuiteResult } from '../harness.js';
import { DASK_MISSING, daskAvailable } from '../peers/dask.js';

interface DaskRun {
  readonly ms: number | null;
  readonly error: string | null;
  readonly peaks: number[];
}

const SCRIPT = fileURLToPath(new URL('../../python/dist_memory_bench.py', import.meta.url));

const LIMIT_MIB = 256;
const WORKERS = 2;
const ARRAY_MIB = 8;

/** The peak resident memory of process `pid`, in MiB. */
function peakMiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m === null ? NaN : Number(m[1]) / 1024;
}

/** The graph of the file comment; its value is L(L-1). */
function graph(leaves: number): Delayed<number> {
  const make = delayed((i: number, n: number) => new Float64Array(n).fill(i));
  const mix = delayed((a: Float64Array, b: Float64Array) => {
    const out = new Float64Array(a.length);
    for (let j = 0; j < a.length; j++) out[j] = a[j] + b[j];
    return out;
  });
  const pick = delayed((a: Float64Array) => a[a.length - 1]);
  const add = delayed((a: number, b: number) => a + b);
  const n = (ARRAY_MIB * 2 ** 20) / 8;
  const made = Array.from({ length: leaves }, (_, i) => make(i, n));
  let level = made.map((a, i) => pick(mix(a, made[(i + leaves / 2) % leaves])));
  while (level.length > 1) {
    const next: Delayed<number>[] = [];
    for (let i = 0; i < level.length; i += 2)
      next.push(i + 1 < level.length ? add(level[i], level[i + 1]) : level[i]);
    level = next;
  }
  return level[0];
}

async function once(leaves: number, limited: boolean): Promise<{ ms: number; peaks: number[] }> {
  const client = await Client.local({
    nWorkers: WORKERS,
    threadsPerWorker: 1,
    asDefault: false,
    ...(limited ? { memoryLimit: `${LIMIT_MIB}MiB` } : {}),
  });
  try {
    const t0 = nowNs();
    const out = await client.compute(graph(leaves));
    const ms = Number(nowNs() - t0) / 1e6;
    if (out !== leaves * (leaves - 1)) throw new Error(`dist-memory: wrong result ${out}`);
    return { ms, peaks: client.localCluster!.pids.map(peakMiB) };
  } finally {
    await client.close();
  }
}

/** The `dist-memory` suite. @example await distMemory.run({ quick: true }) */
export const distMemory: Suite = {
  name: 'dist-memory',
  describe: `intermediates of 4× the memory limit (2 workers × ${LIMIT_MIB} MiB) computed by spilling`,
  async run({ quick }): Promise<SuiteResult> {
    const total = quick ? 1024 : 2048; // MiB of intermediates
    const leaves = total / ARRAY_MIB / 2;
    const free = await once(leaves, false);
    const bound = await once(leaves, true);
    const cap = LIMIT_MIB * 1.1;
    const peaks = (p: readonly number[]): string => p.map((x) => fmt(x)).join(', ');
    const rows = [
      ['dask-ts, no limit', fmt(free.ms), peaks(free.peaks), '-', '1×'],
      [
        `dask-ts, memoryLimit ${LIMIT_MIB}MiB`,
        fmt(bound.ms),
        peaks(bound.peaks),
        bound.peaks.every((p) => p <= cap) ? 'yes' : 'NO',
        `${fmt(bound.ms / free.ms)}×`,
      ],
    ];
    const notes: string[] = [];
    if (daskAvailable()) {
      const d = await runJson<{ free: DaskRun; bound: DaskRun; dask: string }>(PYTHON, [
        SCRIPT,
        '--leaves',
        String(leaves),
        '--deadline',
        '300',
      ]);
      const row = (what: string, r: DaskRun, limited: boolean): string[] => [
        `dask.distributed ${d.dask}, ${what}`,
        r.ms === null ? `failed: ${r.error ?? ''}` : fmt(r.ms),
        peaks(r.peaks),
        limited ? (r.peaks.every((p) => p <= cap) ? 'yes' : 'NO') : '-',
        r.ms === null || d.free.ms === null ? '-' : `${fmt(r.ms / d.free.ms)}×`,
      ];
      rows.push(row('no limit', d.free, false), row(`memory_limit ${LIMIT_MIB}MiB`, d.bound, true));
      notes.push(
        'dask.distributed: the same graph over NumPy arrays, LocalCluster(n_workers=2, threads_per_worker=1); peak RSS = getrusage ru_maxrss of each worker process. Its "time / unlimited" is against its own run without a limit.',
      );
    } else notes.push(DASK_MISSING);
    return {
      suite: 'dist-memory',
      title: `distributed: ${total / 1024} GiB of intermediates on 2 workers limited to ${LIMIT_MIB} MiB each`,
      headers: [
        'run',
        'ms',
        'peak RSS per worker (MiB)',
        `under ${fmt(cap)} MiB`,
        'time / unlimited',
      ],
      rows,
      notes: [
        ...notes,
        `delayed graph: ${leaves} leaves of ${ARRAY_MIB} MiB, each mixed with the leaf half a turn away (${leaves} more arrays), reduced to one number each and summed; ${WORKERS} worker processes × 1 thread (Client.local). Peak RSS = VmHWM of each worker process. Loaded shared 2-core machine.`,
      ],
    };
  },
};

// Suite `array-matmul`: the matrix product of two n x n uniform random float64 arrays in 1,000 x
// 1,000 blocks (n = 4,000; --quick: 2,000; DASK_TS_BENCH_MATMUL_N overrides), the operands held
// in memory before the timed run (persisted), the product computed to one array. dask-ts on the
// threads scheduler (1 and 2 workers) vs NumPy (whole arrays, one BLAS thread) and dask.array
// (threaded, 2 workers, one BLAS thread each) from python/matmul_bench.py; and one kernel on
// 1,000 x 1,000 (a single-block product, sync) against ndarray-gemm and NumPy, in GFLOP/s.
// Every implementation must give a product whose mean is about n / 4.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { matmul, random, zeros, type NdArray } from '@dask-ts/array';
import { createThreadsScheduler } from '@dask-ts/scheduler';
import { bestOf, fmt, PYTHON, ratio, runJson, type Suite, type SuiteResult } from '../harness.js';
import { bestWithCpu, warmThreads } from './bag-data.js';

interface PeerResult {
  readonly numpy_ms: number;
  readonly numpy_mean: number;
  readonly numpy_kernel_ms: number;
  readonly numpy: string;
  readonly python: string;
  readonly dask_ms?: number;
  readonly dask_mean?: number;
  readonly dask?: string;
}

const SCRIPT = fileURLToPath(new URL('../../python/matmul_bench.py', import.meta.url));
const require = createRequire(import.meta.url);

function meanOf(a: NdArray): number {
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += a.data[i];
  return s / a.data.length;
}

function checkMean(who: string, mean: number, n: number): void {
  if (Math.abs(mean / (n / 4) - 1) > 0.02) {
    throw new Error(`${who} gave a product averaging ${mean}, expected about ${n / 4}`);
  }
}

const gflops = (n: number, ms: number): string => fmt((2 * n ** 3) / (ms * 1e6));

/** The `array-matmul` suite. @example await arrayMatmul.run({ quick: true }) */
export const arrayMatmul: Suite = {
  name: 'array-matmul',
  describe:
    'matmul of n x n float64 in 1000-blocks, and one 1000 x 1000 kernel: dask-ts vs ndarray-gemm vs NumPy vs dask.array',
  async run({ quick }): Promise<SuiteResult> {
    const n = quick ? 2000 : Number(process.env.DASK_TS_BENCH_MATMUL_N ?? 4000);
    const chunk = 1000;
    const k = 1000;
    const reps = quick ? 2 : 3;
    const rows: string[][] = [];
    const ours: number[] = [];
    for (const workers of [1, 2]) {
      const threads = createThreadsScheduler({ workers });
      try {
        await warmThreads(threads, workers);
        const opts = { scheduler: threads };
        const x = await random.random([n, n], { chunks: chunk, seed: 1 }).persist(opts);
        const y = await random.random([n, n], { chunks: chunk, seed: 2 }).persist(opts);
        const { best, cpu } = await bestWithCpu(reps, async () => {
          checkMean('dask-ts', meanOf(await matmul(x, y).compute(opts)), n);
        });
        ours.push(best);
        rows.push([
          `dask-ts matmul, threads (${workers} worker${workers > 1 ? 's' : ''})`,
          fmt(best),
          fmt(cpu),
          gflops(n, best),
          gflops(n, cpu),
        ]);
      } finally {
        await threads.close?.();
      }
    }
    // One kernel, 1000 x 1000: a single-block product on `sync`, and ndarray-gemm on the same data.
    const sync = { scheduler: 'sync' } as const;
    const kx = random.random([k, k], { chunks: -1, seed: 3 });
    const ky = random.random([k, k], { chunks: -1, seed: 4 });
    const { best: kernelMs, cpu: kernelCpu } = await bestWithCpu(reps + 2, async () => {
      checkMean('dask-ts kernel', meanOf(await matmul(kx, ky).compute(sync)), k);
    });
    rows.push([
      `dask-ts kernel ${k} x ${k} (one block, sync)`,
      fmt(kernelMs),
      fmt(kernelCpu),
      gflops(k, kernelMs),
      gflops(k, kernelCpu),
    ]);
    const gemm = require('ndarray-gemm') as (out: NdArray, a: NdArray, b: NdArray) => void;
    const [a, b, out] = await Promise.all([
      kx.compute(sync),
      ky.compute(sync),
      zeros([k, k]).compute(sync),
    ]);
    const { best: gemmMs } = await bestOf(2, () => gemm(out, a, b));
    checkMean('ndarray-gemm', meanOf(out), k);
    rows.push([`ndarray-gemm 1.0.0 kernel ${k} x ${k}`, fmt(gemmMs), '', gflops(k, gemmMs)]);
    const notes = [
      `n = ${n}, blocks of ${chunk} x ${chunk} (the operands persisted before the timed runs; the product is computed to one array), best of ${reps}; GFLOP/s = 2 n^3 / time; CPU ms = user + system time of this process's threads (workers included) during the best run, and GFLOP per CPU s = 2 n^3 / that: the throughput of one busy core, whatever the load`,
      `dask-ts 2 workers vs 1: ${ratio(ours[0], ours[1])}`,
      `dask-ts kernel vs ndarray-gemm: ${ratio(gemmMs, kernelMs)} (above 1: dask-ts is faster)`,
    ];
    const peer = await runJson<PeerResult>('/usr/bin/env', [
      'OPENBLAS_NUM_THREADS=1',
      'OMP_NUM_THREADS=1',
      'MKL_NUM_THREADS=1',
      PYTHON,
      SCRIPT,
      '--n',
      String(n),
      '--chunk',
      String(chunk),
      '--kernel-n',
      String(k),
      '--workers',
      '2',
      '--reps',
      String(reps),
    ]);
    checkMean('NumPy', peer.numpy_mean, n);
    rows.push([
      `NumPy ${peer.numpy} (whole arrays, one BLAS thread)`,
      fmt(peer.numpy_ms),
      '',
      gflops(n, peer.numpy_ms),
    ]);
    rows.push([
      `NumPy kernel ${k} x ${k} (one BLAS thread)`,
      fmt(peer.numpy_kernel_ms),
      '',
      gflops(k, peer.numpy_kernel_ms),
    ]);
    notes.push(
      `dask-ts (2 workers) vs NumPy (1 thread): ${ratio(peer.numpy_ms, ours[1])}; kernel vs NumPy's: ${ratio(peer.numpy_kernel_ms, kernelMs)} (above 1: dask-ts is faster)`,
    );
    if (peer.dask_ms !== undefined && peer.dask_mean !== undefined) {
      checkMean('dask.array', peer.dask_mean, n);
      rows.push([
        `dask.array ${peer.dask} threads (2 workers)`,
        fmt(peer.dask_ms),
        '',
        gflops(n, peer.dask_ms),
      ]);
      notes.push(
        `dask-ts (2 workers) vs dask.array: ${ratio(peer.dask_ms, ours[1])} (above 1: dask-ts is faster)`,
      );
    } else {
      notes.push('dask not installed: apt-get install python3-dask');
    }
    notes.push('a loaded shared 2-core machine (other sessions running): compare within one run');
    return {
      suite: 'array-matmul',
      title: 'matmul of n x n float64 in 1000-blocks; one 1000 x 1000 kernel',
      headers: ['implementation', 'best ms', 'CPU ms', 'GFLOP/s', 'GFLOP per CPU s'],
      rows,
      notes,
    };
  },
};

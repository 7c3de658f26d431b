// Generated inputs of the bag suites, written once per size into the OS temp directory (reused by
// later runs): text of pseudo-random words (a 5,000-word vocabulary, ~10 words a line) and JSON
// lines of `{ id, user, amount, tags }` records. A fixed-seed generator makes every run read the
// same bytes. Also the dask.bag peer (python/bag_bench.py, processes scheduler), and the warm-up of
// a threads scheduler: its workers start on the first compute, and the first one ready may be
// handed the first batch of root tasks alone, so timed runs start with every worker up.
import { createWriteStream, existsSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromSequence } from '@dask-ts/bag';
import type { createThreadsScheduler } from '@dask-ts/scheduler';
import { nowNs, PYTHON, runJson, timeMs } from '../harness.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function writeLines(path: string, next: () => string | undefined): Promise<string> {
  if (existsSync(path)) return path;
  const tmp = `${path}.partial`;
  const out = createWriteStream(tmp);
  let buf: string[] = [];
  for (let line = next(); line !== undefined; line = next()) {
    buf.push(line);
    if (buf.length >= 4096) {
      if (!out.write(buf.join('\n') + '\n'))
        await new Promise<void>((r) => out.once('drain', () => r()));
      buf = [];
    }
  }
  if (buf.length > 0) out.write(buf.join('\n') + '\n');
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
  renameSync(tmp, path);
  return path;
}

/**
 * A text file of about `mib` MiB of words. @example const p = await wordsFile(16)
 */
export function wordsFile(mib: number): Promise<string> {
  const r = rng(42);
  const vocab = Array.from(
    { length: 5000 },
    (_, i) => `w${i.toString(36)}${'xyz'.slice(0, i % 4)}`,
  );
  let bytes = 0;
  const target = mib * 1024 * 1024;
  return writeLines(join(tmpdir(), `dask-ts-bench-words-${mib}MiB.txt`), () => {
    if (bytes >= target) return undefined;
    const n = 6 + Math.floor(r() * 9);
    const words: string[] = [];
    // Zipf-ish: small indices are much more frequent.
    for (let i = 0; i < n; i++) words.push(vocab[Math.floor(vocab.length * r() ** 3)]);
    const line = words.join(' ');
    bytes += line.length + 1;
    return line;
  });
}

/**
 * A JSON-lines file of `n` records. @example const p = await recordsFile(2_000_000)
 */
export function recordsFile(n: number): Promise<string> {
  const r = rng(7);
  let i = 0;
  return writeLines(join(tmpdir(), `dask-ts-bench-records-${n}.jsonl`), () => {
    if (i >= n) return undefined;
    const rec = {
      id: i++,
      user: `u${Math.floor(r() * 1000)}`,
      amount: Math.floor(r() * 100),
      tags: r() < 0.3 ? ['a', 'b'] : [],
    };
    return JSON.stringify(rec);
  });
}

/** How many blocks the bag suites cut their input into (for dask-ts and dask.bag alike). */
export const BLOCKS = 32;

/**
 * The blocksize that cuts a file into {@link BLOCKS} blocks: the same partition count at every
 * size, enough for both workers at any size (quick runs included).
 *
 * @example
 * readText(p, { blocksize: blockBytes(p) });
 */
export function blockBytes(path: string): number {
  return Math.max(1, Math.ceil(statSync(path).size / BLOCKS));
}

/** Size of a file in MiB. @example fileMiB(p) */
export function fileMiB(path: string): number {
  return statSync(path).size / 1024 / 1024;
}

/**
 * Runs `fn` `reps` times; the best wall time, and the CPU time (user + system, every thread of
 * this process) of that repetition - on a busy machine the CPU time shows the work done even when
 * the wall time shows waiting for a core.
 *
 * @example
 * const { best, cpu } = await bestWithCpu(3, () => bag.compute());
 */
export async function bestWithCpu(
  reps: number,
  fn: () => unknown,
): Promise<{ best: number; cpu: number }> {
  let best = Infinity;
  let cpu = 0;
  for (let i = 0; i < reps; i++) {
    const c0 = process.cpuUsage();
    const t0 = nowNs();
    await fn();
    const ms = Number(nowNs() - t0) / 1e6;
    const c = process.cpuUsage(c0);
    if (ms < best) {
      best = ms;
      cpu = (c.user + c.system) / 1000;
    }
  }
  return { best, cpu };
}

/** What the dask.bag peer reports (`cpu_ms`: user + system of the script and its worker processes, best repetition). */
export interface DaskBagResult {
  readonly best_ms: number;
  readonly cpu_ms: number;
  readonly times_ms: readonly number[];
  readonly result: [number, number];
  readonly dask: string;
  readonly python: string;
}

const SCRIPT = fileURLToPath(new URL('../../python/bag_bench.py', import.meta.url));

/**
 * Runs a bag workload on dask.bag with the processes scheduler. @example await runDaskBag('json', p, 64 << 20, 2, 3)
 */
export function runDaskBag(
  mode: 'wordfreq' | 'json',
  path: string,
  blocksize: number,
  workers: number,
  reps: number,
): Promise<DaskBagResult> {
  return runJson<DaskBagResult>(PYTHON, [
    SCRIPT,
    mode,
    path,
    '--blocksize',
    String(blocksize),
    '--workers',
    String(workers),
    '--reps',
    String(reps),
  ]);
}

/**
 * Starts a threads scheduler's workers and loads the bag kernels in each (computing small bags
 * until every worker is ready); returns how long that took, in ms.
 *
 * @example
 * const startMs = await warmThreads(threads, 2);
 */
export async function warmThreads(
  threads: ReturnType<typeof createThreadsScheduler>,
  workers: number,
): Promise<number> {
  const probe = fromSequence(
    Array.from({ length: 64 }, (_, i) => i),
    { npartitions: 4 * workers },
  )
    .map((x) => x + 1)
    .sum();
  return timeMs(async () => {
    for (let i = 0; i < 200; i++) {
      await probe.compute({ scheduler: threads });
      if (threads.workers.length === workers && threads.workers.every((w) => w.ready)) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    await probe.compute({ scheduler: threads });
  });
}

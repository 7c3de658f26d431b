// Generated inputs of the bag suites, written once per size into the OS temp directory (reused by
// later runs): text of pseudo-random words (a 5,000-word vocabulary, ~10 words a line) and JSON
// lines of `{ id, user, amount, tags }` records. A fixed-seed generator makes every run read the
// same bytes. Also the dask.bag peer (python/bag_bench.py, processes scheduler).
import { createWriteStream, existsSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PYTHON, runJson } from '../harness.js';

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
      if (!out.write(buf.join('\n') + '\n')) await new Promise<void>((r) => out.once('drain', () => r()));
      buf = [];
    }
  }
  if (buf.length > 0) out.write(buf.join('\n') + '\n');
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  renameSync(tmp, path);
  return path;
}

/**
 * A text file of about `mib` MiB of words. @example const p = await wordsFile(16)
 */
export function wordsFile(mib: number): Promise<string> {
  const r = rng(42);
  const vocab = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}${'xyz'.slice(0, i % 4)}`);
  let bytes = 0;
  const target = mib * 1024 * 1024;
  return writeLines(join(tmpdir(), `dask-ts-bench-words-${mib}MiB.txt`), () => {
    if (bytes >= target) return undefined;
    const n = 6 + Math.floor(r() * 9);
    const words: string[] = [];
    // Zipf-ish: small indices are much more frequent.
    for (let i = 0; i < n; i++) words.push(vocab[Math.floor(vocab.length * r() ** 3)]!);
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
    const rec = { id: i++, user: `u${Math.floor(r() * 1000)}`, amount: Math.floor(r() * 100), tags: r() < 0.3 ? ['a', 'b'] : [] };
    return JSON.stringify(rec);
  });
}

/** Size of a file in MiB. @example fileMiB(p) */
export function fileMiB(path: string): number {
  return statSync(path).size / 1024 / 1024;
}

/** What the dask.bag peer reports. */
export interface DaskBagResult {
  readonly best_ms: number;
  readonly times_ms: readonly number[];
  readonly result: [number, number];
  readonly dask: string;
  readonly python: string;
}

const SCRIPT = fileURLToPath(new URL('../../python/bag_bench.py', import.meta.url));

/**
 * Runs a bag workload on dask.bag with the processes scheduler. @example await runDaskBag('json', p, 64 << 20, 2, 3)
 */
export function runDaskBag(mode: 'wordfreq' | 'json', path: string, blocksize: number, workers: number, reps: number): Promise<DaskBagResult> {
  return runJson<DaskBagResult>(PYTHON, [SCRIPT, mode, path, '--blocksize', String(blocksize), '--workers', String(workers), '--reps', String(reps)]);
}

// The child process of the SF 10 suites: runs the TPC-H-like queries on one implementation, alone
// in its process, so its resident memory is its own. `node tpch-sf10-child.js --dir D --sf S --mode
// ours|polars|arquero [--workers 2] [--memory-limit-mb N] [--queries 1,2,...]`. `ours` is dask-ts
// on the threads scheduler; with --memory-limit-mb each thread's heap is capped at N MiB (results
// past 60 % of it spill to disk) and shuffles go through disk once a split's partition times the
// partition count passes half of N (configureShuffle 'auto'; --shuffle-limit-mb sets another
// threshold), as a user bounding memory would set them. Prints one JSON line per query as it finishes (time, answer or error, the most resident
// memory sampled during it, the process's VmHWM after it), then a last line with the VmHWM.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { configureShuffle } from '@dask-ts/dataframe';
import { createThreadsScheduler } from '@dask-ts/scheduler';
import { nowNs } from '../harness.js';
import { generateTpch, type TpchFiles } from '../tpch/generate.js';
import { openPolars } from '../tpch/polars/index.js';
import { openArquero } from '../tpch/peers/arquero/index.js';
import { QUERIES } from '../tpch/queries/index.js';
import { tpchTables, type Answer } from '../tpch/tables.js';
import { warmThreads } from './bag-data.js';

/** One query's line. */
export interface ChildQuery {
  readonly id: number;
  readonly ms?: number;
  readonly answer?: Answer;
  readonly error?: string;
  /** The most resident memory sampled while it ran (MiB). */
  readonly rssMb: number;
  /** The process's resident high-water mark after it (MiB). */
  readonly hwmMb: number;
}

/** The process's VmHWM in MiB. */
function hwmMb(): number {
  const s = readFileSync('/proc/self/status', 'utf8');
  return Number(/VmHWM:\s*(\d+)/.exec(s)?.[1] ?? 0) / 1024;
}

const emit = (o: object): void => {
  process.stdout.write(`${JSON.stringify(o)}\n`);
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dir: { type: 'string' },
      sf: { type: 'string' },
      mode: { type: 'string', default: 'ours' },
      workers: { type: 'string', default: '2' },
      'memory-limit-mb': { type: 'string' },
      'shuffle-limit-mb': { type: 'string' },
      queries: { type: 'string' },
    },
  });
  if (values.dir === undefined || values.sf === undefined)
    throw new Error('tpch-sf10-child: --dir and --sf are required');
  const files: TpchFiles = await generateTpch(values.dir, Number(values.sf));
  const workers = Number(values.workers);
  const limit =
    values['memory-limit-mb'] === undefined ? undefined : Number(values['memory-limit-mb']);
  const wanted = values.queries?.split(',').map(Number);
  const queries = QUERIES.filter((q) => wanted === undefined || wanted.includes(q.id));
  let sampled = 0;
  const poll = setInterval(() => {
    sampled = Math.max(sampled, process.memoryUsage().rss / 2 ** 20);
  }, 100);
  let run: (id: number) => Promise<Answer>;
  let close = async (): Promise<void> => {};
  const t0 = nowNs();
  if (values.mode === 'ours') {
    const shuffleMb = Number(values['shuffle-limit-mb'] ?? (limit ?? 0) / 2);
    if (limit !== undefined)
      configureShuffle({
        method: 'auto',
        memoryLimit: Math.max(1, Math.floor(shuffleMb * 2 ** 20)),
      });
    const threads = createThreadsScheduler({
      workers,
      ...(limit !== undefined ? { memoryLimitMb: limit } : {}),
    });
    await warmThreads(threads, workers);
    const tables = tpchTables(files);
    run = (id) => {
      const q = queries.find((x) => x.id === id);
      if (q === undefined) throw new RangeError(`no query ${id}`);
      return q.run(tables, { scheduler: threads }, files.sf);
    };
    close = async () => {
      await threads.close?.();
    };
  } else if (values.mode === 'polars') {
    const p = await openPolars(files, workers);
    run = (id) => p.run(id);
  } else if (values.mode === 'arquero') {
    const a = await openArquero(files);
    run = (id) => a.run(id);
  } else throw new Error(`tpch-sf10-child: unknown --mode '${values.mode}'`);
  emit({ loadMs: Number(nowNs() - t0) / 1e6, hwmMb: hwmMb() });
  try {
    for (const q of queries) {
      sampled = process.memoryUsage().rss / 2 ** 20;
      const t = nowNs();
      let line: ChildQuery;
      try {
        const answer = await run(q.id);
        const ms = Number(nowNs() - t) / 1e6;
        sampled = Math.max(sampled, process.memoryUsage().rss / 2 ** 20);
        line = { id: q.id, ms, answer, rssMb: sampled, hwmMb: hwmMb() };
      } catch (err) {
        const error = (err instanceof Error ? err.message : String(err)).slice(0, 600);
        line = { id: q.id, error, rssMb: sampled, hwmMb: hwmMb() };
      }
      process.stderr.write(
        `  sf10 ${values.mode}${limit !== undefined ? ` (limit ${limit} MiB/thread)` : ''} Q${q.id}: ${line.ms === undefined ? `failed: ${line.error ?? ''}` : `${Math.round(line.ms)} ms`}, ${Math.round(line.rssMb)} MiB resident\n`,
      );
      emit(line);
    }
  } finally {
    clearInterval(poll);
    await close();
  }
  emit({ done: true, hwmMb: hwmMb() });
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(
      `tpch-sf10-child: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);

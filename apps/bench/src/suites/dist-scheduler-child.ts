// Child process of the `dist-scheduler` suite (run with --expose-gc): a scheduler server in its
// zero-worker mode (`startScheduler({ simulatedWorkers })`: simulated workers that finish every
// task at once) computing a tree reduction of ~1,000,000 tasks through the server's scheduler, as
// an in-process client does. Prints one JSON line: the best and median times of `reps` computes
// after a first, untimed one, the heap bytes each simulated worker costs, and the live heap bytes
// per task once that first compute is taken in (after forced GCs).
import { parseArgs } from 'node:util';
import { startScheduler } from '@dask-ts/distributed';
import { treeGraph } from '../tree-graph.js';

const { values } = parseArgs({
  options: {
    leaves: { type: 'string', default: '500000' },
    workers: { type: 'string', default: '1000' },
    reps: { type: 'string', default: '4' },
  },
});
const leaves = Number(values.leaves);
const workers = Number(values.workers);
const reps = Number(values.reps);

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('dist-scheduler-child must run with --expose-gc');
const heap = (): number => {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

const before = heap();
const server = await startScheduler({ simulatedWorkers: workers, log: () => undefined });
// The workers' hellos are handled in the shell's next turn.
await new Promise((resolve) => setTimeout(resolve, 50));
const ready = server.workers.filter((w) => w.ready).length;
if (ready !== workers) throw new Error(`${ready} of ${workers} simulated workers are ready`);
const workerBytes = (heap() - before) / workers;

const { graph, root } = treeGraph(leaves);
const tasks = graph.size;
// Memory: the live heap right after the scheduler's first turn of the first compute (on a fresh core, whose tables are not yet grown) (the graph
// taken in, the first batches sent), after forced GCs. The shell runs its turn in a setImmediate
// queued by `get`; this one is queued after it, so it runs between that turn and the next.
const base = heap();
let submitted = base;
const running = server.scheduler.get(graph, [root]);
setImmediate(() => (submitted = heap()));
await running;

const times: number[] = [];
for (let r = 0; r < reps; r++) {
  const t0 = process.hrtime.bigint();
  const [out] = await server.scheduler.get(graph, [root]);
  times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  if (out !== null) throw new Error(`a simulated compute gave ${String(out)}, not null`);
}

await server.close();

process.stdout.write(
  `${JSON.stringify({
    tasks,
    workers,
    best_ms: Math.min(...times),
    median_ms: [...times].sort((a, b) => a - b)[times.length >> 1],
    times_ms: times,
    worker_bytes: workerBytes,
    task_bytes: (submitted - base) / tasks,
  })}\n`,
);

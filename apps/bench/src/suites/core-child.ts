// Child process of the `core` suite (run with --expose-gc): drives the scheduling core alone,
// with no threads or I/O, on a tree-reduction graph of ~1,000,000 tasks. Every task is reported
// finished as soon as it is assigned and every delivery is acknowledged at once, so the time is
// the core's own bookkeeping. The first run uses a fresh core (cold: it allocates its tables); the
// later runs reuse it, as a pool's long-lived core is reused by every compute (warm). Prints one
// JSON line: times, tasks, and heap bytes per task of the graph and of the core's state
// (heapUsed + arrayBuffers deltas after forced GCs).
import { parseArgs } from 'node:util';
import { SchedulerCore } from '@dask-ts/scheduler';
import type { CoreCommand, CoreEvent } from '@dask-ts/scheduler';
import type { Graph } from '@dask-ts/protocol';
import { treeGraph } from '../tree-graph.js';

const { values } = parseArgs({
  options: {
    leaves: { type: 'string', default: '500000' },
    workers: { type: 'string', default: '2' },
    slots: { type: 'string', default: '8' },
    reps: { type: 'string', default: '3' },
  },
});
const leaves = Number(values.leaves);
const workers = Number(values.workers);
const slots = Number(values.slots);
const reps = Number(values.reps);

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('core-child must run with --expose-gc');
const heap = () => {
  gc();
  gc();
  const m = process.memoryUsage();
  // Typed arrays the core keeps its tables in live outside the JS heap: count them too.
  return m.heapUsed + m.arrayBuffers;
};

/** Finished reports carry each task's size; every task here is 8 bytes. */
const EIGHTS: number[] = [];

/** Runs one compute through `core`, in ms; `onSubmitted` (untimed) sees the core right after submission. */
function drive(
  core: SchedulerCore,
  id: string,
  graph: Graph,
  root: string,
  onSubmitted?: () => void,
): { ms: number; submitMs: number } {
  let t0 = process.hrtime.bigint();
  let commands: readonly CoreCommand[] = core.handle([
    { type: 'submit', id, graph, wanted: [root] },
  ]);
  const submitMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (onSubmitted) {
    const paused = process.hrtime.bigint();
    onSubmitted();
    t0 += process.hrtime.bigint() - paused;
  }
  let done = false;
  let rounds = 0;
  let completed = 0;
  while (commands.length > 0) {
    const events: CoreEvent[] = [];
    for (const cmd of commands) {
      switch (cmd.type) {
        case 'compute':
          // One batched event per worker message, as the threads shell sends them.
          while (EIGHTS.length < cmd.keys.length) EIGHTS.push(8);
          events.push({
            type: 'finished-many',
            worker: cmd.worker,
            keys: cmd.keys,
            nbytes: EIGHTS,
          });
          completed += cmd.keys.length;
          break;
        case 'deliver':
          events.push({ type: 'delivered', id: cmd.id, keys: cmd.keys });
          break;
        case 'done':
          done = true;
          break;
        case 'release':
          break;
        default:
          throw new Error(`core bench: unexpected command ${JSON.stringify(cmd).slice(0, 300)}`);
      }
    }
    if (events.length === 0) break;
    commands = core.handle(events);
    rounds++;
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (!done)
    throw new Error(`core bench: the compute did not finish (stopped after ${rounds} rounds)`);
  if (completed !== graph.size)
    throw new Error(`core bench: ran ${completed} tasks, expected ${graph.size}`);
  return { ms, submitMs };
}

const base = heap();
const tree = treeGraph(leaves);
const graphBytes = heap() - base;
let coreBytes = 0;
const times: number[] = [];
const submits: number[] = [];
const core = new SchedulerCore();
const setup: CoreEvent[] = [];
for (let w = 0; w < workers; w++) setup.push({ type: 'add-worker', worker: `w${w}`, slots });
core.handle(setup);
for (let r = 0; r < reps; r++) {
  const withGraph = heap();
  const run = drive(
    core,
    `c${r}`,
    tree.graph,
    tree.root,
    r === 0 ? () => (coreBytes = heap() - withGraph) : undefined,
  );
  times.push(run.ms);
  submits.push(run.submitMs);
}
const warm = times.slice(1);
const best = Math.min(...warm);
const bestRun = times.indexOf(best);
console.log(
  JSON.stringify({
    tasks: tree.tasks,
    cold_ms: times[0],
    cold_submit_ms: submits[0],
    best_ms: best,
    times_ms: times,
    submit_ms: submits[bestRun],
    graph_bytes_per_task: graphBytes / tree.tasks,
    core_bytes_per_task: coreBytes / tree.tasks,
    workers,
    slots,
  }),
);

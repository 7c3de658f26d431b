// Run by lifecycle.test.ts in a child process, as an app would use a pool. `node
// lifecycle-app.mjs <pool> <mode>`, pool 'threads' or 'processes':
// - close: compute, `await close()`, then print 'after close' (the line must appear).
// - close-all: compute on the registered pool, `await closeSchedulers()`, print 'after close'.
// - abort-and-end: start a task that never returns, print the worker pids, abort the compute
//   and let the script end (no child may survive it, nor hold stdout open).
// - spin: start a task that never returns, print the worker pids and wait (the test kills this
//   process with SIGTERM; no child may survive it).
import { closeSchedulers, getScheduler } from '@dask-ts/protocol';
import { createProcessesScheduler, createThreadsScheduler } from '@dask-ts/scheduler';

const [pool = 'processes', mode = 'close'] = process.argv.slice(2);
const make = pool === 'threads' ? createThreadsScheduler : createProcessesScheduler;
const inc = { kind: 'source', source: '(x) => x + 1', scope: {} };
const spin = { kind: 'source', source: '() => { for (;;) {} }', scope: {} };
const small = new Map([
  ['x', { kind: 'data', value: 20 }],
  ['y', { kind: 'task', fn: inc, args: [{ $ref: 'x' }], deps: ['x'] }],
]);
const forever = new Map([['s', { kind: 'task', fn: spin, args: [], deps: [] }]]);

async function running(scheduler, signal) {
  const pending = scheduler.get(forever, ['s'], { signal }).catch((e) => e);
  // Every worker is up (its pid known) and the task has been handed out.
  while (scheduler.workers.length === 0 || scheduler.workers.some((w) => !w.ready)) {
    await new Promise((r) => setTimeout(r, 20));
  }
  await new Promise((r) => setTimeout(r, 200));
  process.stdout.write(`pids ${JSON.stringify(scheduler.workers.map((w) => w.id))}\n`);
  return { pending };
}

if (mode === 'close') {
  const s = make({ workers: 2 });
  const [y] = await s.get(small, ['y']);
  await s.close();
  process.stdout.write(`${y} after close\n`);
} else if (mode === 'close-all') {
  const s = getScheduler(pool);
  const [y] = await s.get(small, ['y']);
  await closeSchedulers();
  process.stdout.write(`${y} after close\n`);
} else if (mode === 'abort-and-end') {
  const s = make({ workers: 2 });
  const ac = new AbortController();
  const { pending } = await running(s, ac.signal);
  ac.abort();
  process.stdout.write(`${(await pending).name}\n`);
} else if (mode === 'spin') {
  const s = make({ workers: 2 });
  await running(s, undefined);
  setInterval(() => undefined, 1000);
} else {
  throw new Error(`unknown mode ${mode}`);
}

// Run by registry.test.ts in a child process: computes on the threads pool and never closes it.
// The process must still exit on its own (idle workers are unref'd).
import { createThreadsScheduler } from '@dask-ts/scheduler';

const threads = createThreadsScheduler({ workers: 2 });
const inc = { kind: 'source', source: '(x) => x + 1', scope: {} };
const graph = new Map([
  ['x', { kind: 'data', value: 20 }],
  ['y', { kind: 'task', fn: inc, args: [{ $ref: 'x' }], deps: ['x'] }],
]);
const [y] = await threads.get(graph, ['y']);
process.stdout.write(`${JSON.stringify(y)}\n`);

// WorkerState throughput on a batch of no-op `source`-ref tasks with one dependency each (built
// dist/, plain Node). Run: npm run build && node bench/throughput.mjs [tasks]
import { packCompute, parseMessage, toWorkerSchema } from '@dask-ts/protocol';
import { WorkerState } from '../dist/index.js';

const n = Number(process.argv[2] ?? 100_000);
const rounds = 7;

function message() {
  const tasks = new Array(n);
  for (let i = 0; i < n; i++) {
    tasks[i] = {
      key: `k-${i}`,
      fn: { kind: 'source', source: '(x) => x', scope: {} },
      args: [{ $ref: 'in' }],
      deps: ['in'],
    };
  }
  return packCompute(tasks);
}

const handleRates = [];
const parseRates = [];
for (let r = 0; r < rounds; r++) {
  const state = new WorkerState();
  state.handle({ op: 'put', keys: ['in'], values: [0] });
  const raw = message();
  const t0 = performance.now();
  const msg = parseMessage(toWorkerSchema, raw, 'scheduler');
  const t1 = performance.now();
  const handled = state.handle(msg);
  const t2 = performance.now();
  if (handled.later !== undefined || handled.now[0].message.keys.length !== n)
    throw new Error('unexpected result');
  parseRates.push(n / ((t1 - t0) / 1000));
  handleRates.push(n / ((t2 - t1) / 1000));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x) => Math.round(x).toLocaleString('en');
console.log(
  `WorkerState.handle: ${fmt(median(handleRates))} tasks/s (median of ${rounds}, ${n} tasks per batch)`,
);
console.log(`parseMessage (zod), same batch: ${fmt(median(parseRates))} tasks/s`);

// Run with node (not jest): a user's script whose delayed lambda throws, on the three schedulers.
// Prints each TaskError's stack as JSON; the test checks the frames point at this file's lines.
import { delayed } from '@dask-ts/graph';
import {
  createProcessesScheduler,
  createThreadsScheduler,
  syncScheduler,
} from '../../dist/index.js';

const failing = delayed((x) => {
  if (x > 0) throw new Error('deliberate'); // THROW_LINE
  return x;
});
const threads = createThreadsScheduler({ workers: 1, log: () => undefined });
const processes = createProcessesScheduler({ workers: 1, log: () => undefined });
const out = {};
for (const [name, scheduler] of [
  ['sync', syncScheduler],
  ['threads', threads],
  ['processes', processes],
]) {
  try {
    await failing(1).compute({ scheduler });
    out[name] = 'did not throw';
  } catch (e) {
    out[name] = String(e.stack);
  }
}
process.stdout.write(`${JSON.stringify(out)}\n`);
await Promise.race([
  Promise.all([threads.close(), processes.close()]),
  new Promise((r) => setTimeout(r, 10_000).unref()),
]);
process.exit(0);

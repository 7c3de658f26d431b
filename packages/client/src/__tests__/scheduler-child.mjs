// A scheduler server in a process of its own, for tests that kill it: `node scheduler-child.mjs
// PORT` prints its address on the first line, and closes on SIGTERM.
import { startScheduler } from '@dask-ts/distributed';

const server = await startScheduler({
  host: '127.0.0.1',
  port: Number(process.argv[2] ?? 0),
  heartbeatMs: 100,
  log: process.env.DBG_SCHED ? (l) => process.stderr.write(`sched: ${l}\n`) : () => undefined,
});
process.stdout.write(`${server.address}\n`);
process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));

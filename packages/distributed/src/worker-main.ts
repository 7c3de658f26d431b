// The entry of a worker node process: `node worker-main.js ADDRESS NTHREADS NAME` (the token, if
// any, in DASK_TS_TOKEN; a memory limit in DASK_TS_MEMORY_LIMIT, its spill folder's parent in
// DASK_TS_SPILL_DIR). `Client.local` forks it; `dask-ts worker` runs `startWorker` itself.
// It exits when its node stops (code 0 when the scheduler said bye, 1 when it was lost or could
// not connect), on SIGTERM or SIGINT (after saying bye), and, when forked, once its parent is gone:
// then, as it exits (however it ends: its event loop may empty before its node has closed, since
// nothing holds it once the parent's sockets are gone), it also removes the folders its cluster
// made (DASK_TS_CLUSTER_DIRS: the sockets' and the spill root), which a parent killed by SIGKILL
// could not.
import { rmSync } from 'node:fs';
import { delimiter } from 'node:path';
import { startWorker } from './worker-node.js';
import { useLocalStream } from './local-stream.js';

const [address = '', nthreads = '1', name] = process.argv.slice(2);
// Forked by Client.local: the worker links go over its Unix stream (local-stream.ts).
if (process.env.DASK_TS_LOCAL_STREAM) useLocalStream(address, process.env.DASK_TS_LOCAL_STREAM);
const log = (line: string): void => void process.stderr.write(`${line}\n`);
/** Lets go of the parent's IPC channel, if it is still there (a parent that died closed it). */
const disconnect = (): void => {
  if (process.connected) process.disconnect();
};
/** Removes the folders the cluster made (its parent is gone and cannot). */
const removeClusterDirs = (): void => {
  for (const dir of (process.env.DASK_TS_CLUSTER_DIRS ?? '').split(delimiter))
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
};
// Forked: the parent going away (even by SIGKILL) closes the IPC channel.
const forked = typeof process.send === 'function';
let orphaned = false;
let stop = (): void => undefined;
if (forked)
  process.once('disconnect', () => {
    orphaned = true;
    process.once('exit', removeClusterDirs);
    stop();
  });
try {
  const node = await startWorker(address, {
    nthreads: Number(nthreads),
    ...(name !== undefined && name !== '' ? { name } : {}),
    ...(process.env.DASK_TS_TOKEN ? { token: process.env.DASK_TS_TOKEN } : {}),
    ...(process.env.DASK_TS_HEARTBEAT_MS
      ? { heartbeatMs: Number(process.env.DASK_TS_HEARTBEAT_MS) }
      : {}),
    ...(process.env.DASK_TS_MEMORY_LIMIT ? { memoryLimit: process.env.DASK_TS_MEMORY_LIMIT } : {}),
    ...(process.env.DASK_TS_SPILL_DIR ? { spillDir: process.env.DASK_TS_SPILL_DIR } : {}),
    log,
  });
  stop = (): void => void node.close();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  if (orphaned) stop();
  else if (forked) process.send?.({ ready: node.names });
  const why = await node.closed;
  process.exitCode = /said bye|closed by its owner/.test(why) ? 0 : 1;
  if (process.exitCode !== 0) log(`dask-ts worker ${node.names.join(', ')} stopped: ${why}`);
  disconnect();
} catch (err) {
  log(`dask-ts worker: ${(err as Error).message}`);
  process.exitCode = 1;
  disconnect();
}
// Done: a timer or socket a task left open gets 1 s.
setTimeout(() => process.exit(), 1000).unref();

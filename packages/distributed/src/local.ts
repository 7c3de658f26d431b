// Client.local: a whole cluster on this machine. The scheduler server runs in this process (on
// 127.0.0.1, a free port), and each worker node is a child process (worker-main.ts) with
// `threadsPerWorker` worker threads. The client's `close()` stops them in order: the client says
// bye, the server tells each worker bye (they exit), and any child still alive after a grace
// period is killed; `close()` resolves once every child has exited, so nothing is left behind.
// A child never outlives this process: it stops when its IPC channel closes (this process died).
// With a memory limit, the workers' spill folders go under one folder of this cluster's, removed
// by `stop()` even when a worker was killed before it could remove its own. The workers reach
// the scheduler over a Unix socket in a folder of this cluster's (ipc://; see start-scheduler.ts),
// removed by `stop()`; over TCP's loopback where there are no Unix sockets (Windows) or the
// folder's path is too long for one. Their worker links (the task traffic) skip ZeroMQ for a
// plain Unix stream in the same folder (local-stream.ts); the ipc:// address serves the rest
// (tasks' getClient).
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { cleanUpOnSignals } from '@dask-ts/protocol/runtime';
import { parseBytes } from './parse-bytes.js';
import type { SchedulerServer } from './scheduler-server.js';
import { startScheduler } from './start-scheduler.js';
import { listenLocalStream, type LocalStreamListener } from './local-stream.js';

/**
 * Options of `Client.local`.
 *
 * @example
 * const options: LocalOptions = { nWorkers: 2, threadsPerWorker: 1, memoryLimit: '2GiB' };
 */
export interface LocalOptions {
  /** Worker processes (default 2). */
  readonly nWorkers?: number;
  /** Worker threads in each (default 1). */
  readonly threadsPerWorker?: number;
  /** A shared secret for the scheduler and its workers (default: none; loopback only). */
  readonly token?: string;
  /** Heartbeat period of the scheduler, workers and client (ms, default 1,000). */
  readonly heartbeatMs?: number;
  /** Silence after which a worker is presumed dead (ms, default 10,000). */
  readonly heartbeatTimeoutMs?: number;
  /** Make the client the default scheduler while it is open (default true). */
  readonly asDefault?: boolean;
  /**
   * Serve the scheduler's dashboard (`/status.json`, `/metrics`, `/events`) on this port of
   * 127.0.0.1 (0: any free port; see `client.localCluster.server.dashboardAddress`). Off by default.
   */
  readonly dashboardPort?: number;
  /**
   * The memory limit of each worker process: bytes, or a size such as '512MiB' or '4GiB' (see
   * `WorkerNodeOptions.memoryLimit`: spill past 60 %, pause past 80 %, restart a thread past 95 %).
   */
  readonly memoryLimit?: number | string;
  /** Where the workers' spill folders go (default: the OS temporary folder). */
  readonly spillDir?: string;
  /** How often a task may lose its worker before it fails (default 3; the scheduler's option). */
  readonly maxRetries?: number;
  /**
   * Root tasks in flight per worker thread while memory paces them (default 1.25; see
   * `startScheduler`).
   */
  readonly rootSaturation?: number;
}

/**
 * The processes of a local cluster, as `client.localCluster` (for tests and tools).
 *
 * @example
 * const pids = (await Client.local()).localCluster?.pids;
 */
export interface LocalCluster {
  readonly server: SchedulerServer;
  /** The worker processes' ids. */
  readonly pids: readonly number[];
}

/**
 * A started local cluster: its processes, and how to stop them all.
 *
 * @example
 * const started = await startLocalCluster({ nWorkers: 2 });
 * await started.stop();
 */
export interface StartedCluster extends LocalCluster {
  stop(): Promise<void>;
}

/** How long workers get to exit after the scheduler's bye before they are killed. */
const GRACE_MS = 3000;

/**
 * The path of the scheduler's Unix socket in folder `dir`, or undefined when it would be too long
 * for one (at most 107 bytes): the workers then connect over TCP.
 *
 * @internal
 * @example
 * localSocketIn('/tmp/dask-ts-x1y2z3'); // '/tmp/dask-ts-x1y2z3/scheduler'
 */
export function localSocketIn(dir: string): string | undefined {
  const path = join(dir, 'scheduler');
  return Buffer.byteLength(path) <= 107 ? path : undefined;
}

/**
 * Starts a scheduler here and worker processes (see the file comment); `Client.local` connects
 * a client to it.
 *
 * @example
 * const cluster = await startLocalCluster({ nWorkers: 2 });
 * console.log(cluster.server.address);
 * await cluster.stop();
 */
export async function startLocalCluster(options: LocalOptions = {}): Promise<StartedCluster> {
  const nWorkers = options.nWorkers ?? 2;
  const threads = options.threadsPerWorker ?? 1;
  for (const [what, v] of [
    ['nWorkers', nWorkers],
    ['threadsPerWorker', threads],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      throw new TypeError(`${what} must be a positive integer, got ${String(v)}`);
  }
  const limit =
    options.memoryLimit === undefined ? undefined : parseBytes(options.memoryLimit, 'memoryLimit');
  const socketDir =
    process.platform === 'win32' ? undefined : mkdtempSync(join(tmpdir(), 'dask-ts-'));
  const socket = socketDir === undefined ? undefined : localSocketIn(socketDir);
  let forgetSignals = (): void => undefined;
  const removeSocketDir = (): void => {
    process.off('exit', removeSocketDir);
    forgetSignals();
    if (socketDir !== undefined) rmSync(socketDir, { recursive: true, force: true });
  };
  // Also when this process exits without closing the cluster (process.exit(), Ctrl-C).
  if (socketDir !== undefined) {
    process.once('exit', removeSocketDir);
    forgetSignals = cleanUpOnSignals(removeSocketDir);
  }
  let server: SchedulerServer;
  try {
    server = await startScheduler(
      {
        host: '127.0.0.1',
        port: 0,
        ...(options.token !== undefined ? { token: options.token } : {}),
        ...(options.heartbeatMs !== undefined ? { heartbeatMs: options.heartbeatMs } : {}),
        ...(options.heartbeatTimeoutMs !== undefined
          ? { heartbeatTimeoutMs: options.heartbeatTimeoutMs }
          : {}),
        ...(options.dashboardPort !== undefined ? { dashboardPort: options.dashboardPort } : {}),
        ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}),
        ...(options.rootSaturation !== undefined ? { rootSaturation: options.rootSaturation } : {}),
      },
      socket !== undefined ? { localSocket: socket } : {},
    );
  } catch (err) {
    removeSocketDir();
    throw err;
  }
  const address = socket !== undefined ? `ipc://${socket}` : server.address;
  // The worker processes' links skip ZeroMQ (local-stream.ts).
  let stream: LocalStreamListener | undefined;
  if (socketDir !== undefined && socket !== undefined) {
    try {
      stream = await listenLocalStream(join(socketDir, 'stream'), server.address);
    } catch (err) {
      await server.close();
      removeSocketDir();
      throw err;
    }
  }
  // Built JavaScript, also when this module runs from its sources (tests).
  const entry = createRequire(import.meta.url).resolve('@dask-ts/distributed/worker-main');
  const children: ChildProcess[] = [];
  const exits: Promise<void>[] = [];
  const spillRoot =
    limit === undefined
      ? undefined
      : mkdtempSync(join(options.spillDir ?? tmpdir(), 'dask-ts-local-'));
  const removeSpillRoot = (): void => {
    if (spillRoot !== undefined) rmSync(spillRoot, { recursive: true, force: true });
  };
  const forgetSpillSignals =
    spillRoot === undefined ? () => undefined : cleanUpOnSignals(removeSpillRoot);
  const stop = async (): Promise<void> => {
    await server.close();
    await stream?.close();
    removeSocketDir();
    const timer = setTimeout(() => {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    }, GRACE_MS);
    await Promise.all(exits);
    clearTimeout(timer);
    forgetSpillSignals();
    removeSpillRoot();
  };
  try {
    const ready: Promise<void>[] = [];
    for (let i = 0; i < nWorkers; i++) {
      const child = fork(entry, [address, String(threads), `local-${i}`], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        env: {
          ...process.env,
          ...(options.token !== undefined ? { DASK_TS_TOKEN: options.token } : {}),
          // Removed by the workers if this process dies without removing them (worker-main.ts).
          DASK_TS_CLUSTER_DIRS: [socketDir, spillRoot]
            .filter((d) => d !== undefined)
            .join(delimiter),
          ...(stream !== undefined
            ? { DASK_TS_LOCAL_STREAM: join(socketDir ?? '', 'stream') }
            : {}),
          ...(options.heartbeatMs !== undefined
            ? { DASK_TS_HEARTBEAT_MS: String(options.heartbeatMs) }
            : {}),
          ...(limit !== undefined
            ? {
                DASK_TS_MEMORY_LIMIT: String(limit),
                DASK_TS_SPILL_DIR: spillRoot,
                // Large buffers freed go back to the OS at once (glibc), so spilling frees memory.
                MALLOC_MMAP_THRESHOLD_: process.env.MALLOC_MMAP_THRESHOLD_ ?? '65536',
              }
            : {}),
        },
      });
      children.push(child);
      exits.push(new Promise((resolve) => child.once('exit', () => resolve())));
      ready.push(
        new Promise((resolve, reject) => {
          child.once('message', () => resolve());
          child.once('exit', (code, signal) =>
            reject(
              new Error(
                `worker process local-${i} exited before it connected (${signal ?? `code ${code}`})`,
              ),
            ),
          );
        }),
      );
    }
    await Promise.all(ready);
  } catch (err) {
    await stop();
    throw err;
  }
  // The IPC channels must not keep this process alive; the server's socket does until close.
  for (const c of children) {
    c.channel?.unref();
    c.unref();
  }
  return { server, pids: children.map((c) => c.pid ?? -1), stop };
}

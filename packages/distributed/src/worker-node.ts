// A worker node: a Node process's part in a cluster. It runs `nthreads` worker threads (the
// unchanged worker runtime, `@dask-ts/worker/thread-entry`), and gives each its own link to the
// scheduler (one DEALER socket each, so each thread is one worker to the scheduler, named
// `NAME-0`, `NAME-1`..., or NAME alone with one thread). This thread only relays messages between
// each worker thread and its link, and keeps the heartbeats going: a task that spins for minutes
// never makes its worker look dead. Inputs held on other nodes are fetched from them directly, and
// what the threads hold is served to them (peer-node.ts); the scheduler only says where.
//
// Lifecycle: a thread that exits on its own (a crash) says bye with why, and a fresh thread
// connects in its place; a thread the scheduler stops (stuck on a task nobody wants) is
// terminated and replaced the same way. When the scheduler says bye for good (it is shutting
// down), when it is lost (no heartbeat), or on `close()`, every thread stops and `closed`
// resolves with why.
//
// With a `memoryLimit`, the node keeps its memory under it (memory-watch.ts): threads spill
// results to the node's folder, the node pauses past 80 % and restarts a thread past 95 %.
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import { Worker } from 'node:worker_threads';
import { checkResources } from '@dask-ts/protocol';
import { connectLink, type Link } from './link.js';
import { isRunMessage, runHere } from './worker-run.js';
import { Lending, isLendMessage } from './lender.js';
import { connectWithin } from './rejoin.js';
import { PeerNode } from './peer-node.js';
import { inprocServes } from './inproc.js';
import { curveServerKeyOf } from './curve.js';
import { MemoryWatch } from './memory-watch.js';
import { parseBytes } from './parse-bytes.js';

const require = createRequire(import.meta.url);

/**
 * Options of {@link startWorker}.
 *
 * @example
 * const options: WorkerNodeOptions = { nthreads: 2, name: 'gpu-box', memoryLimit: '4GiB' };
 */
export interface WorkerNodeOptions {
  /** Worker threads to run (default 1). */
  readonly nthreads?: number;
  /** The node's name (default `HOST-PID`); threads are `NAME-0`, `NAME-1`... when more than one. */
  readonly name?: string;
  /** The scheduler's shared secret, if it has one. */
  readonly token?: string;
  /** How often to send a heartbeat (ms, default 1,000). */
  readonly heartbeatMs?: number;
  /** Silence from the scheduler after which it is lost (ms, default 10,000). */
  readonly heartbeatTimeoutMs?: number;
  /** How long to wait for the scheduler at start (ms, default 10,000). */
  readonly connectTimeoutMs?: number;
  /** Where the node reports (stderr by default). */
  readonly log?: (line: string) => void;
  /** The scheduler's CURVE public key, when it encrypts (default: DASK_TS_CURVE_SERVER_KEY). */
  readonly curveServerKey?: string;
  /**
   * After losing the scheduler (silence, or a restarted scheduler that does not know this node),
   * how long to keep trying to connect again (ms, default 60,000; 0: stop at once). A scheduler
   * that says bye (it shut down) stops the node either way.
   */
  readonly reconnectTimeoutMs?: number;
  /**
   * Abstract resources the node has (`{ GPU: 2 }`), shared by its threads: a task that asks for
   * `{ resources: { GPU: 1 } }` runs only where that much is free.
   */
  readonly resources?: Readonly<Record<string, number>>;
  /**
   * Where other workers fetch what this node holds (peer to peer): `tcp://HOST:PORT` (port 0: any
   * free port; host 0.0.0.0: every interface). By default the interface that reaches the
   * scheduler, any free port; `false` serves nothing (the scheduler then relays this node's
   * values, as it does for a node in the scheduler's own process).
   */
  readonly listen?: string | false;
  /** How long a fetch from another worker may take before the scheduler relays it (ms, default 60,000). */
  readonly transferTimeoutMs?: number;
  /**
   * The most memory the node may use (all its threads together): bytes, or a size such as
   * '512MiB' or '4GiB'. Results spill to disk past 60 % of it, the node takes no new tasks past
   * 80 % and restarts a thread past 95 % (see memory-watch.ts). What is measured is the whole
   * process's resident memory: give a node a process of its own (`dask-ts worker`, or
   * `Client.local`, which also sets MALLOC_MMAP_THRESHOLD_ so freed buffers go back to the OS).
   * Default: no limit.
   */
  readonly memoryLimit?: number | string;
  /** Where the node's spill folder is made (default: the OS temporary folder). */
  readonly spillDir?: string;
}

/**
 * A running worker node (see {@link startWorker}).
 *
 * @example
 * const node = await startWorker('tcp://127.0.0.1:8786', { nthreads: 2 });
 * console.log(await node.closed); // why it stopped
 */
export interface WorkerNode {
  /** The names its threads have at the scheduler. */
  readonly names: readonly string[];
  /** Resolves with why the node stopped. */
  readonly closed: Promise<string>;
  /** Stops every thread and says bye to the scheduler. */
  close(): Promise<void>;
}

interface Slot {
  readonly name: string;
  link: Link | undefined;
  thread: Worker | undefined;
}

/**
 * Connects a worker node with `nthreads` worker threads to the scheduler at `address`; resolves
 * once every thread's link is welcomed (a refused handshake rejects with a ConnectError).
 *
 * @example
 * const node = await startWorker('tcp://127.0.0.1:8786', { nthreads: 2, name: 'w' });
 * await node.close();
 */
export async function startWorker(
  address: string,
  options: WorkerNodeOptions = {},
): Promise<WorkerNode> {
  const nthreads = options.nthreads ?? 1;
  if (!Number.isInteger(nthreads) || nthreads < 1) {
    throw new TypeError(`nthreads must be a positive integer, got ${String(nthreads)}`);
  }
  const base = options.name ?? `${hostname()}-${process.pid}`;
  if (typeof base !== 'string' || base === '') {
    throw new TypeError(`name must be a non-empty string, got ${String(base)}`);
  }
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const reconnectMs = options.reconnectTimeoutMs ?? 60_000;
  if (!Number.isFinite(reconnectMs) || reconnectMs < 0) {
    throw new TypeError(
      `reconnectTimeoutMs must be a non-negative number of milliseconds, got ${String(reconnectMs)}`,
    );
  }
  const resources =
    options.resources === undefined
      ? undefined
      : checkResources(options.resources, 'startWorker: resources');
  const limit =
    options.memoryLimit === undefined ? undefined : parseBytes(options.memoryLimit, 'memoryLimit');
  const entry = require.resolve('@dask-ts/worker/thread-entry');
  const slots: Slot[] = Array.from({ length: nthreads }, (_, i) => ({
    name: nthreads === 1 ? base : `${base}-${i}`,
    link: undefined,
    thread: undefined,
  }));
  let stopping = false;
  let resolveClosed: (why: string) => void = () => undefined;
  const closed = new Promise<string>((resolve) => (resolveClosed = resolve));

  const transferTimeoutMs = options.transferTimeoutMs ?? 60_000;
  if (!(typeof transferTimeoutMs === 'number' && transferTimeoutMs > 0)) {
    throw new TypeError(
      `transferTimeoutMs must be a positive number of milliseconds, got ${String(transferTimeoutMs)}`,
    );
  }
  // Serves what the threads hold to other workers, and fetches from theirs (peer-node.ts).
  const peers = await PeerNode.start({
    scheduler: address,
    listen: options.listen ?? (inprocServes(address) ? false : undefined),
    token: options.token,
    curve: curveServerKeyOf(options.curveServerKey) !== undefined,
    timeoutMs: transferTimeoutMs,
    log,
    thread: (name) => slots.find((s) => s.name === name)?.thread,
  });
  // Lenders (lender.ts) serve nothing to peers: the scheduler relays their values.
  const connect = (name: string, peer = peers.peer): Promise<Link> =>
    connectLink(address, {
      peer,
      role: 'worker',
      name,
      token: options.token,
      heartbeatMs: options.heartbeatMs,
      heartbeatTimeoutMs: options.heartbeatTimeoutMs,
      connectTimeoutMs: options.connectTimeoutMs,
      curveServerKey: options.curveServerKey,
      traits: { group: base, ...(resources !== undefined ? { resources } : {}) },
      log,
    });

  // Tasks reach the scheduler with getClient() (get-client.ts) through these.
  const env: NodeJS.ProcessEnv = { ...process.env, DASK_TS_SCHEDULER_ADDRESS: address };
  if (options.token !== undefined) env.DASK_TS_TOKEN = options.token;
  const lending = new Lending({ connect: (name) => connect(name, undefined), entry, env, log });
  const memory =
    limit === undefined
      ? undefined
      : new MemoryWatch({ limit, nthreads, name: base, log, spillDir: options.spillDir });

  const stopAll = async (why: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await Promise.all([lending.close(why), peers.close()]);
    await Promise.all(
      slots.map(async (slot) => {
        const thread = slot.thread;
        slot.thread = undefined;
        await Promise.all([slot.link?.close(why), thread?.terminate()]);
      }),
    );
    memory?.close();
    resolveClosed(why);
  };

  /** Runs a fresh thread over `link` in `slot`; replaces it when it ends, unless stopping. */
  const run = (slot: Slot, link: Link): void => {
    slot.link = link;
    const spill = memory?.spillFor(slot.name);
    const thread = new Worker(entry, { workerData: { name: slot.name, spill }, env });
    slot.thread = thread;
    thread.on('message', (message: unknown) => {
      // Answers to this node's own gathers serve peers (peer-node.ts).
      if (peers.fromThread(message)) return;
      // A task waiting for other tasks lends its slot (lender.ts).
      if (isLendMessage(message)) lending.change(slot.name, link, message);
      else link.send(message);
    });
    thread.on('error', (err) => log(`dask-ts worker ${slot.name}: ${err.stack ?? err.message}`));
    link.listen({
      // The binary values' buffers were copied out of the frames: handed over, not copied again.
      message: (raw: unknown, owned?: ArrayBuffer[]) => {
        // client.run runs here (worker-run.ts), inputs are fetched from peers here
        // (peer-node.ts); everything else is the thread's.
        if (peers.fromScheduler(slot.name, raw, (m) => link.send(m))) return;
        if (isRunMessage(raw)) void runHere(raw, (m) => link.send(m));
        else {
          const { message, transfer } = peers.toThread(slot.name, raw, owned);
          thread.postMessage(message, transfer);
        }
      },
      disconnect: () => undefined,
    });
    // Set when this side ends the link (its thread exited): then it is replaced, not stopped.
    let replacing = false;
    link.onEnd((end) => {
      if (stopping || replacing) return;
      if (end.restart) {
        void thread.terminate().then(() => replace(slot, end.reason));
      } else if (end.lost === true && reconnectMs > 0) {
        // What the thread held is unknown to the scheduler it will meet: a fresh thread.
        void thread.terminate().then(() => rejoin(slot, end.reason));
      } else void stopAll(end.reason);
    });
    memory?.attach(slot.name, {
      send: (report) => link.send(report),
      // Past 95 % of the limit (memory-watch.ts): the scheduler hears why, and recomputes.
      restart: (why) => {
        if (stopping || link.closed) return;
        replacing = true;
        void Promise.all([thread.terminate(), link.close(why)]).then(() => replace(slot, why));
      },
    });
    thread.on('exit', (code) => {
      if (spill !== undefined) memory?.ended(spill);
      if (slot.thread === thread) slot.thread = undefined;
      if (stopping || link.closed || replacing) return;
      replacing = true;
      void link
        .close(`thread ${slot.name} exited with code ${code}`)
        .then(() => replace(slot, `its thread exited with code ${code}`));
    });
  };

  const replace = (slot: Slot, why: string): void => {
    if (stopping) return;
    log(`dask-ts worker ${slot.name}: starting afresh (${why})`);
    connect(slot.name).then(
      (link) => (stopping ? void link.close('the worker is stopping') : run(slot, link)),
      (err: unknown) => void stopAll(`cannot reconnect ${slot.name}: ${(err as Error).message}`),
    );
  };

  const rejoin = (slot: Slot, why: string): void => {
    if (stopping) return;
    log(
      `dask-ts worker ${slot.name}: ${why}; connecting again (for up to ${reconnectMs / 1000} s)`,
    );
    connectWithin(
      () => connect(slot.name),
      reconnectMs,
      () => stopping,
    ).then(
      (link) => {
        if (stopping) return void link.close('the worker is stopping');
        log(`dask-ts worker ${slot.name}: connected again to ${address}`);
        run(slot, link);
      },
      (err: unknown) => void stopAll(`lost the scheduler at ${address}: ${(err as Error).message}`),
    );
  };

  const links = await Promise.allSettled(slots.map((s) => connect(s.name)));
  const failed = links.find((r) => r.status === 'rejected');
  if (failed !== undefined) {
    await peers.close();
    await Promise.all(
      links.map((r) =>
        r.status === 'fulfilled' ? r.value.close('another thread was refused') : undefined,
      ),
    );
    throw failed.reason;
  }
  links.forEach((r, i) => run(slots[i], (r as PromiseFulfilledResult<Link>).value));
  return {
    names: slots.map((s) => s.name),
    closed,
    close: () => stopAll('closed by its owner'),
  };
}

// The scheduler server: a SchedulerShell behind one ZeroMQ ROUTER socket that workers and clients
// both connect to (the role is in the handshake). One reader loop reads every peer; one send
// queue writes to them. A peer's first message must be a hello with the right protocol version
// and token: otherwise it is answered `refused` (with the reason) and forgotten. A worker becomes
// one of the shell's endpoints (its messages go to the shell raw, and the shell validates them);
// a client's messages are checked with their zod schemas and its graphs computed on the shell.
// Frames that do not decode are dropped and counted (the first few logged); the rest is served.
// Liveness: every peer sends heartbeats; one silent for `heartbeatTimeoutMs` is dropped (a worker
// is `disconnected` from the shell, which recomputes its tasks elsewhere, as for a lost local
// worker, and is told to start afresh in case it was only slow; a client's computes are
// cancelled). A stall of the server's own thread never counts against its peers. A peer that
// says `bye` is dropped at once. `close` closes the shell (workers are told `bye`, and exit),
// then the socket.
import { Router } from 'zeromq';
import { SchedulerShell, type WorkerEndpoint, type WorkerInfo } from '@dask-ts/scheduler';
import { encodeValue, type ToWorker } from '@dask-ts/protocol';
import { parseFromClient } from './client-check.js';
import { errorMessage, graphOf, type FromClient, type ToClient } from './client-messages.js';
import { decodeFrames, encodeFrames } from './frames.js';
import {
  isLinkOp,
  linkSchema,
  refusal,
  type Hello,
  type PeerRole,
  type WorkerTraits,
} from './handshake.js';
import { SendQueue } from './send-queue.js';
import { postInproc, registerInproc, routeInproc } from './inproc.js';
import { Monitor } from './monitor.js';
import { serveDashboard, type Dashboard, type SchedulerStatus } from './dashboard.js';
import { simulateWorkers } from './simulation.js';
import { ClientOps } from './client-ops.js';
import { ranSchema } from './worker-run.js';
import { PeerTransfers, noTransfers, transferCounts } from './peer-transfers.js';
import { WorkerMemoryTable } from './worker-memory.js';

export type { SchedulerServerOptions, ServerStats } from './scheduler-server-options.js';
import type { SchedulerServerOptions, ServerStats } from './scheduler-server-options.js';

interface Peer {
  readonly id: Buffer;
  readonly role: PeerRole;
  readonly name: string;
  lastHeard: number;
  gone: boolean;
  /** A worker's node and resources, from its hello. */
  readonly traits?: WorkerTraits;
  /** A client's running computes. */
  readonly computes: Map<number, AbortController>;
}

/** How many dropped messages are logged (the rest are only counted). */
const LOGGED_DROPS = 10;

/**
 * A running scheduler server (see {@link startScheduler}).
 *
 * @example
 * const server = await startScheduler();
 * console.log(server.address); // tcp://127.0.0.1:41234
 * await server.close();
 */
export class SchedulerServer {
  /** Where workers and clients connect: `tcp://HOST:PORT`. */
  readonly address: string;
  /** What was refused or dropped so far. */
  readonly stats: ServerStats = { dropped: 0, refused: 0, ...noTransfers() };
  /** Inputs workers fetch from each other (peer-transfers.ts). */
  private readonly transfers = new PeerTransfers(
    (name, message) => {
      const peer = this.workerNames.get(name);
      if (peer !== undefined) this.send(peer, message);
    },
    (line) => this.log(line),
    this.stats,
  );
  private readonly router: Router;
  private readonly shell: SchedulerShell;
  /** Keys clients hold on the cluster, and `run`s (client-ops.ts). */
  private readonly ops: ClientOps;
  private readonly queue: SendQueue;
  /** What worker nodes report of their memory (worker-memory.ts). */
  private readonly memory = new WorkerMemoryTable((name, paused) =>
    this.shell.setPaused(name, paused, 'memory'),
  );
  private readonly token: string | undefined;
  private readonly log: (line: string) => void;
  private readonly peers = new Map<string, Peer>();
  private readonly workerNames = new Map<string, Peer>();
  private readonly timer: NodeJS.Timeout;
  private readonly reading: Promise<void>;
  private readonly unregisterInproc: () => void;
  /** What the dashboard shows (only while one is served). */
  private monitor: Monitor | undefined;
  private dashboard: Dashboard | undefined;
  private nextWorker = 0;
  private nextClient = 0;
  private endpointIds = 0;
  private lastCheck = Date.now();
  private closing: Promise<void> | undefined;
  /** Set before anything else on close (the shell's closing calls back into this server). */
  private stopping = false;

  /** @internal use {@link startScheduler}. */
  constructor(router: Router, address: string, options: SchedulerServerOptions) {
    this.router = router;
    this.address = address;
    this.token = options.token;
    this.log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
    this.shell = new SchedulerShell({
      name: 'distributed',
      log: this.log,
      ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}),
      ...(options.rootSaturation !== undefined ? { rootSaturation: options.rootSaturation } : {}),
      transfer: (from, to, keys, done) => this.transfers.start(from, to, keys, done),
    });
    this.ops = new ClientOps({
      shell: this.shell,
      toClient: (name, message) => {
        for (const p of this.peers.values())
          if (p.role === 'client' && p.name === name) this.send(p, message);
      },
      toWorkers: (message) => {
        for (const p of this.workerNames.values()) this.send(p, message);
        return [...this.workerNames.keys()];
      },
      submitted: (graph) => void this.monitor?.submittedGraph(graph),
    });
    this.queue = new SendQueue(routeInproc(router), (err, frames) => {
      const peer = this.peers.get(Buffer.from(frames[0]).toString('hex'));
      if (peer !== undefined) this.dropPeer(peer, `cannot reach it: ${err.message}`, false);
    });
    const timeout = options.heartbeatTimeoutMs ?? 10_000;
    const every = options.heartbeatMs ?? 1000;
    this.timer = setInterval(() => this.checkHeartbeats(every, timeout), every);
    this.reading = this.read();
    if (options.simulatedWorkers !== undefined)
      simulateWorkers(this.shell, options.simulatedWorkers, 1_000_000_000);
    // Peers in this process skip the network (inproc.ts), unless every peer must encrypt.
    this.unregisterInproc =
      options.curve === undefined
        ? registerInproc(address, {
            deliver: (msg) => this.onMessage(msg),
            deliverObject: (id, raw) => this.onMessage([id], raw),
          })
        : () => undefined;
  }

  /**
   * The workers connected now.
   *
   * @example
   * server.workers.map((w) => w.name); // ['w-1', 'w-2']
   */
  get workers(): readonly WorkerInfo[] {
    return this.shell.workers;
  }

  /**
   * Runs `graph` on the connected workers (as a client's compute does); the in-process way in.
   *
   * @example
   * const [y] = await server.scheduler.get(graph, ['y']);
   */
  get scheduler(): SchedulerShell {
    return this.shell;
  }

  /**
   * Tells every worker to stop, stops serving and closes the socket.
   *
   * @example
   * await server.close();
   */
  close(): Promise<void> {
    if (this.closing === undefined) {
      this.stopping = true;
      this.closing = this.shutDown();
    }
    return this.closing;
  }

  /** Closes the server, for `await using`. @example await using server = await startScheduler(); */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private async shutDown(): Promise<void> {
    clearInterval(this.timer);
    await this.dashboard?.close();
    await this.shell.close();
    for (const peer of [...this.peers.values()]) {
      this.dropPeer(peer, 'the scheduler is shutting down', true);
    }
    await Promise.race([this.queue.flushed(), delay(1000)]);
    // Give ZeroMQ's I/O thread a moment to write the last byes.
    await delay(50);
    this.unregisterInproc();
    this.router.close();
    await this.reading;
  }

  private send(peer: Peer, message: unknown): void {
    if (peer.gone) return;
    // A client in this process gets objects (inproc.ts).
    if (peer.role === 'client' && postInproc(peer.id, message)) return;
    this.queue.push([peer.id, ...encodeFrames(message)]);
  }

  private async read(): Promise<void> {
    for (;;) {
      let msg: Buffer[];
      try {
        msg = await this.router.receive();
      } catch (err) {
        if (this.router.closed) return;
        this.log(`dask-ts scheduler: cannot receive: ${(err as Error).message}`);
        continue;
      }
      this.onMessage(msg);
    }
  }

  /** A message: frames after the routing id, or (`raw` given) an in-process client's object. */
  private onMessage(msg: Buffer[], raw?: unknown): void {
    try {
      this.onFrames(msg, raw);
    } catch (err) {
      this.log(
        `dask-ts scheduler: internal error on a message: ${(err as Error).stack ?? String(err)}`,
      );
    }
  }

  private onFrames(msg: Buffer[], object?: unknown): void {
    const [id, ...frames] = msg;
    if (id === undefined) return;
    const key = id.toString('hex');
    const peer = this.peers.get(key);
    let raw: unknown = object;
    try {
      if (object === undefined) raw = decodeFrames(frames);
    } catch (err) {
      this.drop(peer?.name ?? 'an unknown peer', (err as Error).message);
      if (peer === undefined)
        this.refuse(id, `a message that is not a dask-ts hello (${(err as Error).message})`);
      return;
    }
    if (peer === undefined) {
      const op = isLinkOp(raw) ? (raw as { op: string }).op : undefined;
      // A peer dropped earlier (presumed dead) that is alive after all: told so, quietly.
      if (op === 'heartbeat')
        this.refuse(
          id,
          'this scheduler does not know this peer (it restarted, or dropped it)',
          false,
          true,
        );
      else if (op !== 'bye') this.onHello(id, key, raw);
      return;
    }
    peer.lastHeard = Date.now();
    if (isLinkOp(raw)) {
      const link = linkSchema.safeParse(raw);
      if (!link.success) {
        this.drop(peer.name, `a malformed link message: ${link.error.issues[0]?.message ?? ''}`);
        return;
      }
      if (link.data.op === 'heartbeat') this.send(peer, { op: 'heartbeat' });
      else if (link.data.op === 'bye')
        this.dropPeer(peer, `${peer.name} left: ${link.data.reason}`, false);
      return;
    }
    if (peer.role === 'worker') {
      const op = (raw as { op?: unknown }).op;
      if (op === 'gathered') for (const f of frames) this.stats.relayedBytes += f.byteLength;
      this.monitor?.fromWorker(peer.name, raw);
      if (op === 'ran') this.onRan(peer, raw);
      else if (op === 'peer-fetched') this.transfers.fetched(peer.name, raw);
      // A worker's lender (lender.ts) paused or unpaused by its node, over the worker's link.
      else if (op === 'pause') {
        const { worker, paused } = raw as { worker?: unknown; paused?: unknown };
        if (worker === `${peer.name}~lent`) this.shell.setPaused(worker, paused === true);
        else
          this.log(
            `dask-ts scheduler: ${peer.name} may pause only its lender, not ${String(worker)}`,
          );
      }
      // Its node's memory (memory-watch.ts, worker-memory.ts).
      else if (op === 'memory') this.memory.report(peer.name, raw, this.log);
      else this.shell.message(peer.name, raw);
    } else this.onClient(peer, raw);
  }

  private onHello(id: Buffer, key: string, raw: unknown): void {
    if (this.stopping) {
      this.refuse(id, 'the scheduler is shutting down');
      return;
    }
    const why = refusal(raw, this.token);
    if (why !== undefined) {
      this.refuse(id, why);
      return;
    }
    const hello = raw as Hello;
    let name: string;
    if (hello.role === 'worker') {
      name = hello.name ?? `worker-${++this.nextWorker}`;
      if (this.workerNames.has(name)) {
        this.refuse(
          id,
          `a worker named '${name}' is already connected: give each worker its own name`,
        );
        return;
      }
    } else name = `client-${++this.nextClient}`;
    const peer: Peer = {
      id,
      role: hello.role,
      name,
      lastHeard: Date.now(),
      gone: false,
      computes: new Map(),
      ...(hello.group !== undefined
        ? { traits: { group: hello.group, resources: hello.resources } }
        : {}),
    };
    this.peers.set(key, peer);
    this.send(peer, { op: 'welcome', name });
    if (peer.role === 'worker') {
      this.workerNames.set(name, peer);
      if (hello.peer !== undefined) this.transfers.addWorker(name, hello.peer);
      this.monitor?.workerAdded(name);
      this.shell.connect(this.endpointOf(peer));
    }
  }

  private refuse(id: Buffer, reason: string, log = true, rejoin = false): void {
    this.stats.refused++;
    if (log && this.stats.refused <= LOGGED_DROPS && !this.stopping)
      this.log(`dask-ts scheduler: refused a peer: ${reason}`);
    this.queue.push([
      id,
      ...encodeFrames({ op: 'refused', reason, ...(rejoin ? { rejoin } : {}) }),
    ]);
  }

  private endpointOf(peer: Peer): WorkerEndpoint {
    return {
      name: peer.name,
      ...(peer.traits !== undefined ? { group: peer.traits.group } : {}),
      ...(peer.traits?.resources !== undefined ? { resources: peer.traits.resources } : {}),
      id: ++this.endpointIds,
      send: (message: ToWorker) => {
        this.monitor?.toWorker(peer.name, message);
        if (!peer.gone) this.queue.push([peer.id, ...encodeFrames(message)]);
      },
      ref: () => undefined,
      unref: () => undefined,
      close: () => {
        // The shell stops this worker (a stuck task, a broken channel, or shutting down): it is
        // told why; while the scheduler runs on, it starts afresh and reconnects.
        this.dropPeer(
          peer,
          this.stopping ? 'the scheduler is shutting down' : 'stopped by the scheduler',
          true,
          !this.stopping,
        );
        return Promise.resolve();
      },
    };
  }

  private onClient(peer: Peer, raw: unknown): void {
    const parsed = parseFromClient(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      this.drop(
        peer.name,
        `a malformed message: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`,
      );
      return;
    }
    const msg = parsed.data;
    if (msg.op === 'cancel') {
      peer.computes.get(msg.id)?.abort(new Error(`cancelled by ${peer.name}`));
      return;
    }
    if (msg.op !== 'compute') {
      this.ops.handle(peer.name, msg);
      return;
    }
    this.compute(peer, msg);
  }

  private onRan(peer: Peer, raw: unknown): void {
    const parsed = ranSchema.safeParse(raw);
    if (parsed.success) this.ops.ran(peer.name, parsed.data);
    else this.drop(peer.name, `a malformed 'ran': ${parsed.error.issues[0]?.message ?? ''}`);
  }

  private compute(peer: Peer, msg: Extract<FromClient, { op: 'compute' }>): void {
    const { id } = msg;
    const controller = new AbortController();
    peer.computes.set(id, controller);
    const reply = (answer: ToClient): void => {
      peer.computes.delete(id);
      try {
        this.send(peer, answer);
      } catch (err) {
        this.send(
          peer,
          errorMessage(id, new Error(`the results cannot be sent: ${(err as Error).message}`)),
        );
      }
    };
    let graph;
    try {
      graph = graphOf(msg);
    } catch (err) {
      reply(errorMessage(id, err));
      return;
    }
    const tasks = this.monitor?.submittedGraph(graph);
    const settled = (answer: ToClient): void => {
      if (tasks !== undefined) this.monitor?.settled(tasks);
      reply(answer);
    };
    this.shell.get(graph, msg.keys, { signal: controller.signal }).then(
      (values) => settled({ op: 'result', id, values: values.map((v) => encodeValue(v).payload) }),
      (err: unknown) => settled(errorMessage(id, err)),
    );
  }

  private checkHeartbeats(everyMs: number, timeoutMs: number): void {
    const now = Date.now();
    const stalled = now - this.lastCheck > 2 * everyMs;
    this.lastCheck = now;
    // This thread was busy (a big submission): heartbeats wait unread behind the timers. Nobody is
    // presumed dead for this thread's own stall; everyone gets a fresh period.
    if (stalled) {
      for (const peer of this.peers.values())
        peer.lastHeard = Math.max(peer.lastHeard, now - everyMs);
      return;
    }
    for (const peer of [...this.peers.values()]) {
      if (now - peer.lastHeard > timeoutMs) {
        this.dropPeer(
          peer,
          `${peer.role} ${peer.name} sent no heartbeat for ${timeoutMs / 1000} s and is presumed dead`,
          true,
          // A worker that was only slow hears this and starts afresh under the same name.
          peer.role === 'worker',
        );
      }
    }
  }

  /** Forgets `peer`: a worker's tasks are recomputed, a client's computes cancelled. */
  private dropPeer(peer: Peer, reason: string, tell: boolean, restart = false): void {
    if (peer.gone) return;
    if (tell) this.send(peer, { op: 'bye', reason, restart });
    peer.gone = true;
    this.peers.delete(peer.id.toString('hex'));
    if (peer.role === 'worker') {
      this.workerNames.delete(peer.name);
      this.transfers.workerGone(peer.name);
      this.memory.forget(peer.name);
      this.monitor?.workerRemoved(peer.name);
      this.ops.workerGone(peer.name, reason);
      // Not from inside the shell's own call (close() is called by the shell).
      queueMicrotask(() => this.shell.disconnected(peer.name, reason));
    } else {
      for (const c of peer.computes.values()) c.abort(new Error(`${peer.name} is gone: ${reason}`));
      peer.computes.clear();
      this.ops.clientGone(peer.name);
    }
  }

  /**
   * Where the dashboard is served (`http://HOST:PORT`), when started with `dashboardPort`.
   *
   * @example
   * const status = await (await fetch(`${server.dashboardAddress}/status.json`)).json();
   */
  get dashboardAddress(): string | undefined {
    return this.dashboard?.address;
  }

  /**
   * What `/status.json` answers: workers with their load, tasks by state, task groups.
   *
   * @example
   * server.status().tasks.processing;
   */
  status(): SchedulerStatus {
    const monitor = this.monitor ?? new Monitor();
    const groups = monitor.taskGroups();
    let clients = 0;
    for (const p of this.peers.values()) if (p.role === 'client') clients++;
    return {
      address: this.address,
      workers: this.shell.workers.map((w) => {
        const load = monitor.workerLoad(w.name);
        return {
          name: w.name,
          ready: w.ready,
          processing: load.processing,
          memoryTasks: load.memoryTasks,
          memoryBytes: load.memoryBytes,
          ...this.memory.statusOf(w.name),
        };
      }),
      clients,
      tasks: monitor.counts(),
      taskGroups: groups.map((g) => ({ ...g, progress: g.total === 0 ? 1 : g.done / g.total })),
      transitions: { ...monitor.transitions },
      waits: this.shell.waits(),
      dropped: this.stats.dropped,
      refused: this.stats.refused,
      transfers: transferCounts(this.stats),
    };
  }

  /** @internal starts the HTTP side (see {@link SchedulerServerOptions.dashboardPort}). */
  async serveDashboard(host: string, port: number): Promise<void> {
    const monitor = new Monitor();
    for (const w of this.shell.workers) monitor.workerAdded(w.name);
    this.monitor = monitor;
    this.dashboard = await serveDashboard({ monitor, status: () => this.status() }, host, port);
  }

  private drop(from: string, why: string): void {
    this.stats.dropped++;
    if (this.stats.dropped <= LOGGED_DROPS) {
      this.log(`dask-ts scheduler: dropped a message from ${from}: ${why}`);
    } else if (this.stats.dropped === LOGGED_DROPS + 1) {
      this.log(
        'dask-ts scheduler: dropping more bad messages (counted in stats.dropped, not logged)',
      );
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

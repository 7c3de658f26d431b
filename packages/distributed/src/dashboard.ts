// The scheduler server's HTTP side (started with `dashboardPort`): `GET /status.json` (workers
// with their load and the bytes they hold, clients, tasks by state, task groups with progress,
// what was dropped or refused), `GET /metrics` (the same numbers in Prometheus' text format), and
// `GET /events`, a server-sent event stream of task transitions (`event: transition`, one JSON
// object per event, written in batches every `flushMs`, so a busy scheduler sends a few large
// writes rather than one per task). Anything else is a 404 naming the three routes. Only GET and
// HEAD are served. Closing the dashboard ends every open stream, so nothing keeps the process.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TASK_STATES, type Monitor, type Transition } from './monitor.js';
import type { Waits } from '@dask-ts/scheduler';
import type { WorkerMemory } from './worker-memory.js';

/**
 * What `/status.json` answers.
 *
 * @example
 * const status = (await (await fetch(`${server.dashboardAddress}/status.json`)).json()) as SchedulerStatus;
 */
export interface SchedulerStatus {
  readonly address: string;
  readonly workers: readonly {
    readonly name: string;
    readonly ready: boolean;
    /** Tasks running or queued on it. */
    readonly processing: number;
    /** Results it holds, and their bytes. */
    readonly memoryTasks: number;
    readonly memoryBytes: number;
    /** Whether its node takes no new tasks for now (a node with a memory limit only). */
    readonly paused?: boolean;
    /** Its node's memory, as last reported (a node with a memory limit only). */
    readonly memory?: WorkerMemory;
  }[];
  readonly clients: number;
  readonly tasks: Readonly<Record<(typeof TASK_STATES)[number], number>>;
  readonly taskGroups: readonly {
    readonly name: string;
    readonly total: number;
    readonly done: number;
    readonly waiting: number;
    readonly processing: number;
    readonly memory: number;
    readonly erred: number;
    /** done / total, from 0 to 1. */
    readonly progress: number;
  }[];
  readonly transitions: Readonly<Record<string, number>>;
  /**
   * Why the tasks that do not run wait, by reason (on inputs, held back for memory admission,
   * no worker matching their restrictions, no room or resources, no workers, all paused, all
   * busy), with an example key for each.
   */
  readonly waits?: Waits;
  readonly dropped: number;
  readonly refused: number;
  /**
   * Inputs moved between workers: bytes relayed through the scheduler, and transfers (with their
   * bytes and failures) that workers made from each other, peer to peer.
   */
  readonly transfers?: {
    readonly relayedBytes: number;
    readonly peerTransfers: number;
    readonly peerBytes: number;
    readonly peerFailures: number;
  };
}

/** What the dashboard reads from its server. */
export interface DashboardSource {
  readonly monitor: Monitor;
  status(): SchedulerStatus;
}

/** A running dashboard: its address, and how to stop it. */
export interface Dashboard {
  /** `http://HOST:PORT`. */
  readonly address: string;
  close(): Promise<void>;
}

const ROUTES = 'GET /status.json, GET /metrics or GET /events';

/**
 * The Prometheus text exposition of `status`.
 *
 * @example
 * res.end(metricsText(source.status()));
 */
export function metricsText(status: SchedulerStatus): string {
  const lines: string[] = [];
  const metric = (
    name: string,
    type: 'gauge' | 'counter',
    help: string,
    samples: readonly [labels: string, value: number][],
  ): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
  };
  const label = (k: string, v: string): string =>
    `{${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"}`;
  metric('dask_ts_scheduler_workers', 'gauge', 'Workers connected.', [['', status.workers.length]]);
  metric('dask_ts_scheduler_clients', 'gauge', 'Clients connected.', [['', status.clients]]);
  metric(
    'dask_ts_scheduler_tasks',
    'gauge',
    'Tasks known to the scheduler, by state.',
    TASK_STATES.map((s) => [label('state', s), status.tasks[s]]),
  );
  metric(
    'dask_ts_scheduler_transitions_total',
    'counter',
    'Task transitions, by the state they went to.',
    Object.entries(status.transitions).map(([s, n]) => [label('to', s), n]),
  );
  metric(
    'dask_ts_worker_processing_tasks',
    'gauge',
    'Tasks running or queued on each worker.',
    status.workers.map((w) => [label('worker', w.name), w.processing]),
  );
  metric(
    'dask_ts_worker_memory_bytes',
    'gauge',
    'Bytes of results each worker holds.',
    status.workers.map((w) => [label('worker', w.name), w.memoryBytes]),
  );
  memoryMetrics(status, metric, label);
  metric('dask_ts_scheduler_dropped_messages_total', 'counter', 'Messages dropped as garbage.', [
    ['', status.dropped],
  ]);
  metric('dask_ts_scheduler_refused_peers_total', 'counter', 'Peers refused at the handshake.', [
    ['', status.refused],
  ]);
  const t = status.transfers;
  if (t !== undefined) {
    metric(
      'dask_ts_scheduler_relayed_bytes_total',
      'counter',
      'Bytes workers sent through the scheduler (relayed inputs, results for clients).',
      [['', t.relayedBytes]],
    );
    metric('dask_ts_peer_transfers_total', 'counter', 'Inputs workers fetched from each other.', [
      ['', t.peerTransfers],
    ]);
    metric(
      'dask_ts_peer_transfer_bytes_total',
      'counter',
      'Bytes workers fetched from each other.',
      [['', t.peerBytes]],
    );
    metric(
      'dask_ts_peer_transfer_failures_total',
      'counter',
      'Peer transfers that did not move everything (the rest was relayed).',
      [['', t.peerFailures]],
    );
  }
  metric('process_resident_memory_bytes', 'gauge', "The scheduler process's resident memory.", [
    ['', process.memoryUsage.rss()],
  ]);
  return `${lines.join('\n')}\n`;
}

/**
 * Serves the dashboard of `source` on `host:port` (0: any free port); resolves once it listens.
 *
 * @example
 * const dashboard = await serveDashboard(source, '127.0.0.1', 8787);
 * await dashboard.close();
 */
export async function serveDashboard(
  source: DashboardSource,
  host: string,
  port: number,
  flushMs = 100,
): Promise<Dashboard> {
  const streams = new Set<ServerResponse>();
  let pending: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    timer = undefined;
    const chunk = pending.join('');
    pending = [];
    for (const res of streams) res.write(chunk);
  };
  const onTransition = (t: Transition): void => {
    pending.push(`event: transition\ndata: ${JSON.stringify(t)}\n\n`);
    timer ??= setTimeout(flush, flushMs).unref();
  };
  let unlisten: (() => void) | undefined;

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' });
      res.end(`${req.method ?? ''} is not served here: ${ROUTES}\n`);
      return;
    }
    if (path === '/status.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(source.status()));
    } else if (path === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(metricsText(source.status()));
    } else if (path === '/events') {
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      res.write(': dask-ts scheduler task transitions\n\n');
      streams.add(res);
      unlisten ??= source.monitor.listen(onTransition);
      res.on('close', () => {
        streams.delete(res);
        if (streams.size === 0) {
          unlisten?.();
          unlisten = undefined;
          pending = [];
        }
      });
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(`Not found: ${path}. This scheduler serves ${ROUTES}\n`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((err: unknown) => {
    throw new Error(`Cannot serve the dashboard on ${host}:${port}: ${(err as Error).message}`, {
      cause: err,
    });
  });
  const bound = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return {
    address: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${bound.port}`,
    close: async () => {
      if (timer !== undefined) clearTimeout(timer);
      unlisten?.();
      for (const res of streams) res.end();
      streams.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

type Metric = (
  name: string,
  type: 'gauge' | 'counter',
  help: string,
  samples: readonly [labels: string, value: number][],
) => void;

/** The memory of each worker with a limit, and why tasks wait, as metrics (see metricsText). */
function memoryMetrics(
  status: SchedulerStatus,
  metric: Metric,
  label: (k: string, v: string) => string,
): void {
  const limited = status.workers.flatMap((w) =>
    w.memory === undefined ? [] : [[label('worker', w.name), w.memory] as const],
  );
  const each = (name: string, help: string, value: (m: WorkerMemory) => number): void =>
    metric(
      name,
      'gauge',
      help,
      limited.map(([l, m]) => [l, value(m)]),
    );
  if (limited.length > 0) {
    each(
      'dask_ts_worker_managed_bytes',
      'Bytes of results each worker holds in memory, by its own count.',
      (m) => m.held,
    );
    each(
      'dask_ts_worker_spilled_bytes',
      'Bytes of results each worker spilled to disk.',
      (m) => m.spilled,
    );
    each('dask_ts_worker_memory_limit_bytes', "Each worker node's memory limit.", (m) => m.limit);
    each(
      'dask_ts_worker_rss_bytes',
      "Each worker node's resident memory, as last reported.",
      (m) => m.rss,
    );
    each(
      'dask_ts_worker_paused',
      'Whether each worker takes no new tasks for its memory (1) or does (0).',
      (m) => (m.paused ? 1 : 0),
    );
  }
  const w = status.waits;
  if (w === undefined) return;
  const reasons = [
    'inputs',
    'admission',
    'unmatched',
    'noRoom',
    'noWorkers',
    'paused',
    'busy',
  ] as const;
  metric(
    'dask_ts_scheduler_waiting_tasks',
    'gauge',
    'Tasks that do not run, by why they wait.',
    reasons.map((r) => [label('reason', r), w[r]]),
  );
}

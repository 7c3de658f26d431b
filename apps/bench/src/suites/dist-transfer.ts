// Suite `dist-transfer`: moving a 100 MB input between two worker processes on this machine,
// peer to peer (the worker that needs it fetches it from the one that holds it) against the relay
// through the scheduler (workers started with `--listen-address none`, as before peer-to-peer).
// The schedulers run here; each worker is a `dask-ts worker` process with one thread; both
// clusters run at once and their transfers alternate, so the machine's load hits both alike. Each rep
// first computes and holds two fresh 100 MB arrays, one per worker (untimed), then times the
// compute of a cheap task reading both: its time is the transfer of one of them, plus one task's
// round trip. The counters of the scheduler check which path the bytes took. No peer suite:
// dask.distributed's transfer is not run here.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startScheduler, type SchedulerServer } from '@dask-ts/distributed';
import { task } from '@dask-ts/protocol';
import { fmt, nowNs, ratio, type Suite, type SuiteResult } from '../harness.js';

const CLI = fileURLToPath(new URL('../../../cli/dist/main.js', import.meta.url));
const FNS = new URL('./dist-transfer-fns.js', import.meta.url).href;
const fn = (exportName: string) => ({ kind: 'module' as const, specifier: FNS, exportName });

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function untilReady(server: SchedulerServer, n: number): Promise<void> {
  const end = Date.now() + 60_000;
  while (server.workers.filter((w) => w.ready).length < n) {
    if (Date.now() > end) throw new Error('dist-transfer: the workers did not connect');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A scheduler here and two `dask-ts worker` processes, peer to peer or relayed. */
interface Cluster {
  readonly peer: boolean;
  readonly server: SchedulerServer;
  readonly workers: readonly ChildProcess[];
}

async function cluster(peer: boolean): Promise<Cluster> {
  const server = await startScheduler({ log: () => undefined });
  const workers = [1, 2].map((i) =>
    spawn(
      process.execPath,
      [
        CLI,
        'worker',
        server.address,
        '--name',
        `xfer-${i}`,
        ...(peer ? [] : ['--listen-address', 'none']),
      ],
      { stdio: 'ignore' },
    ),
  );
  const c = { peer, server, workers };
  try {
    await untilReady(server, 2);
  } catch (err) {
    await stop(c);
    throw err;
  }
  return c;
}

async function stop({ server, workers }: Cluster): Promise<void> {
  await server.close();
  for (const w of workers) if (w.exitCode === null) w.kill('SIGTERM');
  await Promise.all(workers.map(exited));
}

/** The time (ms) of one transfer of `bytes` between the two workers of `c` (rep `r`). */
async function transfer({ peer, server }: Cluster, bytes: number, r: number): Promise<number> {
  const n = bytes / 8;
  const [a, b, c] = [`a-${r}`, `b-${r}`, `c-${r}`];
  // b is one element bigger, so the task goes where b is and a moves.
  const inputs = new Map([
    [a, task(fn('filled'), [n, 1])],
    [b, task(fn('filled'), [n + 1, 2])],
  ]);
  const held = server.scheduler.hold(inputs, [a, b]);
  await Promise.all(held.map((h) => h.ready));
  const counter = (): number => (peer ? server.stats.peerBytes : server.stats.relayedBytes);
  const before = counter();
  const t0 = nowNs();
  const [out] = await server.scheduler.get(
    new Map([[c, task(fn('firsts'), [{ $ref: a }, { $ref: b }])]]),
    [c],
  );
  const ms = Number(nowNs() - t0) / 1e6;
  if (out !== 1 + n + 2 + n + 1) throw new Error(`dist-transfer: wrong result ${String(out)}`);
  const moved = counter() - before;
  if (moved < bytes)
    throw new Error(
      `dist-transfer: ${moved} bytes moved ${peer ? 'peer to peer' : 'through the scheduler'}, not ${bytes}`,
    );
  server.scheduler.unhold([a, b]);
  return ms;
}

/** The `dist-transfer` suite. @example await distTransfer.run({ quick: true }) */
export const distTransfer: Suite = {
  name: 'dist-transfer',
  describe:
    'a 100 MB input moved between two worker processes: peer to peer vs relayed through the scheduler',
  async run({ quick }): Promise<SuiteResult> {
    const bytes = 100_000_000;
    const reps = quick ? 2 : 7;
    // Both clusters up at once, their transfers alternated: the machine's load hits both alike.
    const clusters = [await cluster(true), await cluster(false)];
    const p2p: number[] = [];
    const relay: number[] = [];
    try {
      for (let r = 0; r <= reps; r++) {
        const tp = await transfer(clusters[0], bytes, r);
        const tr = await transfer(clusters[1], bytes, r);
        // The first of each is a warm-up.
        if (r > 0) {
          p2p.push(tp);
          relay.push(tr);
        }
      }
    } finally {
      await Promise.all(clusters.map(stop));
    }
    const best = (xs: number[]): number => Math.min(...xs);
    const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[xs.length >> 1];
    const row = (name: string, xs: number[]): string[] => [
      name,
      fmt(best(xs)),
      fmt(median(xs)),
      fmt(bytes / 1e6 / (best(xs) / 1000)),
    ];
    return {
      suite: 'dist-transfer',
      title: 'moving 100 MB between two worker processes (ms)',
      headers: ['path', 'best ms', 'median ms', 'MB/s (best)'],
      rows: [
        row('peer to peer (the worker fetches from the holder)', p2p),
        row('relayed through the scheduler (--listen-address none)', relay),
      ],
      notes: [
        `peer to peer is ${ratio(best(relay), best(p2p))} the speed of the relay (best of ${reps} each, alternated, after one warm-up each)`,
        'each time: one cheap task reading a 100 MB Float64Array held on the other worker (transfer + one task round trip); the scheduler counters check the path',
        'loaded shared 2-core machine: compare within a run',
      ],
    };
  },
};

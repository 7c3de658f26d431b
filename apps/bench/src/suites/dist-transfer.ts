// Suite `dist-transfer`: moving a 100 MB input between two worker processes on this machine,
// peer to peer (the worker that needs it fetches it from the one that holds it) against the relay
// through the scheduler (workers started with `--listen-address none`, as before peer-to-peer).
// The scheduler runs here; each worker is a `dask-ts worker` process with one thread. Each rep
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

/** Times of `reps` transfers of `bytes` between two worker processes, peer to peer or relayed. */
async function transfers(peer: boolean, bytes: number, reps: number): Promise<number[]> {
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
  const n = bytes / 8;
  const times: number[] = [];
  try {
    await untilReady(server, 2);
    for (let r = 0; r <= reps; r++) {
      const [a, b, c] = [`a-${r}`, `b-${r}`, `c-${r}`];
      // b is one element bigger, so the task goes where b is and a moves.
      const inputs = new Map([
        [a, task(fn('filled'), [n, 1])],
        [b, task(fn('filled'), [n + 1, 2])],
      ]);
      const held = server.scheduler.hold(inputs, [a, b]);
      await Promise.all(held.map((h) => h.ready));
      const before = peer ? server.stats.peerBytes : server.stats.relayedBytes;
      const t0 = nowNs();
      const [out] = await server.scheduler.get(
        new Map([[c, task(fn('firsts'), [{ $ref: a }, { $ref: b }])]]),
        [c],
      );
      const ms = Number(nowNs() - t0) / 1e6;
      if (out !== 1 + n + 2 + n + 1) throw new Error(`dist-transfer: wrong result ${String(out)}`);
      const moved = (peer ? server.stats.peerBytes : server.stats.relayedBytes) - before;
      if (moved < bytes)
        throw new Error(
          `dist-transfer: ${moved} bytes moved ${peer ? 'peer to peer' : 'through the scheduler'}, not ${bytes}`,
        );
      server.scheduler.unhold([a, b]);
      if (r > 0) times.push(ms); // the first is a warm-up
    }
    return times;
  } finally {
    await server.close();
    for (const w of workers) if (w.exitCode === null) w.kill('SIGTERM');
    await Promise.all(workers.map(exited));
  }
}

/** The `dist-transfer` suite. @example await distTransfer.run({ quick: true }) */
export const distTransfer: Suite = {
  name: 'dist-transfer',
  describe:
    'a 100 MB input moved between two worker processes: peer to peer vs relayed through the scheduler',
  async run({ quick }): Promise<SuiteResult> {
    const bytes = 100_000_000;
    const reps = quick ? 2 : 5;
    const p2p = await transfers(true, bytes, reps);
    const relay = await transfers(false, bytes, reps);
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
        `peer to peer is ${ratio(best(relay), best(p2p))} the speed of the relay (best of ${reps} each, after one warm-up)`,
        'each time: one cheap task reading a 100 MB Float64Array held on the other worker (transfer + one task round trip); the scheduler counters check the path',
        'loaded shared 2-core machine: compare within a run',
      ],
    };
  },
};

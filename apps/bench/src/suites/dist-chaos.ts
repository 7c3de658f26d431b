// Suite `dist-chaos`: a soak test of distributed dask-ts's resilience. A scheduler server here and
// 3 worker processes (`dask-ts worker`'s entry, forked as `Client.local` does); a delayed graph of
// ~60 s of work (independent chains of tasks that each spin 50 ms; every chain's end comes back) while one worker, picked at
// random, is SIGKILLed every 2 s and a fresh one started in its place. Each run checks the result
// against the known sum; the table counts correct results, runs that erred, and the kills.
// `--runs N` sets the number of runs (default 20; --quick: 1 run of ~10 s).
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { Client } from '@dask-ts/client';
import { startScheduler } from '@dask-ts/distributed';
import { compute, delayed, type Delayed } from '@dask-ts/graph';
import { fmt, nowNs, type Suite, type SuiteResult } from '../harness.js';

const WORKERS = 3;
const KILL_EVERY_MS = 2000;
const SPIN_MS = 50;

const entry = createRequire(import.meta.url).resolve('@dask-ts/distributed/worker-main');

/** Starts worker process `name`; resolves once it is connected. */
function startWorkerProcess(address: string, name: string): Promise<ChildProcess> {
  const child = fork(entry, [address, '1', name], {
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    env: { ...process.env, DASK_TS_HEARTBEAT_MS: '200' },
  });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code, signal) =>
      reject(new Error(`worker ${name} exited before it connected (${signal ?? code})`)),
    );
  });
}

/** `chains` chains of `steps` tasks that spin SPIN_MS each; chain i ends at 2i + steps - 1. */
function chains(count: number, steps: number): Delayed<number>[] {
  const leaf = delayed((i: number, ms: number) => {
    const end = Date.now() + ms;
    while (Date.now() < end);
    return 2 * i;
  });
  const step = delayed((x: number, ms: number) => {
    const end = Date.now() + ms;
    while (Date.now() < end);
    return x + 1;
  });
  return Array.from({ length: count }, (_, i) => {
    let x = leaf(i, SPIN_MS);
    for (let s = 1; s < steps; s++) x = step(x, SPIN_MS);
    return x;
  });
}

interface Run {
  readonly ok: boolean;
  readonly ms: number;
  readonly kills: number;
  readonly error?: string;
}

/** One run: the graph computed while a worker is killed every KILL_EVERY_MS. */
async function runOnce(count: number, steps: number, run: number): Promise<Run> {
  const server = await startScheduler({
    host: '127.0.0.1',
    port: 0,
    heartbeatMs: 200,
    heartbeatTimeoutMs: 2000,
    maxRetries: 10,
    log: () => undefined,
  });
  let next = 0;
  const workers = await Promise.all(
    Array.from({ length: WORKERS }, () => startWorkerProcess(server.address, `c${run}-${next++}`)),
  );
  let kills = 0;
  let stopped = false;
  const killer = (async () => {
    while (!stopped) {
      await new Promise((r) => setTimeout(r, KILL_EVERY_MS));
      if (stopped) return;
      const i = Math.floor(Math.random() * workers.length);
      workers[i].kill('SIGKILL');
      kills++;
      workers[i] = await startWorkerProcess(server.address, `c${run}-${next++}`);
    }
  })();
  const client = await Client.connect(server.address, { asDefault: false });
  const t0 = nowNs();
  const expected = count * (count - 1) + count * (steps - 1);
  try {
    const out = (await compute(...chains(count, steps), { scheduler: client })) as number[];
    const sum = out.reduce((a, b) => a + b, 0);
    return { ok: sum === expected, ms: Number(nowNs() - t0) / 1e6, kills };
  } catch (err) {
    return { ok: false, ms: Number(nowNs() - t0) / 1e6, kills, error: (err as Error).message };
  } finally {
    stopped = true;
    await killer.catch(() => undefined);
    await client.close();
    await server.close();
    const exits = workers.map((w) =>
      w.exitCode !== null || w.signalCode !== null
        ? undefined
        : new Promise((r) => w.once('exit', r)),
    );
    const timer = setTimeout(() => workers.forEach((w) => w.kill('SIGKILL')), 3000);
    await Promise.all(exits);
    clearTimeout(timer);
  }
}

/** The `dist-chaos` suite. @example await distChaos.run({ quick: true }) */
export const distChaos: Suite = {
  name: 'dist-chaos',
  describe: 'a worker SIGKILLed every 2 s through a ~60 s delayed graph: correct results of N runs',
  async run({ quick, runs }): Promise<SuiteResult> {
    const n = runs ?? (quick ? 1 : 20);
    // 60 s of spinning (10 s when quick), shared by 3 workers on a loaded machine.
    const count = quick ? 20 : 120;
    const steps = 10;
    const results: Run[] = [];
    for (let r = 0; r < n; r++) {
      const one = await runOnce(count, steps, r);
      results.push(one);
      process.stderr.write(
        `dist-chaos run ${r + 1}/${n}: ${one.ok ? 'correct' : `WRONG (${one.error ?? 'wrong sum'})`}, ${fmt(one.ms)} ms, ${one.kills} kills\n`,
      );
    }
    const correct = results.filter((x) => x.ok).length;
    const kills = results.reduce((a, x) => a + x.kills, 0);
    const times = results.map((x) => x.ms).sort((a, b) => a - b);
    return {
      suite: 'dist-chaos',
      title: 'distributed: a worker SIGKILLed every 2 s through a delayed graph',
      headers: ['runs', 'correct', 'kills (all runs)', 'median ms', 'worst ms'],
      rows: [
        [
          String(n),
          String(correct),
          String(kills),
          fmt(times[times.length >> 1]),
          fmt(times[times.length - 1]),
        ],
      ],
      notes: [
        `${WORKERS} worker processes × 1 thread; ${count} independent chains of ${steps} tasks spinning ${SPIN_MS} ms each (${(count * steps * SPIN_MS) / 1000} s of work), computed at once with \`compute(...chains, { scheduler: client })\`; every ${KILL_EVERY_MS / 1000} s one worker (at random) is SIGKILLed and a fresh one started; heartbeat 200 ms, a worker silent for 2 s is presumed dead; maxRetries 10. Loaded shared 2-core machine.`,
        ...results.filter((x) => !x.ok).map((x) => `failed run: ${x.error ?? 'wrong sum'}`),
      ],
    };
  },
};

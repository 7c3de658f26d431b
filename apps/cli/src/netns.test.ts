// Several hosts, made with Linux network namespaces: the test makes three (`ip netns add`), joins
// them to a bridge in this namespace with veth pairs and addresses of its own choosing in
// 10.213.X.0/24, runs `dask-ts scheduler` in the first and a `dask-ts worker` in each of the
// others, and computes from a client here a graph whose input must move from one worker to the
// other: it moves peer to peer, across namespaces, as the scheduler's /status.json shows. Where
// namespaces cannot be made (not root, no `ip`, no permission) the test says why and checks
// nothing. Everything it made (processes, namespaces, links) is removed afterwards, even when it
// fails, and checked to be gone.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Client } from '@dask-ts/client';
import { delayed } from '@dask-ts/graph';

const pid = process.pid;
const subnet = `10.213.${1 + (pid % 250)}`;
const namespaces = [1, 2, 3].map((i) => `dt${pid}-${i}`);
const bridge = `dt${pid}b`;
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const token = 'netns-secret';
const children: ChildProcess[] = [];
/** Why namespaces cannot be made here, if they cannot. */
let unable: string | undefined;

function ip(...args: string[]): string {
  return execFileSync('ip', args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 10_000,
  }).toString();
}

/** `ip ARGS`, when what it removes may already be gone. */
function quietly(...args: string[]): void {
  try {
    ip(...args);
  } catch {
    // not there
  }
}

/** Removes what the test made; what is already gone is skipped. */
function teardown(): void {
  for (const ns of namespaces) {
    try {
      // Anything still running inside goes first (a namespace outlives its name otherwise).
      for (const p of ip('netns', 'pids', ns).split(/\s+/).filter(Boolean))
        process.kill(Number(p), 'SIGKILL');
    } catch {
      // not there
    }
  }
  // Links first (a veth goes with its peer), then namespaces, then the bridge.
  for (const link of namespaces.map((_, i) => `dt${pid}v${i + 1}`)) quietly('link', 'del', link);
  for (const ns of namespaces) quietly('netns', 'del', ns);
  quietly('link', 'del', bridge);
}

beforeAll(() => {
  if (process.platform !== 'linux') unable = 'network namespaces are Linux only';
  else if (process.getuid?.() !== 0) unable = 'making network namespaces needs root';
  if (unable !== undefined) return;
  try {
    ip('link', 'add', bridge, 'type', 'bridge');
    ip('addr', 'add', `${subnet}.254/24`, 'dev', bridge);
    ip('link', 'set', bridge, 'up');
    namespaces.forEach((ns, i) => {
      const outside = `dt${pid}v${i + 1}`;
      const inside = `dt${pid}p${i + 1}`;
      ip('netns', 'add', ns);
      ip('link', 'add', outside, 'type', 'veth', 'peer', 'name', inside);
      ip('link', 'set', outside, 'master', bridge, 'up');
      ip('link', 'set', inside, 'netns', ns);
      ip('-n', ns, 'addr', 'add', `${subnet}.${i + 1}/24`, 'dev', inside);
      ip('-n', ns, 'link', 'set', inside, 'up');
      ip('-n', ns, 'link', 'set', 'lo', 'up');
    });
  } catch (err) {
    const e = err as { code?: string; stderr?: Buffer; message: string };
    unable =
      e.code === 'ENOENT'
        ? "the 'ip' command is not installed"
        : `cannot make network namespaces: ${e.stderr?.toString().trim() || e.message}`;
    teardown();
  }
}, 60_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(children.map((c) => exited(c)));
  teardown();
  if (unable !== undefined) return;
  // The kernel finishes removing a namespace's links in the background: wait for it.
  const end = Date.now() + 20_000;
  while (ip('link', 'show').includes(`dt${pid}`) && Date.now() < end)
    await new Promise((r) => setTimeout(r, 100));
  expect(ip('link', 'show')).not.toContain(`dt${pid}`);
  const left = ip('netns', 'list');
  for (const ns of namespaces) expect(left).not.toContain(ns);
}, 60_000);

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Runs `dask-ts ARGS` in namespace `ns`; resolves with the first line it prints. */
async function inNamespace(
  ns: string,
  args: string[],
): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, main, ...args], {
    env: { ...process.env, DASK_TS_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`no answer from ${args[0]} in ${ns}: ${err}`)),
      30_000,
    );
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      resolve(out.slice(0, nl));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args[0]} in ${ns} exited with ${code}: ${err}`));
    });
  });
  return { child, line };
}

/** 50 MB of float64s. */
const N = 6_250_000;

test('a scheduler and two workers in three network namespaces compute, moving inputs peer to peer', async () => {
  if (unable !== undefined) {
    console.log(`netns test skipped: ${unable}`);
    return;
  }
  const scheduler = await inNamespace(namespaces[0], [
    'scheduler',
    '--host',
    `${subnet}.1`,
    '--port',
    '8786',
    '--dashboard-port',
    '8787',
  ]);
  const address = `tcp://${subnet}.1:8786`;
  expect(scheduler.line).toContain(`dask-ts scheduler at ${address}`);
  const workers = await Promise.all(
    [1, 2].map((i) => inNamespace(namespaces[i], ['worker', address, '--name', `ns-w${i}`])),
  );
  expect(workers.map((w) => w.line)).toEqual(
    [1, 2].map((i) => `dask-ts worker ns-w${i} connected to ${address}`),
  );
  // Both threads ready, so that the two producers go one to each worker.
  const dashboard = `http://${subnet}.1:8787/status.json`;
  const end = Date.now() + 30_000;
  for (;;) {
    const { workers: ready } = (await (await fetch(dashboard)).json()) as {
      workers: { ready: boolean }[];
    };
    if (ready.filter((w) => w.ready).length === 2) break;
    if (Date.now() > end) throw new Error('the workers never became ready');
    await new Promise((r) => setTimeout(r, 50));
  }
  const client = await Client.connect(address, { token, asDefault: false });
  try {
    const filled = delayed((n: number, v: number) => new Float64Array(n).fill(v));
    const total = delayed((a: Float64Array, b: Float64Array) => {
      let s = 0;
      for (let i = 0; i < a.length; i++) s += a[i] + b[i];
      return s;
    });
    expect(await client.compute(total(filled(N, 1), filled(N, 2)))).toBe(N * 3);
  } finally {
    await client.close();
  }
  const status = (await (await fetch(dashboard)).json()) as {
    workers: { name: string }[];
    transfers: {
      relayedBytes: number;
      peerTransfers: number;
      peerBytes: number;
      peerFailures: number;
    };
  };
  expect(status.workers.map((w) => w.name).sort()).toEqual(['ns-w1', 'ns-w2']);
  expect(status.transfers.peerTransfers).toBe(1);
  expect(status.transfers.peerFailures).toBe(0);
  expect(status.transfers.peerBytes).toBeGreaterThanOrEqual(N * 8);
  expect(status.transfers.relayedBytes).toBeLessThan(100_000);
  for (const w of workers) w.child.kill('SIGTERM');
  expect(await Promise.all(workers.map((w) => exited(w.child)))).toEqual([0, 0]);
  scheduler.child.kill('SIGTERM');
  expect(await exited(scheduler.child)).toBe(0);
}, 120_000);

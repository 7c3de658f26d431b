// `dask-ts scheduler` and `dask-ts worker` as real processes: a client computes through them, and
// both stop cleanly on SIGTERM; bad input exits 2 naming the culprit.
import { expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { delayed } from '@dask-ts/graph';
import { Client } from '@dask-ts/client';
import { curveKeyPair } from '@dask-ts/distributed';
import { runCli } from './cli.js';
import { parseCluster } from './cluster-commands.js';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));

async function cli(...argv: string[]) {
  const err: string[] = [];
  const code = await runCli(argv, { out: () => undefined, err: (l) => err.push(l) });
  return { code, err: err.join('\n') };
}

/** Starts `dask-ts ARGS`; resolves with the process and its first stdout line. */
function start(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, [main, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let errText = '';
  child.stderr.on('data', (b: Buffer) => (errText += b.toString()));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ child, line: out.slice(0, nl) });
    });
    child.once('exit', (code) =>
      reject(new Error(`dask-ts ${args[0]} exited (${code}): ${errText}`)),
    );
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

test('a scheduler and a worker started from the command line serve a client', async () => {
  const env = { DASK_TS_TOKEN: 'cli-secret' };
  const scheduler = await start(['scheduler', '--port', '0'], env);
  try {
    const address = /at (tcp:\/\/\S+)/.exec(scheduler.line)![1];
    expect(scheduler.line).toMatch(/\(token required\)/);
    const worker = await start(['worker', address, '--nthreads', '2', '--name', 'cli-w'], env);
    expect(worker.line).toBe(`dask-ts worker cli-w-0, cli-w-1 connected to ${address}`);
    const client = await Client.connect(address, { token: 'cli-secret', asDefault: false });
    const inc = delayed((x: number) => x + 1);
    expect(await client.compute(inc(inc(40)))).toBe(42);
    await client.close();
    worker.child.kill('SIGTERM');
    expect(await exited(worker.child)).toBe(0);
  } finally {
    scheduler.child.kill('SIGTERM');
    expect(await exited(scheduler.child)).toBe(0);
  }
});

test('a scheduler started with --dashboard-port (and simulated workers) serves /status.json and /metrics', async () => {
  const scheduler = await start([
    'scheduler',
    '--port',
    '0',
    '--dashboard-port',
    '0',
    '--simulated-workers',
    '2',
  ]);
  try {
    const address = /at (tcp:\/\/\S+)/.exec(scheduler.line)![1];
    const dashboard = /\(dashboard (http:\/\/\S+)\)/.exec(scheduler.line)![1];
    const worker = await start(['worker', address, '--name', 'dash-w']);
    const status = (await (await fetch(`${dashboard}/status.json`)).json()) as {
      address: string;
      workers: { name: string }[];
    };
    expect(status.address).toBe(address);
    expect(status.workers.map((w) => w.name).sort()).toEqual(['dash-w', 'sim-0', 'sim-1']);
    const metrics = await (await fetch(`${dashboard}/metrics`)).text();
    expect(metrics).toMatch(/^dask_ts_scheduler_workers 3$/m);
    worker.child.kill('SIGTERM');
    expect(await exited(worker.child)).toBe(0);
  } finally {
    scheduler.child.kill('SIGTERM');
    expect(await exited(scheduler.child)).toBe(0);
  }
});

test('a scheduler and a worker given CURVE keys in the environment serve a client with the key', async () => {
  const keys = curveKeyPair();
  const scheduler = await start(['scheduler', '--port', '0'], {
    DASK_TS_CURVE_PUBLIC_KEY: keys.publicKey,
    DASK_TS_CURVE_SECRET_KEY: keys.secretKey,
  });
  try {
    expect(scheduler.line).toMatch(/\(CURVE encryption\)/);
    const address = /at (tcp:\/\/\S+)/.exec(scheduler.line)![1];
    const worker = await start(['worker', address, '--name', 'curve-w'], {
      DASK_TS_CURVE_SERVER_KEY: keys.publicKey,
    });
    process.env.DASK_TS_CURVE_SERVER_KEY = keys.publicKey;
    const client = await Client.connect(address, { asDefault: false });
    delete process.env.DASK_TS_CURVE_SERVER_KEY;
    const inc = delayed((x: number) => x + 1);
    expect(await client.compute(inc(1))).toBe(2);
    await client.close();
    worker.child.kill('SIGTERM');
    expect(await exited(worker.child)).toBe(0);
  } finally {
    delete process.env.DASK_TS_CURVE_SERVER_KEY;
    scheduler.child.kill('SIGTERM');
    expect(await exited(scheduler.child)).toBe(0);
  }
});

test('a worker whose scheduler shuts down exits with code 0', async () => {
  const scheduler = await start(['scheduler', '--port=0']);
  const address = /at (tcp:\/\/\S+)/.exec(scheduler.line)![1];
  const worker = await start(['worker', address]);
  scheduler.child.kill('SIGTERM');
  expect(await exited(scheduler.child)).toBe(0);
  expect(await exited(worker.child)).toBe(0);
});

test('bad cluster arguments exit 2 naming the culprit', async () => {
  expect(parseCluster('scheduler', [])).toEqual({
    command: 'scheduler',
    host: '127.0.0.1',
    port: 8786,
  });
  expect(
    parseCluster('scheduler', ['--max-retries', '5', '--root-saturation', '2.5']),
  ).toMatchObject({ maxRetries: 5, rootSaturation: 2.5 });
  expect(parseCluster('scheduler', ['--root-saturation=inf'])).toMatchObject({
    rootSaturation: Infinity,
  });
  expect(parseCluster('worker', ['tcp://h:1', '--nthreads=3'])).toEqual({
    command: 'worker',
    address: 'tcp://h:1',
    nthreads: 3,
  });
  expect(parseCluster('worker', ['tcp://h:1', '--resources', 'GPU=2,MEM=1e9'])).toEqual({
    command: 'worker',
    address: 'tcp://h:1',
    nthreads: 1,
    resources: { GPU: 2, MEM: 1e9 },
  });
  expect(parseCluster('worker', ['tcp://h:1', '--listen-address', 'tcp://0.0.0.0:0'])).toEqual({
    command: 'worker',
    address: 'tcp://h:1',
    nthreads: 1,
    listen: 'tcp://0.0.0.0:0',
  });
  expect(parseCluster('worker', ['tcp://h:1', '--listen-address=none'])).toMatchObject({
    listen: false,
  });
  expect(
    parseCluster('worker', ['tcp://h:1', '--memory-limit', '4GiB', '--local-directory', '/d']),
  ).toEqual({
    command: 'worker',
    address: 'tcp://h:1',
    nthreads: 1,
    memoryLimit: 4 * 2 ** 30,
    spillDir: '/d',
  });
  for (const [argv, message] of [
    [
      ['scheduler', '--port', '70000'],
      /Option --port must be an integer from 0 to 65535, got '70000'/,
    ],
    [['scheduler', '--bogus', '1'], /Unknown option '--bogus' for 'dask-ts scheduler'/],
    [['scheduler', 'extra'], /Unexpected argument 'extra' for 'dask-ts scheduler'/],
    [
      ['scheduler', '--simulated-workers', '-3'],
      /Option --simulated-workers must be an integer from 0 to 1000000, got '-3'/,
    ],
    [
      ['scheduler', '--root-saturation', '0'],
      /Option --root-saturation must be a number > 0 \(or inf\), got '0'/,
    ],
    [
      ['scheduler', '--max-retries', '-1'],
      /Option --max-retries must be an integer from 0 to 1000, got '-1'/,
    ],
    [
      ['scheduler', '--dashboard-port', 'x'],
      /Option --dashboard-port must be an integer from 0 to 65535, got 'x'/,
    ],
    [['worker'], /'dask-ts worker' needs the scheduler's address/],
    [
      ['worker', 'tcp://h:1', '--nthreads', '0'],
      /Option --nthreads must be an integer from 1 to 1024, got '0'/,
    ],
    [['worker', 'tcp://h:1', '--name'], /Option --name needs a value/],
    [
      ['worker', 'tcp://h:1', '--resources', 'GPU=two'],
      /Option --resources takes NAME=AMOUNT pairs separated by commas \(GPU=2,MEM=1e9\), got 'GPU=two'/,
    ],
    [
      ['worker', 'tcp://h:1', '--listen-address', '10.0.0.2'],
      /Option --listen-address must look like tcp:\/\/HOST:PORT .* or be 'none', got '10.0.0.2'/,
    ],
    [
      ['worker', 'tcp://h:1', '--memory-limit', '4XB'],
      /Option --memory-limit must be a number of bytes or a size such as '512MiB', '4GiB' or '2GB', got '4XB'/,
    ],
    [
      ['worker', 'localhost:1'],
      /The scheduler address must look like tcp:\/\/HOST:PORT .*, got 'localhost:1'/,
    ],
  ] as const) {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  }
});

// A local cluster's workers reach the scheduler over a Unix socket (ipc://) in a folder of the
// cluster's, which `stop()` removes, as does an exit without it (over TCP when that folder's path
// is too long for a socket); `ipc:///PATH` is a scheduler address like `tcp://HOST:PORT`, and a
// relative one is refused with the expected forms named.
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { task } from '@dask-ts/protocol';
import { checkAddress } from './address.js';
import { localSocketIn, startLocalCluster } from './local.js';
import { alive, eventually, openHandles } from '../../../tooling/test-leaks.js';

const pids: number[] = [];

afterAll(async () => {
  await eventually(() => pids.every((p) => !alive(p)), 10_000, 'every worker process to exit');
  await eventually(
    () => openHandles().length === 0,
    10_000,
    `no open handles (${openHandles().join(', ')})`,
  );
});

/** The scheduler address a worker process was started with (its first argument). */
function workerAddress(pid: number): string {
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  const at = argv.findIndex((a) => a.endsWith('worker-main.js'));
  return argv[at + 1];
}

const linux = process.platform === 'linux';
if (!linux) console.log('local-socket.test: worker command lines are read from /proc: skipped');

describe('a local cluster over a Unix socket', () => {
  (linux ? it : it.skip)(
    'connects its workers over ipc:// and removes the socket when stopped',
    async () => {
      const cluster = await startLocalCluster({ nWorkers: 2 });
      pids.push(...cluster.pids);
      let socket = '';
      try {
        await eventually(() => cluster.server.workers.length === 2, 20_000, 'both workers');
        const addresses = cluster.pids.map(workerAddress);
        expect(addresses[0]).toMatch(/^ipc:\/\/\//);
        expect(addresses[1]).toBe(addresses[0]);
        socket = addresses[0].slice('ipc://'.length);
        expect(statSync(socket).isSocket()).toBe(true);
        const add = { kind: 'source', source: '(a, b) => a + b', scope: {}, name: 'add' } as const;
        const [sum] = await cluster.server.scheduler.get(new Map([['b', task(add, [20, 22])]]), [
          'b',
        ]);
        expect(sum).toBe(42);
      } finally {
        await cluster.stop();
      }
      expect(existsSync(dirname(socket))).toBe(false);
    },
    60_000,
  );

  (linux ? it : it.skip)(
    'removes the socket when the process exits without stopping the cluster',
    async () => {
      const local = new URL('../dist/local.js', import.meta.url).href;
      const script = `
        import { readFileSync } from 'node:fs';
        import { startLocalCluster } from ${JSON.stringify(local)};
        const cluster = await startLocalCluster({ nWorkers: 1 });
        const argv = readFileSync('/proc/' + cluster.pids[0] + '/cmdline', 'utf8').split('\\0');
        console.log(argv[argv.findIndex((a) => a.endsWith('worker-main.js')) + 1]);
        process.exit(0);`;
      const dir = mkdtempSync(join(tmpdir(), 'dask-ts-test-'));
      const file = join(dir, 'exits.mjs');
      writeFileSync(file, script);
      let out = '';
      let code: number | null;
      try {
        const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'inherit'] });
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      expect(code).toBe(0);
      const address = out.trim();
      expect(address).toMatch(/^ipc:\/\/\//);
      expect(existsSync(dirname(address.slice('ipc://'.length)))).toBe(false);
    },
    60_000,
  );

  (linux ? it : it.skip)(
    'removes the socket when Ctrl-C (SIGINT) ends the process, which still ends by that signal',
    async () => {
      const local = new URL('../dist/local.js', import.meta.url).href;
      const script = `
        import { readFileSync } from 'node:fs';
        import { startLocalCluster } from ${JSON.stringify(local)};
        const cluster = await startLocalCluster({ nWorkers: 1 });
        const argv = readFileSync('/proc/' + cluster.pids[0] + '/cmdline', 'utf8').split('\\0');
        console.log(argv[argv.findIndex((a) => a.endsWith('worker-main.js')) + 1], cluster.pids[0]);
        setInterval(() => undefined, 1000);`;
      const dir = mkdtempSync(join(tmpdir(), 'dask-ts-test-'));
      const file = join(dir, 'interrupted.mjs');
      writeFileSync(file, script);
      let out = '';
      let signal: NodeJS.Signals | null;
      try {
        const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'inherit'] });
        const ended = new Promise<NodeJS.Signals | null>((resolve) =>
          child.once('exit', (_code, sig) => resolve(sig)),
        );
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) child.kill('SIGINT');
        });
        signal = await ended;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      expect(signal).toBe('SIGINT');
      const [address, pid] = out.trim().split(' ');
      pids.push(Number(pid));
      expect(address).toMatch(/^ipc:\/\/\//);
      expect(existsSync(dirname(address.slice('ipc://'.length)))).toBe(false);
    },
    60_000,
  );

  (linux ? it : it.skip)(
    'when the process is killed (SIGKILL), its workers exit and remove the socket and spill folders',
    async () => {
      const local = new URL('../dist/local.js', import.meta.url).href;
      const script = `
        import { readFileSync } from 'node:fs';
        import { startLocalCluster } from ${JSON.stringify(local)};
        const cluster = await startLocalCluster({ nWorkers: 2, memoryLimit: '512MiB' });
        const env = readFileSync('/proc/' + cluster.pids[0] + '/environ', 'utf8').split('\\0');
        const dirs = env.find((e) => e.startsWith('DASK_TS_CLUSTER_DIRS=')).slice(21);
        console.log(JSON.stringify({ dirs, pids: cluster.pids }));
        setInterval(() => undefined, 1000);`;
      const dir = mkdtempSync(join(tmpdir(), 'dask-ts-test-'));
      const file = join(dir, 'killed.mjs');
      writeFileSync(file, script);
      let out = '';
      try {
        const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'inherit'] });
        const ended = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) child.kill('SIGKILL');
        });
        await ended;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      const { dirs, pids: workers } = JSON.parse(out) as { dirs: string; pids: number[] };
      pids.push(...workers);
      const folders = dirs.split(delimiter);
      expect(folders).toHaveLength(2);
      // The workers notice their parent is gone, stop, and remove the folders.
      await eventually(
        () => workers.every((p) => !alive(p)) && folders.every((f) => !existsSync(f)),
        20_000,
        'the workers to exit and remove the folders',
      );
      expect(folders.filter((f) => existsSync(f))).toEqual([]);
    },
    60_000,
  );

  it('uses TCP instead when the folder is too deep for a Unix socket', () => {
    expect(localSocketIn('/tmp/dask-ts-abc')).toBe('/tmp/dask-ts-abc/scheduler');
    expect(localSocketIn(`/tmp/${'d'.repeat(92)}`)).toBe(`/tmp/${'d'.repeat(92)}/scheduler`);
    expect(localSocketIn(`/tmp/${'d'.repeat(93)}`)).toBeUndefined();
  });

  it('takes ipc:///PATH as a scheduler address and refuses a relative one', () => {
    expect(() => checkAddress('ipc:///tmp/dask-ts-x/scheduler', 'address')).not.toThrow();
    expect(() => checkAddress('ipc://scheduler', 'address')).toThrow(
      /address must be a scheduler address such as 'tcp:\/\/127\.0\.0\.1:8786' or 'ipc:\/\/\/tmp\/scheduler', got "ipc:\/\/scheduler"/,
    );
  });
});

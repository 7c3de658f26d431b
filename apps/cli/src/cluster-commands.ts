// `dask-ts scheduler` and `dask-ts worker`: a scheduler server and a worker node from the command
// line. Both run until they are stopped (SIGINT or SIGTERM, or, for a worker, until its scheduler
// says bye or is lost) and print where they are. The shared secret comes from the environment
// (DASK_TS_TOKEN), never from an argument, which other users of the machine could read.
// Parsing is strict, as for every command: a bad option is a UsageError naming it.
import { parseBytes, startScheduler, startWorker } from '@dask-ts/distributed';
import { UsageError } from './args.js';
import { parseResources } from './resources-arg.js';

/**
 * A parsed `scheduler` or `worker` command line.
 *
 * @example
 * parseCluster('worker', ['tcp://127.0.0.1:8786', '--nthreads', '2']);
 */
export type ClusterCommand =
  | {
      readonly command: 'scheduler';
      readonly host: string;
      readonly port: number;
      /** Serve /status.json, /metrics and /events on this port. */
      readonly dashboardPort?: number;
      /** Simulated workers that finish every task at once (the scheduler alone). */
      readonly simulatedWorkers?: number;
      /** How often a task may lose its worker before it fails. */
      readonly maxRetries?: number;
      /** Root tasks in flight per worker thread while memory paces them. */
      readonly rootSaturation?: number;
    }
  | {
      readonly command: 'worker';
      readonly address: string;
      readonly nthreads: number;
      readonly name?: string;
      readonly resources?: Record<string, number>;
      /** Where other workers fetch from this one (`tcp://HOST:PORT`), or false for nowhere. */
      readonly listen?: string | false;
      /** The node's memory limit in bytes (`--memory-limit 4GiB`). */
      readonly memoryLimit?: number;
      /** Where the node's spill folder goes (`--local-directory`). */
      readonly spillDir?: string;
    };

function flags(
  command: string,
  args: readonly string[],
  known: readonly string[],
): { values: Map<string, string>; positional: string[] } {
  const values = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (!known.includes(flag))
      throw new UsageError(`Unknown option '${flag}' for 'dask-ts ${command}'.`);
    const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined || value.startsWith('--'))
      throw new UsageError(`Option ${flag} needs a value.`);
    values.set(flag, value);
  }
  return { values, positional };
}

function positive(flag: string, raw: string): number {
  const n = raw === 'inf' ? Infinity : Number(raw);
  if (raw.trim() === '' || !(n > 0)) {
    throw new UsageError(`Option ${flag} must be a number > 0 (or inf), got '${raw}'.`);
  }
  return n;
}

function integer(flag: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) {
    throw new UsageError(`Option ${flag} must be an integer from ${min} to ${max}, got '${raw}'.`);
  }
  return n;
}

/**
 * Parses the arguments of `dask-ts scheduler` or `dask-ts worker`.
 *
 * @example
 * parseCluster('scheduler', ['--port', '0']); // { command: 'scheduler', host: '127.0.0.1', port: 0 }
 */
export function parseCluster(
  command: 'scheduler' | 'worker',
  args: readonly string[],
): ClusterCommand {
  if (command === 'scheduler') {
    const { values, positional } = flags(command, args, [
      '--host',
      '--port',
      '--dashboard-port',
      '--simulated-workers',
      '--max-retries',
      '--root-saturation',
    ]);
    if (positional.length > 0)
      throw new UsageError(`Unexpected argument '${positional[0]}' for 'dask-ts scheduler'.`);
    const port = values.has('--port') ? integer('--port', values.get('--port')!, 0, 65535) : 8786;
    const dashboard = values.get('--dashboard-port');
    const simulated = values.get('--simulated-workers');
    const retries = values.get('--max-retries');
    const saturation = values.get('--root-saturation');
    return {
      command,
      host: values.get('--host') ?? '127.0.0.1',
      port,
      ...(dashboard !== undefined
        ? { dashboardPort: integer('--dashboard-port', dashboard, 0, 65535) }
        : {}),
      ...(simulated !== undefined
        ? { simulatedWorkers: integer('--simulated-workers', simulated, 0, 1_000_000) }
        : {}),
      ...(retries !== undefined ? { maxRetries: integer('--max-retries', retries, 0, 1000) } : {}),
      ...(saturation !== undefined
        ? { rootSaturation: positive('--root-saturation', saturation) }
        : {}),
    };
  }
  const { values, positional } = flags(command, args, [
    '--nthreads',
    '--name',
    '--resources',
    '--listen-address',
    '--memory-limit',
    '--local-directory',
  ]);
  if (positional.length !== 1) {
    throw new UsageError(
      positional.length === 0
        ? "'dask-ts worker' needs the scheduler's address, such as tcp://127.0.0.1:8786."
        : `Unexpected argument '${positional[1]}' for 'dask-ts worker'.`,
    );
  }
  if (!/^tcp:\/\/[^\s:]+:\d+$/.test(positional[0])) {
    throw new UsageError(
      `The scheduler address must look like tcp://HOST:PORT (tcp://127.0.0.1:8786), got '${positional[0]}'.`,
    );
  }
  const nthreads = values.has('--nthreads')
    ? integer('--nthreads', values.get('--nthreads')!, 1, 1024)
    : 1;
  const name = values.get('--name');
  const resources = values.get('--resources');
  const listen = values.get('--listen-address');
  if (listen !== undefined && listen !== 'none' && !/^tcp:\/\/[^\s:]+:\d+$/.test(listen)) {
    throw new UsageError(
      `Option --listen-address must look like tcp://HOST:PORT (tcp://0.0.0.0:0 for every interface, any free port) or be 'none', got '${listen}'.`,
    );
  }
  const limit = values.get('--memory-limit');
  let memoryLimit: number | undefined;
  try {
    memoryLimit = limit === undefined ? undefined : parseBytes(limit, '--memory-limit');
  } catch (err) {
    throw new UsageError(`Option ${(err as Error).message}.`);
  }
  const spillDir = values.get('--local-directory');
  return {
    command,
    address: positional[0],
    nthreads,
    ...(name !== undefined ? { name } : {}),
    ...(resources !== undefined ? { resources: parseResources(resources) } : {}),
    ...(listen !== undefined ? { listen: listen === 'none' ? false : listen } : {}),
    ...(memoryLimit !== undefined ? { memoryLimit } : {}),
    ...(spillDir !== undefined ? { spillDir } : {}),
  };
}

/**
 * The scheduler's CURVE key pair from DASK_TS_CURVE_PUBLIC_KEY and DASK_TS_CURVE_SECRET_KEY (both
 * or neither); its workers read the public key from DASK_TS_CURVE_SERVER_KEY.
 */
function curveFromEnv(): { publicKey: string; secretKey: string } | undefined {
  const publicKey = process.env.DASK_TS_CURVE_PUBLIC_KEY || undefined;
  const secretKey = process.env.DASK_TS_CURVE_SECRET_KEY || undefined;
  if (publicKey === undefined && secretKey === undefined) return undefined;
  if (publicKey === undefined || secretKey === undefined) {
    throw new UsageError(
      'CURVE encryption needs both DASK_TS_CURVE_PUBLIC_KEY and DASK_TS_CURVE_SECRET_KEY (set neither to turn it off).',
    );
  }
  return { publicKey, secretKey };
}

/** Keeps the process alive while it closes, and ends it if closing takes over 10 s. */
function closeDeadline(io: { err(line: string): void }, what: string): NodeJS.Timeout {
  return setTimeout(() => {
    io.err(`dask-ts ${what}: closing took over 10 s; exiting`);
    process.exit(1);
  }, 10_000);
}

/** Resolves on the first SIGINT or SIGTERM (and stops listening for them). */
function signalled(): { promise: Promise<string>; dispose(): void } {
  let dispose = (): void => undefined;
  const promise = new Promise<string>((resolve) => {
    const on = (signal: string) => () => resolve(signal);
    const int = on('SIGINT');
    const term = on('SIGTERM');
    process.once('SIGINT', int);
    process.once('SIGTERM', term);
    dispose = () => {
      process.off('SIGINT', int);
      process.off('SIGTERM', term);
    };
  });
  return { promise, dispose };
}

/**
 * Runs `dask-ts scheduler` or `dask-ts worker` until stopped; returns the exit code.
 *
 * @example
 * process.exitCode = await runCluster(parseCluster('scheduler', []), io);
 */
export async function runCluster(
  cmd: ClusterCommand,
  io: { out(line: string): void; err(line: string): void },
): Promise<number> {
  const token = process.env.DASK_TS_TOKEN || undefined;
  const curve = cmd.command === 'scheduler' ? curveFromEnv() : undefined;
  const stop = signalled();
  try {
    if (cmd.command === 'scheduler') {
      const server = await startScheduler({
        host: cmd.host,
        port: cmd.port,
        ...(token !== undefined ? { token } : {}),
        ...(cmd.dashboardPort !== undefined ? { dashboardPort: cmd.dashboardPort } : {}),
        ...(cmd.simulatedWorkers !== undefined ? { simulatedWorkers: cmd.simulatedWorkers } : {}),
        ...(cmd.maxRetries !== undefined ? { maxRetries: cmd.maxRetries } : {}),
        ...(cmd.rootSaturation !== undefined ? { rootSaturation: cmd.rootSaturation } : {}),
        ...(curve !== undefined ? { curve } : {}),
        log: io.err,
      });
      io.out(
        `dask-ts scheduler at ${server.address}${token !== undefined ? ' (token required)' : ''}${
          curve !== undefined ? ' (CURVE encryption)' : ''
        }${server.dashboardAddress !== undefined ? ` (dashboard ${server.dashboardAddress})` : ''}`,
      );
      const signal = await stop.promise;
      io.err(`dask-ts scheduler: ${signal}, closing`);
      const alive = closeDeadline(io, 'scheduler');
      try {
        await server.close();
      } finally {
        clearTimeout(alive);
      }
      return 0;
    }
    const node = await startWorker(cmd.address, {
      nthreads: cmd.nthreads,
      ...(cmd.name !== undefined ? { name: cmd.name } : {}),
      ...(cmd.resources !== undefined ? { resources: cmd.resources } : {}),
      ...(cmd.listen !== undefined ? { listen: cmd.listen } : {}),
      ...(cmd.memoryLimit !== undefined ? { memoryLimit: cmd.memoryLimit } : {}),
      ...(cmd.spillDir !== undefined ? { spillDir: cmd.spillDir } : {}),
      ...(token !== undefined ? { token } : {}),
      log: io.err,
    });
    io.out(`dask-ts worker ${node.names.join(', ')} connected to ${cmd.address}`);
    if (
      cmd.memoryLimit !== undefined &&
      process.platform === 'linux' &&
      process.env.MALLOC_MMAP_THRESHOLD_ === undefined
    ) {
      // glibc keeps freed buffers in its arenas: spilling would free little of the process's RSS.
      io.err(
        'dask-ts worker: with --memory-limit, start it with MALLOC_MMAP_THRESHOLD_=65536 in the environment, so that memory freed by spilling goes back to the OS',
      );
    }
    const why = await Promise.race([node.closed, stop.promise.then((s) => `${s}, closing`)]);
    // Closing waits on sockets and threads that do not keep the event loop alive: without a
    // handle of its own the loop could empty first (Node then exits with code 13).
    const alive = closeDeadline(io, 'worker');
    try {
      await node.close();
    } finally {
      clearTimeout(alive);
    }
    io.err(`dask-ts worker: ${why}`);
    return /said bye|SIG/.test(why) ? 0 : 1;
  } finally {
    stop.dispose();
  }
}

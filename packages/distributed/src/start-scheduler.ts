// Starting a scheduler server: the options are checked (each bad one named) before anything
// listens, the ROUTER socket is bound (peers that reconnect after a network blip keep their
// identity; nothing waits on a slow peer; CURVE when asked), and the dashboard is served when a
// port is given; a server that cannot serve its dashboard is closed again. `Client.local` also
// binds a Unix socket (its `localSocket`), which its worker processes connect to instead of TCP's
// loopback: less kernel work per message (a bare ZeroMQ ping-pong here: ~80 µs instead of ~115).
import { Router } from 'zeromq';
import { bindEndpoint } from './address.js';
import { checkCurveKey } from './curve.js';
import { SchedulerServer, type SchedulerServerOptions } from './scheduler-server.js';
import { checkSimulatedWorkers } from './simulation.js';

/**
 * What only `Client.local` asks of {@link startScheduler}: `localSocket`, the path of a Unix
 * socket to listen on as well (for worker processes on this machine: `ipc://PATH`).
 *
 * @example
 * const server = await startScheduler({}, { localSocket: '/tmp/dask-ts-x/scheduler' });
 */
export interface StartInternals {
  readonly localSocket?: string;
}

/**
 * Starts a scheduler server on `host:port` (default 127.0.0.1, any free port) and resolves once
 * it listens.
 *
 * @example
 * const server = await startScheduler({ host: '127.0.0.1', port: 0 });
 * console.log(`workers connect to ${server.address}`);
 * await server.close();
 */
export async function startScheduler(
  options: SchedulerServerOptions = {},
  internal: StartInternals = {},
): Promise<SchedulerServer> {
  const endpoint = bindEndpoint(options.host ?? '127.0.0.1', options.port ?? 0);
  for (const [what, v] of [
    ['heartbeatMs', options.heartbeatMs],
    ['heartbeatTimeoutMs', options.heartbeatTimeoutMs],
  ] as const) {
    if (v !== undefined && !(typeof v === 'number' && v > 0 && Number.isFinite(v))) {
      throw new TypeError(`${what} must be a positive number of milliseconds, got ${String(v)}`);
    }
  }
  const retries: unknown = options.maxRetries;
  if (retries !== undefined && !(Number.isInteger(retries) && (retries as number) >= 0)) {
    throw new TypeError(`maxRetries must be an integer >= 0, got ${String(retries)}`);
  }
  const saturation: unknown = options.rootSaturation;
  if (saturation !== undefined && !(typeof saturation === 'number' && saturation > 0)) {
    throw new TypeError(
      `rootSaturation must be a number > 0 (Infinity: never hold roots back), got ${String(saturation)}`,
    );
  }
  if (options.token !== undefined && (typeof options.token !== 'string' || options.token === '')) {
    throw new TypeError('token must be a non-empty string');
  }
  if (options.simulatedWorkers !== undefined) checkSimulatedWorkers(options.simulatedWorkers);
  if (options.curve !== undefined) {
    checkCurveKey(options.curve.publicKey, 'curve.publicKey');
    checkCurveKey(options.curve.secretKey, 'curve.secretKey');
  }
  const dashboardPort: unknown = options.dashboardPort;
  if (
    dashboardPort !== undefined &&
    !(
      Number.isInteger(dashboardPort) &&
      (dashboardPort as number) >= 0 &&
      (dashboardPort as number) <= 65535
    )
  ) {
    throw new TypeError(
      `dashboardPort must be an integer from 0 (any free port) to 65535, got ${String(dashboardPort)}`,
    );
  }
  const router = new Router({
    mandatory: true,
    // A peer that reconnects (a network blip) keeps its identity, and so its place.
    handover: true,
    linger: 0,
    sendTimeout: 0,
    sendHighWaterMark: 0,
    receiveHighWaterMark: 0,
    ...(options.curve !== undefined
      ? {
          curveServer: true,
          curvePublicKey: options.curve.publicKey,
          curveSecretKey: options.curve.secretKey,
        }
      : {}),
  });
  try {
    await router.bind(endpoint);
  } catch (err) {
    router.close();
    throw new Error(`Cannot listen on ${endpoint}: ${(err as Error).message}`, { cause: err });
  }
  const bound = router.lastEndpoint ?? endpoint;
  if (internal.localSocket !== undefined) {
    try {
      await router.bind(`ipc://${internal.localSocket}`);
    } catch (err) {
      router.close();
      throw new Error(`Cannot listen on ipc://${internal.localSocket}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  const address = bound.replace('tcp://0.0.0.0:', 'tcp://127.0.0.1:');
  const server = new SchedulerServer(router, address, options);
  if (options.dashboardPort !== undefined) {
    try {
      await server.serveDashboard(options.host ?? '127.0.0.1', options.dashboardPort);
    } catch (err) {
      await server.close();
      throw err;
    }
  }
  return server;
}

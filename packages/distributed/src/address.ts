// Scheduler addresses: `tcp://HOST:PORT`, or `ipc:///PATH` (a Unix socket, which `Client.local`'s
// workers use to reach their scheduler on the same machine), checked before any socket is made, so
// a typo fails at once with an error that names the option and shows the expected form, never as a
// connect that waits forever. A bind host must be an IP address or a host name; port 0 asks for a
// free port.

const ADDRESS = /^tcp:\/\/([A-Za-z0-9.\-_]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/;
/** A Unix socket's absolute path (no NUL byte). */
const IPC = /^ipc:\/\/\/[^\0]+$/;

/**
 * Checks a scheduler address (`tcp://HOST:PORT` or `ipc:///PATH`); `what` names it in the error.
 *
 * @example
 * checkAddress('tcp://127.0.0.1:8786', 'address');
 */
export function checkAddress(address: unknown, what: string): asserts address is string {
  if (typeof address === 'string' && IPC.test(address)) return;
  const m = typeof address === 'string' ? ADDRESS.exec(address) : null;
  const port = m === null ? -1 : Number(m[2]);
  if (m === null || port < 1 || port > 65535) {
    throw new TypeError(
      `${what} must be a scheduler address such as 'tcp://127.0.0.1:8786' or 'ipc:///tmp/scheduler', got ${JSON.stringify(address) ?? String(address)}`,
    );
  }
}

/**
 * The ZeroMQ endpoint to bind for `host` and `port` (0: any free port), after checking both.
 *
 * @example
 * bindEndpoint('127.0.0.1', 0); // 'tcp://127.0.0.1:*'
 */
export function bindEndpoint(host: unknown, port: unknown): string {
  if (typeof host !== 'string' || !/^([A-Za-z0-9.\-_]+|\[[0-9a-fA-F:]+\]|\*)$/.test(host)) {
    throw new TypeError(
      `host must be an IP address or host name such as '127.0.0.1', got ${String(host)}`,
    );
  }
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError(
      `port must be an integer from 0 (any free port) to 65535, got ${String(port)}`,
    );
  }
  return `tcp://${host}:${port === 0 ? '*' : port}`;
}

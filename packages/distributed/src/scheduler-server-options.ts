// The scheduler server's options and counters, as its users name them (scheduler-server.ts).
import type { CurveKeyPair } from './curve.js';
import type { TransferStats } from './peer-transfers.js';

/**
 * Options of {@link startScheduler}.
 *
 * @example
 * const options: SchedulerServerOptions = { host: '127.0.0.1', port: 8786, token: 'secret' };
 */
export interface SchedulerServerOptions {
  /** The interface to listen on (default '127.0.0.1'; '0.0.0.0' for every interface). */
  readonly host?: string;
  /** The port (default 0: any free port; the address says which). */
  readonly port?: number;
  /** A shared secret that every worker and client must present. */
  readonly token?: string;
  /** How often peers are checked for silence (ms, default 1,000). */
  readonly heartbeatMs?: number;
  /** Silence after which a peer is presumed dead (ms, default 10,000). */
  readonly heartbeatTimeoutMs?: number;
  /** How often a task may lose its worker before it fails (the core's default otherwise). */
  readonly maxRetries?: number;
  /** Roots in flight per thread while memory paces them (default 1.25; Dask's worker-saturation). */
  readonly rootSaturation?: number;
  /** Where the server reports (stderr by default). */
  readonly log?: (line: string) => void;
  /**
   * Serve `/status.json`, `/metrics` and `/events` over HTTP on this port of `host` (0: any free
   * port; see `dashboardAddress`). Off by default.
   */
  readonly dashboardPort?: number;
  /**
   * Connect this many simulated workers (`sim-0`, `sim-1`...), which finish every task at once
   * with the value `null`: the scheduler alone, for benchmarks and tests (see simulation.ts).
   */
  readonly simulatedWorkers?: number;
  /**
   * Encrypt every connection with ZeroMQ CURVE using this key pair (from `curveKeyPair()`); peers
   * must then be given its public key (`curveServerKey`). In-process peers then connect over
   * ZeroMQ too. See curve.ts.
   */
  readonly curve?: CurveKeyPair;
}

/**
 * Counters of what a scheduler server refused or dropped.
 *
 * @example
 * server.stats.dropped; // frames that did not decode
 */
export interface ServerStats extends TransferStats {
  /** Messages that did not decode, or did not check, and were dropped. */
  dropped: number;
  /** Peers refused at the handshake. */
  refused: number;
}

// @dask-ts/distributed: dask-ts across processes and machines, over ZeroMQ. `startScheduler` runs
// a scheduler server (the scheduler package's shell behind a ROUTER socket), `startWorker` a
// worker node (worker threads, each linked to the scheduler by a DEALER socket), and
// `startLocalCluster` both on this machine. The Client lives in @dask-ts/client, which speaks to
// a scheduler through the link and messages exported here. Messages travel as a msgpack header
// plus raw binary frames.
export {
  SchedulerServer,
  type SchedulerServerOptions,
  type ServerStats,
} from './scheduler-server.js';
export { startScheduler } from './start-scheduler.js';
export type { TransferStats } from './peer-transfers.js';
export { startWorker, type WorkerNode, type WorkerNodeOptions } from './worker-node.js';
// The client's side of the wire, for @dask-ts/client (which holds Client, futures and getClient).
export {
  computeMessage,
  errorOf,
  fromClientSchema,
  graphMessage,
  toClientSchema,
  type FromClient,
  type GraphMessage,
  type ToClient,
} from './client-messages.js';
export { parseFromClient, parseToClient } from './client-check.js';
export {
  startLocalCluster,
  type LocalOptions,
  type LocalCluster,
  type StartedCluster,
} from './local.js';
export { ConnectError, connectLink, Link, type LinkOptions, type LinkEnd } from './link.js';
export { encodeFrames, decodeFrames, FrameError } from './frames.js';
export { helloMessage, type Hello, type PeerRole } from './handshake.js';
export type { SchedulerStatus } from './dashboard.js';
export { curveKeyPair, type CurveKeyPair } from './curve.js';
export { parseBytes, formatBytes } from './parse-bytes.js';
export type { WorkerMemory } from './worker-memory.js';
export type { Transition, TaskState } from './monitor.js';

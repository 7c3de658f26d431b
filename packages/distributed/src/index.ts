// @dask-ts/distributed: dask-ts across processes and machines, over ZeroMQ. `startScheduler` runs
// a scheduler server (the scheduler package's shell behind a ROUTER socket), `startWorker` a
// worker node (worker threads, each linked to the scheduler by a DEALER socket), and `Client`
// connects to a scheduler (or starts a whole local cluster with `Client.local`) and becomes the
// default scheduler while open. Messages travel as a msgpack header plus raw binary frames.
export {
  SchedulerServer,
  type SchedulerServerOptions,
  type ServerStats,
} from './scheduler-server.js';
export { startScheduler } from './start-scheduler.js';
export type { TransferStats } from './peer-transfers.js';
export { startWorker, type WorkerNode, type WorkerNodeOptions } from './worker-node.js';
export { Client, type ClientOptions, type ScatterOptions, type Scattered } from './client.js';
export { Future, isFuture, type FutureStatus } from './future.js';
export type { PlacementOptions, ClientComputeOptions } from './placement-options.js';
export type { WorkerTraits } from './handshake.js';
export {
  asCompleted,
  AsCompleted,
  wait,
  fireAndForget,
  type AsCompletedOptions,
  type WaitOptions,
  type WaitResult,
} from './as-completed.js';
export { getClient } from './get-client.js';
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

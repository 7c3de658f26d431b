// A bare worker thread that echoes every message: the floor of the latency suite (what starting a
// thread and exchanging one message costs, with nothing of dask-ts loaded).
import { parentPort } from 'node:worker_threads';

parentPort?.on('message', (m: unknown) => parentPort?.postMessage(m));

// An S3-compatible store for tests: s3rver on a thread of the test's process, on 127.0.0.1 (port 0,
// a temporary directory), with `bucket` made. It runs on its own thread because the file-system
// layer blocks the calling thread while it waits for the store: a server on that thread could never
// answer. The environment is set for clients that read it (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_REGION), and `storage` carries the same for tasks on worker threads,
// which do not see jest's copy of the environment. `stop()` ends the server and removes its files.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** A running test store. */
export interface TestS3 {
  /** Endpoint and credentials, as the file-system layer's storage options. */
  readonly storage: {
    readonly endpoint: string;
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly region: string;
  };
  stop(): Promise<void>;
}

/**
 * Starts s3rver with `bucket`; `s3rver` is its resolved path (from the test's package, which
 * depends on it: `createRequire(import.meta.url).resolve('s3rver')`).
 *
 * @example
 * const s3 = await startTestS3('test-bucket', createRequire(import.meta.url).resolve('s3rver'));
 * await s3.stop();
 */
export async function startTestS3(bucket: string, s3rver: string): Promise<TestS3> {
  const dir = mkdtempSync(join(tmpdir(), 'dask-ts-s3rver-'));
  const server = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
    const S3rver = require(workerData.s3rver);
    const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: workerData.dir,
      configureBuckets: [{ name: workerData.bucket, configs: [] }] });
    server.run().then((a) => parentPort.postMessage(a.port));`,
    { eval: true, workerData: { s3rver, dir, bucket } },
  );
  const stop = async (): Promise<void> => {
    await server.terminate();
    rmSync(dir, { recursive: true, force: true });
  };
  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      server.once('message', resolve);
      server.once('error', reject);
    });
  } catch (err) {
    await stop();
    throw err;
  }
  const storage = {
    endpoint: `http://127.0.0.1:${port}`,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    region: 'us-east-1',
  };
  process.env.AWS_ENDPOINT_URL = storage.endpoint;
  process.env.AWS_ACCESS_KEY_ID = storage.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = storage.secretAccessKey;
  process.env.AWS_REGION = storage.region;
  return { storage, stop };
}

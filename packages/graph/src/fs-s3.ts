// S3-compatible object stores (`s3://bucket/key`) for the file-system layer. Policy: the layer is
// synchronous (readers plan when called; kernels must return values, not promises, since a
// reduction may inline a read task), and the AWS SDK is asynchronous, so calls go to one helper
// thread that runs `@aws-sdk/client-s3` (an optional peer dependency, loaded there on first use),
// while the calling thread blocks on `Atomics.wait` and then takes the answer with
// `receiveMessageOnPort`. The client is configured from the environment, as the AWS tools are:
// `AWS_ENDPOINT_URL_S3` or `AWS_ENDPOINT_URL` (an S3-compatible server; path-style addressing is
// then used), `AWS_REGION` (default us-east-1) and the SDK's usual credential chain
// (`AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`, profiles, ...). Worker threads and processes
// inherit the environment, so tasks reach the same store.
import { createRequire } from 'node:module';
import {
  MessageChannel,
  Worker,
  receiveMessageOnPort,
  type MessagePort,
} from 'node:worker_threads';

/**
 * How to reach an S3-compatible store, overriding the environment: an endpoint (then path-style
 * addressing is used), a region, and credentials.
 *
 * @example
 * const o: StorageOptions = { endpoint: 'http://127.0.0.1:9000', accessKeyId: 'k', secretAccessKey: 's' };
 */
export interface StorageOptions {
  readonly endpoint?: string;
  readonly region?: string;
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
  readonly sessionToken?: string;
}

/** One object in a listing. */
export interface S3Object {
  readonly path: string;
  readonly size: number;
  readonly mtime: number;
}

type Request = { readonly cfg?: StorageOptions } & (
  | { readonly op: 'list'; readonly bucket: string; readonly prefix: string }
  | { readonly op: 'head'; readonly bucket: string; readonly key: string }
  | {
      readonly op: 'get';
      readonly bucket: string;
      readonly key: string;
      readonly start?: number;
      readonly end?: number;
    }
  | {
      readonly op: 'put';
      readonly bucket: string;
      readonly key: string;
      readonly body: Uint8Array;
    }
);

type Reply = { readonly id: number } & (
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string }
);

// The helper thread's code (plain JavaScript: it runs from sources and from builds alike). Every
// failure, loading the SDK included, comes back as an answer, so the caller never waits in vain.
const WORKER = `
const { workerData } = require('node:worker_threads');
const { port, flag, sdk } = workerData;
let s3;
const env = process.env;
const clients = new Map();
function clientFor(cfg) {
  const o = cfg || {};
  const id = JSON.stringify(o);
  let c = clients.get(id);
  if (c) return c;
  const endpoint = o.endpoint || env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
  const credentials = o.accessKeyId && o.secretAccessKey
    ? { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey, sessionToken: o.sessionToken }
    : undefined;
  c = new s3.S3Client({
    region: o.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    ...(credentials ? { credentials } : {}),
  });
  clients.set(id, c);
  return c;
}
async function bytesOf(body) {
  const b = await body.transformToByteArray();
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
async function handle(r) {
  s3 = s3 || require(sdk);
  const client = clientFor(r.cfg);
  switch (r.op) {
    case 'list': {
      const out = [];
      let token;
      do {
        const res = await client.send(new s3.ListObjectsV2Command({ Bucket: r.bucket, Prefix: r.prefix, ContinuationToken: token }));
        for (const o of res.Contents || []) out.push({ path: 's3://' + r.bucket + '/' + o.Key, size: Number(o.Size || 0), mtime: o.LastModified ? o.LastModified.getTime() : 0 });
        token = res.IsTruncated ? res.NextContinuationToken : undefined;
      } while (token);
      return out;
    }
    case 'head': {
      try {
        const res = await client.send(new s3.HeadObjectCommand({ Bucket: r.bucket, Key: r.key }));
        return { path: 's3://' + r.bucket + '/' + r.key, size: Number(res.ContentLength || 0), mtime: res.LastModified ? res.LastModified.getTime() : 0 };
      } catch (e) {
        if (e && (e.name === 'NotFound' || (e.$metadata && e.$metadata.httpStatusCode === 404))) return null;
        throw e;
      }
    }
    case 'get': {
      const range = r.start === undefined ? undefined : 'bytes=' + r.start + '-' + (r.end - 1);
      const res = await client.send(new s3.GetObjectCommand({ Bucket: r.bucket, Key: r.key, Range: range }));
      return bytesOf(res.Body);
    }
    case 'put':
      await client.send(new s3.PutObjectCommand({ Bucket: r.bucket, Key: r.key, Body: r.body }));
      return null;
  }
}
function reply(msg, transfer) {
  try { port.postMessage(msg, transfer); } catch (e) { port.postMessage(msg); }
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}
port.on('message', (r) => {
  handle(r).then(
    (value) => reply({ id: r.id, ok: true, value }, value instanceof Uint8Array ? [value.buffer] : []),
    (e) => reply({ id: r.id, ok: false, error: (e && (e.name + ': ' + e.message)) || String(e) }, []),
  );
});
`;

interface Bridge {
  readonly port: MessagePort;
  readonly flag: Int32Array;
  readonly worker: Worker;
}

let bridge: Bridge | undefined;
const TIMEOUT_MS = 300_000;

function start(): Bridge {
  let sdk: string;
  try {
    sdk = createRequire(import.meta.url).resolve('@aws-sdk/client-s3');
  } catch {
    throw new Error(
      's3:// paths need the optional peer dependency @aws-sdk/client-s3: npm install @aws-sdk/client-s3',
    );
  }
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { port: port2, flag, sdk },
    transferList: [port2],
    env: process.env,
  });
  worker.unref();
  port1.unref();
  return { port: port1, flag, worker };
}

let seq = 0;

/**
 * Sends a request and blocks until its answer (matched by id, so an answer that comes late to an
 * earlier call is never taken for this one's); the flag only shortens the wait between polls.
 */
function call(r: Request, what: string): unknown {
  bridge ??= start();
  const { port, flag } = bridge;
  const id = ++seq;
  Atomics.store(flag, 0, 0);
  port.postMessage({ ...r, id });
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const got = receiveMessageOnPort(port)?.message as Reply | undefined;
    if (got !== undefined) {
      if (got.id !== id) continue;
      if (!got.ok) throw new Error(`${what}: ${got.error}`);
      return got.value;
    }
    const left = deadline - Date.now();
    if (left <= 0)
      throw new Error(`${what}: the object store did not answer in ${TIMEOUT_MS / 1000} s`);
    Atomics.wait(flag, 0, 0, Math.min(left, 50));
    Atomics.store(flag, 0, 0);
  }
}

/** Whether a path names an object in an S3-compatible store. */
export const isS3 = (path: string): boolean => path.startsWith('s3://');

/** The bucket and key of an `s3://bucket/key` path. */
export function splitS3(path: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(path);
  if (m === null) throw new Error(`not an s3://bucket/key path: '${path}'`);
  return { bucket: m[1], key: m[2] };
}

/** The objects whose keys start with `prefix` (`s3://bucket/prefix`), sorted by key. */
export function s3List(prefix: string, what: string, cfg?: StorageOptions): S3Object[] {
  const { bucket, key } = splitS3(prefix);
  const objs = call({ op: 'list', bucket, prefix: key, cfg }, `${what} ${prefix}`) as S3Object[];
  return objs.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** One object's size and modification time, or undefined when there is none. */
export function s3Head(path: string, what: string, cfg?: StorageOptions): S3Object | undefined {
  const { bucket, key } = splitS3(path);
  return (
    (call({ op: 'head', bucket, key, cfg }, `${what} ${path}`) as S3Object | null) ?? undefined
  );
}

/** Bytes [start, end) of an object (the whole object without a range). */
export function s3Get(
  path: string,
  what: string,
  cfg?: StorageOptions,
  start?: number,
  end?: number,
): Uint8Array {
  const { bucket, key } = splitS3(path);
  if (start !== undefined && end !== undefined && end <= start) return new Uint8Array(0);
  return call({ op: 'get', bucket, key, start, end, cfg }, `${what} ${path}`) as Uint8Array;
}

/** Writes an object. */
export function s3Put(path: string, body: Uint8Array, what: string, cfg?: StorageOptions): void {
  const { bucket, key } = splitS3(path);
  call({ op: 'put', bucket, key, body, cfg }, `${what} ${path}`);
}

/** Ends the helper thread (it never keeps the process alive; this frees it sooner). */
export async function closeS3(): Promise<void> {
  const b = bridge;
  bridge = undefined;
  if (b !== undefined) {
    b.port.close();
    await b.worker.terminate();
  }
}

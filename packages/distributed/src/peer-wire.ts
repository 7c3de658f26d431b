// The messages of peer-to-peer transfers, each checked with zod where it arrives. The scheduler
// tells a worker where an input is (`peer-fetch`: these keys are on worker HOLDER, whose node
// serves them at ADDRESS); the worker's node asks that node for them (`peer-get`, with the
// cluster's token and protocol version) and gets them back (`peer-got`: values as codec payloads,
// their binary parts as raw frames; `refused` says why a request was not served), keeps them in the
// node, and reports to the scheduler (`peer-fetched`: what it moved, and why it could not move the
// rest). The scheduler then queues a `put` of stand-ins for those values (`peerValue`) before the
// task, in order with everything else it sends that worker, and the node swaps the values in as
// the `put` passes to the thread. Nothing here throws on bad input: a message that does not check
// is dropped and logged by its receiver.
import { z } from 'zod';

const keys = z.array(z.string());

/**
 * The scheduler tells a worker to fetch `keys` from worker `holder`, served at `address`.
 *
 * @example
 * const m: PeerFetch = { op: 'peer-fetch', id: 1, holder: 'w-a', address: 'tcp://10.0.0.2:40123', keys: ['x'] };
 */
export const peerFetchSchema = z.object({
  op: z.literal('peer-fetch'),
  id: z.number().int(),
  holder: z.string(),
  address: z.string(),
  curveKey: z.string().length(40).optional(),
  keys,
});

/** See {@link peerFetchSchema}. @example const m: PeerFetch = peerFetchSchema.parse(raw); */
export type PeerFetch = z.infer<typeof peerFetchSchema>;

/**
 * A worker's report on a `peer-fetch`: `keys` are in its memory now; the others were not moved
 * (`missing`: the holder did not have them; `error`: why nothing could be fetched). `nbytes` is
 * the size of the binary frames received.
 *
 * @example
 * const m: PeerFetched = { op: 'peer-fetched', id: 1, keys: ['x'], missing: [], nbytes: 8 };
 */
export const peerFetchedSchema = z.object({
  op: z.literal('peer-fetched'),
  id: z.number().int(),
  keys,
  missing: keys,
  nbytes: z.number().nonnegative(),
  error: z.string().optional(),
});

/** See {@link peerFetchedSchema}. @example const m: PeerFetched = peerFetchedSchema.parse(raw); */
export type PeerFetched = z.infer<typeof peerFetchedSchema>;

/**
 * One node asks another for `keys` held by its worker `worker`.
 *
 * @example
 * const m: PeerGet = { op: 'peer-get', id: 1, version: 3, worker: 'w-a', keys: ['x'] };
 */
export const peerGetSchema = z.object({
  op: z.literal('peer-get'),
  id: z.number().int(),
  version: z.number().int(),
  token: z.string().optional(),
  worker: z.string(),
  keys,
});

/** See {@link peerGetSchema}. @example const m: PeerGet = peerGetSchema.parse(raw); */
export type PeerGet = z.infer<typeof peerGetSchema>;

/**
 * The answer to a `peer-get`: `values[i]` (a codec payload) for `keys[i]`, `missing` what the
 * worker does not hold, or `refused` with why nothing was served.
 *
 * @example
 * const m: PeerGot = { op: 'peer-got', id: 1, keys: ['x'], values: [1], missing: [] };
 */
export const peerGotSchema = z.object({
  op: z.literal('peer-got'),
  id: z.number().int(),
  keys,
  values: z.custom<unknown[]>((v) => Array.isArray(v), { message: 'expected an array' }),
  missing: keys,
  refused: z.string().optional(),
});

/** See {@link peerGotSchema}. @example const m: PeerGot = peerGotSchema.parse(raw); */
export type PeerGot = z.infer<typeof peerGotSchema>;

/**
 * Whether `raw` claims to be a message of type `op` (then checked with its schema).
 *
 * @example
 * if (isOp(raw, 'peer-fetch')) node.fetch(raw);
 */
export function isOp(raw: unknown, op: string): boolean {
  return typeof raw === 'object' && raw !== null && (raw as { op?: unknown }).op === op;
}

/**
 * The first problem zod found, for a log line.
 *
 * @example
 * log(`dropped a peer-get: ${firstIssue(parsed.error)}`);
 */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue === undefined ? 'malformed' : `${issue.path.join('.')}: ${issue.message}`;
}

/** The `$codec` tag of a stand-in for a value a worker fetched from a peer. */
const PEER_VALUE = 'dask-ts.peer-fetched';

/**
 * A stand-in for value `index` of transfer `id`, which the fetching node keeps: the scheduler puts
 * it in order before the task, and the node swaps the value in. User values cannot look like it
 * (the codecs wrap any object with a string `$codec` field).
 *
 * @example
 * values = keys.map((_, i) => peerValue(id, i));
 */
export function peerValue(id: number, index: number): PeerValue {
  return { $codec: PEER_VALUE, data: { id, index } };
}

/** See {@link peerValue}. @example const v: PeerValue = peerValue(1, 0); */
export interface PeerValue {
  readonly $codec: typeof PEER_VALUE;
  readonly data: { readonly id: number; readonly index: number };
}

/**
 * Whether `v` is a {@link peerValue} stand-in.
 *
 * @example
 * if (isPeerValue(v)) v = kept.get(v.data.id)[v.data.index];
 */
export function isPeerValue(v: unknown): v is PeerValue {
  if (typeof v !== 'object' || v === null || (v as { $codec?: unknown }).$codec !== PEER_VALUE)
    return false;
  const data = (v as { data?: { id?: unknown; index?: unknown } }).data;
  return typeof data?.id === 'number' && typeof data.index === 'number';
}

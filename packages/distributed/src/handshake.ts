// The handshake and the link-level messages every peer of a scheduler server speaks. A peer's
// first message is `hello` (its role, the protocol version, the shared-secret token if it has
// one, and the name it wants); the server answers `welcome` (with the name it got) or `refused`
// (with a reason that names what did not match), and a refused peer is forgotten: nothing it sends
// afterwards is read. After that each side sends `heartbeat` now and then, and `bye` when it
// leaves (with why). Everything else is the role's own traffic (wire messages for a worker,
// client messages for a client). All of these are checked with zod where they arrive. A worker's
// hello may announce its peer server (where other workers fetch what it holds, peer to peer).
import { timingSafeEqual, createHash } from 'node:crypto';
import { PROTOCOL_VERSION } from '@dask-ts/protocol';
import { z } from 'zod';

/** The two roles a peer of a scheduler server can take. @example const r: PeerRole = 'worker'; */
export type PeerRole = 'worker' | 'client';

/**
 * A peer's first message.
 *
 * @example
 * const hello = helloMessage('worker', 'w-1', undefined);
 */
export const helloSchema = z.object({
  op: z.literal('dask-ts-hello'),
  role: z.enum(['worker', 'client']),
  version: z.number().int(),
  name: z.string().min(1).max(200).optional(),
  token: z.string().optional(),
  /** A worker's node (its threads share the group's name and resources; see WorkerTraits). */
  group: z.string().min(1).max(200).optional(),
  resources: z.record(z.string(), z.number().finite().nonnegative()).optional(),
  /** A worker node's peer server, where other workers fetch what it holds (peer-server.ts). */
  peer: z
    .object({ address: z.string().min(1).max(300), curveKey: z.string().length(40).optional() })
    .optional(),
});

/**
 * Where a worker node serves what it holds to other workers (announced in its `hello`):
 * `curveKey` is its CURVE public key when the cluster encrypts.
 *
 * @example
 * const peer: PeerAddress = { address: 'tcp://10.0.0.2:40123' };
 */
export type PeerAddress = NonNullable<z.infer<typeof helloSchema>['peer']>;

/**
 * What a worker thread tells the scheduler about itself in its hello: the node it belongs to
 * (a task restricted to the node's name may run on any of its threads) and the abstract
 * resources the node has (`{ GPU: 2 }`, shared by its threads).
 *
 * @example
 * const traits: WorkerTraits = { group: 'gpu-box', resources: { GPU: 2 } };
 */
export interface WorkerTraits {
  readonly group: string;
  readonly resources?: Readonly<Record<string, number>>;
}

/** A peer's first message (see {@link helloSchema}). @example const h: Hello = helloMessage('client'); */
export type Hello = z.infer<typeof helloSchema>;

/**
 * The link-level messages after the handshake, in both directions.
 *
 * @example
 * linkSchema.safeParse({ op: 'heartbeat' }).success; // true
 */
export const linkSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('welcome'), name: z.string() }),
  /** `rejoin`: this scheduler does not know the peer (it restarted, or dropped it): say hello again. */
  z.object({ op: z.literal('refused'), reason: z.string(), rejoin: z.boolean().optional() }),
  z.object({ op: z.literal('heartbeat') }),
  z.object({ op: z.literal('bye'), reason: z.string(), restart: z.boolean().optional() }),
]);

/** A link-level message (see {@link linkSchema}). @example const m: LinkMessage = { op: 'heartbeat' }; */
export type LinkMessage = z.infer<typeof linkSchema>;

const LINK_OPS = new Set(['welcome', 'refused', 'heartbeat', 'bye', 'dask-ts-hello']);

/**
 * True when `raw` claims to be a link-level message (it is then checked with {@link linkSchema}).
 *
 * @example
 * isLinkOp({ op: 'heartbeat' }); // true
 */
export function isLinkOp(raw: unknown): boolean {
  return (
    typeof raw === 'object' && raw !== null && LINK_OPS.has((raw as { op?: unknown }).op as string)
  );
}

/**
 * A peer's `hello`; `version` is this package's protocol version unless given (tests).
 *
 * @example
 * const hello = helloMessage('client', undefined, process.env.DASK_TS_TOKEN);
 */
export function helloMessage(
  role: PeerRole,
  name?: string,
  token?: string,
  version: number = PROTOCOL_VERSION,
  traits?: WorkerTraits,
  peer?: PeerAddress,
): Hello {
  return {
    op: 'dask-ts-hello',
    role,
    version,
    ...(name !== undefined ? { name } : {}),
    ...(token !== undefined ? { token } : {}),
    ...(traits !== undefined ? { group: traits.group } : {}),
    ...(traits?.resources !== undefined ? { resources: { ...traits.resources } } : {}),
    ...(peer !== undefined ? { peer } : {}),
  };
}

/**
 * Why the server refuses `raw` as a first message, or undefined when it is a valid `hello` with
 * the right version and token.
 *
 * @example
 * const why = refusal(raw, 'secret'); // 'the token does not match the scheduler's'
 */
export function refusal(raw: unknown, token: string | undefined): string | undefined {
  const parsed = helloSchema.safeParse(raw);
  if (!parsed.success) {
    const op = typeof raw === 'object' && raw !== null ? (raw as { op?: unknown }).op : undefined;
    return `the first message must be a dask-ts hello (role, version, token), got ${
      typeof op === 'string' ? `'${op}'` : 'something else'
    }: ${parsed.error.issues[0]?.message ?? 'malformed'}`;
  }
  const hello = parsed.data;
  if (hello.version !== PROTOCOL_VERSION) {
    return `the ${hello.role} speaks dask-ts protocol version ${hello.version}, but this scheduler speaks version ${PROTOCOL_VERSION}: install matching versions of @dask-ts/distributed on both sides`;
  }
  if (token !== undefined) {
    if (hello.token === undefined) {
      return 'this scheduler requires a token, and none was given (pass { token } or set DASK_TS_TOKEN)';
    }
    if (!sameToken(hello.token, token)) return "the token does not match the scheduler's";
  } else if (hello.token !== undefined) {
    return 'the peer sent a token, but this scheduler has none: start it with the same token';
  }
  return undefined;
}

/**
 * Compares tokens in constant time (their hashes, so lengths do not leak either).
 *
 * @example
 * sameToken(request.token, ownToken); // true when they are equal
 */
export function sameToken(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

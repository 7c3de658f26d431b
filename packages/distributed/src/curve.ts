// ZeroMQ CURVE encryption for a scheduler and its peers. The scheduler holds a key pair (make one
// with `curveKeyPair()`, keep the secret key secret) and every worker and client is given its
// public key (`curveServerKey`, or DASK_TS_CURVE_SERVER_KEY in the environment); each peer makes
// a throwaway key pair of its own per connection. Traffic is then encrypted and the scheduler is
// authenticated: a peer without the scheduler's public key, or with another one, never completes
// ZeroMQ's handshake, and its connect fails with a timeout that says the handshake failed. CURVE
// says nothing about who the peer is: the shared-secret token still decides who may join.
// Keys are Z85 text, 40 characters each.
import { curveKeyPair as zmqCurveKeyPair } from 'zeromq';

/**
 * A CURVE key pair, as Z85 text (40 characters each).
 *
 * @example
 * const keys: CurveKeyPair = curveKeyPair();
 */
export interface CurveKeyPair {
  readonly publicKey: string;
  readonly secretKey: string;
}

/**
 * A fresh CURVE key pair for a scheduler (`startScheduler({ curve })`); give its `publicKey` to
 * workers and clients (`curveServerKey`), and keep the `secretKey` to the scheduler.
 *
 * @example
 * const keys = curveKeyPair();
 * const server = await startScheduler({ curve: keys });
 * const node = await startWorker(server.address, { curveServerKey: keys.publicKey });
 */
export function curveKeyPair(): CurveKeyPair {
  const { publicKey, secretKey } = zmqCurveKeyPair();
  return { publicKey, secretKey };
}

const Z85 = /^[0-9a-zA-Z.\-:+=^!/*?&<>()[\]{}@%$#]{40}$/;

/**
 * Throws a TypeError naming `what` unless `key` is a Z85 CURVE key (40 characters).
 *
 * @example
 * checkCurveKey(keys.publicKey, 'curveServerKey');
 */
export function checkCurveKey(key: unknown, what: string): asserts key is string {
  if (typeof key !== 'string' || !Z85.test(key)) {
    throw new TypeError(
      `${what} must be a CURVE key in Z85 text (40 characters, as curveKeyPair() makes), got ${
        typeof key === 'string' ? `${key.length} characters` : String(key)
      }`,
    );
  }
}

/**
 * The scheduler's public key a peer uses: the option, or DASK_TS_CURVE_SERVER_KEY, or none.
 *
 * @example
 * const key = curveServerKeyOf(options.curveServerKey);
 */
export function curveServerKeyOf(option: string | undefined): string | undefined {
  const key = option ?? (process.env.DASK_TS_CURVE_SERVER_KEY || undefined);
  if (key !== undefined)
    checkCurveKey(key, option !== undefined ? 'curveServerKey' : 'DASK_TS_CURVE_SERVER_KEY');
  return key;
}

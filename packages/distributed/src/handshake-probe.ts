// Why ZeroMQ's own handshake with a scheduler fails (a missing or wrong CURVE key, a peer that is
// not ZeroMQ), asked only once a connect has timed out: a throwaway socket with the same CURVE
// setting connects, its observer watches for a handshake error for a short while, and the socket
// is closed first, so that the observer ends with it. The link's own socket is never observed:
// in zeromq 6.8, closing an observer on a socket that stays open breaks every later connection
// of the process once that socket loses its peer (a worker could never reach a restarted
// scheduler again).
import { randomBytes } from 'node:crypto';
import { Dealer } from 'zeromq';

const KINDS: Readonly<Record<string, string>> = {
  'handshake:error:protocol': 'a protocol error',
  'handshake:error:auth': 'refused',
  'handshake:error:other': 'the connection broke',
};

/**
 * The handshake failure a fresh connection to `address` meets within `ms` (e.g. `refused: ...`),
 * or undefined when none shows (then the scheduler is just not answering).
 *
 * @example
 * const why = await probeHandshake('tcp://10.0.0.1:8786', curve, 1000);
 */
export async function probeHandshake(
  address: string,
  curve: { curveServerKey: string; curvePublicKey: string; curveSecretKey: string } | undefined,
  ms: number,
): Promise<string | undefined> {
  const probe = new Dealer({
    linger: 0,
    routingId: randomBytes(12).toString('base64url'),
    ...curve,
  });
  let found: string | undefined;
  try {
    const observer = probe.events;
    const watching = (async () => {
      try {
        for (;;) {
          const event = await observer.receive();
          const kind = KINDS[event.type];
          if (kind === undefined) continue;
          const message = (event as { error?: { message?: string } }).error?.message;
          found = `${kind}${message !== undefined ? `: ${message}` : ''}`;
          return;
        }
      } catch {
        // The socket closed (the probe is over).
      }
    })();
    probe.connect(address);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([watching, new Promise((r) => (timer = setTimeout(r, ms)))]);
    clearTimeout(timer);
  } catch {
    // No observer could be made: nothing to say.
  } finally {
    probe.close();
  }
  return found;
}

// Connecting again after the scheduler was lost (it went silent, or answered as a scheduler that
// does not know this peer: it restarted). A worker keeps trying, each attempt bounded by the link's
// own connect timeout, with pauses growing from 100 ms to 2 s, until `withinMs` has passed since
// the loss; then it gives up with the last failure in the error. Dask's workers do the same
// (`death_timeout`). What the worker held is gone with the old scheduler's knowledge of it, so the
// caller starts a fresh thread on the new link.
import type { Link } from './link.js';

const FIRST_PAUSE_MS = 100;
const LONGEST_PAUSE_MS = 2000;

/**
 * A new link from `connect`, tried until one succeeds or `withinMs` has passed (then rejects,
 * naming how long it tried and why the last attempt failed); `stopped()` ends the attempts early.
 *
 * @example
 * const link = await connectWithin(() => connectLink(address, { role: 'worker', name }), 60_000, () => false);
 */
export async function connectWithin(
  connect: () => Promise<Link>,
  withinMs: number,
  stopped: () => boolean,
): Promise<Link> {
  const deadline = Date.now() + withinMs;
  let pause = FIRST_PAUSE_MS;
  let attempts = 0;
  for (;;) {
    if (stopped()) throw new Error('the worker is stopping');
    attempts++;
    let failure: Error;
    try {
      return await connect();
    } catch (err) {
      failure = err as Error;
    }
    const left = deadline - Date.now();
    if (left <= 0 || stopped()) {
      throw new Error(
        `could not reconnect within ${withinMs / 1000} s (${attempts} attempt${attempts === 1 ? '' : 's'}); the last: ${failure.message}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(pause, left)));
    pause = Math.min(2 * pause, LONGEST_PAUSE_MS);
  }
}

// The one way the synchronous task path gives up: it throws a `Suspend` carrying what must be
// awaited (a module being imported, an inline call's promise), and the async path awaits it and
// tries the task again. A `Suspend` is never an error a user sees.

/**
 * Thrown by the synchronous path when something must be awaited first.
 *
 * @example
 * throw new Suspend(entry.done);
 */
export class Suspend {
  constructor(readonly until: Promise<unknown>) {}
}

/**
 * Whether a value is a promise or another thenable.
 *
 * @example
 * isThenable(Promise.resolve(1)); // true
 */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

// Folders a process made for its work (a cluster's sockets, spilled results, shuffles through
// disk) must not outlive it. An 'exit'
// handler covers `close()` forgotten and `process.exit()`, but a signal's default action (Ctrl-C's
// SIGINT, `kill`'s SIGTERM, a closed terminal's SIGHUP) ends the process without running it. So
// while some cleanup is registered, this module listens for those signals. When one comes and
// nothing else listens for it (so its default action is what would happen: the process ends), it
// runs every cleanup, stops listening and raises the same signal again, and the process ends as
// it would have, by that signal. A program that listens for the signal itself decides what
// happens: nothing is removed then (it may go on working). Not on Windows, where
// signals are emulated.

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const cleanups = new Set<() => void>();

function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;
  for (const cleanup of [...cleanups]) {
    try {
      cleanup();
    } catch {
      // The process is ending: one failed removal must not keep the others from running.
    }
  }
  cleanups.clear();
  for (const s of SIGNALS) process.off(s, onSignal);
  process.kill(process.pid, signal);
}

/**
 * Runs `cleanup` (synchronous) if this process is ended by SIGINT, SIGTERM or SIGHUP that nothing
 * else handles; returns the function that unregisters it (call it once the cleanup ran or is
 * no longer needed).
 *
 * @example
 * const forget = cleanUpOnSignals(() => rmSync(dir, { recursive: true, force: true }));
 * // ... later, after removing dir yourself:
 * forget();
 */
export function cleanUpOnSignals(cleanup: () => void): () => void {
  const proc = (globalThis as { process?: NodeJS.Process }).process;
  if (proc === undefined || proc.platform === 'win32') return () => undefined;
  if (cleanups.size === 0) for (const s of SIGNALS) process.on(s, onSignal);
  cleanups.add(cleanup);
  return () => {
    if (!cleanups.delete(cleanup) || cleanups.size > 0) return;
    for (const s of SIGNALS) process.off(s, onSignal);
  };
}

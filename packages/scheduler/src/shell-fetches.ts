// Inputs that did not arrive. A worker's task may need a value another worker holds: the shell
// relays it (a `gather` from the holder, kept in the shell's gathers as a `fetch`), or the workers
// move it peer to peer. When the holder answers that it lacks a key, or is gone before it
// answers, the task is still sent (the outbox must move on) and its worker will report it erred
// for want of the input. So the core is told first, with one `missing-data` event per key: it
// drops the holder, takes the task back (its report is then stale) and places it again, fetching
// from another holder or after computing the key again (core/missing-data.ts).
import type { Gather, Member } from './cluster-records.js';
import type { CoreEvent } from './core/index.js';

/**
 * The `missing-data` events for `keys` that `holder` did not give `target`, logged once.
 *
 * @example
 * pending.push(...missingData(log, 'w-0', 'w-1', ['x']));
 */
export function missingData(
  log: (line: string) => void,
  holder: string,
  target: string,
  keys: readonly string[],
): CoreEvent[] {
  log(`${holder} does not hold ${keys.join(', ')} for ${target}: placed again`);
  return keys.map((key) => ({ type: 'missing-data', key, holder, worker: target }));
}

/**
 * Worker `name` is gone: the relays from or to it end (a probe learns nothing, a task waiting for
 * its inputs is sent on without them); returns the `missing-data` events of what it did not give.
 *
 * @example
 * const lost = endFetches(gathers, members, 'w-0', log);
 */
export function endFetches(
  gathers: Map<number, Gather>,
  members: ReadonlyMap<string, Member>,
  name: string,
  log: (line: string) => void,
): CoreEvent[] {
  const events: CoreEvent[] = [];
  for (const [id, g] of gathers) {
    if (g.worker !== name && !(g.kind === 'fetch' && g.target === name)) continue;
    gathers.delete(id);
    if (g.kind === 'probe') g.resolve([]);
    if (g.kind !== 'fetch' || g.target === name) continue;
    const target = members.get(g.target);
    if (target === undefined) continue;
    target.outbox.fetched(g.ticket, [], []);
    target.outbox.flush();
    events.push(...missingData(log, name, g.target, g.keys));
  }
  return events;
}

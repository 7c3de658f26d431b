// The scheduler shell's wire-to-core side: a raw message from a worker is validated once
// (checkFromWorker accepts what the zod schema does; a malformed one is logged and refused, never
// thrown), a worker is ready once its hello names this protocol version (another version fails
// every compute with a ProtocolError that says what to install), and each message of a ready
// worker becomes core events for the next round: `finished` (its values kept for the `deliver`
// that follows, sent-results.ts), `erred`, `stolen`, and the answers to the shell's gathers
// (results for a compute, inputs relayed to another worker, or a probe of what it holds). A worker
// that leaves is forgotten with what was in flight to or from it; a ready one's tasks are
// recomputed (`remove-worker`), costing a retry unless the shell stopped it on purpose.
import {
  PROTOCOL_VERSION,
  ProtocolError,
  checkFromWorker,
  type FromWorker,
  type SerializedError,
} from '@dask-ts/protocol';
import type { Member } from './cluster-records.js';
import { endFetches, missingData } from './shell-fetches.js';
import type { Departure } from './shell-options.js';
import type { ShellHost } from './shell-host.js';

/**
 * Handles raw message `raw` from worker `name` (see the file comment).
 *
 * @example
 * workerMessage(host, 'w-0', { op: 'hello', version: PROTOCOL_VERSION });
 */
export function workerMessage(host: ShellHost, name: string, raw: unknown): void {
  const member = host.members.get(name);
  if (member === undefined || host.closed()) return;
  let msg: FromWorker;
  try {
    msg = checkFromWorker(raw, name);
  } catch (err) {
    host.logLine(`refused a message: ${(err as Error).message}`);
    return;
  }
  if (msg.op === 'hello') {
    onHello(host, member, msg.version);
    return;
  }
  if (!member.ready) {
    host.logLine(`refused '${msg.op}' from ${name}, which has not said hello`);
    return;
  }
  switch (msg.op) {
    case 'finished': {
      const { keys, nbytes, ms, valueKeys, values } = msg;
      host.sent.finished(name, keys, valueKeys, values);
      host.push({
        type: 'finished-many',
        keys,
        worker: name,
        nbytes,
        ...(ms !== undefined ? { ms } : {}),
      });
      host.countDone(keys);
      break;
    }
    case 'erred':
      host.push({
        type: 'erred',
        key: msg.key,
        worker: name,
        error: msg.error as SerializedError,
      });
      break;
    case 'gathered':
      onGathered(host, name, msg);
      break;
    case 'stolen':
      host.push({ type: 'stolen', worker: name, keys: msg.keys });
      break;
  }
  host.schedule();
}

function onHello(host: ShellHost, member: Member, version: number): void {
  const name = member.endpoint.name;
  if (version !== PROTOCOL_VERSION) {
    const err = new ProtocolError(
      `Worker ${name} speaks protocol version ${version}, but this scheduler speaks version ${PROTOCOL_VERSION}: install matching versions of @dask-ts/scheduler and @dask-ts/worker`,
    );
    host.logLine(`refused worker ${name}: ${err.message}`);
    member.refused = true;
    host.fail(err);
    void member.endpoint.close().catch(() => undefined);
    return;
  }
  if (member.ready) return;
  member.ready = true;
  const { group, resources } = member.endpoint;
  host.emit({ type: 'add-worker', worker: name, slots: 1, group, resources });
}

function onGathered(
  host: ShellHost,
  from: string,
  msg: Extract<FromWorker, { op: 'gathered' }>,
): void {
  const g = host.gathers.get(msg.id);
  if (g === undefined || g.worker !== from) {
    host.logLine(`ignored 'gathered' ${msg.id} from ${from}, which nothing asked for`);
    return;
  }
  host.gathers.delete(msg.id);
  if (g.kind === 'probe') {
    g.resolve([...msg.keys]);
    return;
  }
  if (g.kind === 'fetch') {
    if (msg.missing.length > 0)
      host.push(...missingData(host.logLine, from, g.target, msg.missing));
    const target = host.members.get(g.target);
    if (target === undefined) return;
    target.outbox.fetched(g.ticket, msg.keys, msg.values);
    target.outbox.flush();
    return;
  }
  const c = host.computes.get(g.compute);
  // What the holder lacks is delivered again once in memory (another holder, or recomputed).
  for (const key of msg.missing) {
    host.logLine(`${from} no longer holds ${key}, which compute ${g.compute} wanted`);
    host.push({ type: 'missing-data', key, holder: from, compute: g.compute });
  }
  if (c !== undefined) host.receive(c, msg.keys, msg.values);
  // The core is told either way, so it stops holding what it delivered.
  if (msg.keys.length > 0) host.push({ type: 'delivered', id: g.compute, keys: msg.keys });
}

/**
 * Worker `name` is gone (`why` says how): it is forgotten, and a ready worker's tasks are
 * recomputed; returns how it left.
 *
 * @example
 * const how = workerLeft(host, 'w-0', 'exit code 1'); // 'ready'
 */
export function workerLeft(host: ShellHost, name: string, why: string): Departure {
  const member = host.members.get(name);
  if (member === undefined || host.closed()) return 'unknown';
  host.members.delete(name);
  member.outbox.clear();
  host.sent.dropWorker(name);
  // Fetches from the dead worker will never be answered: let the waiting computes go on.
  const missing = endFetches(host.gathers, host.members, name, host.logLine);
  if (member.refused) return 'refused';
  if (!member.ready) return 'starting';
  const stopped = member.stopping !== undefined;
  const reason = member.stopping ?? why;
  host.logLine(`${reason}; its tasks will be recomputed`);
  host.emit({ type: 'remove-worker', worker: name, reason, stopped });
  host.push(...missing);
  return 'ready';
}

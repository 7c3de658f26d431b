// The scheduler shell's core-to-wire side: each command of a core round becomes messages to its
// workers or settles computes and held keys (`applyCommand`); a `deliver` is carried out from the
// values its worker sent with `finished` when it sent them all, else gathered. Inputs a task needs
// from another worker are relayed through the shell when its owner cannot move them peer to peer.
// A command that throws fails only the computes it concerns (`commandFailed`); the rest go on.
import { ComputeAbortedError, TaskError, taskFailure } from '@dask-ts/protocol';
import type { Member } from './cluster-records.js';
import type { CoreCommand } from './core/index.js';
import type { ComputeTicket } from './outbox.js';
import { sendCompute } from './send-compute.js';
import type { TransferredValues } from './shell-options.js';
import { missingData } from './shell-fetches.js';
import type { ShellHost } from './shell-host.js';

/**
 * Carries out core command `cmd` (see the file comment).
 *
 * @example
 * for (const cmd of core.handle(events)) applyCommand(host, cmd);
 */
export function applyCommand(host: ShellHost, cmd: CoreCommand): void {
  switch (cmd.type) {
    case 'compute':
      sendCompute(host.sendHost, cmd);
      return;
    case 'steal':
      // Sent at once: it is about tasks sent before (the worker answers `stolen` at once).
      host.members.get(cmd.worker)?.endpoint.send({ op: 'steal', keys: [...cmd.keys] });
      return;
    case 'release':
      host.sent.drop(cmd.keys, cmd.worker);
      host.members.get(cmd.worker)?.outbox.release(cmd.keys);
      return;
    case 'deliver': {
      const m = host.members.get(cmd.worker);
      if (m === undefined) return;
      if (deliverSent(host, cmd, m)) return;
      // Gathered instead: values sent for these keys before are not used (nor kept).
      host.sent.drop(cmd.keys);
      const id = host.gatherId();
      host.gathers.set(id, { kind: 'deliver', compute: cmd.id, worker: cmd.worker });
      m.endpoint.send({ op: 'gather', id, keys: [...cmd.keys], release: cmd.release });
      return;
    }
    case 'held':
      host.batches.get(cmd.id)?.byKey.get(cmd.key)?.settle(undefined);
      return;
    case 'key-failed': {
      const h = host.batches.get(cmd.id)?.byKey.get(cmd.key);
      if (h === undefined) return;
      h.settle(
        cmd.lost
          ? new TaskError(
              cmd.origin,
              { name: 'WorkerLostError', message: cmd.error.message },
              cmd.story,
            )
          : taskFailure(cmd.origin, cmd.error, cmd.story),
      );
      return;
    }
    case 'done': {
      const c = host.computes.get(cmd.id);
      host.computes.delete(cmd.id);
      if (c === undefined || c.settled) return;
      c.done = c.counted.size;
      const values = c.keys.map((k) => c.results.get(k));
      host.settle(c, undefined, values);
      return;
    }
    case 'failed':
      finishWith(host, cmd.id, taskFailure(cmd.key, cmd.error, cmd.story));
      return;
    case 'refused':
      finishWith(host, cmd.id, cmd.error);
      return;
    case 'cancelled':
      finishWith(host, cmd.id, new ComputeAbortedError(cmd.reason));
      return;
    case 'lost': {
      // The core's error says how often, why the worker died and what it was running.
      const s = host.core().state(cmd.key);
      const message =
        s?.state === 'erred'
          ? s.error.message
          : `Task ${cmd.key} was lost with its worker too many times`;
      finishWith(
        host,
        cmd.id,
        new TaskError(cmd.key, { name: 'WorkerLostError', message }, cmd.story),
      );
      return;
    }
  }
}

/**
 * Command `cmd` threw: the computes it concerns fail with the error (and are cancelled in the
 * core); the rest go on.
 *
 * @example
 * try { applyCommand(host, cmd); } catch (err) { commandFailed(host, cmd, err); }
 */
export function commandFailed(host: ShellHost, cmd: CoreCommand, err: unknown): void {
  host.logLine(
    `could not carry out '${cmd.type}': ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
  );
  const ids =
    'id' in cmd
      ? [cmd.id]
      : cmd.type === 'compute'
        ? [...host.computes.values()]
            .filter((c) => cmd.keys.some((k) => c.graph.has(k)))
            .map((c) => c.id)
        : [];
  for (const id of ids) {
    const c = host.computes.get(id);
    if (c === undefined) continue;
    host.settle(c, err);
    host.emit({ type: 'cancel', id, reason: `'${cmd.type}' failed` });
  }
}

/**
 * Asks worker `from` for `keys` and relays them to `target`'s compute `ticket`; false when `from`
 * is gone.
 *
 * @example
 * if (!relayInputs(host, 'w-0', 'w-1', ticket, ['x'])) recompute();
 */
export function relayInputs(
  host: ShellHost,
  from: string,
  target: string,
  ticket: ComputeTicket,
  keys: readonly string[],
): boolean {
  const holder = host.members.get(from);
  if (holder === undefined) return false;
  const id = host.gatherId();
  host.gathers.set(id, { kind: 'fetch', worker: from, target, ticket, keys });
  holder.endpoint.send({ op: 'gather', id, keys: [...keys], release: false });
  return true;
}

/**
 * A peer-to-peer transfer of `keys` from `from` to `target` ended: the values it moved go before
 * the task, or, when some were not moved, all are relayed (or, with `from` gone, reported missing).
 *
 * @example
 * afterTransfer(host, 'w-0', 'w-1', ticket, ['x'], [], { keys: ['x'], values: [standIn] });
 */
export function afterTransfer(
  host: ShellHost,
  from: string,
  target: string,
  ticket: ComputeTicket,
  keys: readonly string[],
  unmoved: readonly string[],
  moved: TransferredValues,
): void {
  const m = host.members.get(target);
  if (m === undefined || host.closed()) return;
  if (unmoved.length > 0 && relayInputs(host, from, target, ticket, keys)) return;
  if (unmoved.length > 0) host.push(...missingData(host.logLine, from, target, unmoved));
  m.outbox.fetched(ticket, moved.keys, moved.values);
  m.outbox.flush();
}

/**
 * Carries out a `deliver` with the values its worker sent with `finished`, when it sent them
 * all; returns false (nothing done) otherwise.
 */
function deliverSent(
  host: ShellHost,
  cmd: Extract<CoreCommand, { type: 'deliver' }>,
  m: Member,
): boolean {
  const values = host.sent.take(cmd.worker, cmd.keys);
  if (values === undefined) return false;
  if (cmd.release) m.outbox.release(cmd.keys);
  const c = host.computes.get(cmd.id);
  if (c !== undefined) host.receive(c, cmd.keys, values);
  host.push({ type: 'delivered', id: cmd.id, keys: cmd.keys });
  return true;
}

function finishWith(host: ShellHost, id: string, err: unknown): void {
  const c = host.computes.get(id);
  host.computes.delete(id);
  if (c !== undefined) host.settle(c, err);
}

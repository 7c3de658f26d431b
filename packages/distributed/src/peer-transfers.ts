// The scheduler's side of peer-to-peer transfers. When a task's worker needs an input held by
// another worker and both announced a peer server in their hello, the scheduler does not relay
// the bytes: it tells the worker that needs them where they are (`peer-fetch`) and waits for its
// report (`peer-fetched`); the shell then queues stand-ins for the fetched values before the task
// (the worker's node swaps the values in), so they reach the worker in order with the rest. What was not moved
// (the holder did not have it, refused, could not be reached or did not answer in time) is handed
// back to the shell, which relays the transfer's keys through the scheduler instead: a holder the fetcher cannot
// reach but the scheduler can still serves it, and a dead holder is dropped by its heartbeat (its
// results recomputed by the core, the waiting task taken back). A worker that leaves while a
// transfer from or to it is under way ends that transfer at once the same way: nothing waits on a
// worker that is gone. Workers without a peer server (in-process ones, or started with
// `listen: false`) are always relayed.
import type { PeerAddress } from './handshake.js';
import type { TransferredValues } from '@dask-ts/scheduler';
import { firstIssue, peerFetchedSchema, peerValue, type PeerFetch } from './peer-wire.js';

/**
 * Counters of peer-to-peer transfers (part of the scheduler server's stats).
 *
 * @example
 * server.stats.peerBytes; // bytes workers fetched from each other
 */
export interface TransferStats {
  /**
   * Bytes workers sent through the scheduler in answers to its gathers (inputs relayed to
   * another worker, results for clients); what workers fetch from each other is in `peerBytes`.
   */
  relayedBytes: number;
  /** Transfers workers reported as done (some values moved). */
  peerTransfers: number;
  /** Binary bytes workers fetched from each other (as they reported). */
  peerBytes: number;
  /** Transfers that moved nothing or not everything (the rest was relayed). */
  peerFailures: number;
}

/** Counters at zero. @example const stats = { ...noTransfers() }; */
export function noTransfers(): TransferStats {
  return { relayedBytes: 0, peerTransfers: 0, peerBytes: 0, peerFailures: 0 };
}

/** A copy of the transfer counters of `stats`. @example status.transfers = transferCounts(stats); */
export function transferCounts(stats: TransferStats): TransferStats {
  const { relayedBytes, peerTransfers, peerBytes, peerFailures } = stats;
  return { relayedBytes, peerTransfers, peerBytes, peerFailures };
}

interface Transfer {
  readonly from: string;
  readonly to: string;
  readonly keys: readonly string[];
  readonly done: (unmoved: readonly string[], moved: TransferredValues) => void;
}

const NOTHING: TransferredValues = { keys: [], values: [] };

/**
 * The scheduler's record of transfers under way (see the file comment).
 *
 * @example
 * const transfers = new PeerTransfers(send, log, stats);
 * transfers.addWorker('w-a', { address: 'tcp://10.0.0.2:40123' });
 */
export class PeerTransfers {
  private readonly peers = new Map<string, PeerAddress>();
  private readonly running = new Map<number, Transfer>();
  private nextId = 0;

  constructor(
    private readonly send: (worker: string, message: PeerFetch) => void,
    private readonly log: (line: string) => void,
    private readonly stats: TransferStats,
  ) {}

  /** Worker `name` serves its values at `peer`. @example transfers.addWorker('w-a', peer); */
  addWorker(name: string, peer: PeerAddress): void {
    this.peers.set(name, peer);
  }

  /**
   * Starts moving `keys` from `from` to `to`; false when either has no peer server (the shell
   * relays them). `done` is called once, with the keys not moved.
   *
   * @example
   * transfers.start('w-a', 'w-b', ['x'], (unmoved) => relay(unmoved));
   */
  start(
    from: string,
    to: string,
    keys: readonly string[],
    done: (unmoved: readonly string[], moved: TransferredValues) => void,
  ): boolean {
    const holder = this.peers.get(from);
    if (holder === undefined || !this.peers.has(to)) return false;
    const id = ++this.nextId;
    this.running.set(id, { from, to, keys, done });
    this.send(to, {
      op: 'peer-fetch',
      id,
      holder: from,
      address: holder.address,
      ...(holder.curveKey !== undefined ? { curveKey: holder.curveKey } : {}),
      keys: [...keys],
    });
    return true;
  }

  /**
   * Worker `worker`'s `peer-fetched` report (unchecked): ends its transfer.
   *
   * @example
   * transfers.fetched('w-b', raw);
   */
  fetched(worker: string, raw: unknown): void {
    const parsed = peerFetchedSchema.safeParse(raw);
    if (!parsed.success) {
      this.log(
        `dask-ts scheduler: dropped a peer-fetched from ${worker}: ${firstIssue(parsed.error)}`,
      );
      return;
    }
    const msg = parsed.data;
    const t = this.running.get(msg.id);
    if (t === undefined || t.to !== worker) return;
    this.running.delete(msg.id);
    const moved = new Set(msg.keys);
    const unmoved = t.keys.filter((k) => !moved.has(k));
    if (msg.keys.length > 0) {
      this.stats.peerTransfers++;
      this.stats.peerBytes += msg.nbytes;
    }
    if (unmoved.length > 0) {
      this.stats.peerFailures++;
      this.log(
        `dask-ts scheduler: ${worker} could not fetch ${unmoved.join(', ')} from ${t.from} (${
          msg.error ?? 'not held there'
        }); relaying them`,
      );
    }
    // Stand-ins, which the worker's node swaps for the values it keeps (peer-node.ts).
    t.done(unmoved, { keys: msg.keys, values: msg.keys.map((_, i) => peerValue(msg.id, i)) });
  }

  /**
   * Worker `name` left: transfers from or to it end now (their keys unmoved).
   *
   * @example
   * transfers.workerGone('w-a');
   */
  workerGone(name: string): void {
    this.peers.delete(name);
    for (const [id, t] of [...this.running]) {
      if (t.from !== name && t.to !== name) continue;
      this.running.delete(id);
      this.stats.peerFailures++;
      t.done(t.keys, NOTHING);
    }
  }
}

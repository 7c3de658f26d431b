// The wire messages between a scheduler and its workers, as plain types, with the protocol's
// version and the packing of task batches. No zod here: a worker loads this (and wire-check.ts,
// which validates what it receives) at start-up, where importing zod would cost tens of
// milliseconds. The zod schemas in messages.ts describe the same messages; a test keeps the two
// in step (wire.test.ts).
import { ProtocolError } from './errors.js';
import type { PortableFunctionRef } from './functions.js';
import { allRefs } from './arg-node.js';
import { collectDeps } from './task.js';

/**
 * The version of the wire protocol; a worker of another version is refused at `hello`.
 *
 * @example
 * if (hello.version !== PROTOCOL_VERSION) throw new Error('version mismatch');
 */
export const PROTOCOL_VERSION = 4;

/**
 * A packed batch of tasks, as it travels: each distinct function reference once (`fns`), and for
 * the common task whose arguments are all references (`argCount[i] >= 0`), just the referenced
 * keys (`argKeys`, flattened). Other tasks (`argCount[i] === -1`) carry their arguments in `args`.
 * `want` (optional) lists the positions in `keys` of tasks a compute wants: the worker sends their
 * values with its `finished` report (and keeps them until told to `release`), which saves a
 * `gather` round trip.
 *
 * @example
 * const m: ComputeMessage = packCompute(tasks);
 */
export interface ComputeMessage {
  op: 'compute';
  fns: PortableFunctionRef[];
  keys: string[];
  fnIndex: number[];
  argCount: number[];
  argKeys: string[];
  args: unknown[][];
  want?: number[] | undefined;
}

/**
 * One message to a worker, other than `batch`.
 *
 * @example
 * const m: ToWorkerSingle = { op: 'release', keys: ['x'] };
 */
export type ToWorkerSingle =
  | ComputeMessage
  | { op: 'put'; keys: string[]; values: unknown[] }
  | { op: 'release'; keys: string[] }
  | { op: 'gather'; id: number; keys: string[]; release: boolean }
  /** Give back these queued tasks if not started yet (work stealing); answered by `stolen`. */
  | { op: 'steal'; keys: string[] }
  | { op: 'close' };

/** A message to a worker (see `toWorkerSchema`). @example const m: ToWorker = { op: 'close' }; */
export type ToWorker = ToWorkerSingle | { op: 'batch'; messages: ToWorkerSingle[] };

/** A message from a worker (see `fromWorkerSchema`). @example const m: FromWorker = { op: 'finished', keys: ['x'], nbytes: [8] }; */
export type FromWorker =
  | { op: 'hello'; worker: string; version: number; pid: number }
  | {
      op: 'finished';
      keys: string[];
      nbytes: number[];
      ms?: number | undefined;
      /** Wanted keys among `keys` whose values (codec payloads) come along in `values`. */
      valueKeys?: string[] | undefined;
      values?: unknown[] | undefined;
    }
  | {
      op: 'erred';
      key: string;
      error: { name: string; message: string; stack?: string | undefined; cause?: unknown };
    }
  | { op: 'gathered'; id: number; keys: string[]; values: unknown[]; missing: string[] }
  /** The answer to `steal`: the keys given back (never run, never reported here). */
  | { op: 'stolen'; keys: string[] };

/** A task as a worker runs it. @example const t: WireTask = { key: 'x', fn, args: [], deps: [] }; */
export interface WireTask {
  key: string;
  fn: PortableFunctionRef;
  args: unknown[];
  deps: string[];
}

/**
 * Packs a batch of tasks into a {@link ComputeMessage}.
 *
 * @example
 * port.postMessage(packCompute(tasks));
 */
export function packCompute(tasks: readonly WireTask[]): ComputeMessage {
  const fns: PortableFunctionRef[] = [];
  const fnIds = new Map<PortableFunctionRef, number>();
  const n = tasks.length;
  const keys = new Array<string>(n);
  const fnIndex = new Array<number>(n);
  const argCount = new Array<number>(n);
  const argKeys: string[] = [];
  const args: unknown[][] = [];
  for (let i = 0; i < n; i++) {
    const t = tasks[i];
    keys[i] = t.key;
    let id = fnIds.get(t.fn);
    if (id === undefined) {
      id = fns.length;
      fns.push(t.fn);
      fnIds.set(t.fn, id);
    }
    fnIndex[i] = id;
    const a = t.args;
    if (allRefs(a)) {
      argCount[i] = a.length;
      for (let j = 0; j < a.length; j++) argKeys.push(a[j].$ref);
    } else {
      argCount[i] = -1;
      args.push(a);
    }
  }
  return { op: 'compute', fns, keys, fnIndex, argCount, argKeys, args };
}

/**
 * Unpacks a {@link ComputeMessage} into tasks; an inconsistent message (lengths that do not
 * match, an unknown function index) is refused with a {@link ProtocolError} naming the field.
 *
 * @example
 * for (const t of unpackCompute(message, 'scheduler')) run(t);
 */
export function unpackCompute(msg: ComputeMessage, from = 'scheduler'): WireTask[] {
  const n = msg.keys.length;
  if (msg.fnIndex.length !== n || msg.argCount.length !== n) {
    throwProtocol(
      `Malformed compute message from ${from}: ${n} keys but ${msg.fnIndex.length} fnIndex and ${msg.argCount.length} argCount entries`,
    );
  }
  const out = new Array<WireTask>(n);
  let k = 0;
  let g = 0;
  for (let i = 0; i < n; i++) {
    const fn = msg.fns[msg.fnIndex[i]];
    if (fn === undefined)
      throwProtocol(
        `Malformed compute message from ${from}: task '${msg.keys[i]}' has fnIndex ${msg.fnIndex[i]}, but only ${msg.fns.length} fns were sent`,
      );
    const c = msg.argCount[i];
    if (c >= 0) {
      if (k + c > msg.argKeys.length)
        throwProtocol(
          `Malformed compute message from ${from}: argKeys too short at task '${msg.keys[i]}'`,
        );
      const args = new Array<unknown>(c);
      const deps: string[] = [];
      // Distinct keys in order: a scan of a few, a Set for many (a wide fan-in stays linear).
      const seen = c > 8 ? new Set<string>() : undefined;
      for (let j = 0; j < c; j++) {
        const key = msg.argKeys[k++];
        args[j] = { $ref: key };
        if (seen === undefined ? !deps.includes(key) : !seen.has(key)) {
          seen?.add(key);
          deps.push(key);
        }
      }
      out[i] = { key: msg.keys[i], fn, args, deps };
    } else {
      const args = msg.args[g++];
      if (args === undefined)
        throwProtocol(
          `Malformed compute message from ${from}: args too short at task '${msg.keys[i]}'`,
        );
      const deps = new Set<string>();
      collectDeps(args, deps);
      out[i] = { key: msg.keys[i], fn, args, deps: [...deps] };
    }
  }
  return out;
}

/**
 * Throws a {@link ProtocolError} with `message`.
 *
 * @example
 * if (bad) throwProtocol('Malformed message from worker-1: keys: expected an array');
 */
export function throwProtocol(message: string): never {
  throw new ProtocolError(message);
}

// The shell's `transfer` hook, with two in-process workers (the worker runtime's WorkerState
// behind fake endpoints): an input on the other worker is moved by the hook, not gathered by the
// shell, and the values the hook reports are put before the task; a hook that cannot move some
// keys has the shell relay them all; without the hook (or when it declines) the shell relays.
import { describe, expect, it } from '@jest/globals';
import { PROTOCOL_VERSION, ref, registerBuiltin, task, type ToWorker } from '@dask-ts/protocol';
import { WorkerState } from '@dask-ts/worker';
import { SchedulerShell } from './shell.js';
import type { ShellOptions } from './shell-options.js';

const fill = registerBuiltin('shell-transfer-test.fill', (n: unknown, v: unknown) =>
  new Float64Array(n as number).fill(v as number),
);
const total = registerBuiltin('shell-transfer-test.total', (...arrays: unknown[]) => {
  let s = 0;
  for (const a of arrays as Float64Array[]) for (let i = 0; i < a.length; i++) s += a[i];
  return s;
});

type Mode = 'move' | 'fail' | 'decline';

/** A shell with workers w0 and w1, and what it sent them. */
function cluster(mode: Mode | undefined) {
  const states = new Map<string, WorkerState>();
  const sent: { to: string; msg: ToWorker }[] = [];
  const transfers: string[][] = [];
  const transfer: ShellOptions['transfer'] = (from, to, keys, done) => {
    transfers.push([from, to, ...keys]);
    if (mode === 'decline') return false;
    setImmediate(() => {
      void states
        .get(from)!
        .handleAll({ op: 'gather', id: -1, keys: [...keys], release: false })
        .then(([g]) => {
          const m = g.message as { keys: string[]; values: unknown[] };
          if (mode === 'fail') done(keys, { keys: [], values: [] });
          else done([], { keys: m.keys, values: m.values });
        });
    });
    return true;
  };
  const shell = new SchedulerShell({
    name: 'transfer-test',
    log: () => undefined,
    ...(mode !== undefined ? { transfer } : {}),
  });
  ['w0', 'w1'].forEach((name, i) => {
    const state = new WorkerState();
    states.set(name, state);
    shell.connect({
      name,
      id: i + 1,
      send: (msg) => {
        sent.push({ to: name, msg });
        setImmediate(() => {
          void state.handleAll(msg).then((out) => {
            for (const o of out) shell.message(name, o.message);
          });
        });
      },
      ref: () => undefined,
      unref: () => undefined,
      close: () => Promise.resolve(),
    });
    shell.message(name, { op: 'hello', worker: name, version: PROTOCOL_VERSION, pid: 1 });
  });
  const gathers = () =>
    sent.filter(
      ({ msg }) =>
        msg.op === 'gather' || (msg.op === 'batch' && msg.messages.some((m) => m.op === 'gather')),
    ).length;
  return { shell, transfers, gathers };
}

const graph = new Map([
  ['a', task(fill, [1000, 1])],
  ['b', task(fill, [1000, 2])],
  ['c', task(total, [ref('a'), ref('b')])],
]);

describe('the shell with a transfer hook', () => {
  it('lets the hook move an input, and puts what it moved before the task', async () => {
    const { shell, transfers, gathers } = cluster('move');
    try {
      await new Promise((r) => setImmediate(r));
      expect(await shell.get(graph, ['c'])).toEqual([3000]);
      expect(transfers).toHaveLength(1);
      expect(gathers()).toBe(0);
    } finally {
      await shell.close();
    }
  }, 30_000);

  it('relays the keys a transfer did not move', async () => {
    const { shell, transfers, gathers } = cluster('fail');
    try {
      await new Promise((r) => setImmediate(r));
      expect(await shell.get(graph, ['c'])).toEqual([3000]);
      expect(transfers).toHaveLength(1);
      expect(gathers()).toBe(1);
    } finally {
      await shell.close();
    }
  }, 30_000);

  it('relays when the hook declines, or without one', async () => {
    for (const mode of ['decline', undefined] as const) {
      const { shell, transfers, gathers } = cluster(mode);
      try {
        await new Promise((r) => setImmediate(r));
        expect(await shell.get(graph, ['c'])).toEqual([3000]);
        expect(transfers).toHaveLength(mode === undefined ? 0 : 1);
        expect(gathers()).toBe(1);
      } finally {
        await shell.close();
      }
    }
  }, 30_000);
});

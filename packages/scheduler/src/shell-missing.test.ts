// A holder that no longer has an input (shell-fetches.ts, core/missing-data.ts), with two
// in-process workers (the worker runtime's WorkerState behind fake endpoints): the holder drops
// the value just before the shell relays it (a test seam standing for a restarted or emptied
// worker), so its answer says the key is missing. The core is told, computes the key again and
// places the dependent again: the compute still gets the right value. The same happens when a
// peer-to-peer transfer fails because its holder is gone, and when a held result is fetched (a
// client's future) from a holder that lost it.
import { describe, expect, it } from '@jest/globals';
import { PROTOCOL_VERSION, ref, registerBuiltin, task, type ToWorker } from '@dask-ts/protocol';
import { WorkerState } from '@dask-ts/worker';
import { SchedulerShell } from './shell.js';
import type { ShellOptions } from './shell-options.js';

const fill = registerBuiltin('shell-missing-test.fill', (n: unknown, v: unknown) =>
  new Float64Array(n as number).fill(v as number),
);
const total = registerBuiltin('shell-missing-test.total', (...arrays: unknown[]) => {
  let s = 0;
  for (const a of arrays as Float64Array[]) for (let i = 0; i < a.length; i++) s += a[i];
  return s;
});

const graph = new Map([
  ['a', task(fill, [1000, 1])],
  ['b', task(fill, [1000, 2])],
  ['c', task(total, [ref('a'), ref('b')])],
]);

/** The gathers in `msg` (alone or in a batch). */
function gathers(msg: ToWorker): Extract<ToWorker, { op: 'gather' }>[] {
  if (msg.op === 'gather') return [msg];
  if (msg.op === 'batch') return msg.messages.flatMap(gathers);
  return [];
}

/**
 * A shell with workers w0 and w1 whose first relayed input is dropped by its holder first (with
 * `armed` false: the first value gathered after `arm()`).
 */
function cluster(transfer?: ShellOptions['transfer'], armed = true) {
  const logs: string[] = [];
  const computed: string[] = [];
  let dropped = false;
  const shell = new SchedulerShell({
    name: 'missing-test',
    log: (line) => logs.push(line),
    ...(transfer !== undefined ? { transfer } : {}),
  });
  ['w0', 'w1'].forEach((name, i) => {
    const state = new WorkerState();
    shell.connect({
      name,
      id: i + 1,
      send: (msg) => {
        if (msg.op === 'compute' || msg.op === 'batch')
          computed.push(...(JSON.stringify(msg).match(/"[abc]"/g) ?? []));
        setImmediate(() => {
          void (async () => {
            const relayed = gathers(msg).filter((g) => g.id > 0 && !g.release);
            if (armed && !dropped && relayed.length > 0) {
              // The seam: the holder loses the value before it answers.
              dropped = true;
              await state.handleAll({ op: 'release', keys: relayed[0].keys });
            }
            for (const o of await state.handleAll(msg)) shell.message(name, o.message);
          })();
        });
      },
      ref: () => undefined,
      unref: () => undefined,
      close: () => Promise.resolve(),
    });
    shell.message(name, { op: 'hello', worker: name, version: PROTOCOL_VERSION, pid: 1 });
  });
  return {
    shell,
    logs,
    dropped: () => dropped,
    arm: () => {
      armed = true;
    },
  };
}

describe('the shell when a holder no longer has an input', () => {
  it('computes the input again and still gets the right value', async () => {
    const { shell, logs, dropped } = cluster();
    try {
      await new Promise((r) => setImmediate(r));
      expect(await shell.get(graph, ['c'])).toEqual([3000]);
      expect(dropped()).toBe(true);
      expect(logs.join('\n')).toMatch(/does not hold [ab] for w[01]: placed again/);
      const lost = /does not hold ([ab])/.exec(logs.join('\n'))![1];
      expect(shell.story(lost)).toContainEqual(
        expect.stringMatching(/memory -> released: w[01] does not hold/),
      );
    } finally {
      await shell.close();
    }
  }, 30_000);

  it('computes a held result again when its holder lost it before a fetch (a client fetch)', async () => {
    const { shell, logs, dropped, arm } = cluster(undefined, false);
    try {
      await new Promise((r) => setImmediate(r));
      const [held] = shell.hold(graph, ['c']);
      await held.ready;
      arm();
      // A later fetch of the held value: gathered from its holder, which lost it meanwhile.
      expect(await shell.get(new Map(), ['c'])).toEqual([3000]);
      expect(dropped()).toBe(true);
      expect(logs.join('\n')).toMatch(/w[01] no longer holds c, which compute \S+ wanted/);
      expect(shell.story('c')).toContainEqual(
        expect.stringMatching(
          /memory -> released: w[01] does not hold c, which \S+ was to be delivered/,
        ),
      );
    } finally {
      await shell.close();
    }
  }, 30_000);

  it('does the same after a peer-to-peer transfer that moved nothing (the holder lacks it)', async () => {
    const transfers: string[] = [];
    const transfer: ShellOptions['transfer'] = (from, _to, keys, done) => {
      transfers.push(from);
      setImmediate(() => done(keys, { keys: [], values: [] }));
      return true;
    };
    const { shell, dropped } = cluster(transfer);
    try {
      await new Promise((r) => setImmediate(r));
      expect(await shell.get(graph, ['c'])).toEqual([3000]);
      expect(dropped()).toBe(true);
      expect(transfers.length).toBeGreaterThanOrEqual(1);
    } finally {
      await shell.close();
    }
  }, 30_000);
});

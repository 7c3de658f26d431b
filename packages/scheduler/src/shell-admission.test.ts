// Root admission through a shell (core/admission.ts), with two in-process workers (the worker
// runtime's WorkerState behind fake endpoints): heavy roots (1 MiB each) are held back and handed
// out as places free, and the compute still ends with the right value and nothing waiting; a bad
// `rootSaturation` is refused when the shell is made, naming the option.
import { describe, expect, it } from '@jest/globals';
import { PROTOCOL_VERSION, ref, registerBuiltin, task, type GraphNode } from '@dask-ts/protocol';
import { WorkerState } from '@dask-ts/worker';
import { SchedulerShell } from './shell.js';

const fill = registerBuiltin('shell-admission-test.fill', (n: unknown, v: unknown) =>
  new Float64Array(n as number).fill(v as number),
);
const add = registerBuiltin('shell-admission-test.add', (a: unknown, b: unknown) => {
  const x = a as Float64Array;
  const y = b as Float64Array;
  return x.map((v, i) => v + y[i]);
});

/** A pairwise sum over `n` arrays of 1 MiB (values 0..n-1); its top is `s-top`. */
function graph(n: number): Map<string, GraphNode> {
  const g = new Map<string, GraphNode>();
  let level = Array.from({ length: n }, (_, i) => {
    g.set(`leaf-${i}`, task(fill, [1 << 17, i]));
    return `leaf-${i}`;
  });
  let k = 0;
  while (level.length > 1) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 2) {
      if (i + 1 === level.length) {
        next.push(level[i]);
        continue;
      }
      const key = level.length === 2 ? 's-top' : `s-${k++}`;
      g.set(key, task(add, [ref(level[i]), ref(level[i + 1])]));
      next.push(key);
    }
    level = next;
  }
  return g;
}

describe('a shell holding back heavy roots', () => {
  it('hands them out as places free and gets the right sum', async () => {
    const shell = new SchedulerShell({ name: 'admission-test', log: () => undefined });
    let most = 0;
    ['w0', 'w1'].forEach((name, i) => {
      const state = new WorkerState();
      shell.connect({
        name,
        id: i + 1,
        send: (msg) => {
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
    try {
      await new Promise((r) => setImmediate(r));
      // A first compute teaches the shell's core that these roots are 1 MiB each.
      expect(await shell.get(new Map([['one', task(fill, [1 << 17, 1])]]), ['one'])).toHaveLength(
        1,
      );
      const n = 40;
      const [top] = (await shell.get(graph(n), ['s-top'], {
        onProgress: () => {
          most = Math.max(most, shell.waits().admission);
        },
      })) as [Float64Array];
      expect(top[0]).toBe((n * (n - 1)) / 2);
      // Some roots waited for admission on the way.
      expect(most).toBeGreaterThan(0);
      expect(top).toHaveLength(1 << 17);
      expect(shell.waits()).toMatchObject({ inputs: 0, admission: 0, busy: 0 });
    } finally {
      await shell.close();
    }
  }, 60_000);

  it('refuses a bad rootSaturation, naming it', () => {
    expect(
      () => new SchedulerShell({ name: 'x', log: () => undefined, rootSaturation: -1 }),
    ).toThrow(/rootSaturation must be a number > 0/);
  }, 10_000);
});

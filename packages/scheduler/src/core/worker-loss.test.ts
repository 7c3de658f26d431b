// Worker deaths and maxRetries: every death counts (a result moved out to a caller who never got
// it too), a worker stopped on purpose costs no retries, and the error of a task lost too often
// says why its worker died and what it was running.
import { describe, expect, test } from '@jest/globals';
import { data, task, type FunctionRef, type GraphNode } from '@dask-ts/protocol';
import { SchedulerCore } from './core.js';
import type { CoreCommand } from './events.js';

const fn: FunctionRef = { kind: 'source', source: '() => 1', scope: {}, name: 'one' };

function computesOn(cmds: readonly CoreCommand[]): Map<string, readonly string[]> {
  const out = new Map<string, readonly string[]>();
  for (const c of cmds) if (c.type === 'compute') out.set(c.worker, c.keys);
  return out;
}

describe('worker loss', () => {
  test('a result moved to the caller and lost with its worker before delivery counts toward maxRetries', () => {
    const core = new SchedulerCore({ maxRetries: 2 });
    const g = new Map<string, GraphNode>([['x', task(fn, [])]]);
    let cmds = core.handle([
      { type: 'add-worker', worker: 'w0', slots: 1 },
      { type: 'submit', id: 's', graph: g, wanted: ['x'] },
    ]);
    let worker = 'w0';
    let next = 1;
    for (let round = 0; ; round++) {
      expect(computesOn(cmds).get(worker)).toEqual(['x']);
      cmds = core.handle([{ type: 'finished', key: 'x', worker, nbytes: 8 }]);
      // The result is moved out (release: true) and the worker dies before it is delivered.
      expect(cmds).toContainEqual({
        type: 'deliver',
        id: 's',
        worker,
        keys: ['x'],
        release: true,
      });
      const replacement = `w${next++}`;
      cmds = core.handle([
        { type: 'remove-worker', worker, reason: `${worker} exited with code 1` },
        { type: 'add-worker', worker: replacement, slots: 1 },
      ]);
      worker = replacement;
      const lost = cmds.find((c) => c.type === 'lost');
      if (lost !== undefined) {
        // Lost three times with maxRetries 2: the compute ends, it does not loop forever.
        expect(round).toBe(2);
        expect(lost).toMatchObject({ id: 's', key: 'x' });
        const s = core.state('x');
        expect(s?.state).toBe('erred');
        if (s?.state === 'erred') {
          expect(s.error.message).toMatch(/lost with its worker 3 times \(maxRetries 2\)/);
          expect(s.error.message).toMatch(/w2 exited with code 1/);
        }
        break;
      }
      expect(round).toBeLessThan(2);
    }
    core.validate();
  });

  test('the error says why the worker died and which task and function it was running', () => {
    const core = new SchedulerCore({ maxRetries: 0 });
    const g = new Map<string, GraphNode>([
      ['d', data(1)],
      ['x', task(fn, [])],
    ]);
    core.handle([
      { type: 'add-worker', worker: 'w0', slots: 1 },
      { type: 'submit', id: 's', graph: g, wanted: ['x'] },
    ]);
    expect(core.running('w0')).toEqual({ key: 'x', needed: true });
    const cmds = core.handle([
      {
        type: 'remove-worker',
        worker: 'w0',
        reason: 'thread w0 ran out of memory: it reached its heap limit of 64 MiB (memoryLimitMb)',
      },
    ]);
    expect(cmds.find((c) => c.type === 'lost')).toMatchObject({ key: 'x' });
    const s = core.state('x');
    expect(s?.state === 'erred' && s.error.message).toBe(
      'Task x was lost with its worker 1 time (maxRetries 0); the last time, thread w0 ran out of memory: it reached its heap limit of 64 MiB (memoryLimitMb) (while running x, function one). Workers lost while it ran: w0',
    );
  });

  test('a worker stopped on purpose costs its tasks no retries', () => {
    const core = new SchedulerCore({ maxRetries: 0 });
    const g = new Map<string, GraphNode>([['x', task(fn, [])]]);
    core.handle([
      { type: 'add-worker', worker: 'w0', slots: 1 },
      { type: 'submit', id: 's', graph: g, wanted: ['x'] },
    ]);
    const cmds = core.handle([
      { type: 'remove-worker', worker: 'w0', reason: 'stopped', stopped: true },
      { type: 'add-worker', worker: 'w1', slots: 1 },
    ]);
    expect(cmds.some((c) => c.type === 'lost')).toBe(false);
    expect(computesOn(cmds).get('w1')).toEqual(['x']);
    expect(core.running('w1')).toEqual({ key: 'x', needed: true });
  });

  test('running names the task a worker runs now, and whether a compute still needs it', () => {
    const core = new SchedulerCore();
    const g = new Map<string, GraphNode>([
      ['a', task(fn, [])],
      ['b', task(fn, [])],
    ]);
    core.handle([
      { type: 'add-worker', worker: 'w0', slots: 1 },
      { type: 'submit', id: 's', graph: g, wanted: ['a', 'b'] },
    ]);
    expect(core.running('w0')).toEqual({ key: 'a', needed: true });
    core.handle([{ type: 'finished', key: 'a', worker: 'w0', nbytes: 8 }]);
    expect(core.running('w0')).toEqual({ key: 'b', needed: true });
    core.handle([{ type: 'cancel', id: 's', reason: 'aborted' }]);
    expect(core.running('w0')).toEqual({ key: 'b', needed: false });
    core.handle([{ type: 'finished', key: 'b', worker: 'w0', nbytes: 8 }]);
    expect(core.running('w0')).toBeUndefined();
    expect(core.running('nobody')).toBeUndefined();
  });
});

// Work stealing on the worker's side (WorkerState driven directly): while a task is awaited, a
// `steal` gives back the tasks not started (the rest of the waiting batch, and compute messages
// queued behind it), answers at once, and those tasks are never run or reported; a task that
// started, or a synchronous batch already run, is not given back.
import { describe, expect, it } from '@jest/globals';
import { packCompute } from '@dask-ts/protocol';
import { WorkerState } from './worker-state.js';
import { messages, src, t } from './__tests__/worker-state-helpers.js';

describe('WorkerState steal', () => {
  it('gives back what has not started while a task is awaited; never runs it', async () => {
    const state = new WorkerState();
    const h = state.handle(
      packCompute([
        t(
          'slow',
          src('async () => { await new Promise((r) => setTimeout(r, 50)); return 1; }'),
          [],
        ),
        t('q1', src('() => 2'), []),
        t('q2', src('() => 3'), []),
      ]),
    );
    expect(h.later).toBeDefined();
    const queued = state.handle(
      packCompute([t('q3', src('() => 4'), []), t('q4', src('() => 5'), [])]),
    );
    const answer = state.handle({ op: 'steal', keys: ['slow', 'q2', 'q3', 'nope'] });
    expect(answer.later).toBeUndefined();
    expect(messages(answer.now)).toEqual([{ op: 'stolen', keys: ['q2', 'q3'] }]);
    const reports = [...messages(await h.later!), ...messages(await queued.later!)];
    const finished = reports.flatMap((m) => (m.op === 'finished' ? m.keys : []));
    expect(finished.sort()).toEqual(['q1', 'q4', 'slow']);
    expect(reports.filter((m) => m.op === 'erred')).toEqual([]);
    expect(state.has('q2') || state.has('q3')).toBe(false);
    // Given back, then sent again: it runs this time.
    const again = await state.handleAll(packCompute([t('q2', src('() => 3'), [])]));
    expect(messages(again)).toEqual([{ op: 'finished', keys: ['q2'], nbytes: [8] }]);
  }, 30_000);

  it('a key given back twice and sent a third time, all while queued, runs once', async () => {
    const state = new WorkerState();
    const h = state.handle(
      packCompute([
        t(
          'slow',
          src('async () => { await new Promise((r) => setTimeout(r, 50)); return 1; }'),
          [],
        ),
      ]),
    );
    const sent = [state.handle(packCompute([t('q', src('() => 2'), [])]))];
    expect(messages(state.handle({ op: 'steal', keys: ['q'] }).now)).toEqual([
      { op: 'stolen', keys: ['q'] },
    ]);
    sent.push(state.handle(packCompute([t('q', src('() => 2'), [])])));
    expect(messages(state.handle({ op: 'steal', keys: ['q'] }).now)).toEqual([
      { op: 'stolen', keys: ['q'] },
    ]);
    sent.push(state.handle(packCompute([t('q', src('() => 2'), [])])));
    const reports = [...messages(await h.later!)];
    for (const s of sent) if (s.later !== undefined) reports.push(...messages(await s.later));
    const finished = reports.flatMap((m) => (m.op === 'finished' ? m.keys : []));
    expect(finished.sort()).toEqual(['q', 'slow']);
  }, 30_000);

  it('with nothing awaited, nothing is queued: the answer gives back nothing', () => {
    const state = new WorkerState();
    state.handle(packCompute([t('a', src('() => 1'), [])]));
    expect(messages(state.handle({ op: 'steal', keys: ['a'] }).now)).toEqual([
      { op: 'stolen', keys: [] },
    ]);
  }, 30_000);
});

// Situations the property test (core.property.test.ts) once found the core getting wrong, each
// written out as the few events that reach it, with what the core must answer. They were pasted
// fast-check seeds; these are the same situations, reduced to the keys that matter. Each runs
// through the simulated shell (test-sim.ts), which validates the core after every batch and
// checks every fetch, release and delivery against what the workers really hold; each ends with
// every compute ended once and nothing left in memory anywhere.
import { describe, expect, test } from '@jest/globals';
import type { CoreCommand } from './events.js';
import { Sim, g, t } from './__tests__/test-sim.js';

const boom = { name: 'Error', message: 'boom' };

/** Workers of one slot, each sent one task at a time (queueFactor 0.5, as in the seeds). */
function cluster(...workers: string[]): Sim {
  const sim = new Sim({ maxRetries: 2, queueFactor: 0.5 });
  for (const w of workers) sim.addWorker(w, 1);
  return sim;
}

function submit(sim: Sim, id: string, graph: ReturnType<typeof g>, wanted: string[]): string[] {
  return said(sim.handle([{ type: 'submit', id, graph, wanted }]));
}

/** The commands, one line each: `compute p: a,b fetch x@q`, `deliver s a from p (drop)`, ... */
function said(cmds: readonly CoreCommand[]): string[] {
  return cmds.map((c) => {
    switch (c.type) {
      case 'compute': {
        const fetch = c.fetch.map(([k, w]) => `${k}@${w}`).join(',');
        return `compute ${c.worker}: ${c.keys.join(',')}${fetch === '' ? '' : ` fetch ${fetch}`}`;
      }
      case 'deliver':
        return `deliver ${c.id} ${c.keys.join(',')} from ${c.worker}${c.release ? ' (drop)' : ''}`;
      case 'release':
        return `release ${c.worker}: ${c.keys.join(',')}`;
      case 'failed':
      case 'lost':
        return `${c.type} ${c.id} ${c.key}`;
      case 'steal':
        return `steal ${c.worker}: ${c.keys.join(',')}`;
      default:
        return `${c.type} ${c.id}`;
    }
  });
}

/** Worker `w` dies; deliveries it sent that the caller had not fetched yet are gone with it. */
function lose(sim: Sim, w: string): string[] {
  sim.pendingDeliver = sim.pendingDeliver.filter((d) => {
    if (d.worker !== w) return true;
    const got = sim.deliveries.get(d.id)!;
    for (const k of d.keys) got.splice(got.indexOf(k), 1);
    return false;
  });
  return said(sim.removeWorker(w, 'lost'));
}

/** Runs what is left; each compute ended once as `ends` says, and nothing is held anywhere. */
function expectSettled(sim: Sim, ends: Record<string, string>): void {
  sim.runAll();
  for (const [id, end] of Object.entries(ends)) expect([id, sim.ended(id)]).toEqual([id, [end]]);
  expect(sim.core.counts).toMatchObject({
    memory: 0,
    processing: 0,
    waiting: 0,
    ready: 0,
    submissions: 0,
  });
  for (const [w, store] of sim.store) expect([w, [...store]]).toEqual([w, []]);
}

describe('SchedulerCore regressions: results lost after they were sent', () => {
  test('a result moved out to its caller and lost before the caller fetched it is recomputed, with the inputs released since', () => {
    const sim = cluster('p', 'q');
    expect(submit(sim, 's', g(['b', t()], ['a', t()], ['c', t('b', 'a')]), ['c', 'a'])).toEqual([
      'compute p: b',
      'compute q: a',
    ]);
    expect(said(sim.finish('q', 'a'))).toEqual(['deliver s a from q']);
    expect(said(sim.finish('p', 'b'))).toEqual(['compute p: c fetch a@q']);
    expect(said(sim.finish('p', 'c'))).toEqual([
      'deliver s c from p (drop)',
      'release p: a,b',
      'release q: a',
    ]);
    // c left p with its delivery; p dies before the caller fetched it: c is computed again, and
    // so are its inputs, released when c finished.
    expect(lose(sim, 'p')).toEqual(['compute q: b']);
    sim.ackDeliveries(); // a, which q sent and still had when the caller fetched it
    expect(said(sim.finish('q', 'b'))).toEqual(['compute q: a,c']);
    expectSettled(sim, { s: 'done' });
    expect(sim.deliveries.get('s')!.sort()).toEqual(['a', 'c']);
  });

  test('a key moved out of a worker that then dies is delivered again from another worker that holds it', () => {
    const sim = cluster('p', 'q');
    expect(submit(sim, 's0', g(['z', t()]), ['z'])).toEqual(['compute p: z']);
    expect(submit(sim, 's1', g(['a', t()]), ['a'])).toEqual(['compute q: a']);
    expect(said(sim.finish('q', 'a'))).toEqual(['deliver s1 a from q (drop)']);
    expect(said(sim.finish('p', 'z'))).toEqual(['deliver s0 z from p (drop)']);
    // A second compute needs a again: computed on p this time, where it stays for b.
    expect(submit(sim, 's2', g(['a', t()], ['b', t('a')]), ['b'])).toEqual(['compute p: a,b']);
    sim.finish('p', 'a');
    // q dies before s1 fetched a from it: p has a, so s1 gets it from p.
    expect(lose(sim, 'q')).toEqual(['deliver s1 a from p']);
    expectSettled(sim, { s0: 'done', s1: 'done', s2: 'done' });
    expect(sim.deliveries.get('s1')).toEqual(['a']);
  });

  test('a key moved out to two computes from one worker, one cancelled, is computed again once for the other when the worker dies', () => {
    const sim = cluster('p');
    submit(sim, 's1', g(['a', t()]), ['a']);
    expect(said(sim.finish('p', 'a'))).toEqual(['deliver s1 a from p (drop)']);
    submit(sim, 's2', g(['a', t()]), ['a']);
    expect(said(sim.finish('p', 'a'))).toEqual(['deliver s2 a from p (drop)']);
    expect(said(sim.handle([{ type: 'cancel', id: 's2', reason: 'test' }]))).toEqual([
      'cancelled s2',
    ]);
    expect(lose(sim, 'p')).toEqual([]);
    expect(said(sim.addWorker('r', 1))).toEqual(['compute r: a']);
    expect(said(sim.finish('r', 'a'))).toEqual(['deliver s1 a from r (drop)']);
    expectSettled(sim, { s1: 'done', s2: 'cancelled' });
    expect(sim.deliveries.get('s1')).toEqual(['a']);
  });

  test('a delivery to redo whose input has erred since fails its compute with that error', () => {
    const sim = cluster('p');
    expect(submit(sim, 's1', g(['a', t()], ['b', t('a')]), ['b'])).toEqual(['compute p: a,b']);
    sim.finish('p', 'a');
    expect(said(sim.finish('p', 'b'))).toEqual(['deliver s1 b from p (drop)', 'release p: a']);
    // Another compute needs a again, and this time a fails.
    submit(sim, 's2', g(['a', t()], ['c', t('a')]), ['c']);
    expect(said(sim.finish('p', 'a', boom))).toEqual(['failed s2 a']);
    expect(sim.core.state('c')).toMatchObject({ state: 'erred', origin: 'a' });
    // p dies before s1 fetched b: b cannot be computed again, its input has erred.
    expect(lose(sim, 'p')).toEqual(['failed s1 a']);
    sim.addWorker('r', 1);
    expectSettled(sim, { s1: 'failed', s2: 'failed' });
  });
});

describe('SchedulerCore regressions: co-assigned tasks', () => {
  test('when an input errs, the tasks co-assigned after it on its worker err with it and their late reports are ignored', () => {
    const sim = cluster('p', 'q');
    expect(submit(sim, 's', g(['a', t()], ['b', t()], ['c', t('a', 'b')]), ['c', 'b'])).toEqual([
      'compute p: a',
      'compute q: b',
    ]);
    sim.finish('p', 'a');
    expect(said(sim.finish('q', 'b'))).toEqual(['deliver s b from q', 'compute p: c fetch b@q']);
    // p dies holding a and running c: both go to q, c co-assigned after a.
    expect(lose(sim, 'p')).toEqual(['compute q: a,c']);
    expect(said(sim.finish('q', 'a', boom))).toEqual(['release q: b', 'failed s a']);
    expect(sim.core.state('c')).toMatchObject({ state: 'erred', origin: 'a' });
    // q still reports c (erred: its input is missing there): stale, ignored.
    sim.ackDeliveries();
    expect(said(sim.finish('q', 'c'))).toEqual([]);
    expect(sim.core.story('c').at(-1)).toBe(
      'c erred: ignored erred from q: taken back after an input was lost',
    );
    expectSettled(sim, { s: 'failed' });
  });

  test('tasks lost with their worker wait for a new one while the others are busy; an input that errs there fails its compute, while another compute gets its lost delivery again', () => {
    const sim = cluster('p', 'q');
    expect(submit(sim, 's2', g(['k', t()]), ['k'])).toEqual(['compute p: k']);
    expect(said(sim.finish('p', 'k'))).toEqual(['deliver s2 k from p (drop)']);
    const graph = g(['a', t()], ['b', t('a')], ['c', t()]);
    expect(submit(sim, 's1', graph, ['b', 'c'])).toEqual(['compute p: a,b', 'compute q: c']);
    sim.finish('p', 'a');
    // p dies with a in memory, b running and k moved out: q is busy, so they wait.
    expect(lose(sim, 'p')).toEqual([]);
    expect(said(sim.addWorker('r', 1))).toEqual(['compute r: k']);
    expect(said(sim.finish('q', 'c'))).toEqual(['deliver s1 c from q (drop)', 'compute q: a,b']);
    expect(said(sim.finish('q', 'a', boom))).toEqual(['failed s1 a']);
    expect(said(sim.finish('q', 'b'))).toEqual([]); // stale: b erred with a
    expect(said(sim.finish('r', 'k'))).toEqual(['deliver s2 k from r (drop)']);
    expectSettled(sim, { s1: 'failed', s2: 'done' });
  });

  test('an input that errs at the head of a long co-assigned batch fails every compute that needs it, and the rest of the batch leaves nothing held', () => {
    const sim = new Sim({ maxRetries: 2, queueFactor: 1 });
    sim.addWorker('p', 2);
    const graph = g(['a', t()], ['b', t('a')], ['c', t('b')], ['d', t('a')], ['e', t('b')]);
    expect(submit(sim, 's1', graph, ['c', 'd'])).toEqual(['compute p: a,b,d,c']);
    sim.finish('p', 'a');
    // e waits for b, which runs on p.
    expect(submit(sim, 's2', graph, ['e'])).toEqual([]);
    // p dies: everything runs again on q, in one batch after a.
    sim.addWorker('q', 1);
    expect(lose(sim, 'p')).toEqual(['compute q: a,b,d,c,e']);
    sim.finish('q', 'a');
    expect(said(sim.finish('q', 'b', boom))).toEqual(['failed s1 b', 'failed s2 b']);
    // d only needed a: it finishes as an orphan and is released with a.
    expect(said(sim.finish('q', 'd'))).toEqual(['release q: d,a']);
    expect(said(sim.finish('q', 'c'))).toEqual([]);
    expect(said(sim.finish('q', 'e'))).toEqual([]);
    expectSettled(sim, { s1: 'failed', s2: 'failed' });
  });

  test('a cancelled compute whose co-assigned chain was recomputed after a worker died leaves nothing held when the chain finishes', () => {
    const sim = cluster('p', 'q');
    expect(submit(sim, 's', g(['a', t()], ['b', t('a')], ['c', t('a')]), ['b', 'c'])).toEqual([
      'compute p: a,b,c',
    ]);
    sim.finish('p', 'a');
    expect(lose(sim, 'p')).toEqual(['compute q: a,b,c']);
    expect(said(sim.handle([{ type: 'cancel', id: 's', reason: 'test' }]))).toEqual([
      'cancelled s',
    ]);
    expect(sim.core.state('b')).toEqual({ state: 'cancelled' });
    expect(said(sim.finish('q', 'a'))).toEqual([]);
    expect(said(sim.finish('q', 'b'))).toEqual(['release q: b']);
    expect(said(sim.finish('q', 'c'))).toEqual(['release q: c,a']);
    expectSettled(sim, { s: 'cancelled' });
  });

  test('a task whose own error comes after its co-assigned inputs finished fails its compute, while a second compute sharing those inputs completes', () => {
    const sim = cluster('p', 'q');
    const graph = g(['a', t()], ['x', t()], ['b', t('a', 'x')], ['c', t('x')]);
    expect(submit(sim, 's1', graph, ['b'])).toEqual(['compute p: a', 'compute q: x']);
    expect(submit(sim, 's2', graph, ['c'])).toEqual([]);
    expect(said(sim.finish('q', 'x'))).toEqual(['compute q: c']);
    // q dies holding x and running c: x runs again on p once a is done, b and c after it.
    expect(lose(sim, 'q')).toEqual([]);
    expect(said(sim.finish('p', 'a'))).toEqual(['compute p: x,b,c']);
    expect(said(sim.finish('p', 'x'))).toEqual([]);
    expect(said(sim.finish('p', 'b', boom))).toEqual(['release p: a', 'failed s1 b']);
    expect(said(sim.finish('p', 'c'))).toEqual(['deliver s2 c from p (drop)', 'release p: x']);
    expectSettled(sim, { s1: 'failed', s2: 'done' });
  });
});

describe('SchedulerCore regressions: orphans and lost workers', () => {
  test('after a compute fails, its running tasks finish as orphans and are released, and a worker lost while running one costs nothing', () => {
    const sim = new Sim({ maxRetries: 2, queueFactor: 1 });
    sim.addWorker('p', 2);
    sim.addWorker('q', 1);
    const graph = g(['a', t()], ['b', t()], ['x', t('a', 'b')], ['y', t()], ['z', t()]);
    expect(submit(sim, 's', graph, ['x', 'y', 'z'])).toEqual(['compute p: a,b,x', 'compute q: y']);
    expect(said(sim.finish('p', 'a', boom))).toEqual(['failed s a']);
    // b and y run on as orphans, released as they finish; x, co-assigned after a, erred with it.
    // p is lost while running b (and x, whose report would be stale).
    expect(lose(sim, 'p')).toEqual([]);
    expect(said(sim.finish('q', 'y'))).toEqual(['release q: y']);
    expect(sim.core.state('b')).toEqual({ state: 'released' });
    expectSettled(sim, { s: 'failed' });
  });

  test('an orphan lost with its worker lets go of the inputs it was fetching, and a later compute recomputes what that worker held', () => {
    const sim = cluster('p', 'q');
    expect(submit(sim, 's1', g(['a', t()], ['b', t()], ['c', t('a', 'b')]), ['c'])).toEqual([
      'compute p: a',
      'compute q: b',
    ]);
    sim.finish('p', 'a');
    expect(said(sim.finish('q', 'b'))).toEqual(['compute p: c fetch b@q']);
    // Cancelled: c runs on as an orphan, still holding b on q; then p dies with c and a.
    expect(said(sim.handle([{ type: 'cancel', id: 's1', reason: 'test' }]))).toEqual([
      'cancelled s1',
    ]);
    expect(lose(sim, 'p')).toEqual(['release q: b']);
    expect(submit(sim, 's2', g(['a', t()]), ['a'])).toEqual(['compute q: a']);
    expectSettled(sim, { s1: 'cancelled', s2: 'done' });
  });

  test('finished reports that come out of the run order, after a lost worker sent a delivered key back to be recomputed, are matched to the right tasks', () => {
    const sim = cluster('p', 'q');
    const graph = g(['a', t()], ['b', t('a')], ['c', t('b')], ['k', t()]);
    expect(submit(sim, 's', graph, ['k', 'c', 'a'])).toEqual(['compute p: k', 'compute q: a,b,c']);
    expect(said(sim.finish('p', 'k'))).toEqual(['deliver s k from p (drop)']);
    expect(said(sim.finish('q', 'a'))).toEqual(['deliver s a from q']);
    expect(lose(sim, 'p')).toEqual(['compute q: k']);
    // q reports c's input b, then k, out of the order it was sent them in relative to c.
    sim.finish('q', 'b');
    expect(said(sim.finish('q', 'k'))).toEqual(['deliver s k from q (drop)']);
    expect(said(sim.finish('q', 'c'))).toEqual(['deliver s c from q (drop)', 'release q: b']);
    expectSettled(sim, { s: 'done' });
    expect(sim.deliveries.get('s')!.sort()).toEqual(['a', 'c', 'k']);
  });
});

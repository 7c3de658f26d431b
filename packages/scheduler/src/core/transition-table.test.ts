// The transition table's one rule (a task holds its inputs exactly while it is active), and the
// transition function refusing a pair the table does not list.
import { describe, expect, test } from '@jest/globals';
import { Sim, g, t } from './__tests__/test-sim.js';
import {
  CANCELLED,
  ERRED,
  MEMORY,
  ORPHAN,
  PROCESSING,
  READY,
  RELEASED,
  WAITING,
} from './task-table.js';
import { HOLD, HOLD_EFFECT, ILLEGAL, KEEP, LEGAL_TRANSITIONS, UNHOLD } from './transition-table.js';

const ACTIVE = new Set([WAITING, READY, PROCESSING, ORPHAN]);

describe('transition table', () => {
  test('each legal pair takes the hold when it activates a task and lets it go when it deactivates one', () => {
    for (const [from, to, hold] of LEGAL_TRANSITIONS) {
      const expected = ACTIVE.has(from) === ACTIVE.has(to) ? KEEP : ACTIVE.has(to) ? HOLD : UNHOLD;
      expect([from, to, hold]).toEqual([from, to, expected]);
    }
  });

  test('pairs not listed are illegal, staying in place included', () => {
    const listed = new Set(LEGAL_TRANSITIONS.map(([from, to]) => from * 8 + to));
    for (let i = 0; i < 64; i++) if (!listed.has(i)) expect(HOLD_EFFECT[i]).toBe(ILLEGAL);
    for (const s of [WAITING, READY, PROCESSING, MEMORY, RELEASED, ERRED, CANCELLED, ORPHAN])
      expect(HOLD_EFFECT[s * 8 + s]).toBe(ILLEGAL);
  });

  test('an illegal transition throws with the key, both states and its story, and changes nothing', () => {
    const sim = new Sim();
    sim.addWorker('w0', 1);
    sim.handle([{ type: 'submit', id: 's1', graph: g(['x', t()]), wanted: ['x'] }]);
    const core = sim.core as unknown as {
      transition(id: number, to: number, cause: number, arg: number): void;
    };
    // x is processing: it cannot go straight back to waiting.
    expect(() => core.transition(0, WAITING, 0, 0)).toThrow(
      'Impossible transition of x: processing -> waiting\nStory of x:\n  x released -> ready: submit s1\n  x ready -> processing: assigned to w0',
    );
    expect(sim.core.state('x')).toEqual({ state: 'processing', worker: 'w0' });
    sim.core.validate();
  });
});

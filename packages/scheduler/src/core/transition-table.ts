// Every state change a task may make, in one table, and what each does to the hold bookkeeping.
// A task *holds* its dependencies (counts itself in their `remaining`, so they stay in memory until
// it has read them) exactly while it is active: waiting, ready, processing, or running as an
// orphan. So entering an active state from an inactive one takes the hold, leaving for an inactive
// one lets it go (which may leave an input unneeded), and a move between two active or two
// inactive states keeps it as it is. Any (from, to) pair not listed is illegal: the core's one
// transition function (`CoreTransitions.transition`) throws, printing the key's story, instead of
// corrupting the counts. The table is dense (8 x 8 bytes), read once per transition.
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

/** What a transition does to the hold on the task's dependencies (see the file comment). */
export const KEEP = 0;
export const HOLD = 1;
export const UNHOLD = 2;
export const ILLEGAL = 3;

/** The legal transitions: [from, to, hold effect], with the events that take them. */
export const LEGAL_TRANSITIONS: readonly (readonly [from: number, to: number, hold: number])[] = [
  // Activated: a compute needs it (again); erred tasks are retried by a new submit.
  [RELEASED, WAITING, HOLD],
  [RELEASED, READY, HOLD],
  [CANCELLED, WAITING, HOLD],
  [CANCELLED, READY, HOLD],
  [ERRED, WAITING, HOLD],
  [ERRED, READY, HOLD],
  // Its last input arrived; an input it counted as in memory was lost with its worker.
  [WAITING, READY, KEEP],
  [READY, WAITING, KEEP],
  // Assigned from the ready heap, or co-assigned after its inputs on their worker.
  [READY, PROCESSING, KEEP],
  [WAITING, PROCESSING, KEEP],
  // Finished; erred (itself, or through an input); an input it was to read went missing, its
  // worker was lost, or it was taken back because an input was lost.
  [PROCESSING, MEMORY, UNHOLD],
  [PROCESSING, ERRED, UNHOLD],
  [PROCESSING, RELEASED, UNHOLD],
  // Nobody needs it while it runs (an orphan), and somebody needs it again.
  [PROCESSING, ORPHAN, KEEP],
  [ORPHAN, PROCESSING, KEEP],
  // An orphan finished, erred, lost its worker or an input: nothing to keep.
  [ORPHAN, RELEASED, UNHOLD],
  // A dependency erred; not needed any more (released, or cancelled with its compute).
  [WAITING, ERRED, UNHOLD],
  [WAITING, RELEASED, UNHOLD],
  [READY, RELEASED, UNHOLD],
  [WAITING, CANCELLED, UNHOLD],
  [READY, CANCELLED, UNHOLD],
  // A result released (no longer needed, moved out to its caller, or lost with its worker).
  [MEMORY, RELEASED, KEEP],
  // Lost with its workers more than `maxRetries` times.
  [RELEASED, ERRED, KEEP],
];

/** `HOLD_EFFECT[from * 8 + to]`: the hold effect of a transition, or ILLEGAL. */
export const HOLD_EFFECT: Uint8Array = (() => {
  const table = new Uint8Array(64).fill(ILLEGAL);
  for (const [from, to, hold] of LEGAL_TRANSITIONS) table[from * 8 + to] = hold;
  return table;
})();

/** The error for an illegal transition: the key, both states, the cause, and the key's story. */
export function illegalTransition(key: string, from: number, to: number, story: string[]): Error {
  return new Error(
    `Impossible transition of ${key}: ${NAMES[from]} -> ${NAMES[to]}` +
      `\nStory of ${key}:\n  ${story.join('\n  ')}`,
  );
}

/** The internal states' names (an orphan is shown as cancelled in stories and `state()`). */
const NAMES = [
  'waiting',
  'ready',
  'processing',
  'memory',
  'released',
  'erred',
  'cancelled',
  'orphan',
];

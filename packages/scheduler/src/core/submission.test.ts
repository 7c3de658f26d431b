// A submission finds its wanted ids and keys the same way whatever their shape: a run of
// consecutive ids (found by subtraction), any other list (a map), keys acknowledged in the order
// they were sent (a queue) or not, ids and keys it does not want (-1), and after a renumbering.
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { DELIVERED, Submission } from './submission.js';

const keysUpTo = (n: number): string[] => Array.from({ length: n }, (_, i) => `key-${i}`);

describe('Submission', () => {
  test('finds ids and keys in runs and in any other list, acknowledged in sent order or not', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          // A run (a map's block of new tasks).
          fc
            .tuple(fc.nat(50), fc.integer({ min: 1, max: 40 }))
            .map(([from, n]) => Array.from({ length: n }, (_, i) => from + i)),
          // Distinct ids in any order, with gaps.
          fc.uniqueArray(fc.nat(120), { minLength: 1, maxLength: 40 }),
        ),
        fc.array(fc.nat(130), { maxLength: 60 }),
        fc.array(fc.nat(1000), { maxLength: 60 }),
        fc.boolean(),
        (ids, probes, sendPicks, inSentOrder) => {
          const keys = keysUpTo(140);
          const sub = new Submission('s', 0, Int32Array.from(ids));
          for (const id of probes) expect(sub.indexOf(id)).toBe(ids.indexOf(id));
          // Positions sent (some twice, as after a lost worker), then acknowledged.
          const sentPositions = sendPicks.map((p) => p % ids.length);
          for (const i of sentPositions) sub.sent(i);
          const asked = inSentOrder
            ? sentPositions.map((i) => keys[ids[i]])
            : probes.map((id) => keys[id]);
          for (const key of asked) {
            const expected = ids.findIndex((id) => keys[id] === key);
            const i = sub.indexOfKey(key, keys);
            expect(i).toBe(expected);
            if (i >= 0) sub.status[i] = DELIVERED;
          }
          expect(sub.indexOfKey('not-a-key', keys)).toBe(-1);
        },
      ),
      { seed: 20261202, numRuns: 300 },
    );
  });

  test('a run stays a run after a renumbering that keeps it in order, and a broken one is not', () => {
    const keys = keysUpTo(20);
    const sub = new Submission('s', 0, Int32Array.of(10, 11, 12, 13));
    expect(sub.indexOf(12)).toBe(2);
    expect(sub.indexOf(14)).toBe(-1);
    expect(sub.indexOf(9)).toBe(-1);
    // Compaction forgets the tasks before: 10..13 become 2..5.
    const map = new Int32Array(20).fill(-1);
    for (let i = 10; i < 14; i++) map[i] = i - 8;
    sub.remap(map);
    expect(Array.from(sub.wanted)).toEqual([2, 3, 4, 5]);
    expect(sub.indexOf(5)).toBe(3);
    expect(sub.indexOf(12)).toBe(-1);
    expect(sub.indexOfKey(keys[4], keys)).toBe(2);
    // Renumbered with a gap: no longer a run, still found.
    const gap = new Int32Array(20).fill(-1);
    [2, 3, 4, 5].forEach((id, i) => (gap[id] = i < 2 ? i : i + 3));
    sub.remap(gap);
    expect(Array.from(sub.wanted)).toEqual([0, 1, 5, 6]);
    expect(sub.indexOf(5)).toBe(2);
    expect(sub.indexOf(2)).toBe(-1);
  });
});

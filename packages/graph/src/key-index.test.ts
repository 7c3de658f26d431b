import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { KeyIndex } from './interner.js';

describe('KeyIndex', () => {
  test('finds every appended key (indexed lazily), and forgets truncated ones', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ maxLength: 6 }), { maxLength: 3000 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.nat(),
        (all, lookups, cut) => {
          const keys: string[] = [];
          const index = new KeyIndex(keys);
          // Append in a few stretches, looking up between them.
          let i = 0;
          for (const step of [...lookups, all.length]) {
            const stop = Math.min(all.length, i + (step % 700) + 1);
            for (; i < stop; i++) {
              keys.push(all[i]);
              index.size = keys.length;
            }
            for (let j = 0; j < keys.length; j += 97) expect(index.get(keys[j])).toBe(j);
            if (keys.length > 0) expect(index.get(keys[keys.length - 1])).toBe(keys.length - 1);
          }
          expect(index.get('\u0000not a key')).toBeUndefined();
          const size = all.length === 0 ? 0 : cut % (all.length + 1);
          index.truncate(size);
          keys.length = size;
          for (let j = 0; j < all.length; j++)
            expect(index.get(all[j])).toBe(j < size ? j : undefined);
        },
      ),
      { numRuns: 100 },
    );
  });
});

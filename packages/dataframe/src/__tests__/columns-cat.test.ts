// Merging category dictionaries: the sorted, distinct union and every entry's new code, for sorted
// dictionaries (merged pairwise, equal ones skipped) and unsorted ones (sorted first), against a
// plain-array reference.
import { describe, expect, test } from '@jest/globals';
import { encodeCategory, mergeDicts } from '../columns-cat.js';
import { utf8Of, type Utf8Col } from '../columns.js';
import { rng } from './reference.js';

const dec = new TextDecoder();
const strings = (d: Utf8Col): string[] =>
  Array.from({ length: d.length }, (_, i) =>
    dec.decode(d.data.subarray(d.offsets[i], d.offsets[i + 1])),
  );
const byBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

describe('mergeDicts', () => {
  test.each([1, 2, 5, 12])('%i dictionaries, sorted or not, shared or not', (k) => {
    const r = rng(k * 31);
    const pool = ['a', 'b', 'ab', 'é', 'z', 'Z', '', '1995-01-02', '1995-01-10', 'x y', '€'];
    for (const sorted of [true, false]) {
      const lists = Array.from({ length: k }, (_, p) => {
        const pick = p % 3 === 2 && p > 0 ? pool : pool.filter(() => r() < 0.5);
        const distinct = [...new Set(pick)];
        return sorted ? distinct.sort(byBytes) : distinct;
      });
      const dicts = lists.map((l) => utf8Of(l) as Utf8Col);
      const { dict, maps } = mergeDicts(dicts);
      const want = [...new Set(lists.flat())].sort(byBytes);
      expect(strings(dict)).toEqual(want);
      lists.forEach((l, p) => expect([...maps[p]]).toEqual(l.map((s) => want.indexOf(s))));
    }
  });
});

describe('encodeCategory', () => {
  test.each([
    [50, 1],
    [3_000, 40],
    [20_000, 20_000],
  ])(
    '%i rows of %i distinct strings (nulls, empty, non-ASCII): codes name the same strings, dictionary sorted',
    (n, distinct) => {
      const r = rng(n + distinct);
      const pool = Array.from({ length: distinct }, (_, i) =>
        i === 0 ? '' : i % 7 === 0 ? `é${i}€` : `v${(i * 2654435761) % 1_000_003}`,
      );
      const values = Array.from({ length: n }, () =>
        r() < 0.1 ? null : pool[Math.floor(r() * distinct)],
      );
      const c = encodeCategory(utf8Of(values) as Utf8Col);
      const dict = strings(c.dict);
      expect(dict).toEqual([...new Set(values.filter((v) => v !== null))].sort(byBytes));
      const valid = (i: number): boolean =>
        c.valid === undefined || ((c.valid[i >> 3] >> (i & 7)) & 1) === 1;
      expect(values.map((_, i) => (valid(i) ? dict[c.values[i]] : null))).toEqual(values);
    },
  );
});

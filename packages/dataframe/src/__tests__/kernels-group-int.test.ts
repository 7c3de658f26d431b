// Group ids by one or two int32 keys (the fast path) against a plain Map over the key values:
// groups numbered by first appearance, null keys -1, many groups and few, negative values; and
// by two category keys (their codes).
import { describe, expect, test } from '@jest/globals';
import { utf8Of, type Col, type Utf8Col } from '../columns.js';
import { encodeCategory } from '../columns-cat.js';
import { groupIds } from '../kernels-agg.js';
import { rng } from './reference.js';

function intCol(xs: (number | null)[]): Col {
  const n = xs.length;
  const valid = new Uint8Array((n + 7) >> 3);
  xs.forEach((x, i) => {
    if (x !== null) valid[i >> 3] |= 1 << (i & 7);
  });
  return { type: 'int32', length: n, values: Int32Array.from(xs, (x) => x ?? 0), valid };
}

/** The reference: rows grouped by `keyOf(i)` (null: no group, -1), numbered by first appearance. */
function byFirstAppearance(
  n: number,
  keyOf: (i: number) => string | null,
): { want: number[]; wantFirsts: number[] } {
  const seen = new Map<string, number>();
  const want: number[] = [];
  const wantFirsts: number[] = [];
  for (let i = 0; i < n; i++) {
    const key = keyOf(i);
    if (key === null) {
      want.push(-1);
      continue;
    }
    let g = seen.get(key);
    if (g === undefined) {
      g = seen.size;
      seen.set(key, g);
      wantFirsts.push(i);
    }
    want.push(g);
  }
  return { want, wantFirsts };
}

describe('groupIds on int32 keys', () => {
  test.each([
    [1, 5],
    [1, 100000],
    [2, 7],
    [2, 3000],
    [3, 7], // packed into one int32 key
    [4, 5], // packed
    [3, 3000], // spans too wide to pack: the general path
  ])('%i key(s), values in [-%i, %i)', (k, range) => {
    const r = rng(k * 7 + range);
    const n = 20000;
    const cols = Array.from({ length: k }, () =>
      Array.from({ length: n }, () => (r() < 0.05 ? null : Math.floor(r() * 2 * range) - range)),
    );
    const { ids, firsts } = groupIds(cols.map(intCol), n);
    const { want, wantFirsts } = byFirstAppearance(n, (i) => {
      const key = cols.map((c) => c[i]);
      return key.includes(null) ? null : key.join(',');
    });
    expect([...ids]).toEqual(want);
    expect([...firsts]).toEqual(wantFirsts);
  });

  test.each([2, 3])(
    '%i keys: two categories by their strings (and a date when 3), nulls -1',
    (k) => {
      const r = rng(3);
      const n = 5000;
      const pick = (pool: string[]) =>
        Array.from({ length: n }, () => (r() < 0.05 ? null : pool[Math.floor(r() * pool.length)]));
      const a = pick(['R', 'A', 'N', 'é']);
      const b = pick(['F', 'O', 'x', 'y', 'z']);
      const days = Array.from({ length: n }, () =>
        r() < 0.05 ? null : 9000 + Math.floor(r() * 9),
      );
      const cats = [a, b].map((xs) => encodeCategory(utf8Of(xs) as Utf8Col) as Col);
      const date = { ...(intCol(days) as Extract<Col, { type: 'int32' }>), type: 'date32' } as Col;
      const { ids, firsts } = groupIds(k === 2 ? cats : [...cats, date], n);
      const { want, wantFirsts } = byFirstAppearance(n, (i) =>
        a[i] === null || b[i] === null || (k === 3 && days[i] === null)
          ? null
          : `${a[i]}\0${b[i]}\0${k === 3 ? days[i] : ''}`,
      );
      expect([...ids]).toEqual(want);
      expect([...firsts]).toEqual(wantFirsts);
    },
  );
});

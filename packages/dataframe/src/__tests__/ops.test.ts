// Row and column operations (astype, fillna, dropna, isin, between, where / mask, the str
// accessor, pandas' dtype promotion, query, mapPartitions) on the sync scheduler, checked against
// the same operation on plain arrays, with nulls, over several partitionings.
import { describe, expect, test } from '@jest/globals';
import '@dask-ts/scheduler';
import { tableFromArrays, type Table } from 'apache-arrow';
import { col, fromColumns, type Literal } from '../index.js';
import { plain, rng, type Plain } from './reference.js';
import { shapes, wide, wideFrame, type Cell } from './ops-reference.js';

const sync = { scheduler: 'sync' } as const;
const num = (x: Cell): number | null => (x === null ? null : (x as number));
const str = (x: Cell): string | null => (x === null ? null : (x as string));

describe('dtype promotion (pandas)', () => {
  test.each(shapes)(
    'int32 arithmetic stays int32, div and floats give float64 (%i rows, %i parts)',
    async (n, k) => {
      const p = wide(n, n);
      const df = wideFrame(p, k).assign({
        add: col('i').add(col('i')),
        sub: col('i').sub(7),
        mul: col('i').mul(3),
        div: col('i').div(2),
        half: col('i').add(0.5),
        mixed: col('a').add(col('i')),
      });
      expect(df.dtypes).toMatchObject({
        add: 'int32',
        sub: 'int32',
        mul: 'int32',
        div: 'float64',
        half: 'float64',
        mixed: 'float64',
      });
      const t = await df.compute(sync);
      expect(t.getChild('add')!.type.toString()).toBe('Int32');
      const got = plain(t);
      const i = p.i as number[];
      expect(got.add).toEqual(i.map((x) => x + x));
      expect(got.sub).toEqual(i.map((x) => x - 7));
      expect(got.mul).toEqual(i.map((x) => x * 3));
      expect(got.div).toEqual(i.map((x) => x / 2));
      expect(got.half).toEqual(i.map((x) => x + 0.5));
      expect(got.mixed).toEqual(p.a.map((a, j) => (a === null ? null : (a as number) + i[j])));
    },
  );

  test('int32 overflow wraps as numpy does', async () => {
    const df = fromColumns({ x: Int32Array.from([2147483647, -2147483648, 65536]) });
    const t = plain(await df.assign({ y: col('x').add(1), z: col('x').mul(65536) }).compute(sync));
    expect(t.y).toEqual([-2147483648, -2147483647, 65537]);
    expect(t.z).toEqual([-65536, 0, 0]);
  });
});

describe('astype, fillna, dropna', () => {
  test.each(shapes)('astype converts with nulls (%i rows, %i parts)', async (n, k) => {
    const p = wide(n, n + 1);
    const df = wideFrame(p, k)
      .assign({ txt: col('i').astype('utf8'), back: col('i').astype('utf8').astype('float64') })
      .astype({ a: 'int32', i: 'float64', f: 'int32', s: 'float64' });
    expect(df.dtypes).toMatchObject({
      a: 'int32',
      i: 'float64',
      f: 'int32',
      s: 'float64',
      txt: 'utf8',
    });
    const t = plain(await df.compute(sync));
    expect(t.a).toEqual(p.a.map((a) => (a === null ? null : Math.trunc(a as number) + 0)));
    expect(t.i).toEqual(p.i);
    expect(t.f).toEqual(p.f.map((f) => (f === null ? null : f ? 1 : 0)));
    expect(t.s).toEqual(p.s.map(() => null)); // 'v3', 'q "1", é': not numbers
    expect(t.txt).toEqual(p.i.map((x) => String(x)));
    expect(t.back).toEqual(p.i);
    expect(() => wideFrame(p, k).astype({ nope: 'int32' })).toThrow(/unknown column 'nope'/);
    expect(() => col('a').astype('int64' as 'int32')).toThrow(/unknown type 'int64'/);
  });

  test.each(shapes)(
    'fillna per column, scalar by type, and on a Series (%i rows, %i parts)',
    async (n, k) => {
      const p = wide(n, n + 2);
      const df = wideFrame(p, k);
      const t = plain(await df.fillna({ a: -1, t: 'none', f: true }).compute(sync));
      expect(t.a).toEqual(p.a.map((a) => a ?? -1));
      expect(t.t).toEqual(p.t.map((x) => x ?? 'none'));
      expect(t.f).toEqual(p.f.map((x) => x ?? true));
      const scalar = plain(await df.fillna(0).compute(sync));
      expect(scalar.a).toEqual(p.a.map((a) => a ?? 0));
      expect(scalar.t).toEqual(p.t); // a number does not fill a string column
      const v = await df.col('a').fillna(df.col('i')).compute(sync);
      expect([...v]).toEqual(p.a.map((a, j) => a ?? p.i[j]));
      expect(df.col('i').fillna(0).dtype).toBe('int32');
      expect(() => df.fillna({ t: 1 })).toThrow(
        /fillna mixes column 't' \(utf8\) and 1 \(float64\)/,
      );
    },
  );

  test.each(shapes)('dropna any / all over a subset (%i rows, %i parts)', async (n, k) => {
    const p = wide(n, n + 3);
    const df = wideFrame(p, k);
    const any = plain(await df.dropna({ subset: ['a', 't'] }).compute(sync));
    const keepAny = p.a.map((a, j) => a !== null && p.t[j] !== null);
    expect(any.i).toEqual(p.i.filter((_, j) => keepAny[j]));
    const all = plain(await df.dropna({ subset: ['a', 't'], how: 'all' }).compute(sync));
    expect(all.i).toEqual(p.i.filter((_, j) => p.a[j] !== null || p.t[j] !== null));
    const every = plain(await df.dropna().compute(sync));
    expect(every.i).toEqual(
      p.i.filter((_, j) => p.a[j] !== null && p.t[j] !== null && p.f[j] !== null),
    );
    // NaN counts as null.
    const nan = fromColumns({ x: [1, NaN, null, 2] }, { npartitions: 2 });
    expect(plain(await nan.dropna().compute(sync)).x).toEqual([1, 2]);
    expect([...(await nan.col('x').isNull().compute(sync))]).toEqual([false, true, true, false]);
  });
});

describe('isin, between, where / mask', () => {
  test.each(shapes)('against plain arrays (%i rows, %i parts)', async (n, k) => {
    const p = wide(n, n + 4);
    const df = wideFrame(p, k);
    const q = df.assign({
      inK: col('k').isin(['x', 'z']),
      inI: col('i').isin([3, 5, 7, 99]),
      inT: col('t').isin(['p', 'é']),
      btw: col('a').between(-10, 40),
      open: col('a').between(-10, 40, 'neither'),
      pos: col('a').where(col('a').gt(0), 0),
      neg: col('a').mask(col('a').gt(0)),
      iw: col('i').where(col('f')),
    });
    expect(q.dtypes).toMatchObject({ pos: 'float64', iw: 'int32', inK: 'bool' });
    const t = plain(await q.compute(sync));
    expect(t.inK).toEqual(p.k.map((x) => x === 'x' || x === 'z'));
    expect(t.inI).toEqual(p.i.map((x) => [3, 5, 7, 99].includes(x as number)));
    expect(t.inT).toEqual(p.t.map((x) => x === 'p' || x === 'é'));
    expect(t.btw).toEqual(
      p.a.map((a) => (a === null ? null : (a as number) >= -10 && (a as number) <= 40)),
    );
    expect(t.open).toEqual(
      p.a.map((a) => (a === null ? null : (a as number) > -10 && (a as number) < 40)),
    );
    expect(t.pos).toEqual(p.a.map((a) => (a !== null && (a as number) > 0 ? a : 0)));
    expect(t.neg).toEqual(p.a.map((a) => (a !== null && (a as number) > 0 ? null : a)));
    expect(t.iw).toEqual(p.i.map((x, j) => (p.f[j] === true ? x : null)));
    const s = df.col('i');
    const v = await s.where(s.gt(50), s.mul(-1)).compute(sync);
    expect([...v]).toEqual(p.i.map((x) => ((x as number) > 50 ? x : 0 - (x as number))));
    const m = await s.mask(df.col('k').eq('x'), -1).compute(sync);
    expect([...m]).toEqual(p.i.map((x, j) => (p.k[j] === 'x' ? -1 : x)));
    expect(() => df.assign({ z: col('k').isin([1]) })).toThrow(
      /isin of column 'k' \(utf8\) with 1/,
    );
    expect(() => df.assign({ z: col('a').where(col('a')) })).toThrow(/column 'a' \(float64\)/);
    expect(() => df.assign({ z: col('a').where(col('f'), 'x') })).toThrow(/mixes column 'a'/);
  });
});

/** Python-like code point helpers for the str reference. */
const cps = (s: string): string[] => [...s];
function pySlice(s: string, a: number, b?: number): string {
  const c = cps(s);
  const n = c.length;
  const norm = (x: number): number => (x < 0 ? Math.max(0, n + x) : Math.min(x, n));
  return c.slice(norm(a), b === undefined ? n : norm(b)).join('');
}

describe('str accessor', () => {
  test('contains with literals joined by .* (searched as bytes) matches the RegExp', async () => {
    const r = rng(42);
    const alphabet = ['a', 'b', 'ab', 'é', 'x', ' ', '\n', '\r', '\u2028', 'requests', 'special'];
    const rows = Array.from({ length: 3000 }, (_, i) =>
      i % 17 === 0
        ? null
        : Array.from({ length: Math.floor(r() * 9) }, () => alphabet[Math.floor(r() * 11)]).join(
            '',
          ),
    );
    const df = fromColumns({ s: rows }, { npartitions: 3 });
    const patterns = [
      /special.*requests/,
      /a.*b/,
      /a.*b/s,
      /ab.*é.*a/u,
      /.*/,
      /é.*/,
      /.*x.*x/,
      /a.*b/i, // a flag that changes the match: the RegExp runs
      /a+.*b/, // other syntax: the RegExp runs
    ];
    for (const re of patterns) {
      const got = [...(await df.col('s').str.contains(re).compute(sync))].map((x) => x ?? null);
      expect([String(re), got]).toEqual([
        String(re),
        rows.map((x) => (x === null ? null : re.test(x))),
      ]);
    }
  });

  test.each(shapes)('string functions against JS strings (%i rows, %i parts)', async (n, k) => {
    const p = wide(n, n + 5);
    const df = wideFrame(p, k);
    const s = col('s');
    const q = df.assign({
      has: s.str.contains('"1'),
      re: s.str.contains(/^v1\d$/),
      sw: s.str.startsWith('q "'),
      ew: s.str.endsWith(', é'),
      lo: col('t').str.lower(),
      up: s.str.upper(),
      len: s.str.len(),
      rep: s.str.replace('v', 'VV'),
      rre: s.str.replace(/\d+/g, '#'),
      sl: s.str.slice(1, 3),
      neg: s.str.slice(-2),
      sp0: s.str.split(','),
      sp1: s.str.split(',', 1),
      st: s.str.slice(2).str.strip(),
    });
    expect(q.dtypes).toMatchObject({ has: 'bool', len: 'int32', up: 'utf8' });
    const t = plain(await q.compute(sync));
    const ss = p.s as string[];
    const ts = p.t.map(str);
    expect(t.has).toEqual(ss.map((x) => x.includes('"1')));
    expect(t.re).toEqual(ss.map((x) => /^v1\d$/.test(x)));
    expect(t.sw).toEqual(ss.map((x) => x.startsWith('q "')));
    expect(t.ew).toEqual(ss.map((x) => x.endsWith(', é')));
    expect(t.lo).toEqual(ts.map((x) => (x === null ? null : x.toLowerCase())));
    expect(t.up).toEqual(ss.map((x) => x.toUpperCase()));
    expect(t.len).toEqual(ss.map((x) => cps(x).length));
    expect(t.rep).toEqual(ss.map((x) => x.split('v').join('VV')));
    expect(t.rre).toEqual(ss.map((x) => x.replace(/\d+/g, '#')));
    expect(t.sl).toEqual(ss.map((x) => pySlice(x, 1, 3)));
    expect(t.neg).toEqual(ss.map((x) => pySlice(x, -2)));
    expect(t.sp0).toEqual(ss.map((x) => x.split(',')[0]));
    expect(t.sp1).toEqual(ss.map((x) => x.split(',')[1] ?? null));
    expect(t.st).toEqual(ss.map((x) => pySlice(x, 2).trim()));
    // Nulls stay null; a Series has the same accessor.
    const u = await df.col('t').str.upper().compute(sync);
    expect([...u].map((x: unknown) => x ?? null)).toEqual(
      ts.map((x) => (x === null ? null : x.toUpperCase())),
    );
    expect(() => df.assign({ z: col('a').str.lower() })).toThrow(
      /str.lower needs a utf8 operand, got column 'a' \(float64\)/,
    );
  });
});

describe('query', () => {
  test.each(shapes)(
    'parses into the same expressions as col() (%i rows, %i parts)',
    async (n, k) => {
      const p = wide(n, n + 6);
      const df = wideFrame(p, k);
      const cases: [string, (j: number) => boolean][] = [
        ['a > 5 and k == "x"', (j) => p.a[j] !== null && (p.a[j] as number) > 5 && p.k[j] === 'x'],
        ["i >= 50 or not (k != 'y')", (j) => (p.i[j] as number) >= 50 || p.k[j] === 'y'],
        [
          'i * 2 + 1 < 40 & ~(t == "p")',
          (j) => (p.i[j] as number) * 2 + 1 < 40 && p.t[j] !== null && p.t[j] !== 'p',
        ],
        [
          'k in ["x", "w"] and i not in (1, 2, 3)',
          (j) => ['x', 'w'].includes(p.k[j] as string) && ![1, 2, 3].includes(p.i[j] as number),
        ],
        ['10 < i <= 20', (j) => (p.i[j] as number) > 10 && (p.i[j] as number) <= 20],
        [
          '-a > 3.5e1 or f == True',
          (j) => (p.a[j] !== null && -(p.a[j] as number) > 35) || p.f[j] === true,
        ],
        ['`i` - -1 == 5', (j) => (p.i[j] as number) + 1 === 5],
      ];
      for (const [q, pred] of cases) {
        const got = plain(await df.query(q).compute(sync));
        expect([q, got.i]).toEqual([q, p.i.filter((_, j) => pred(j))]);
      }
    },
  );

  test('errors name the position, the unknown column and the columns that exist', () => {
    const df = fromColumns({ a: [1], b: ['x'] });
    expect(() => df.query('a > 1 and c == 2')).toThrow(
      /unknown column 'c' at position 10 .*the columns are 'a', 'b'/,
    );
    expect(() => df.query('a > ')).toThrow(/unexpected the end at position 4/);
    expect(() => df.query('a > 1 )')).toThrow(/unexpected '\)' at position 6/);
    expect(() => df.query('a ? 1')).toThrow(/unexpected character '\?' at position 2/);
    expect(() => df.query('b == "x')).toThrow(/unterminated string at position 5/);
    expect(() => df.query('a + 1')).toThrow(/is float64, not bool/);
    expect(() => df.query('b > 1')).toThrow(/column 'b' \(utf8\)/);
  });
});

describe('mapPartitions', () => {
  test.each(shapes)(
    'receives each partition as an Arrow table (%i rows, %i parts)',
    async (n, k) => {
      const p = wide(n, n + 7);
      const df = wideFrame(p, k);
      // Plain columns out, meta inferred from a call on an empty partition.
      const counts = df.mapPartitions((t: Table) => ({ rows: [t.numRows], tag: ['part'] }));
      expect(counts.dtypes).toEqual({ rows: 'float64', tag: 'utf8' });
      const c = plain(await counts.compute(sync));
      expect(c.rows.reduce((s, x) => (s as number) + (x as number), 0)).toBe(n);
      expect(c.rows.length).toBe(k);
      // An Arrow table out, with meta, typed columns kept and converted to meta's types.
      const doubled = df.mapPartitions(
        (t: Table) => {
          const i = t.getChild('i')!.toArray() as Int32Array;
          return tableFromArrays({ i, twice: Float64Array.from(i, (x) => x * 2) });
        },
        { meta: { i: 'int32', twice: 'float64' } },
      );
      const d = plain(await doubled.compute(sync));
      expect(d.twice).toEqual(p.i.map((x) => (x as number) * 2));
      // Its result feeds later steps.
      const after = plain(await doubled.filter(col('twice').gt(100)).compute(sync));
      expect(after.i).toEqual(p.i.filter((x) => (x as number) > 50));
    },
  );

  test('a result that does not match meta names the column', async () => {
    const df = fromColumns({ a: [1, 2] });
    await expect(
      df.mapPartitions(() => ({ b: [1] }), { meta: { a: 'float64' } }).compute(sync),
    ).rejects.toThrow(/missing 'a'; unexpected 'b'/);
    await expect(
      df.mapPartitions(() => ({ a: ['x'] }), { meta: { a: 'float64' } }).compute(sync),
    ).rejects.toThrow(/column 'a' came back utf8, but meta says float64/);
    expect(() => df.mapPartitions(() => 5 as unknown as Plain)).toThrow(
      /must return an Arrow Table or an object of columns/,
    );
    expect(() => df.mapPartitions(() => ({}), { meta: { a: 'int64' as 'int32' } })).toThrow(
      /unknown type 'int64'/,
    );
  });

  test('a closure runs on sync', async () => {
    const factor = 3;
    const df = fromColumns({ a: [1, 2, 3] }, { npartitions: 2 });
    const t = await df
      .mapPartitions((t: Table) => ({
        a: Array.from(t.getChild('a')!.toArray() as Float64Array, (x) => x * factor),
      }))
      .compute(sync);
    expect(plain(t).a).toEqual([3, 6, 9]);
  });
});

// Keeps `Literal` and `num` in use for type checks of the helpers.
const _lits: Literal[] = [1, 'x', true];
void _lits;
void num;

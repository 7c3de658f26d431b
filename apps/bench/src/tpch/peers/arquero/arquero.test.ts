// The arquero peer's 22 queries at SF 0.01 against DuckDB's answers on the same generated files
// (the suite shows a wrong answer as such; this test keeps the peer's queries right).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import { DateDay, makeData, makeVector, Utf8, vectorFromArray } from 'apache-arrow';
import '@dask-ts/scheduler';
import { differ } from '../../compare.js';
import { openDuck, type TpchDuck } from '../../duck.js';
import { generateTpch, type TpchFiles } from '../../generate.js';
import { ORDER_BY } from '../../queries/index.js';
import { openArquero, plainColumn, type TpchArquero } from './index.js';

jest.setTimeout(120_000);

let dir = '';
let files: TpchFiles;
let duck: TpchDuck;
let arquero: TpchArquero;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dask-ts-tpch-arquero-test-'));
  files = await generateTpch(join(dir, 'sf0.01'), 0.01, { rowGroupSize: 4096 });
  duck = await openDuck(files, 1);
  arquero = await openArquero(files);
}, 300_000);

afterAll(() => {
  duck?.close();
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

test.each(Array.from({ length: 22 }, (_, i) => i + 1))(
  'arquero Q%i gives DuckDB answer',
  async (id) => {
    const want = await duck.run(id);
    const got = await arquero.run(id);
    expect(got.columns).toEqual(want.columns);
    expect(differ(got, want, ORDER_BY[id])).toBeUndefined();
  },
);

test('an unknown query is refused', async () => {
  await expect(arquero.run(23)).rejects.toThrow('TPC-H has queries 1 to 22, got 23');
});

test('plain columns: numbers stay typed, dates become ISO strings, strings are shared', () => {
  const nums = plainColumn(makeVector(new Int32Array([3, 1, 2])));
  expect(nums).toEqual(new Int32Array([3, 1, 2]));
  const days = makeData({ type: new DateDay(), length: 3, data: new Int32Array([0, 9568, 10591]) });
  expect(plainColumn(makeVector(days))).toEqual(['1970-01-01', '1996-03-13', '1998-12-31']);
  const words = plainColumn(vectorFromArray(['AIR', 'MAIL', 'AIR', null], new Utf8()));
  expect(words).toEqual(['AIR', 'MAIL', 'AIR', null]);
});

// The Python dask.dataframe peer at SF 0.01: the CSV copies are made once (and reused), and every
// one of the 22 answers of python/tpch_dask.py equals DuckDB's on the same generated files.
// Skipped, with the reason printed, where /usr/bin/python3 has no Dask.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import '@dask-ts/scheduler';
import { daskAvailable, DASK_MISSING } from '../../../peers/dask.js';
import { openDuck, type TpchDuck } from '../../duck.js';
import { generateTpch, type TpchFiles } from '../../generate.js';
import { ORDER_BY } from '../../queries/index.js';
import { checkedDask, runDaskTpch, tpchCsv } from './index.js';

jest.setTimeout(300_000);

const hasDask = daskAvailable();
if (!hasDask) console.warn(`Python Dask peer tests skipped: ${DASK_MISSING}`);

let dir = '';
let files: TpchFiles;
let duck: TpchDuck;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dask-ts-tpch-dask-test-'));
  files = await generateTpch(join(dir, 'sf0.01'), 0.01, { rowGroupSize: 4096 });
  duck = await openDuck(files, 1);
}, 300_000);

afterAll(() => {
  duck?.close();
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

test('the CSV copies are written once and reused', async () => {
  const csv = await tpchCsv(files);
  const lineitem = join(csv, 'lineitem.csv');
  expect(existsSync(lineitem)).toBe(true);
  const before = statSync(lineitem).mtimeMs;
  expect(await tpchCsv(files)).toBe(csv);
  expect(statSync(lineitem).mtimeMs).toBe(before);
});

(hasDask ? test : test.skip)('all 22 answers equal DuckDB answers', async () => {
  const dask = await runDaskTpch(files, 1, 1);
  if (typeof dask === 'string') throw new Error(dask);
  for (let id = 1; id <= 22; id++) {
    const outcome = checkedDask(dask.get(id), await duck.run(id), ORDER_BY[id]);
    expect({ id, problem: outcome.problem }).toEqual({ id, problem: undefined });
    expect(outcome.ms).toBeGreaterThan(0);
  }
});

test('a missing outcome or a wrong answer is reported, not hidden', () => {
  const want = { columns: ['n'], rows: [[1]] };
  expect(checkedDask(undefined, want, []).problem).toMatch(/no outcome/);
  expect(checkedDask({ problem: 'error: boom' }, want, []).problem).toBe('error: boom');
  const wrong = checkedDask({ ms: 1, answer: { columns: ['n'], rows: [[2]] } }, want, []);
  expect(wrong.problem).toMatch(/^wrong answer/);
  expect(checkedDask({ ms: 1, answer: want }, want, [])).toEqual({ ms: 1 });
});

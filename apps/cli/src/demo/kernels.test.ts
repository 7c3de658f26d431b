// The demo kernels on their own: reproducible files, exact parsing, stats and merges against
// plain reference values, and malformed input refused with the offending line named.
import { afterAll, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MAX_VALUE,
  fileName,
  fileStats,
  loadText,
  mergeStats,
  parseValues,
  summarize,
  writeNumbers,
} from './kernels.js';

const dir = mkdtempSync(join(tmpdir(), 'dask-ts-kernels-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('writeNumbers writes a reproducible file of integer values', () => {
  const path = writeNumbers(dir, 3, 50);
  expect(path).toBe(join(dir, 'part-00003.csv'));
  const first = readFileSync(path, 'utf8');
  writeNumbers(dir, 3, 50);
  expect(readFileSync(path, 'utf8')).toBe(first);
  const lines = first.trim().split('\n');
  expect(lines).toHaveLength(51);
  expect(lines[0]).toBe('id,value');
  expect(lines[1].split(',')[0]).toBe('150');
  for (const line of lines.slice(1)) {
    const v = Number(line.split(',')[1]);
    expect(Number.isInteger(v) && v >= 0 && v < MAX_VALUE).toBe(true);
  }
  expect(loadText(writeNumbers(dir, 4, 50))).not.toBe(first);
  expect(fileName(12)).toBe('part-00012.csv');
});

test('parseValues, fileStats, mergeStats and summarize agree with plain arithmetic', () => {
  const values = parseValues('id,value\n0,5\n1,7\n2,1\n');
  expect([...values]).toEqual([5, 7, 1]);
  const a = fileStats(values);
  expect(a).toEqual({ count: 3, sum: 13, min: 1, max: 7 });
  const b = fileStats([10, -2]);
  expect(mergeStats(a, b)).toEqual({ count: 5, sum: 21, min: -2, max: 10 });
  expect(summarize(mergeStats(a, b))).toEqual({
    count: 5,
    sum: 21,
    min: -2,
    max: 10,
    mean: 21 / 5,
  });
  expect(fileStats([])).toEqual({ count: 0, sum: 0, min: Infinity, max: -Infinity });
});

test('writeNumbers refuses a bad row count, naming it', () => {
  expect(() => writeNumbers(dir, 0, -1)).toThrow(
    'writeNumbers: rows must be a non-negative integer, got -1',
  );
});

test('parseValues refuses malformed text, naming the line', () => {
  expect(() => parseValues('a,b\n1,2\n')).toThrow(
    "parseValues: expected the header 'id,value', got 'a,b'",
  );
  expect(() => parseValues('id,value\n0,1\n1,oops\n')).toThrow(
    "parseValues: line 3 is not 'id,value': '1,oops'",
  );
  expect(() => parseValues('id,value\nnocomma\n')).toThrow(
    "parseValues: line 2 is not 'id,value': 'nocomma'",
  );
  expect(() => parseValues('id,value\n0,\n')).toThrow(
    "parseValues: line 2 is not 'id,value': '0,'",
  );
});

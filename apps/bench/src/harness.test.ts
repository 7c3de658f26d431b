// The harness's pure parts: number formatting, tables, RESULTS.md section upserts, best-of timing
// and its input checks, and the child-process JSON runner.
import { expect, test } from '@jest/globals';
import {
  bestOf,
  fmt,
  int,
  markdownTable,
  ratio,
  renderTable,
  resultSection,
  runJson,
  upsertSection,
  type SuiteResult,
} from './harness.js';

const result: SuiteResult = {
  suite: 'demo-suite',
  title: 'a title',
  headers: ['implementation', 'ms'],
  rows: [
    ['dask-ts', '1.50'],
    ['peer', '3.00'],
  ],
  notes: ['a note'],
};
const machine = {
  cpu: 'CPU X',
  cores: 2,
  memoryGiB: 8,
  os: 'Linux',
  node: 'v20',
  python: '3.11',
  dask: '2022.12',
};

test('fmt keeps three significant digits with separators; ratio appends ×', () => {
  expect(fmt(12345.678)).toBe('12,346');
  expect(fmt(1.23456)).toBe('1.23');
  expect(fmt(0.0123456)).toBe('0.0123');
  expect(fmt(0)).toBe('0');
  expect(int(39999)).toBe('39,999');
  expect(int(1e6)).toBe('1,000,000');
  expect(ratio(10, 4)).toBe('2.50×');
});

test('renderTable aligns columns, numbers to the right', () => {
  expect(
    renderTable(
      ['impl', 'ms'],
      [
        ['a', '1.5'],
        ['longer', '10.25'],
      ],
    ),
  ).toBe(['impl       ms', '------  -----', 'a         1.5', 'longer  10.25'].join('\n'));
  expect(markdownTable(['a', 'b'], [['x|y', '1']])).toBe('| a | b |\n|---|---|\n| x\\|y | 1 |');
});

test('upsertSection adds a section, then replaces only that one', () => {
  const date = new Date('2025-01-02T03:04:05.000Z');
  const first = upsertSection('', 'demo-suite', resultSection(result, machine, 'cmd a', date));
  expect(first).toMatch(/^# dask-ts benchmark results/);
  expect(first).toContain('- command: `cmd a`');
  expect(first).toContain('- date: 2025-01-02T03:04:05.000Z');
  expect(first).toContain('- machine: CPU X, 2 cores, 8 GiB, Linux');
  expect(first).toContain('- Node v20, Python 3.11, Dask 2022.12');
  expect(first).toContain('| dask-ts | 1.50 |');
  const other = upsertSection(
    first,
    'other',
    resultSection({ ...result, suite: 'other' }, machine, 'cmd o', date),
  );
  const replaced = upsertSection(
    other,
    'demo-suite',
    resultSection(result, machine, 'cmd b', date),
  );
  expect(replaced).not.toContain('cmd a');
  expect(replaced).toContain('cmd b');
  expect(replaced).toContain('cmd o');
  expect(replaced.indexOf('cmd b')).toBeLessThan(replaced.indexOf('cmd o'));
  expect(replaced.match(/<!-- suite:demo-suite -->/g)).toHaveLength(1);
});

test('bestOf runs setup before every repetition and returns the smallest time', async () => {
  const calls: string[] = [];
  const r = await bestOf(
    3,
    () => calls.push('run'),
    () => calls.push('setup'),
  );
  expect(calls).toEqual(['setup', 'run', 'setup', 'run', 'setup', 'run']);
  expect(r.times).toHaveLength(3);
  expect(r.best).toBe(Math.min(...r.times));
});

test('bestOf refuses a bad repetition count, naming it', async () => {
  await expect(bestOf(0, () => 1)).rejects.toThrow(
    'bestOf: reps must be a positive integer, got 0',
  );
});

test('runJson reads the last stdout line as JSON and reports failures with the command', async () => {
  await expect(
    runJson(process.execPath, [
      '-e',
      'console.log("noise"); console.log(JSON.stringify({ a: 1 }))',
    ]),
  ).resolves.toEqual({ a: 1 });
  await expect(runJson(process.execPath, ['-e', 'console.log("not json")'])).rejects.toThrow(
    /did not print JSON as its last line: not json/,
  );
  await expect(runJson(process.execPath, ['-e', 'process.exit(3)'])).rejects.toThrow(
    /exited with 3/,
  );
});

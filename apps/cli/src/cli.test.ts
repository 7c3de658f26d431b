// The `dask-ts` command as a function: help, version, the demo on sync, and every kind of bad
// input, which must exit 2 with a message naming the culprit.
import { expect, test } from '@jest/globals';
import { runCli } from './cli.js';
import { parseArgs } from './args.js';

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test('--help and no arguments list the commands', async () => {
  for (const argv of [['--help'], [], ['help'], ['-h'], ['demo', '--help']]) {
    const r = await cli(...argv);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/usage: dask-ts <command>/);
    expect(r.out).toMatch(/^\s+demo\s/m);
    expect(r.out).toMatch(/--scheduler <threads\|sync\|processes>/);
  }
});

test('--version prints the version', async () => {
  expect(await cli('--version')).toEqual({ code: 0, out: '0.0.0', err: '' });
});

test('demo runs on sync and prints what it did', async () => {
  const r = await cli('demo', '--scheduler', 'sync', '--files', '3', '--rows', '20');
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/on the 'sync' scheduler/);
  expect(r.out).toMatch(/3 files × 20 rows = 60 numbers/);
  expect(r.out).toMatch(/tasks: {3}15 /);
  expect(r.out).toMatch(/tasks\/s/);
});

test('options also take the --name=value form', () => {
  expect(parseArgs(['demo', '--scheduler=sync', '--files=2', '--rows=0'])).toEqual({
    command: 'demo',
    options: { scheduler: 'sync', files: 2, rows: 0 },
  });
  expect(parseArgs(['demo'])).toEqual({ command: 'demo', options: {} });
});

test.each([
  [['frobnicate'], /Unknown command 'frobnicate'\. Commands: demo, help/],
  [['demo', '--bogus'], /Unknown option '--bogus' for 'dask-ts demo'/],
  [['demo', '--files', 'x'], /Option --files must be a non-negative integer, got 'x'/],
  [['demo', '--files', '0'], /Option --files must be at least 1, got '0'/],
  [['demo', '--rows', '-3'], /Option --rows must be a non-negative integer, got '-3'/],
  [['demo', '--rows', '1.5'], /Option --rows must be a non-negative integer, got '1\.5'/],
  [['demo', '--files'], /Option --files needs a value/],
  [
    ['demo', '--scheduler', 'gpu'],
    /Option --scheduler must be one of threads, sync, processes, got 'gpu'/,
  ],
  [
    ['demo', '--scheduler'],
    /Option --scheduler must be one of threads, sync, processes, got nothing/,
  ],
])('bad usage %j exits 2 naming the culprit', async (argv, message) => {
  const r = await cli(...argv);
  expect(r.code).toBe(2);
  expect(r.out).toBe('');
  expect(r.err).toMatch(message);
});

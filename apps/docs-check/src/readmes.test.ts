// Every TypeScript and JavaScript block of every README type-checks under NodeNext against the
// built packages, and runs to completion as a script (see run-block.ts for what "runs" means).
// Blocks marked `no-run` are only type-checked; blocks in other languages are neither.
import { readFileSync } from 'node:fs';
import { beforeAll, expect, test } from '@jest/globals';
import { insertChecks } from './expectations.js';
import { allBlocks, where, writeScratch, type ScratchFile } from './readmes.js';
import { runBlock } from './run-block.js';
import { typecheckBlocks } from './typecheck.js';

/** A block's deadline: generous for a cold pool on a loaded 2-core machine. */
const DEADLINE_MS = 60_000;

const blocks = allBlocks();
const files = writeScratch(blocks.filter((b) => b.mode !== 'skip'));
const runnable = files.filter((f) => f.block.mode === 'run');
let typeErrors: Map<string, string[]>;

beforeAll(() => {
  typeErrors = typecheckBlocks(files);
}, 120_000);

test('most README code blocks run', () => {
  // `no-run` is for the rare fragment that cannot run on its own, not a way out of the check.
  expect(files.length).toBeGreaterThan(10);
  expect(runnable.length).toBeGreaterThanOrEqual(files.length * 0.75);
});

test('README results are checked where a comment states one', () => {
  // See expectations.ts: `await b.sum().compute(); // 15` fails the block unless it gives 15.
  const checked = runnable.flatMap(
    (f) => insertChecks(readFileSync(f.path, 'utf8'), (l) => `${where(f.block)}+${l}`).expectations,
  );
  expect(checked.length).toBeGreaterThanOrEqual(10);
});

test.each(files.map((f) => [where(f.block), f] as const))('%s type-checks', (_, file) => {
  expect(typeErrors.get(file.path)).toEqual([]);
});

test.each(runnable.map((f) => [where(f.block), f] as const))(
  '%s runs',
  async (name: string, file: ScratchFile) => {
    const r = await runBlock(file, DEADLINE_MS);
    const report = [
      `${name}: ${r.timedOut ? `still running after ${DEADLINE_MS} ms` : `exit ${r.code ?? r.signal}`}` +
        ` in ${Math.round(r.ms)} ms${r.leftProcesses ? ', left processes running' : ''}`,
      r.stderr && `stderr:\n${r.stderr}`,
      r.stdout && `stdout:\n${r.stdout}`,
    ]
      .filter(Boolean)
      .join('\n');
    const ok = r.code === 0 && !r.timedOut && !r.leftProcesses && r.stderr === '';
    expect(ok ? 'ok' : report).toBe('ok');
  },
  DEADLINE_MS + 30_000,
);

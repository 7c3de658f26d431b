// Prints the close of a whole-monorepo test run: one line per workspace (its tests and its jest
// wall time), the suite's wall time when tooling/test.mjs or .ci/run says when it started, and
// last, alone, "tests: N passed, N failed, N skipped", read from the JSON result file each
// workspace's jest run leaves behind. Exits non-zero on failures or when no test ran at all.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

let passed = 0;
let failed = 0;
let skipped = 0;
const root = new URL('..', import.meta.url).pathname;
for (const group of ['packages', 'apps']) {
  for (const name of readdirSync(join(root, group)).sort()) {
    const file = join(root, group, name, '.jest-results.json');
    if (!existsSync(file)) continue;
    const r = JSON.parse(readFileSync(file, 'utf8'));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    skipped += r.numPendingTests + (r.numTodoTests ?? 0);
    const ends = r.testResults.map((t) => t.endTime ?? t.perfStats?.end ?? 0);
    const took =
      ends.length > 0 ? ` in ${((Math.max(...ends) - r.startTime) / 1000).toFixed(1)} s` : '';
    console.log(
      `  ${group}/${name}: ${r.numPassedTests} passed, ${r.numFailedTests} failed${took}`,
    );
  }
}
const started = Number(process.env.DASK_TS_CI_STARTED);
if (started > 0) {
  const phases = process.env.DASK_TS_PHASES ? ` (${process.env.DASK_TS_PHASES})` : '';
  console.log(`wall time: ${((Date.now() - started) / 1000).toFixed(1)} s${phases}`);
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);

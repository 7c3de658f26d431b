// `pnpm test`: every check of every workspace, in two phases, then one summary. Phase 1 builds,
// type-checks, lints and checks the packages' exports (publint, attw), as parallel as turbo
// likes: those tasks only need CPU. Phase 2 runs the jest suites one workspace at a time: they
// start worker threads and child processes, measure deadlines and spin busy tasks, and suites
// run side by side on a 2-core machine starve each other into timeouts. Both phases always run
// (so one report shows every failure); the exit code is non-zero when either failed or when the
// summary finds a failed test or none at all.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const started = Number(process.env.DASK_TS_CI_STARTED) || Date.now();
const turbo = join(root, 'node_modules', '.bin', 'turbo');
const common = ['--continue', '--output-logs=errors-only'];

/** Runs one command from the root, inheriting stdio; returns its exit code and seconds taken. */
function run(label, command, args) {
  const t0 = Date.now();
  const r = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
  });
  const s = (Date.now() - t0) / 1000;
  console.log(
    `${label}: ${r.status === 0 ? 'ok' : `failed (${r.status ?? r.signal})`} in ${s.toFixed(1)} s`,
  );
  return { code: r.status ?? 1, s };
}

const checks = run('checks (build, typecheck, lint, publint, attw)', turbo, [
  'run',
  'build',
  'typecheck',
  'lint',
  'publint',
  'attw',
  ...common,
]);
const tests = run('tests (one workspace at a time)', turbo, [
  'run',
  'test',
  '--concurrency=1',
  ...common,
]);
// The summary's last line is the test count, so it comes last.
const summary = spawnSync(process.execPath, [join(root, 'tooling', 'summary.mjs')], {
  stdio: 'inherit',
  env: {
    ...process.env,
    DASK_TS_CI_STARTED: String(started),
    DASK_TS_PHASES: `checks ${checks.s.toFixed(1)} s, tests ${tests.s.toFixed(1)} s`,
  },
});
process.exit(checks.code || tests.code || (summary.status ?? 1));

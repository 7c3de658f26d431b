// `pnpm test`: every check of every workspace, in two phases, then one summary. Phase 1 builds,
// type-checks, lints and checks the packages' exports (publint, attw), as parallel as turbo
// likes: those tasks only need CPU. Phase 2 runs the jest suites one workspace at a time: they
// start worker threads and child processes, measure deadlines and spin busy tasks, and suites
// run side by side on a 2-core machine starve each other into timeouts. Both phases always run
// (so one report shows every failure); the exit code is non-zero when either failed or when the
// summary finds a failed test or none at all. Each phase has a deadline far above its usual time
// (minutes) and far below CI's 90: a hung suite is killed with its process group and named,
// rather than eating CI's whole budget in silence.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const started = Number(process.env.DASK_TS_CI_STARTED) || Date.now();
const turbo = join(root, 'node_modules', '.bin', 'turbo');
const common = ['--continue', '--output-logs=errors-only'];
const MINUTE = 60_000;

/**
 * Runs one command from the root in its own process group, inheriting stdio, under a deadline;
 * returns its exit code and the seconds it took.
 */
async function run(label, command, args, deadlineMs) {
  const t0 = Date.now();
  const child = spawn(command, args, {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
  });
  const killGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  // Ctrl-C and CI's own stop reach this process, not the detached group: pass them on.
  const forward = (signal) => killGroup(signal);
  process.on('SIGINT', forward).on('SIGTERM', forward);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup('SIGTERM');
    setTimeout(() => killGroup('SIGKILL'), 10_000).unref();
  }, deadlineMs);
  const [code, signal] = await new Promise((resolve) =>
    child.on('exit', (c, sig) => resolve([c, sig])),
  );
  clearTimeout(timer);
  process.off('SIGINT', forward).off('SIGTERM', forward);
  killGroup('SIGKILL'); // whatever the phase left behind
  const s = (Date.now() - t0) / 1000;
  const how = timedOut
    ? `killed: still running after ${deadlineMs / MINUTE} min`
    : code === 0
      ? 'ok'
      : `failed (${code ?? signal})`;
  console.log(`${label}: ${how} in ${s.toFixed(1)} s`);
  return { code: code === 0 && !timedOut ? 0 : 1, s };
}

const checks = await run(
  'checks (build, typecheck, lint, publint, attw)',
  turbo,
  ['run', 'build', 'typecheck', 'lint', 'publint', 'attw', ...common],
  25 * MINUTE,
);
const tests = await run(
  'tests (one workspace at a time)',
  turbo,
  ['run', 'test', '--concurrency=1', ...common],
  45 * MINUTE,
);
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

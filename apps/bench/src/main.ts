// `node apps/bench/dist/main.js [suite...] [--quick] [--write]`: runs the named suites (all when
// none is named) one after another, prints a table per suite, and with --write updates that
// suite's section of apps/bench/RESULTS.md. An unknown suite name exits 2 before anything runs;
// a suite that throws is reported and the others still run (exit 1 at the end).
import { closeSchedulers } from '@dask-ts/protocol';
import { machineInfo, printResult, writeResult, type Suite } from './harness.js';
import { SUITES } from './suites/index.js';

const RESULTS = new URL('../RESULTS.md', import.meta.url);

function usage(): string {
  return [
    'usage: node apps/bench/dist/main.js [suite...] [--quick] [--write] [--runs N]',
    '',
    'suites:',
    ...SUITES.map((s) => `  ${s.name.padEnd(16)} ${s.describe}`),
    '',
    '  --quick   small graphs, few repetitions (a smoke run)',
    "  --write   update apps/bench/RESULTS.md with each suite's section",
    '  --runs N  runs of a soak suite (dist-chaos: default 20); best of N per query in the tpch suites',
  ].join('\n');
}

async function main(args: readonly string[]): Promise<number> {
  // `--runs N` (or --runs=N) first: its value is not a suite name.
  let runs: number | undefined;
  const argv: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const m = /^--runs(?:=(.*))?$/.exec(args[i]);
    if (m === null) {
      argv.push(args[i]);
      continue;
    }
    const raw = m[1] ?? args[++i];
    runs = Number(raw);
    if (!/^\d+$/.test(raw ?? '') || runs < 1) {
      console.error(`Option --runs needs a positive whole number, got '${raw ?? ''}'.`);
      return 2;
    }
  }
  const flags = argv.filter((a) => a.startsWith('-'));
  const names = argv.filter((a) => !a.startsWith('-'));
  for (const f of flags) {
    if (f === '--help' || f === '-h') {
      console.log(usage());
      return 0;
    }
    if (f !== '--quick' && f !== '--write') {
      console.error(`Unknown option '${f}'.\n\n${usage()}`);
      return 2;
    }
  }
  const chosen: Suite[] = [];
  for (const n of names) {
    const s = SUITES.find((x) => x.name === n);
    if (s === undefined) {
      console.error(`Unknown suite '${n}'. Known: ${SUITES.map((x) => x.name).join(', ')}.`);
      return 2;
    }
    chosen.push(s);
  }
  const quick = flags.includes('--quick');
  const write = flags.includes('--write');
  const machine = machineInfo();
  console.log(
    `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB; Node ${machine.node}, Python ${machine.python}, Dask ${machine.dask}${quick ? ' (quick)' : ''}`,
  );
  let failed = 0;
  for (const suite of chosen.length > 0 ? chosen : SUITES) {
    try {
      const result = await suite.run({ quick, ...(runs !== undefined ? { runs } : {}) });
      printResult(result);
      if (write) {
        const command = `node apps/bench/dist/main.js ${suite.name}${quick ? ' --quick' : ''}${runs !== undefined ? ` --runs ${runs}` : ''} --write`;
        writeResult(RESULTS, result, machine, command);
      }
    } catch (err) {
      failed++;
      console.error(
        `\nsuite ${suite.name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
    }
  }
  await closeSchedulers();
  return failed > 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));

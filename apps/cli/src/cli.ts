// The `dask-ts` command, as a function: parse, dispatch, print, return the exit code (0 ok,
// 1 the work failed, 2 bad usage). The process entry (main.ts) only wires it to argv and stdio,
// so tests call this directly. Schedulers made through the registry are closed before returning,
// so no worker thread keeps the process alive.
import { closeSchedulers } from '@dask-ts/protocol';
import { UsageError, helpText, parseArgs } from './args.js';
import { runDemo, type DemoResult } from './demo/run-demo.js';
import { parseCluster, runCluster } from './cluster-commands.js';

/**
 * Where the CLI writes.
 *
 * @example
 * const io: CliIo = { out: (s) => process.stdout.write(s + '\n'), err: (s) => process.stderr.write(s + '\n') };
 */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** The CLI's version. @example console.log(VERSION) */
export const VERSION = '0.0.0';

/**
 * Formats a demo result as the lines the CLI prints.
 *
 * @example
 * formatDemo(result).forEach((l) => console.log(l));
 */
export function formatDemo(r: DemoResult): string[] {
  const n = (x: number, digits = 0) =>
    x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  return [
    `dask-ts demo on the '${r.scheduler}' scheduler`,
    `  files:   ${n(r.files)} files × ${n(r.rows)} rows = ${n(r.summary.count)} numbers in ${r.dir}${r.kept ? '' : ' (removed afterwards)'}`,
    `  tasks:   ${n(r.tasks)} (write → load → parse → stats per file, a tree of merges, a summary)`,
    `  result:  mean ${n(r.summary.mean, 3)}, min ${n(r.summary.min)}, max ${n(r.summary.max)}, sum ${n(r.summary.sum)}`,
    `  time:    ${n(r.ms, 1)} ms (${n(r.tasksPerSecond)} tasks/s)`,
  ];
}

/**
 * Runs `dask-ts` with the given arguments and returns its exit code.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), io);
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const cmd = parseArgs(argv);
    switch (cmd.command) {
      case 'help':
        io.out(helpText());
        return 0;
      case 'version':
        io.out(VERSION);
        return 0;
      case 'scheduler':
      case 'worker':
        return await runCluster(parseCluster(cmd.command, cmd.args), io);
      case 'demo': {
        const result = await runDemo(cmd.options);
        for (const line of formatDemo(result)) io.out(line);
        return 0;
      }
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`dask-ts: ${err.message}`);
      return 2;
    }
    io.err(`dask-ts: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 1;
  } finally {
    await closeSchedulers();
  }
}

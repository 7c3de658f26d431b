// A task's stray promise (one it started but did not return) may reject after the task is over.
// Node would end the whole worker for it; instead the worker reports it on stderr and goes on,
// since the task's own result was already reported.

/**
 * Reports unhandled rejections on stderr instead of ending the worker.
 *
 * @example
 * installCrashGuards('thread-0');
 */
export function installCrashGuards(name: string): void {
  process.on('unhandledRejection', (reason) => {
    const text = reason instanceof Error ? (reason.stack ?? reason.message) : String(reason);
    process.stderr.write(
      `dask-ts worker ${name}: a promise was rejected and never handled: ${text}\n`,
    );
  });
}

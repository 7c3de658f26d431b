// The entry script (the file `node` or `tsx` was started with) must never be imported by a task: a
// worker importing it runs its top-level code again (computes and pools inside every worker: a
// chain of forks on `processes`), and in the calling thread the import waits for the entry's own
// evaluation, which waits for the compute: a silent deadlock. One test decides what the entry
// script is, everywhere: `process.argv[1]` here, and, in workers (which cannot see their parent's
// argv), the parent's entry passed down in the `DASK_TS_ENTRY` environment variable, which the
// worker runtime sets in the main thread.

/** The environment variable that carries the entry script to workers. */
const ENTRY_ENV = 'DASK_TS_ENTRY';

type ProcessLike = { argv?: readonly string[]; env?: Record<string, string | undefined> };

function toPath(specifier: string): string | undefined {
  if (!specifier.startsWith('file:')) return undefined;
  try {
    const path = decodeURIComponent(new URL(specifier.split(/[?#]/)[0] ?? '').pathname);
    return /^\/[A-Za-z]:\//.test(path) ? path.slice(1).replace(/\//g, '\\') : path;
  } catch {
    return undefined;
  }
}

/**
 * Whether `specifier` (a `file:` URL, with or without its extension) names the entry script of
 * this process, or of the process that started this worker.
 *
 * @example
 * isEntryModule(import.meta.url); // true in the script node was started with
 */
export function isEntryModule(specifier: string): boolean {
  const proc = (globalThis as { process?: ProcessLike }).process;
  const path = toPath(specifier);
  if (path === undefined) return false;
  const bare = path.replace(/\.[cm]?[jt]sx?$/, '');
  for (const entry of [proc?.argv?.[1], proc?.env?.[ENTRY_ENV]]) {
    if (entry !== undefined && entry !== '' && (path === entry || bare === entry)) return true;
  }
  return false;
}

/**
 * Passes this process's entry script down to the workers it starts (threads copy the
 * environment, child processes inherit it); a worker keeps the one it inherited. Called by the
 * worker runtime in the main thread.
 *
 * @example
 * shareEntryModule();
 */
export function shareEntryModule(): void {
  const proc = (globalThis as { process?: ProcessLike }).process;
  const entry = proc?.argv?.[1];
  if (
    proc?.env !== undefined &&
    proc.env[ENTRY_ENV] === undefined &&
    entry !== undefined &&
    entry !== ''
  ) {
    proc.env[ENTRY_ENV] = entry;
  }
}

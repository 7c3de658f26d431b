// The entry script (the file `node` or `tsx` was started with, `process.argv[1]`) must never be
// named by a module reference: a worker importing it runs its top-level code again (starting
// computes and pools inside every worker: a chain of forks on `processes`), and in the calling
// thread the import waits for the entry's own evaluation, which waits for the compute: a silent
// deadlock. References to it are refused when they are made (and by the in-thread scheduler's
// import), with the fix: move the functions into a module of their own.

function toPath(specifier: string): string | undefined {
  if (!specifier.startsWith('file:')) return undefined;
  try {
    const url = new URL(specifier);
    const path = decodeURIComponent(url.pathname);
    return /^\/[A-Za-z]:\//.test(path) ? path.slice(1).replace(/\//g, '\\') : path;
  } catch {
    return undefined;
  }
}

/**
 * Whether `specifier` names the entry script of this process (a `file:` URL of `process.argv[1]`,
 * with or without its extension).
 *
 * @example
 * isEntryModule(import.meta.url); // true in the script node was started with
 */
export function isEntryModule(specifier: string): boolean {
  const argv = (globalThis as { process?: { argv?: readonly string[] } }).process?.argv;
  const entry = argv?.[1];
  if (entry === undefined || entry === '') return false;
  const path = toPath(specifier.split(/[?#]/)[0] ?? '');
  if (path === undefined) return false;
  return path === entry || path.replace(/\.[cm]?[jt]sx?$/, '') === entry;
}

/**
 * The refusal of a module reference to the entry script, saying what to do instead.
 *
 * @example
 * if (isEntryModule(spec)) throw new FunctionRefError(entryModuleProblem(spec, 'parse'), undefined);
 */
export function entryModuleProblem(specifier: string, exportName: string): string {
  return `moduleRef('${specifier}', '${exportName}') names the entry script (the file node was started with). A worker importing it would run its top-level code again (computes and pools inside every worker), and in this thread the import would wait for itself. Move '${exportName}' and the functions it needs into a module of their own (e.g. tasks.mjs), import them from there, and use moduleRef(new URL('./tasks.mjs', import.meta.url).href, '${exportName}').`;
}

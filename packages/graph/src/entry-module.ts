// The entry script (the file `node` or `tsx` was started with, `process.argv[1]`) must never be
// named by a module reference: a worker importing it runs its top-level code again (starting
// computes and pools inside every worker: a chain of forks on `processes`), and in the calling
// thread the import waits for the entry's own evaluation, which waits for the compute: a silent
// deadlock. References to it are refused when they are made (and by the in-thread scheduler's
// import), with the fix: move the functions into a module of their own. What the entry script is
// is decided once, by protocol's `isEntryModule`, which the worker's module loader uses too.
import { isEntryModule } from '@dask-ts/protocol';

export { isEntryModule };

/**
 * The refusal of a module reference to the entry script, saying what to do instead.
 *
 * @example
 * if (isEntryModule(spec)) throw new FunctionRefError(entryModuleProblem(spec, 'parse'), undefined);
 */
export function entryModuleProblem(specifier: string, exportName: string): string {
  return `moduleRef('${specifier}', '${exportName}') names the entry script (the file node was started with). A worker importing it would run its top-level code again (computes and pools inside every worker), and in this thread the import would wait for itself. Move '${exportName}' and the functions it needs into a module of their own (e.g. tasks.mjs), import them from there, and use moduleRef(new URL('./tasks.mjs', import.meta.url).href, '${exportName}').`;
}

// User functions in bag operations: the collection kit's user-function arguments
// (`userFunctions` of `@dask-ts/graph`), named in bag's terms, so a refused closure shows the fix
// as `bag.map(fn, { scope: { k } })`.
import { userFunctions } from '@dask-ts/graph';

export { fnKeyPrefix as keyPrefix, type UserFn, type FnOptions, type FnArg } from '@dask-ts/graph';

const fns = userFunctions('bag');

/**
 * Prepares a user function for a bag kernel; `op` names the operation (errors, fixes).
 *
 * @example
 * const { arg } = fnArg((x: number) => x + 1, {}, 'map');
 */
export const fnArg = fns.arg;

/**
 * A key function for a bag kernel: a function, a function reference, or a property name / index.
 *
 * @example
 * keyArg('name', {}, 'foldby'); // the function (x) => x["name"]
 */
export const keyArg = fns.key;

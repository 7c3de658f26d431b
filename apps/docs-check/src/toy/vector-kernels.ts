// The kernels of the toy Vector collection (docs/writing-a-collection.md): registered as builtins
// `vector.<name>` when this module loads; workers import it by its URL to find them.
import { defineKernels } from '@dask-ts/graph/kernels';

type Fn = (x: number) => number;

/**
 * The Vector kernels and their references.
 *
 * @example
 * kernels.task('sum', [{ $ref: '["range-1",0]' }]);
 */
export const kernels = defineKernels('vector', import.meta.url, {
  range: (start: number, stop: number): number[] =>
    Array.from({ length: stop - start }, (_, i) => start + i),
  // `fns` are the user's functions, in order (several after fusion).
  map: (chunk: number[], ...fns: Fn[]): number[] => chunk.map((x) => fns.reduce((v, f) => f(v), x)),
  sum: (...chunks: (number | number[])[]): number => chunks.flat().reduce((a, b) => a + b, 0),
});

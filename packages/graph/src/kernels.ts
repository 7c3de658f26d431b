// @dask-ts/graph/kernels: what a collection's kernel module needs in the workers that import it
// (kernel registration and user-function resolution), without the rest of graph (tokenize,
// delayed, the optimizer) or protocol's zod schemas. Collections import their kernel tables from
// here; everything is also exported from `@dask-ts/graph`.
export { defineKernels, type Kernels } from './kit-kernels.js';
export { fnOf, withFns } from './kit-kernel-fns.js';

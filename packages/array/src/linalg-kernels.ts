// The kernels of linear algebra, registered as builtins `array-linalg.<name>` when this
// module loads (beside the array kernels of kernels.ts, whose module it imports so that a worker
// meeting one of these tasks also knows the ndarray codec). Kernel side only.
import { defineKernels } from '@dask-ts/graph/kernels';
import './kernels.js';
import {
  cholesky,
  inv,
  solve,
  svdOfR,
  svdS,
  svdU,
  svdVt,
  tsqrBlock,
  tsqrQ,
  tsqrR,
  tsqrReduce,
} from './linalg-blocks.js';
import { contract, sumParts } from './matmul-contract.js';
import { luDet, luL, luP, luStep, luU, triSolve } from './linalg-lu-blocks.js';
import { eighBlock } from './linalg-eigh-block.js';
import { eigvalsBlock } from './linalg-eig-block.js';
import { eigBlock } from './linalg-eig-vectors.js';

/**
 * The linear algebra kernels and their references.
 *
 * @example
 * linalgKernels.task('sumParts', [null, { $ref: '["p",0,0,0]' }]);
 */
export const linalgKernels = defineKernels('array-linalg', import.meta.url, {
  contract,
  sumParts,
  solve,
  inv,
  cholesky,
  tsqrBlock,
  tsqrReduce,
  tsqrQ,
  tsqrR,
  svdOfR,
  svdU,
  svdS,
  svdVt,
  luStep,
  luL,
  luU,
  luP,
  luDet,
  triSolve,
  eighBlock,
  eigvalsBlock,
  eigBlock,
});

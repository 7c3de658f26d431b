// The registry of benchmark suites, in the order `main` runs them when none is named.
import type { Suite } from '../harness.js';
import { arrayChain } from './array-chain.js';
import { arrayMatmul } from './array-matmul.js';
import { arrayMean } from './array-mean.js';
import { arrayRechunk } from './array-rechunk.js';
import { arraySum } from './array-sum.js';
import { bagJson } from './bag-json.js';
import { bagWordfreq } from './bag-wordfreq.js';
import { core } from './core.js';
import { delayedMillion } from './delayed-million.js';
import { distChaos } from './dist-chaos.js';
import { distMap } from './dist-map.js';
import { distMemory } from './dist-memory.js';
import { distScheduler } from './dist-scheduler.js';
import { distTree } from './dist-tree.js';
import { distTransfer } from './dist-transfer.js';
import { dfGroupby } from './df-groupby.js';
import { dfGroupbySum } from './df-groupby-sum.js';
import { dfJoin } from './df-join.js';
import { dfCsv2parquet } from './df-csv2parquet.js';
import { dfParquet } from './df-parquet.js';
import { latency } from './latency.js';
import { shapes } from './shapes.js';
import { tpch, tpchDanfo, tpchSf1 } from './tpch.js';
import { tpchSf10, tpchSf10Mem } from './tpch-sf10.js';
import { treeSync } from './tree-sync.js';
import { treeThreads } from './tree-threads.js';

/** Every suite, by name. @example SUITES.map((s) => s.name) */
export const SUITES: readonly Suite[] = [
  treeSync,
  treeThreads,
  shapes,
  core,
  delayedMillion,
  latency,
  bagWordfreq,
  bagJson,
  dfGroupby,
  dfGroupbySum,
  dfJoin,
  dfCsv2parquet,
  dfParquet,
  arrayMean,
  arrayMatmul,
  arrayRechunk,
  arraySum,
  arrayChain,
  distMap,
  distScheduler,
  distTree,
  distTransfer,
  distMemory,
  distChaos,
  tpch,
  tpchDanfo,
  tpchSf1,
  tpchSf10,
  tpchSf10Mem,
];

// How a groupby reduces: a tree reduction (every partition's partial aggregates combined into one
// partition) suits few groups; a hash shuffle on the keys (each of `splitOut` outputs combines one
// share of the groups) suits many, where one task would otherwise hold them all. `splitOut` (or
// `shuffle`) decides when given. Otherwise the group count is estimated from a sample without running
// any task: the first rows of the first partition when its data is already at hand (in-memory
// frames, persisted frames, the head of a CSV file, which readCsv reads anyway to infer types),
// with the row-wise steps in between applied to the sample. Many groups in the sample (most rows
// distinct, or more than GROUPS_FOR_SHUFFLE) choose the shuffle. With no sample, int keys whose
// ranges per partition are known from Parquet statistics bound the group count by their spans;
// with neither, the tree (as Dask does by default). `explain()` shows the choice and its reason.
import type { GraphLayer } from '@dask-ts/protocol';
import type { Table } from 'apache-arrow';
import { colsOf, type Col } from './columns.js';
import type { DataFrame } from './frame.js';
import { groupIds } from './kernels-agg.js';
import { readCsvBlock } from './kernels.js';
import { CsvLayer, PipeLayer, partKey } from './layers.js';
import { rangesOf } from './ranges.js';
import { applySteps } from './steps.js';
import { take } from './take.js';
import { exchangeOutputs } from './shuffle-disk.js';

/** Rows sampled to estimate the group count. */
const SAMPLE_ROWS = 10_000;
/** A sample with at least this many groups chooses the shuffle. */
const GROUPS_FOR_SHUFFLE = 20_000;
/** Groups per output partition of a shuffle sized from Parquet statistics' key ranges. */
const GROUPS_PER_OUTPUT = 100_000;
/** Bytes of a CSV file's head sampled. */
const CSV_SAMPLE_BYTES = 1 << 18;

/** The strategy chosen for a groupby, with its reason (for explain). @internal */
export interface GroupStrategy {
  readonly shuffle: boolean;
  readonly splitOut: number;
  readonly reason: string;
}

function firstRows(cols: Map<string, Col>, n: number): Map<string, Col> {
  const rows = cols.values().next().value?.length ?? 0;
  if (rows <= n) return cols;
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  return new Map([...cols].map(([k, c]) => [k, take(c, idx)] as const));
}

/** The first rows of a layer's partition 0 when they are at hand without running a task. */
function sampleOf(layer: GraphLayer, depth = 0): Map<string, Col> | undefined {
  if (depth > 32) return undefined;
  if (layer instanceof PipeLayer) {
    const s = sampleOf(layer.deps[0], depth + 1);
    return s === undefined ? undefined : applySteps(s, layer.steps);
  }
  if (layer instanceof CsvLayer) {
    const b = layer.blocks[0];
    if (b === undefined) return undefined;
    const block = { ...b, end: Math.min(b.end, b.start + CSV_SAMPLE_BYTES) };
    try {
      return firstRows(colsOf(readCsvBlock(block, layer.steps, layer.outColumns)), SAMPLE_ROWS);
    } catch {
      return undefined;
    }
  }
  if (layer.deps.length > 0) return undefined;
  const key = partKey(layer.name, 0);
  let node: { kind?: string; value?: unknown } | undefined;
  for (const [k, v] of layer.nodes()) {
    if (k !== key) continue;
    node = v;
    break;
  }
  const t = node?.kind === 'data' ? node.value : undefined;
  if (t === null || typeof t !== 'object' || !('numRows' in t) || !('schema' in t))
    return undefined;
  return firstRows(colsOf(t as Table), SAMPLE_ROWS);
}

/**
 * With no sample: the keys' ranges per partition (Parquet statistics, ranges.ts) bound the group
 * count by the product of the keys' spans; a bound under GROUPS_FOR_SHUFFLE takes the tree, one
 * key's span of GROUPS_FOR_SHUFFLE or more the shuffle (it pre-aggregates, so a loose bound costs
 * little). Several keys with a large product: the tree, as with no ranges either.
 */
function fromRanges(input: DataFrame, keys: readonly string[]): GroupStrategy {
  const n = input.npartitions;
  let bound = 1;
  for (const k of keys) {
    const t = input.dtypes[k];
    const r = t === 'int32' || t === 'date32' ? rangesOf(input.layer, k, n) : undefined;
    if (r === undefined)
      return {
        shuffle: false,
        splitOut: 1,
        reason: 'no sample at hand; pass splitOut for many groups',
      };
    let lo = Infinity;
    let hi = -Infinity;
    for (const p of r) {
      if (p === null) continue;
      lo = Math.min(lo, p[0]);
      hi = Math.max(hi, p[1]);
    }
    bound *= lo <= hi ? hi - lo + 1 : 1;
  }
  const what = `at most ${bound} groups by the keys' ranges (Parquet statistics)`;
  if (bound < GROUPS_FOR_SHUFFLE)
    return { shuffle: false, splitOut: 1, reason: `${what}: few groups` };
  // One key's span bounds its distinct values closely; a product of several spans says little
  // (TPC-H Q20's part x supplier keys: 2e9 "groups" of ~500k), and a needless shuffle multiplies
  // the partitions of everything after it: the tree, as with no statistics.
  // As many outputs as the bound needs (GROUPS_PER_OUTPUT each), not one per input partition:
  // 100 k suppliers over 492 partitions (TPC-H Q15 at SF 10) made 492 x 492 shuffle pieces of
  // ~200 groups each, and the query took 47 s.
  const outputs = Math.min(n, Math.max(2, Math.ceil(bound / GROUPS_PER_OUTPUT)));
  return keys.length === 1
    ? { shuffle: true, splitOut: outputs, reason: `${what}: many groups` }
    : {
        shuffle: false,
        splitOut: 1,
        reason: `${what}, a product of ${keys.length} keys' spans, not an estimate; pass splitOut for many groups`,
      };
}

/** Chooses tree or shuffle for a groupby of `input` on `keys`. @internal */
export function chooseStrategy(
  input: DataFrame,
  keys: readonly string[],
  options: { readonly splitOut?: number; readonly shuffle?: boolean },
): GroupStrategy {
  const n = input.npartitions;
  if (options.splitOut !== undefined) {
    if (!Number.isInteger(options.splitOut) || options.splitOut < 1)
      throw new RangeError(
        `groupby: splitOut must be a positive integer, got ${String(options.splitOut)}`,
      );
    return { shuffle: true, splitOut: options.splitOut, reason: 'splitOut given' };
  }
  if (options.shuffle === true)
    return { shuffle: true, splitOut: exchangeOutputs(n), reason: 'shuffle: true' };
  if (options.shuffle === false) return { shuffle: false, splitOut: 1, reason: 'shuffle: false' };
  if (keys.length === 0 || n === 1)
    return { shuffle: false, splitOut: 1, reason: n === 1 ? 'one partition' : 'no keys' };
  let sample: Map<string, Col> | undefined;
  try {
    sample = sampleOf(input.layer);
  } catch {
    sample = undefined;
  }
  const kc = keys.map((k) => sample?.get(k));
  if (sample === undefined || kc.some((c) => c === undefined)) return fromRanges(input, keys);
  const cols = kc as Col[];
  const m = cols[0].length;
  const g = m === 0 ? 0 : groupIds(cols, m).firsts.length;
  const many = g >= GROUPS_FOR_SHUFFLE || (m >= 1000 && g > m / 2);
  const what = `${g} groups in a ${m}-row sample`;
  return many
    ? { shuffle: true, splitOut: exchangeOutputs(n), reason: `${what}: many groups` }
    : { shuffle: false, splitOut: 1, reason: `${what}: few groups` };
}

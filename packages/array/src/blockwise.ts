// User functions over blocks: `blockwise` (dask.array's, with index strings: `'ij'` for the
// output, one string per array argument) and `mapBlocks` built on it. Axes that share an index
// letter must have one length (or length 1, which broadcasts: its single block is read by every
// output block); their blocks are unified by rechunking to the cuts of either. An index that is
// not in the output is contracted: the array is first rechunked to one block along it, so the
// function sees the whole axis (dask's `concatenate=True`, the only mode here). Output indices
// that no array has are new axes of the lengths given. The function runs where the task runs: a
// closure must name what it reads in `scope` to go to worker threads (the collection kit's user
// functions). Its result is checked against the promised block shape.
import { fnKeyPrefix, tokenize, userFunctions, type FnOptions } from '@dask-ts/graph';
import { commonSizes, formatShape, offsets, shapeOf } from './chunks.js';
import { checkDtype, type Dtype } from './dtype.js';
import type { BlockInfo } from './kernels-blocks.js';
import { kernels } from './kernels.js';
import { BlockLayer, type BlockInput } from './layers.js';
import { rechunk } from './rechunk.js';
import type { ArraySpec } from './spec.js';

/** User-function arguments named in the array's terms (`array.mapBlocks(fn, { scope })`). */
export const arrayFns = userFunctions('array');

/**
 * Options of the block functions.
 *
 * @example
 * blockwise(fn, 'ij', [[x, 'ij']], { dtype: 'float32', scope: { k } });
 */
export interface BlockwiseOptions extends FnOptions {
  /** The output's dtype (default: the first array's). */
  readonly dtype?: Dtype;
  /**
   * The output's chunks when the function changes block shapes: per output axis, one size for
   * every block or the list of block sizes (as many blocks as the grid has along that axis).
   */
  readonly chunks?: readonly (number | readonly number[])[];
  /** The lengths of output indices that no array has (new axes, one block each). */
  readonly newAxes?: Readonly<Record<string, number>>;
}

/**
 * One argument of `blockwise`: an array with its index string, or any other value (passed to
 * every call as it is).
 *
 * @example
 * const args: BlockwiseArg[] = [[x, 'ij'], [y, 'j'], 2];
 */
export type BlockwiseArg = readonly [ArraySpec, string] | unknown;

function isArraySpec(v: unknown): v is ArraySpec {
  return (
    typeof v === 'object' &&
    v !== null &&
    'layer' in v &&
    'chunks' in v &&
    'dtype' in v &&
    Array.isArray((v as ArraySpec).chunks)
  );
}

function isPair(v: unknown): v is readonly [ArraySpec, string] {
  return Array.isArray(v) && v.length === 2 && isArraySpec(v[0]) && typeof v[1] === 'string';
}

function checkIndex(ind: string, what: string): void {
  if (!/^[A-Za-z]*$/.test(ind) || new Set(ind).size !== ind.length) {
    throw new SyntaxError(
      `blockwise: ${what} index ${JSON.stringify(ind)} must be distinct letters, one per axis`,
    );
  }
}

/**
 * `fn` over aligned blocks (see the module comment): output block `idx` calls
 * `fn(...blocksAndValues, info)`.
 *
 * @example
 * blockwiseSpec((a, b) => add(a, b), 'ij', [[x, 'ij'], [y, 'j']], { dtype: 'float64' }, 'blockwise');
 */
export function blockwiseSpec(
  fn: unknown,
  out: string,
  args: readonly BlockwiseArg[],
  options: BlockwiseOptions,
  op: string,
): ArraySpec {
  checkIndex(out, 'output');
  const arrays: { spec: ArraySpec; ind: string; pos: number }[] = [];
  args.forEach((a, pos) => {
    if (!isPair(a)) return;
    checkIndex(a[1], `argument ${pos}'s`);
    const nd = a[0].chunks.length;
    if (a[1].length !== nd) {
      throw new RangeError(
        `${op}: index ${JSON.stringify(a[1])} of argument ${pos} names ${a[1].length} axes, but the array has shape ${formatShape(shapeOf(a[0].chunks))}`,
      );
    }
    arrays.push({ spec: a[0], ind: a[1], pos });
  });
  if (arrays.length === 0) throw new TypeError(`${op}: expected at least one array argument`);
  const newAxes = options.newAxes ?? {};
  // Each letter's length and unified cutting; length-1 axes broadcast.
  const length = new Map<string, number>();
  const cuts = new Map<string, readonly number[]>();
  const where = new Map<string, string>();
  for (const { spec, ind, pos } of arrays) {
    const shape = shapeOf(spec.chunks);
    [...ind].forEach((l, j) => {
      const n = shape[j];
      const had = length.get(l);
      if (had === undefined || (had === 1 && n !== 1)) {
        length.set(l, n);
        cuts.set(l, spec.chunks[j]);
        where.set(l, `argument ${pos} axis ${j}`);
      } else if (n !== 1 && n !== had && !(n !== n && had !== had)) {
        throw new RangeError(
          `${op}: index '${l}' has length ${had} (${where.get(l)}) and ${n} (argument ${pos} axis ${j}, shape ${formatShape(shape)})`,
        );
      } else if (n === had && n !== 1 && n === n) {
        cuts.set(l, commonSizes(cuts.get(l)!, spec.chunks[j]));
      }
    });
  }
  for (const l of out) {
    if (!length.has(l)) {
      const n = newAxes[l];
      if (n === undefined || !Number.isInteger(n) || n < 0) {
        throw new RangeError(
          `${op}: output index '${l}' is in no argument; give its length in newAxes`,
        );
      }
      length.set(l, n);
      cuts.set(l, [n]);
    }
  }
  const contracted = new Set([...length.keys()].filter((l) => !out.includes(l)));
  for (const l of contracted) cuts.set(l, [length.get(l)!]);
  const aligned = arrays.map(({ spec, ind }) => {
    const shape = shapeOf(spec.chunks);
    const want = [...ind].map((l, j) =>
      shape[j] === 1 && length.get(l) !== 1 ? spec.chunks[j] : cuts.get(l)!,
    );
    const same = want.every(
      (c, j) =>
        c.length === spec.chunks[j].length &&
        c.every((s, i) => s === spec.chunks[j][i] || (s !== s && spec.chunks[j][i] !== s)),
    );
    return same ? spec : rechunk(spec, want);
  });
  const grid = [...out].map((l) => cuts.get(l)!.length);
  let chunks: number[][] = [...out].map((l) => [...cuts.get(l)!]);
  if (options.chunks !== undefined) chunks = explicitChunks(options.chunks, grid, op);
  const dtype = options.dtype === undefined ? arrays[0].spec.dtype : checkDtype(options.dtype, op);
  const f = arrayFns.arg(fn, options, op);
  const kinds = args.map((a) => (isPair(a) ? 'a' : 'v'));
  const starts = chunks.map(offsets);
  const inputs = (idx: readonly number[]): BlockInput[] =>
    arrays.map(({ ind }, k) => {
      const shape = shapeOf(aligned[k].chunks);
      return [
        k,
        [...ind].map((l, j) => {
          const o = out.indexOf(l);
          return o < 0 || (shape[j] === 1 && length.get(l) !== 1) ? 0 : idx[o];
        }),
      ] as const;
    });
  const name = `${fnKeyPrefix(fn, options) ?? op}-${tokenize(
    op,
    f.token,
    out,
    aligned.map((a) => a.layer.name),
    arrays.map((a) => a.ind),
    args.map((a) => (isPair(a) ? null : a)),
    chunks,
    dtype,
  )}`;
  const layer = new BlockLayer(
    name,
    aligned.map((a) => a.layer),
    grid,
    inputs,
    (idx, refs) => {
      let k = 0;
      const vals = args.map((a) => (isPair(a) ? refs[k++] : { $literal: a }));
      const info: BlockInfo = {
        blockId: [...idx],
        arrayLocation: idx.map((b, a) => [starts[a][b], starts[a][b + 1]] as const),
      };
      const shape = idx.map((b, a) => chunks[a][b]);
      return kernels.task('mapBlocks', [f.arg, kinds, info, shape, dtype, ...vals]);
    },
  );
  return { layer, chunks, dtype };
}

/** Output chunks given by the user, checked against the block grid. */
function explicitChunks(
  given: readonly (number | readonly number[])[],
  grid: readonly number[],
  op: string,
): number[][] {
  if (given.length !== grid.length) {
    throw new RangeError(
      `${op}: chunks name ${given.length} axes, but the output has ${grid.length} (block grid ${formatShape(grid)})`,
    );
  }
  return given.map((c, a) => {
    const list = typeof c === 'number' ? new Array<number>(grid[a]).fill(c) : [...c];
    if (list.length !== grid[a] || list.some((s) => !(s >= 0) && s === s)) {
      throw new RangeError(
        `${op}: chunks along axis ${a} must be ${grid[a]} non-negative block sizes (the block grid is ${formatShape(grid)}), got ${JSON.stringify(c)}`,
      );
    }
    return list;
  });
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * Options of `mapBlocks`.
 *
 * @example
 * x.mapBlocks((b) => b, { dtype: 'float32', dropAxis: 1, chunks: [[5, 5]] });
 */
export interface MapBlocksOptions extends FnOptions {
  /** The output's dtype (default: the first array's). */
  readonly dtype?: Dtype;
  /** The output's chunks, per output axis: one size for every block, or the block sizes. */
  readonly chunks?: readonly (number | readonly number[])[];
  /** Axes the function removes (the arrays get one block along them). */
  readonly dropAxis?: number | readonly number[];
  /** Axes the function adds, as output positions (length 1 unless `chunks` says). */
  readonly newAxis?: number | readonly number[];
}

/**
 * `fn` over the matching blocks of arrays broadcast against each other (aligned on the right, as
 * NumPy broadcasts), any other argument passed as it is.
 *
 * @example
 * mapBlocksSpec((a, b) => a, [x, y], { dtype: 'float64' });
 */
export function mapBlocksSpec(
  fn: unknown,
  args: readonly unknown[],
  options: MapBlocksOptions,
): ArraySpec {
  const specs = args.filter(isArraySpec);
  if (specs.length === 0) throw new TypeError('mapBlocks: expected at least one array argument');
  const ndim = Math.max(...specs.map((s) => s.chunks.length));
  const list = (v: number | readonly number[] | undefined): number[] =>
    v === undefined ? [] : typeof v === 'number' ? [v] : [...v];
  const drop = list(options.dropAxis).map((a) => {
    if (!Number.isInteger(a) || a < -ndim || a >= ndim) {
      throw new RangeError(
        `mapBlocks: dropAxis ${a} is out of bounds for array of dimension ${ndim}`,
      );
    }
    return a < 0 ? a + ndim : a;
  });
  const letters = LETTERS.slice(0, ndim);
  let out = [...letters].filter((_, a) => !drop.includes(a));
  const outNdim = out.length + list(options.newAxis).length;
  const newAxes: Record<string, number> = {};
  const added = list(options.newAxis)
    .map((a) => {
      if (!Number.isInteger(a) || a < -outNdim || a >= outNdim) {
        throw new RangeError(
          `mapBlocks: newAxis ${a} is out of bounds for an output of dimension ${outNdim}`,
        );
      }
      return a < 0 ? a + outNdim : a;
    })
    .sort((a, b) => a - b);
  added.forEach((pos, k) => {
    const l = LETTERS[ndim + k];
    const c = options.chunks?.[pos];
    newAxes[l] = c === undefined ? 1 : typeof c === 'number' ? c : c.reduce((s, x) => s + x, 0);
    out = [...out.slice(0, pos), l, ...out.slice(pos)];
  });
  const bargs = args.map((a) =>
    isArraySpec(a) ? ([a, letters.slice(ndim - a.chunks.length)] as const) : a,
  );
  return blockwiseSpec(fn, out.join(''), bargs, { ...options, newAxes }, 'mapBlocks');
}

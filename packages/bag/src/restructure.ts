// Operations whose tasks read other partitions than the matching one of a single bag, so they do
// not fuse: product (every pair of partitions), zip (the matching partitions of several bags),
// accumulate (a chain: each partition's task carries the running value to the next) and
// repartition (neighbouring partitions concatenated, or partitions split into near-equal pieces;
// by size, it first computes each partition's estimated memory, as Dask does, then splits large
// partitions and concatenates runs of small neighbours so each new one holds about `partitionSize`).
import { keyToString, task } from '@dask-ts/protocol';
import { compute, tokenize, type GraphComputeOptions } from '@dask-ts/graph';
import { sinkLayer } from './pipeline.js';
import { Layer } from '@dask-ts/graph';
import { fnArg, type FnOptions } from './fn-arg.js';
import { kernel } from './kernels.js';
import { prepareArgs, type ArgValues, type BagLike } from './args.js';
import type { Bag } from './bag.js';

/**
 * The cartesian product of two bags (`n * m` partitions), see `Bag.product`.
 *
 * @example
 * product(fromSequence([1, 2]), fromSequence(['a']));
 */
export function product<T, U>(b: Bag<T>, other: Bag<U>): Bag<[T, U]> {
  const name = `product-${tokenize(b.name, other.name)}`;
  const n = b.npartitions;
  const m = other.npartitions;
  const selfName = b.name;
  const layer = new Layer(name, [b.layer, other.layer], function* () {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) {
        yield [
          keyToString([name, i * m + j]),
          task(kernel('product'), [
            { $ref: keyToString([selfName, i]) },
            { $ref: keyToString([other.name, j]) },
          ]),
        ] as const;
      }
    }
  });
  return b.derive<[T, U]>(name, n * m, layer);
}

/**
 * Zips bags of the same partitioning into tuples, see `Bag.zip`.
 *
 * @example
 * zip(a, [b]);
 */
export function zip<T, const B extends readonly BagLike[]>(
  b: Bag<T>,
  others: B,
): Bag<[T, ...ArgValues<B>]> {
  prepareArgs('zip', others, b.npartitions);
  const all: BagLike[] = [b, ...others];
  return b.partitionwise<[T, ...ArgValues<B>]>(
    'zip',
    others.map((o) => o.name),
    (i) =>
      task(
        kernel('zip'),
        all.map((x) => ({ $ref: keyToString([x.name, i]) })),
      ),
    others.map((o) => o.layer),
  );
}

/**
 * The running accumulation of `binop`, see `Bag.accumulate`.
 *
 * @example
 * accumulate(b, (a: number, x: number) => a + x, { initial: 0 });
 */
export function accumulate<T, A>(
  b: Bag<T>,
  binop: unknown,
  options: FnOptions & { readonly initial?: A },
): Bag<A> {
  const f = fnArg(binop, options, 'accumulate');
  const hasInit = 'initial' in options;
  const token = tokenize(b.name, f.token, hasInit, options.initial);
  const chunk = `accumulate-chunk-${token}`;
  const name = `accumulate-${token}`;
  const n = b.npartitions;
  const self = b.name;
  const layer = new Layer(name, [b.layer], function* () {
    for (let i = 0; i < n; i++) {
      const carry =
        i === 0
          ? { $literal: hasInit ? [true, options.initial] : [false] }
          : {
              $call: kernel('getIndex'),
              args: [{ $ref: keyToString([chunk, i - 1]) }, 1],
            };
      yield [
        keyToString([chunk, i]),
        task(kernel('accumulateChunk'), [f.arg, { $ref: keyToString([self, i]) }, carry, i === 0]),
      ] as const;
      yield [
        keyToString([name, i]),
        task(kernel('getIndex'), [{ $ref: keyToString([chunk, i]) }, 0]),
      ] as const;
    }
  });
  return b.derive<A>(name, n, layer);
}

/**
 * The same elements in `npartitions` partitions, see `Bag.repartition`.
 *
 * @example
 * repartition(b, 4);
 */
export function repartition<T>(b: Bag<T>, npartitions: number): Bag<T> {
  if (!Number.isInteger(npartitions) || npartitions < 1) {
    throw new RangeError(
      `repartition: npartitions must be a positive integer, got ${String(npartitions)}`,
    );
  }
  const n = b.npartitions;
  if (npartitions === n) return b;
  const name = `repartition-${tokenize(b.name, npartitions)}`;
  const self = b.name;
  const r = (i: number): { $ref: string } => ({ $ref: keyToString([self, i]) });
  const layer = new Layer(name, [b.layer], function* () {
    if (npartitions <= n) {
      for (let j = 0; j < npartitions; j++) {
        const from = Math.floor((j * n) / npartitions);
        const to = Math.floor(((j + 1) * n) / npartitions);
        const refs = [];
        for (let i = from; i < to; i++) refs.push(r(i));
        yield [keyToString([name, j]), task(kernel('concat'), refs)] as const;
      }
      return;
    }
    let out = 0;
    for (let i = 0; i < n; i++) {
      const pieces = Math.floor(((i + 1) * npartitions) / n) - Math.floor((i * npartitions) / n);
      for (let p = 0; p < pieces; p++) {
        yield [keyToString([name, out++]), task(kernel('splitPart'), [r(i), pieces, p])] as const;
      }
    }
  });
  return b.derive<T>(name, npartitions, layer);
}

const UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/**
 * A byte count from a number or a text such as '5MiB' or '100 kB'.
 *
 * @example
 * parseBytes('5MiB'); // 5242880
 */
export function parseBytes(v: number | string, op = 'repartition'): number {
  if (typeof v === 'number') {
    if (Number.isFinite(v) && v > 0) return v;
  } else if (typeof v === 'string') {
    const m = /^\s*([0-9]*\.?[0-9]+)\s*([a-zA-Z]*)\s*$/.exec(v);
    const unit = UNITS[(m?.[2] ?? '').toLowerCase() || 'b'];
    if (m !== null && unit !== undefined && Number(m[1]) > 0) return Number(m[1]) * unit;
  }
  throw new RangeError(
    `${op}: partitionSize must be a positive number of bytes or a size such as '5MiB', got ${JSON.stringify(v)}`,
  );
}

/**
 * The same elements in partitions of about `partitionSize` bytes (estimated), see
 * `Bag.repartition`. Computes the partition sizes first.
 *
 * @example
 * const c = await repartitionBySize(b, '1MiB', {});
 */
export async function repartitionBySize<T>(
  b: Bag<T>,
  partitionSize: number | string,
  options: GraphComputeOptions,
): Promise<Bag<T>> {
  const size = parseBytes(partitionSize);
  const sizesName = `repartition-sizes-${tokenize(b.name)}`;
  const sizes = b.derive<number>(
    sizesName,
    b.npartitions,
    sinkLayer(sizesName, b.npartitions, b.layer, ['sizeof']),
  );
  const [flat] = await compute(sizes, options);
  // Plan: each input partition is split into `pieces` pieces; runs of whole small partitions whose
  // sizes add up to at most `size` are concatenated.
  type Out = { from: number; to: number } | { split: number; pieces: number; piece: number };
  const plan: Out[] = [];
  let run: { from: number; to: number; bytes: number } | undefined;
  for (let i = 0; i < b.npartitions; i++) {
    const bytes = flat[2 * i + 1];
    const pieces = Math.max(1, Math.ceil(bytes / size));
    if (pieces > 1) {
      if (run) plan.push({ from: run.from, to: run.to });
      run = undefined;
      for (let p = 0; p < pieces; p++) plan.push({ split: i, pieces, piece: p });
      continue;
    }
    if (run && run.bytes + bytes <= size) {
      run.to = i + 1;
      run.bytes += bytes;
    } else {
      if (run) plan.push({ from: run.from, to: run.to });
      run = { from: i, to: i + 1, bytes };
    }
  }
  if (run) plan.push({ from: run.from, to: run.to });
  const name = `repartition-size-${tokenize(b.name, size, flat)}`;
  const self = b.name;
  const r = (i: number): { $ref: string } => ({ $ref: keyToString([self, i]) });
  const layer = new Layer(name, [b.layer], () =>
    plan.map((o, j) => {
      const t =
        'split' in o
          ? task(kernel('splitPart'), [r(o.split), o.pieces, o.piece])
          : task(
              kernel('concat'),
              Array.from({ length: o.to - o.from }, (_, k) => r(o.from + k)),
            );
      return [keyToString([name, j]), t] as const;
    }),
  );
  return b.derive<T>(name, plan.length, layer);
}

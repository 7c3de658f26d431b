// The array kernels, registered as builtins `array.<name>` (through the collection kit's
// `defineKernels`) when this module loads, and the ndarray codec: a chunk crosses threads and
// processes as its typed array and shape, the buffer transferred (never copied) when the chunk
// owns it whole, as every chunk a kernel makes does. Both name this module, so a worker that meets
// an array task or an ndarray value it does not know imports this module and knows both. The
// module also publishes `assemble` under a global symbol, for the finalizer of an array passed to
// a delayed function (see array.ts: the kit's finalizer references take no arguments). Imports
// stay within the kernel side: @dask-ts/graph/kernels, @dask-ts/protocol/runtime, kernel files.
import { defineKernels } from '@dask-ts/graph/kernels';
import { registerCodec } from '@dask-ts/protocol/runtime';
import type { TypedArray } from './dtype.js';
import { blockwise } from './kernels-elementwise.js';
import { combine, final, partial } from './kernels-reduce.js';
import { fusedPartial } from './kernels-fused.js';
import { assemble, gather, getitem, reshape, split, transpose } from './kernels-index.js';
import { eye, full, random, range } from './kernels-create.js';
import {
  concatGrid,
  fromFunction,
  fromValue,
  mapBlocks,
  mapOverlap,
  userCombine,
  userPartial,
} from './kernels-blocks.js';
import { argCombine, argFinal, argPartial } from './kernels-arg.js';
import { applyCarry, carry, scan } from './kernels-scan.js';
import { broadcastBlock, repeatBlock } from './kernels-shape.js';
import { fftAlong } from './kernels-fft.js';
import { maskBand, maskSelect, setRegion, shapeBlock, take, vindexPick } from './kernels-fancy.js';
import {
  bincountBlock,
  digitizeBlock,
  histogramBlock,
  isinBlock,
  sumCounts,
  topkOf,
  uniqueOf,
} from './kernels-stats.js';
import { compactCopy, isCompact, isLent, makeNd, type Nd } from './nd.js';

/**
 * The array kernels and their references.
 *
 * @example
 * kernels.task('transpose', [{ $ref: '["x",0,1]' }, [1, 0]]);
 */
export const kernels = defineKernels('array', import.meta.url, {
  blockwise,
  partial,
  fusedPartial,
  combine,
  final,
  getitem,
  transpose,
  reshape,
  gather,
  split,
  full,
  range,
  random,
  assemble,
  mapBlocks,
  mapOverlap,
  userPartial,
  userCombine,
  concatGrid,
  argPartial,
  argCombine,
  argFinal,
  scan,
  carry,
  applyCarry,
  eye,
  fromFunction,
  fromValue,
  broadcastBlock,
  repeatBlock,
  take,
  maskSelect,
  maskBand,
  vindexPick,
  setRegion,
  shapeBlock,
  uniqueOf,
  isinBlock,
  bincountBlock,
  histogramBlock,
  sumCounts,
  topkOf,
  digitizeBlock,
  fftAlong,
});

/**
 * Whether a value is a scijs ndarray.
 *
 * @example
 * isNdarray(ndarray(new Float64Array(4), [2, 2])); // true
 */
export function isNdarray(v: unknown): v is Nd {
  if (typeof v !== 'object' || v === null) return false;
  const a = v as Partial<Nd>;
  return (
    ArrayBuffer.isView(a.data) &&
    Array.isArray(a.shape) &&
    Array.isArray(a.stride) &&
    typeof a.offset === 'number' &&
    typeof a.pick === 'function'
  );
}

/** Whether a compact chunk's data is its whole buffer (so the buffer may be handed over). */
function ownsBuffer(a: Nd): boolean {
  const d = a.data;
  return (
    isCompact(a) &&
    d.byteOffset === 0 &&
    // Shared buffers are visible to every thread already (and another realm's ArrayBuffer fails
    // instanceof): tell them by their tag.
    Object.prototype.toString.call(d.buffer) === '[object ArrayBuffer]' &&
    d.byteLength === d.buffer.byteLength &&
    // A rechunk's split pieces may still be views of it (see nd.ts).
    !isLent(d.buffer)
  );
}

registerCodec<Nd>({
  name: 'dask-ts.ndarray',
  module: import.meta.url,
  test: isNdarray,
  encode: (a) => {
    // A chunk that shares its buffer travels as a copy of its own elements only.
    const data = ownsBuffer(a) ? a.data : isCompact(a) ? a.data.slice() : compactCopy(a).data;
    return { data, shape: a.shape.slice() };
  },
  decode: (raw) => {
    const { data, shape } = raw as { data: TypedArray; shape: number[] };
    return makeNd('float64', shape, data);
  },
  transferables: (a) => (ownsBuffer(a) ? [a.data.buffer as ArrayBuffer] : []),
  // A view (a rechunk's piece, a slice) counts its own elements, not the buffer it shares.
  sizeOf: (a) => 64 + a.size * a.data.BYTES_PER_ELEMENT,
});

const ASSEMBLE = Symbol.for('@dask-ts/array/assemble');
(globalThis as typeof globalThis & { [ASSEMBLE]?: typeof assemble })[ASSEMBLE] = assemble;

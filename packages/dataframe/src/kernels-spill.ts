// Kernels of shuffles through disk (shuffle-disk.ts builds the graph): a split's pieces written to
// ONE file per input partition, or kept in memory when the partition is small enough for the
// memory limit; an output's pieces read back, then concatenated (and sorted, for a range shuffle).
// Policy: one file per split, not one per piece: a shuffle of m partitions into n makes m files,
// not m × n (at 458 × 458 partitions, 210k tiny files took longer to write than the data). The
// file holds each piece as an Arrow IPC stream, one after another, then a footer: the n + 1 byte
// offsets of the pieces and n, as float64s. Output j reads the footer's two offsets it needs and
// then only its piece's bytes, so the manifest a split returns (which every output reads) is just
// the file's name. A file is written under a temporary name and renamed, so a reader never sees
// half of one; the compute removes the directory when it ends. Footers read are cached per file
// (bounded), so each worker reads a file's footer once, not once per output. Pieces kept in memory
// reach each output as the split's whole list (every output reads every list, and a worker that
// does not hold one gets its own copy per task), so a split stays in memory only while its bytes,
// plus PIECE_OVERHEAD per piece, times m inputs times n outputs fit the limit. At TPC-H SF 10 the
// looser bytes × m kept 1.5 MB splits of 115 in memory and the relays of their lists to 458
// outputs took 4.9 GiB resident, against 0.4 GiB through disk; and without the per-piece cost,
// ~490 lists of 458 nearly empty tables (each table a few KiB of JavaScript objects, which the
// data bytes do not show) reached one output as 2 GB of heap: its thread ran out of memory.
import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { tableFromIPC, tableToIPC, type Table } from 'apache-arrow';
import type { DType } from './dtypes.js';
import { concatTables } from './kernels-shuffle.js';
import { sortKernels, type Order } from './kernels-sort.js';

/** The file a split wrote (null when every piece was empty). @internal */
export interface SpillManifest {
  readonly file: string | null;
}

const bytesOf = (t: Table): number => t.data.reduce((s, d) => s + d.byteLength, 0);

/** What one piece kept in memory costs beyond its data (an Arrow table's objects), in bytes. */
export const PIECE_OVERHEAD = 8192;

/** Footers kept per worker; past this many files the oldest are dropped. */
const FOOTERS_KEPT = 4096;
const footers = new Map<string, Float64Array>();

/** Reads `length` bytes at `position` of an open file. */
function readAt(fd: number, length: number, position: number): Uint8Array {
  const buf = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const got = readSync(fd, buf, done, length - done, position + done);
    if (got === 0) throw new Error(`shuffle spill file ended early (${done} of ${length} bytes)`);
    done += got;
  }
  return buf;
}

/** The piece offsets of an open spill file (n + 1 of them), from its footer. */
function offsetsOf(fd: number, file: string): Float64Array {
  const known = footers.get(file);
  if (known !== undefined) return known;
  const size = fstatSync(fd).size;
  const n = new Float64Array(readAt(fd, 8, size - 8).buffer)[0];
  const offsets = new Float64Array(readAt(fd, 8 * (n + 1), size - 8 - 8 * (n + 1)).buffer);
  if (footers.size >= FOOTERS_KEPT) footers.delete(footers.keys().next().value as string);
  footers.set(file, offsets);
  return offsets;
}

/** Piece `j` of spill file `file`, or null when it is empty. */
function readPiece(file: string, j: number): Table | null {
  const fd = openSync(file, 'r');
  try {
    const offsets = offsetsOf(fd, file);
    const start = offsets[j];
    const length = offsets[j + 1] - start;
    return length === 0 ? null : tableFromIPC(readAt(fd, length, start));
  } finally {
    closeSync(fd);
  }
}

/** The kernels of this file. @internal */
export const spillKernels = {
  /**
   * Writes a split's pieces to one file in `dir` (unless `limit` > 0 and the partition's bytes,
   * plus PIECE_OVERHEAD per piece, times `m` inputs times its `pieces.length` outputs fit in it:
   * then they stay in memory).
   */
  spillPieces: (
    pieces: readonly Table[],
    dir: string,
    i: number,
    limit: number,
    m: number,
  ): readonly Table[] | SpillManifest => {
    const bytes = pieces.reduce((s, t) => s + bytesOf(t) + PIECE_OVERHEAD, 0);
    if (limit > 0 && bytes * m * pieces.length <= limit) return pieces;
    if (pieces.every((t) => t.numRows === 0)) return { file: null };
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${i}.arrow`);
    const tmp = `${file}.${randomUUID()}.tmp`;
    const offsets = new Float64Array(pieces.length + 2);
    const fd = openSync(tmp, 'w');
    try {
      let at = 0;
      pieces.forEach((t, j) => {
        offsets[j] = at;
        if (t.numRows === 0) return;
        const ipc = tableToIPC(t, 'stream');
        writeSync(fd, ipc, 0, ipc.byteLength, at);
        at += ipc.byteLength;
      });
      offsets[pieces.length] = at;
      offsets[pieces.length + 1] = pieces.length;
      const footer = new Uint8Array(offsets.buffer);
      writeSync(fd, footer, 0, footer.byteLength, at);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
    return { file };
  },
  /** Output `j` of a shuffle: its piece of every input, read back if on disk. */
  gatherSpilled: (
    j: number,
    sort: Order | null,
    names: readonly string[],
    types: readonly DType[],
    ...inputs: (readonly Table[] | SpillManifest)[]
  ): Table => {
    const parts: Table[] = [];
    for (const x of inputs) {
      if (Array.isArray(x)) {
        parts.push((x as readonly Table[])[j]);
        continue;
      }
      const file = (x as SpillManifest).file;
      if (file === null) continue;
      const piece = readPiece(file, j);
      if (piece !== null) parts.push(piece);
    }
    return sort === null
      ? concatTables(parts, names, types)
      : sortKernels.concatSort(sort, names, types, ...parts);
  },
};

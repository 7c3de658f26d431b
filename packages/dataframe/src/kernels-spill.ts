// Kernels of shuffles through disk (shuffle-disk.ts builds the graph): a split's pieces written as
// Arrow IPC files named after their input and output partitions, or kept in memory when the
// partition is small enough for the memory limit; an output's pieces read back, their files
// deleted at once, then concatenated (and sorted, for a range shuffle).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC, tableToIPC, type Table } from 'apache-arrow';
import type { DType } from './dtypes.js';
import { concatTables } from './kernels-shuffle.js';
import { sortKernels, type Order } from './kernels-sort.js';

/** The files a split wrote: one per non-empty piece (null for an empty one). @internal */
export interface SpillManifest {
  readonly files: readonly (string | null)[];
}

const bytesOf = (t: Table): number => t.data.reduce((s, d) => s + d.byteLength, 0);

/** The kernels of this file. @internal */
export const spillKernels = {
  /**
   * Writes a split's pieces to `dir` (unless `limit` > 0 and the partition times `m` partitions
   * fits in it: then they stay in memory).
   */
  spillPieces: (
    pieces: readonly Table[],
    dir: string,
    i: number,
    limit: number,
    m: number,
  ): readonly Table[] | SpillManifest => {
    const bytes = pieces.reduce((s, t) => s + bytesOf(t), 0);
    if (limit > 0 && bytes * m <= limit) return pieces;
    mkdirSync(dir, { recursive: true });
    const files = pieces.map((t, j) => {
      if (t.numRows === 0) return null;
      const file = join(dir, `${i}-${j}.arrow`);
      writeFileSync(file, tableToIPC(t, 'file'));
      return file;
    });
    return { files };
  },
  /** Output `j` of a shuffle: its piece of every input, read back (and deleted) if on disk. */
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
      const file = (x as SpillManifest).files[j];
      if (file === null || file === undefined) continue;
      parts.push(tableFromIPC(readFileSync(file)));
      rmSync(file, { force: true });
    }
    return sort === null
      ? concatTables(parts, names, types)
      : sortKernels.concatSort(sort, names, types, ...parts);
  },
};

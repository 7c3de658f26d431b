// Kernels of shuffles through disk (shuffle-disk.ts builds the graph): a split's pieces written as
// Arrow IPC files named after their input and output partitions, or kept in memory when the
// partition is small enough for the memory limit (a file is written under a temporary name and
// renamed, so a reader never sees half of one); an output's pieces read back, then concatenated
// (and sorted, for a range shuffle). The compute removes the directory when it ends.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
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
      const tmp = `${file}.${randomUUID()}.tmp`;
      writeFileSync(tmp, tableToIPC(t, 'file'));
      renameSync(tmp, file);
      return file;
    });
    return { files };
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
      const file = (x as SpillManifest).files[j];
      if (file === null || file === undefined) continue;
      parts.push(tableFromIPC(readFileSync(file)));
    }
    return sort === null
      ? concatTables(parts, names, types)
      : sortKernels.concatSort(sort, names, types, ...parts);
  },
};

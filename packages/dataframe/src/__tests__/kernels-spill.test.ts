// The spill kernels of shuffles through disk: one file per split whose pieces (empty ones
// included) read back one by one, and the 'auto' rule that keeps a split in memory only while its
// bytes times the input and output counts fit the limit.
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromArrays, type Table } from 'apache-arrow';
import { PIECE_OVERHEAD, spillKernels, type SpillManifest } from '../kernels-spill.js';

const dir = mkdtempSync(join(tmpdir(), 'dask-ts-df-kspill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const piece = (xs: number[]): Table => tableFromArrays({ x: Float64Array.from(xs) });
const pieces = [piece([1, 2]), piece([]), piece([3, 4, 5]), piece([6])];
const xs = (t: Table): number[] => Array.from(t.getChild('x')!.toArray() as Float64Array);

describe('spill kernels', () => {
  test('a split is one file; each output reads back only its piece', () => {
    const a = spillKernels.spillPieces(pieces, dir, 0, 0, 2) as SpillManifest;
    const b = spillKernels.spillPieces(
      [piece([7]), piece([]), piece([]), piece([8])],
      dir,
      1,
      0,
      2,
    );
    expect(readdirSync(dir).sort()).toEqual(['0.arrow', '1.arrow']);
    const out = [0, 1, 2, 3].map((j) =>
      xs(spillKernels.gatherSpilled(j, null, ['x'], ['float64'], a, b)),
    );
    expect(out).toEqual([[1, 2, 7], [], [3, 4, 5], [6, 8]]);
    const empty = spillKernels.spillPieces([piece([]), piece([])], dir, 2, 0, 3);
    expect(empty).toEqual({ file: null });
    expect(readdirSync(dir)).toHaveLength(2);
  });

  test("'auto' keeps a split in memory only while bytes × inputs × outputs fit the limit", () => {
    // The data (6 float64s) and each of the 4 pieces' own cost.
    const bytes = 6 * 8 + 4 * PIECE_OVERHEAD;
    // bytes × m fits (the old rule kept it), bytes × m × n does not: it goes to disk.
    const spilled = spillKernels.spillPieces(pieces, join(dir, 'auto'), 0, bytes * 3, 3);
    expect(Array.isArray(spilled)).toBe(false);
    const kept = spillKernels.spillPieces(pieces, join(dir, 'auto'), 1, bytes * 3 * 4, 3);
    expect(kept).toBe(pieces);
  });
});

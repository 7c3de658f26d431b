// Byte-range reads of local files (fs.ts): whole ranges, ranges cut short by the file's end, and
// reads into a caller's reused buffer, which must hold exactly the file's bytes each time.
import { afterAll, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRange, readRangesInto, readTail } from './fs.js';

const dir = mkdtempSync(join(tmpdir(), 'dask-ts-fs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bytes = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7919) & 255);
const path = join(dir, 'data.bin');
writeFileSync(path, bytes);

test('readRange gives exactly the bytes asked for, fewer at the end of the file', () => {
  expect(readRange(path, 10, 5000)).toEqual(bytes.subarray(10, 5000));
  expect(readRange(path, 99_990, 100_100)).toEqual(bytes.subarray(99_990));
  expect(readRange(path, 100_000, 100_010).length).toBe(0);
  const [tail, size] = readTail(path, 8);
  expect(size).toBe(100_000);
  expect(tail).toEqual(bytes.subarray(99_992));
});

test('readRangesInto fills reused buffers and says how many bytes each read', () => {
  const buf = new Uint8Array(4096).fill(0xaa);
  for (const start of [0, 1, 50_000, 95_903]) {
    expect(readRangesInto(path, [[start, buf]])).toEqual([4096]);
    expect(buf).toEqual(bytes.subarray(start, start + 4096));
  }
  buf.fill(0xaa);
  const other = new Uint8Array(10);
  expect(
    readRangesInto(path, [
      [99_000, buf],
      [7, other],
    ]),
  ).toEqual([1000, 10]);
  expect(buf.subarray(0, 1000)).toEqual(bytes.subarray(99_000));
  expect(buf[1000]).toBe(0xaa);
  expect(other).toEqual(bytes.subarray(7, 17));
  expect(readRangesInto(path, [])).toEqual([]);
});

test('a missing file is named in the error', () => {
  expect(() => readRangesInto(join(dir, 'nope.bin'), [[0, new Uint8Array(4)]])).toThrow(
    /nope\.bin/,
  );
});

// A plain encoder of Parquet's RLE / bit-packed hybrid, for tests of the decoders: ULEB128
// varints, bit-packed runs (padded to groups of 8) and RLE runs, at any bit width.

/** Bytes of a ULEB128 varint. @example uleb(300); // [172, 2] */
export const uleb = (x: number): number[] => {
  const out: number[] = [];
  do {
    let b = x % 128;
    x = Math.floor(x / 128);
    if (x > 0) b |= 0x80;
    out.push(b);
  } while (x > 0);
  return out;
};

/** One bit-packed run of `values` (padded to groups of 8) at bit width `w`. @example packed([1, 2], 2) */
export function packed(values: readonly number[], w: number): number[] {
  const groups = Math.ceil(values.length / 8);
  const bytes = new Array<number>(groups * w).fill(0);
  values.forEach((v, k) => {
    for (let j = 0; j < w; j++)
      if (Math.floor(v / 2 ** j) % 2 === 1) bytes[(k * w + j) >> 3] |= 1 << ((k * w + j) & 7);
  });
  return [...uleb(groups * 2 + 1), ...bytes];
}

/** One RLE run of `v` repeated `n` times at bit width `w`. @example rle(5, 10, 3) */
export function rle(v: number, n: number, w: number): number[] {
  const out = uleb(n * 2);
  for (let k = 0; k < (w + 7) >> 3; k++) out.push(Math.floor(v / 2 ** (8 * k)) % 256);
  return out;
}

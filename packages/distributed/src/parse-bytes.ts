// Sizes as people write them: a number of bytes, or a string such as '512MiB', '4GiB', '2GB',
// '1.5 gb', '1e9' or '800k'. Binary units (KiB, MiB, GiB, TiB) are powers of 1024; decimal ones
// (kB, MB, GB, TB, and a bare K/M/G/T) are powers of 1000, as in Dask. Anything else, or a size
// that is not a positive whole number of bytes once scaled, is refused with an error that quotes
// the value and the option it was given for. `formatBytes` writes a size back in binary units.

const UNITS: Readonly<Record<string, number>> = {
  b: 1,
  '': 1,
  k: 1e3,
  kb: 1e3,
  m: 1e6,
  mb: 1e6,
  g: 1e9,
  gb: 1e9,
  t: 1e12,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/**
 * The number of bytes `value` says: a positive number of bytes, or a string with a unit (see the
 * file comment); a RangeError naming `what` and the value otherwise.
 *
 * @example
 * parseBytes('4GiB'); // 4294967296
 * parseBytes('2GB'); // 2000000000
 * parseBytes(1024); // 1024
 */
export function parseBytes(value: number | string, what = 'memoryLimit'): number {
  let bytes: number;
  if (typeof value === 'number') bytes = value;
  else if (typeof value === 'string') {
    const m = /^\s*(\d+(?:\.\d*)?(?:e[+-]?\d+)?|\.\d+)\s*([a-z]*)\s*$/i.exec(value);
    const scale = m === null ? undefined : UNITS[m[2].toLowerCase()];
    if (m === null || scale === undefined) {
      throw new RangeError(
        `${what} must be a number of bytes or a size such as '512MiB', '4GiB' or '2GB', got '${value}'`,
      );
    }
    bytes = Math.floor(Number(m[1]) * scale);
  } else {
    throw new TypeError(
      `${what} must be a number of bytes or a string such as '4GiB', got ${typeof value}`,
    );
  }
  if (!Number.isFinite(bytes) || bytes < 1) {
    throw new RangeError(`${what} must be at least one byte, got ${JSON.stringify(value)}`);
  }
  return Math.floor(bytes);
}

/**
 * `bytes` in binary units, to one decimal: '3.9 GiB', '256 MiB', '512 B'.
 *
 * @example
 * formatBytes(4 * 2 ** 30); // '4 GiB'
 */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const rounded = Math.round(v * 10) / 10;
  return `${rounded} ${units[i]}`;
}

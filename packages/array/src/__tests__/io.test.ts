// .npy and Zarr v3 I/O: round trips over dtypes and chunkings (blocks that are row ranges, and
// blocks that cut the last axis, read with several positional reads), stacks of .npy files,
// Fortran-order files, `store` of several arrays in one run, writes from worker threads, the
// errors for files we cannot read; and, when /usr/bin/python3 has NumPy, files written by NumPy
// read here and files written here loaded by NumPy.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { decompress as zstdDecompress } from 'fzstd';
import * as zarr from 'zarrita';
import FileSystemStore from '@zarrita/storage/fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createThreadsScheduler } from '@dask-ts/scheduler';
import { fromNpy, fromZarr, matmul, store, toNpy, toZarr, type Dtype } from '../index.js';
import { expectDense, pair, toDense } from './reference.js';

const sync = { scheduler: 'sync' } as const;
let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dask-ts-array-io-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const DTYPES: Dtype[] = [
  'float64',
  'float32',
  'int8',
  'int16',
  'int32',
  'uint8',
  'uint16',
  'uint32',
  'bool',
];

describe('.npy', () => {
  test.each(DTYPES)('%s round-trips through toNpy and fromNpy in other chunks', async (dtype) => {
    const { x, ref } = pair([7, 5, 6], dtype, [3, 2, 4], 21);
    const path = join(dir, `rt-${dtype}.npy`);
    expect(await x.toNpy(path, sync)).toBe(x.nbytes);
    for (const chunks of [[2, 5, 6], [4, 2, 5], -1] as const) {
      const y = fromNpy(path, { chunks });
      expect(y.dtype).toBe(dtype);
      expect(y.shape).toEqual([7, 5, 6]);
      expectDense(toDense(await y.compute(sync)), ref);
    }
  });

  test('a list of files is their concatenation along axis 0, one block per file', async () => {
    const { x: a, ref: ra } = pair([3, 4], 'int32', 2, 22);
    const { x: b, ref: rb } = pair([5, 4], 'int32', 2, 23);
    const pa = join(dir, 'part-0.npy');
    const pb = join(dir, 'part-1.npy');
    await toNpy(a, pa, sync);
    await toNpy(b, pb, sync);
    const y = fromNpy([pa, pb], { chunks: [-1, 3] });
    expect(y.chunks).toEqual([
      [3, 5],
      [3, 1],
    ]);
    expectDense(toDense(await y.compute(sync)), { shape: [8, 4], data: [...ra.data, ...rb.data] });
    const { x: c } = pair([5, 3], 'int32', 2, 24);
    const pc = join(dir, 'part-2.npy');
    await toNpy(c, pc, sync);
    expect(() => fromNpy([pa, pc])).toThrow(/cannot be concatenated along axis 0/);
  });

  test('errors name the file and what is wrong', () => {
    const bad = join(dir, 'bad.npy');
    writeFileSync(bad, 'hello world, not numpy');
    expect(() => fromNpy(bad)).toThrow(/bad\.npy is not a \.npy file/);
    const big = join(dir, 'big-endian.npy');
    const header = "{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }";
    const pad = 64 - ((10 + header.length + 1) % 64);
    const bytes = Buffer.concat([
      Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]),
      Buffer.from([(header.length + pad + 1) & 0xff, (header.length + pad + 1) >> 8]),
      Buffer.from(header + ' '.repeat(pad) + '\n', 'latin1'),
      Buffer.alloc(16),
    ]);
    writeFileSync(big, bytes);
    expect(() => fromNpy(big)).toThrow(/unsupported dtype '>f8'/);
  });
});

describe('Zarr v3', () => {
  test.each(['float64', 'float32', 'int16', 'uint8', 'bool'] as Dtype[])(
    '%s round-trips through toZarr and fromZarr',
    async (dtype) => {
      const { x, ref } = pair([9, 7], dtype, [4, 3], 25);
      const path = join(dir, `rt-${dtype}.zarr`);
      expect(await x.toZarr(path, sync)).toBe(x.nbytes);
      const y = fromZarr(path);
      expect(y.chunks).toEqual(x.chunks);
      expectDense(toDense(await y.compute(sync)), ref);
      const z = fromZarr(path, { chunks: [5, -1] });
      expectDense(
        toDense(await z.at('1:8, ::2').compute(sync)),
        toDense(await x.at('1:8, ::2').compute(sync)),
      );
    },
  );

  test('refuses compressed chunks and directories without a Zarr array, naming them', () => {
    const zdir = join(dir, 'zstd.zarr');
    mkdirSync(zdir);
    writeFileSync(
      join(zdir, 'zarr.json'),
      JSON.stringify({
        zarr_format: 3,
        node_type: 'array',
        shape: [4],
        data_type: 'float64',
        chunk_grid: { name: 'regular', configuration: { chunk_shape: [2] } },
        codecs: [{ name: 'bytes' }, { name: 'blosc' }],
        fill_value: 0,
      }),
    );
    expect(() => fromZarr(zdir)).toThrow(/zstd\.zarr uses codecs \[bytes, blosc\]/);
    expect(() => fromZarr(dir)).toThrow(/has no zarr\.json/);
  });

  test('reads zstd chunks (written by zarrita) and gzip chunks', async () => {
    const zdir = join(dir, 'zstd-data.zarr');
    const data = Float64Array.from({ length: 30 }, (_, i) => i * 1.5 - 7);
    const arr = await zarr.create(zarr.root(new FileSystemStore(zdir)), {
      shape: [5, 6],
      chunkShape: [2, 4],
      dtype: 'float64',
      codecs: [
        { name: 'bytes', configuration: { endian: 'little' } },
        { name: 'zstd', configuration: { level: 3, checksum: false } },
      ],
    });
    await zarr.set(arr, null, { data, shape: [5, 6], stride: [6, 1] });
    const z = fromZarr(zdir, { chunks: [3, 3] });
    expectDense(toDense(await z.compute(sync)), { shape: [5, 6], data: Array.from(data) });
    // gzip: the same chunks, recompressed by hand (zarrita only decodes gzip).
    const gdir = join(dir, 'gzip-data.zarr');
    cpSync(zdir, gdir, { recursive: true });
    const meta = JSON.parse(readFileSync(join(gdir, 'zarr.json'), 'utf8')) as { codecs: unknown[] };
    meta.codecs = [
      { name: 'bytes', configuration: { endian: 'little' } },
      { name: 'gzip', configuration: { level: 5 } },
    ];
    writeFileSync(join(gdir, 'zarr.json'), JSON.stringify(meta));
    for (const [i, j] of [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
      [2, 0],
      [2, 1],
    ]) {
      const f = join(gdir, 'c', String(i), String(j));
      writeFileSync(f, gzipSync(zstdDecompress(readFileSync(f))));
    }
    expectDense(toDense(await fromZarr(gdir).compute(sync)), {
      shape: [5, 6],
      data: Array.from(data),
    });
  });

  test('uneven blocks are made regular before they become Zarr chunks', async () => {
    const { x, ref } = pair([10, 6], 'float64', [[2, 5, 3], [6]], 26);
    const path = join(dir, 'uneven.zarr');
    await toZarr(x, path, sync);
    const y = fromZarr(path);
    expect(y.chunks).toEqual([[5, 5], [6]]);
    expectDense(toDense(await y.compute(sync)), ref);
  });
});

describe('store', () => {
  test('writes several arrays, to .npy and to Zarr, in one computation', async () => {
    const { x, ref } = pair([6, 8], 'float64', 3, 27);
    const y = x.mul(2);
    const n = await store([x, y], [join(dir, 's-x.npy'), join(dir, 's-y.zarr')], sync);
    expect(n).toBe(2 * x.nbytes);
    expectDense(toDense(await fromNpy(join(dir, 's-x.npy')).compute(sync)), ref);
    const back = fromZarr(join(dir, 's-y.zarr'));
    expectDense(toDense(await back.compute(sync)), {
      shape: ref.shape,
      data: ref.data.map((v) => 2 * v),
    });
    await expect(store([x], [], sync)).rejects.toThrow(/1 sources but 0 targets/);
  });

  test('blocks computed on worker threads write their own bytes in place', async () => {
    const threads = createThreadsScheduler({ workers: 2 });
    try {
      const { x } = pair([40, 30], 'float64', [10, 15], 28);
      const { x: w } = pair([30, 20], 'float64', [15, 10], 29);
      const z = matmul(x, w);
      const path = join(dir, 'threads.npy');
      await z.toNpy(path, { scheduler: threads });
      expectDense(
        toDense(await fromNpy(path).compute(sync)),
        toDense(await z.compute(sync)),
        1e-12,
      );
      const zp = join(dir, 'threads.zarr');
      await z.toZarr(zp, { scheduler: threads });
      expectDense(toDense(await fromZarr(zp).compute(sync)), toDense(await z.compute(sync)), 1e-12);
    } finally {
      await threads.close?.();
    }
  }, 120_000);
});

const PY = '/usr/bin/python3';
const hasNumpy = spawnSync(PY, ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;
if (!hasNumpy) console.log(`skipping the NumPy checks: ${PY} cannot import numpy`);
const npTest = hasNumpy ? test : test.skip;

function python(code: string): string {
  const r = spawnSync(PY, ['-c', code], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return r.stdout;
}

describe('against NumPy', () => {
  npTest(
    'reads what NumPy writes (every dtype, C and Fortran order, 1-d and 0-d)',
    async () => {
      python(`
import numpy as np
base = np.arange(60).reshape(3, 4, 5) * 7 % 23 - 5
for t in ['f8','f4','i1','i2','i4','u1','u2','u4']:
    np.save('${dir}/np-' + t + '.npy', (base if t[0] != 'u' else base + 5).astype(t))
np.save('${dir}/np-b1.npy', base % 3 == 0)
np.save('${dir}/np-fortran.npy', np.asfortranarray(base.astype('f8') / 4))
np.save('${dir}/np-1d.npy', np.linspace(0, 1, 11))
np.save('${dir}/np-0d.npy', np.float64(2.5))
`);
      const base = Array.from({ length: 60 }, (_, i) => ((i * 7) % 23) - 5);
      const want: Record<string, number[]> = {
        f8: base,
        f4: base,
        i1: base,
        i2: base,
        i4: base,
        u1: base.map((v) => v + 5),
        u2: base.map((v) => v + 5),
        u4: base.map((v) => v + 5),
        b1: base.map((v) => (((v % 3) + 3) % 3 === 0 ? 1 : 0)),
      };
      for (const [t, data] of Object.entries(want)) {
        const x = fromNpy(join(dir, `np-${t}.npy`), { chunks: [2, 3, 2] });
        expectDense(toDense(await x.compute(sync)), { shape: [3, 4, 5], data });
      }
      const f = fromNpy(join(dir, 'np-fortran.npy'), { chunks: [2, 2, 3] });
      expect(f.shape).toEqual([3, 4, 5]);
      expectDense(toDense(await f.compute(sync)), {
        shape: [3, 4, 5],
        data: base.map((v) => v / 4),
      });
      expectDense(
        toDense(await fromNpy(join(dir, 'np-1d.npy'), { chunks: 4 }).compute(sync)),
        {
          shape: [11],
          data: Array.from({ length: 11 }, (_, i) => i / 10),
        },
        1e-15,
      );
      expect(await fromNpy(join(dir, 'np-0d.npy')).compute(sync)).toBe(2.5);
    },
    60_000,
  );

  npTest(
    'NumPy loads what toNpy writes, and its matmul agrees with ours',
    async () => {
      const { x } = pair([13, 11], 'float64', [5, 4], 30);
      const { x: y } = pair([11, 6], 'float32', [3, 6], 31);
      const { x: b } = pair([4, 5], 'bool', 2, 32);
      await x.toNpy(join(dir, 'our-x.npy'), sync);
      await y.toNpy(join(dir, 'our-y.npy'), sync);
      await b.toNpy(join(dir, 'our-b.npy'), sync);
      await matmul(x, y).toNpy(join(dir, 'our-xy.npy'), sync);
      const out = JSON.parse(
        python(`
import numpy as np, json
x = np.load('${dir}/our-x.npy'); y = np.load('${dir}/our-y.npy'); b = np.load('${dir}/our-b.npy')
xy = np.load('${dir}/our-xy.npy')
print(json.dumps({'dtypes': [str(a.dtype) for a in (x, y, b, xy)], 'shapes': [a.shape for a in (x, y, b, xy)],
  'err': float(np.max(np.abs(xy - x @ y)) / np.max(np.abs(x @ y))), 'x': x.ravel().tolist(), 'b': b.ravel().tolist()}))
`),
      ) as { dtypes: string[]; shapes: number[][]; err: number; x: number[]; b: boolean[] };
      expect(out.dtypes).toEqual(['float64', 'float32', 'bool', 'float64']);
      expect(out.shapes).toEqual([
        [13, 11],
        [11, 6],
        [4, 5],
        [13, 6],
      ]);
      expect(out.err).toBeLessThan(1e-6);
      expect(out.x).toEqual(toDense(await x.compute(sync)).data);
      expect(out.b.map(Number)).toEqual(toDense(await b.compute(sync)).data);
    },
    60_000,
  );
});

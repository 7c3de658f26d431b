import { parquetMetadata } from 'hyparquet';
import { readFileSync } from 'node:fs';
import { pageHeader } from './dist/io-parquet-header.js';
import { snappyDecompress } from './dist/io-snappy.js';
import { snappyUncompressor } from '/tmp/hs/node_modules/hysnappy/js/index.js';
const buf = readFileSync('/tmp/dask-ts-tpch-sf1/lineitem/part.0.parquet');
const md = parquetMetadata(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
const pages = [];
for (const rg of md.row_groups) for (const c of rg.columns) {
  const m = c.meta_data; const name = m.path_in_schema[0];
  if (!['l_extendedprice', 'l_partkey', 'l_shipdate', 'l_comment'].includes(name)) continue;
  const start = Number(m.dictionary_page_offset ?? m.data_page_offset); const end = start + Number(m.total_compressed_size);
  let pos = start;
  while (pos < end) { const [h, at] = pageHeader(buf, pos); pages.push([name, buf.subarray(at, at + h.compressed), h.uncompressed]); pos = at + h.compressed; }
}
const un = snappyUncompressor();
for (const name of ['l_extendedprice', 'l_partkey', 'l_shipdate', 'l_comment']) {
  const ps = pages.filter((p) => p[0] === name);
  const bytes = ps.reduce((a, p) => a + p[2], 0);
  const outs = ps.map((p) => new Uint8Array(p[2]));
  for (let rep = 0; rep < 3; rep++) {
    let t0 = performance.now(); for (let i = 0; i < ps.length; i++) snappyDecompress(ps[i][1], outs[i]); const js = performance.now() - t0;
    t0 = performance.now(); for (const p of ps) un(p[1], p[2]); const w = performance.now() - t0;
    if (rep === 2) console.log(name, ps.length, 'pages', (bytes / 1e6).toFixed(1), 'MB; js', (bytes / 1e6 / js).toFixed(2), 'GB/s; hysnappy', (bytes / 1e6 / w).toFixed(2), 'GB/s');
  }
}

// The new operations on the `processes` scheduler (2 child processes): a mapPartitions function
// (with scope), a shuffled merge, a sort and a window, dates, categories and a shuffle through
// disk give the sync answers. Needs the built dist
// of this package and of protocol, graph, worker and scheduler.
import { afterAll, expect, test } from '@jest/globals';
import { createProcessesScheduler } from '@dask-ts/scheduler';
import type { Table } from 'apache-arrow';
import { col, configureShuffle, merge } from '../index.js';
import { plain } from './reference.js';
import { rowsOf, sortedRows, wide, wideFrame } from './ops-reference.js';

const procs = createProcessesScheduler({ workers: 2 });
const opts = { scheduler: procs } as const;
const sync = { scheduler: 'sync' } as const;

afterAll(async () => {
  await procs.close?.();
});

declare const offset: number;

test('mapPartitions, merge, sortValues and rolling on worker processes', async () => {
  const L = wideFrame(wide(1500, 61), 4);
  const R = wideFrame(wide(300, 62), 3).select(['k', 't', 'a']);
  const shifted = L.mapPartitions(
    (t: Table) => ({ i: Array.from(t.getChild('i')!.toArray() as Int32Array, (x) => x + offset) }),
    { meta: { i: 'int32' }, scope: { offset: 5 } },
  );
  expect(plain(await shifted.compute(opts))).toEqual(plain(await shifted.compute(sync)));
  const m = merge(L, R, { on: ['k', 't'], how: 'inner' });
  expect(sortedRows(rowsOf(plain(await m.compute(opts))))).toEqual(
    sortedRows(rowsOf(plain(await m.compute(sync)))),
  );
  const s = L.sortValues(['a', 'i'], { ascending: [false, true] })
    .rolling(3)
    .sum();
  expect(plain(await s.compute(opts))).toEqual(plain(await s.compute(sync)));
});

test('dates, categories and a shuffle through disk on worker processes', async () => {
  const L = wideFrame(wide(1500, 63), 4).assign({
    when: col('i').mul(3600).astype('timestamp'),
    cat: col('t').astype('category'),
  });
  const q = L.filter(col('when').ge('1970-01-01T00:10:00'))
    .assign({ h: col('when').dt.hour() })
    .groupby('cat')
    .agg({ h: 'max', when: 'min', i: 'sum' });
  expect(plain(await q.compute(opts))).toEqual(plain(await q.compute(sync)));
  const before = configureShuffle({ method: 'disk' });
  try {
    const s = L.sortValues(['cat', 'i']).select(['cat', 'i', 'when']);
    expect(s.explain()).toMatch(/through disk/);
    expect(plain(await s.compute(opts))).toEqual(plain(await s.compute(sync)));
  } finally {
    configureShuffle(before);
  }
});

// Run with node (not jest): an entry script that names itself with moduleRef, as an old README
// example did. It must be refused at once (never deadlock, never fork workers that re-run this).
import { delayed, moduleRef } from '@dask-ts/graph';
import { syncScheduler } from '../../dist/index.js';

export function triple(x) {
  return x * 3;
}
const out = {};
try {
  moduleRef(import.meta.url, 'triple');
  out.made = true;
} catch (e) {
  out.refused = `${e.name}: ${e.message}`;
}
try {
  const ref = { kind: 'module', specifier: import.meta.url, exportName: 'triple' };
  out.sync = await delayed(ref)(2).compute({ scheduler: syncScheduler });
} catch (e) {
  out.sync = `${e.name}: ${e.message}`;
}
process.stdout.write(`${JSON.stringify(out)}\n`);

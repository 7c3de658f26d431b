// Bundles each worker entry (dist/thread-entry.js, dist/process-entry.js) with everything it
// imports, @dask-ts/protocol's runtime included, into one file beside it (`*.bundle.js`), which
// the `./thread-entry` and `./process-entry` exports name. Policy: a worker loads one file instead
// of some twenty modules, which took a fresh thread about 20 ms on a 2-core machine (most of a
// first compute's cost over spawning a bare thread). Two copies of protocol in one worker (the
// bundle's and a kernel module's own) are safe: every registry protocol keeps (codecs, classes,
// builtins, the function resolver, the worker mark) lives on globalThis under a Symbol.for key.
import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
for (const entry of ['thread-entry', 'process-entry']) {
  buildSync({
    entryPoints: [`${dist}${entry}.js`],
    outfile: `${dist}${entry}.bundle.js`,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Optional imports resolved at run time (tsx, a user's modules) stay imports.
    packages: 'bundle',
    external: ['tsx', 'tsx/*'],
    logLevel: 'warning',
  });
}

// Run with --trace-deopt by bailouts.test.ts: two large maps, then one-key submits, each awaited.
// Prints V8's bailout lines (stdout) and "done" last.
import { Client } from '@dask-ts/client';

const noop = (x) => x;
const client = await Client.local({ nWorkers: 1, threadsPerWorker: 1, asDefault: false });
try {
  const items = Array.from({ length: 20_000 }, (_, i) => i);
  for (let r = 0; r < 2; r++) await client.gather(client.map(noop, items));
  for (let i = 0; i < Number(process.argv[2]); i++) {
    if ((await client.submit(noop, i)) !== i) throw new Error(`submit ${i}: wrong value`);
  }
} finally {
  await client.close();
}
console.log('done');

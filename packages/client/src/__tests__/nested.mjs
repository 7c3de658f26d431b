// A task that submits tasks and waits for them, through getClient() (loaded by module reference
// in a worker thread; it imports the built package, as user code on a worker would).
import { getClient } from '@dask-ts/client';

export async function fanOut(n) {
  const client = getClient();
  const futures = client.map(
    (i) => i * i,
    Array.from({ length: n }, (_, i) => i),
  );
  const squares = await client.gather(futures);
  for (const f of futures) f.release();
  // A second round, through submit, waiting on a future made from a future.
  const total = client.submit((xs) => xs.reduce((a, b) => a + b, 0), squares);
  const doubled = client.submit((t) => t * 2, total);
  const out = await doubled;
  total.release();
  doubled.release();
  return out / 2;
}

// Releases a future before it finishes, then waits for another: the task's client is done
// waiting once the second one is in, so the worker takes tasks again.
export async function releaseEarly(ms) {
  const client = getClient();
  const slow = client.submit((t) => new Promise((resolve) => setTimeout(() => resolve(t), t)), ms);
  slow.release();
  return await client.submit((x) => x + 1, 1);
}

// Task functions of the peer-to-peer tests, loaded by worker threads as a module.
import { appendFileSync, existsSync } from 'node:fs';

/** `n` float64s equal to `value`; writes `value pid` to `log` first when given. */
export function filled(n, value, log) {
  if (log) appendFileSync(log, `${value} ${process.pid}\n`);
  return new Float64Array(n).fill(value);
}

/** As `filled`, once file `marker` exists (at most 60 s). */
export function filledAfter(n, value, marker, log) {
  if (log) appendFileSync(log, `${value} ${process.pid}\n`);
  const nap = new Int32Array(new SharedArrayBuffer(4));
  const end = Date.now() + 60_000;
  while (!existsSync(marker) && Date.now() < end) Atomics.wait(nap, 0, 0, 20);
  return new Float64Array(n).fill(value);
}

/** The sum of every element of every array. */
export function total(...arrays) {
  let s = 0;
  for (const a of arrays) for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

// `dask-ts worker --resources GPU=2,MEM=1e9`: the abstract resources a worker node declares, as
// comma-separated NAME=AMOUNT pairs (amounts are numbers >= 0, in any form Number() reads).
import { UsageError } from './args.js';

/**
 * Parses a `--resources` value; a bad pair is a UsageError naming it.
 *
 * @example
 * parseResources('GPU=2,MEM=1e9'); // { GPU: 2, MEM: 1000000000 }
 */
export function parseResources(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const pair of text.split(',')) {
    const m = /^\s*([A-Za-z_][\w.-]*)\s*=\s*(\S+)\s*$/.exec(pair);
    const amount = m === null ? NaN : Number(m[2]);
    if (m === null || !Number.isFinite(amount) || amount < 0) {
      throw new UsageError(
        `Option --resources takes NAME=AMOUNT pairs separated by commas (GPU=2,MEM=1e9), got '${pair}'`,
      );
    }
    if (m[1] in out) throw new UsageError(`Option --resources names ${m[1]} twice`);
    out[m[1]] = amount;
  }
  return out;
}

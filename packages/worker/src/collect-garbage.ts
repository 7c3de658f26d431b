// A full garbage collection on demand, for a worker whose memory is watched: memory given up by
// spilling (or by results released) returns to the OS only once V8 collects it, and an idle thread
// allocates nothing that would make V8 collect on its own. V8's `gc` is reached without
// `--expose-gc` on the command line: the flag is set at run time and `gc` read from a fresh
// context. Where that fails, there is no collector (undefined) and memory is freed when V8 decides.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collector: (() => void) | undefined | null = null;

/**
 * A function that runs a full garbage collection in the calling thread, or undefined when V8's
 * `gc` cannot be had.
 *
 * @example
 * garbageCollector()?.();
 */
export function garbageCollector(): (() => void) | undefined {
  if (collector !== null) return collector;
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    collector = typeof gc === 'function' ? () => void (gc as () => unknown)() : undefined;
  } catch {
    collector = undefined;
  }
  return collector;
}

// Shared by the WorkerState tests: function references to the fixture modules, a task maker, and
// readers of the messages a WorkerState sent (a finished message's run time is checked, then left out).
import { expect } from '@jest/globals';
import type { FromWorker, PortableFunctionRef, WireTask } from '@dask-ts/protocol';
import type { Outgoing } from '../worker-state.js';

export const fixtures = new URL('../../test/fixtures/', import.meta.url);
export const kernels = new URL('kernels.mjs', fixtures).href;
export const builtinsModule = new URL('builtins.mjs', fixtures).href;

export const src = (
  source: string,
  scope: Record<string, unknown> = {},
  name?: string,
): PortableFunctionRef =>
  name === undefined ? { kind: 'source', source, scope } : { kind: 'source', source, scope, name };
export const mod = (exportName: string, specifier = kernels): PortableFunctionRef => ({
  kind: 'module',
  specifier,
  exportName,
});
export const t = (
  key: string,
  fn: PortableFunctionRef,
  args: unknown[],
  deps: string[] = [],
): WireTask => ({
  key,
  fn,
  args,
  deps,
});
/** The messages sent; a `finished` message's run time is checked, then left out. */
export const messages = (out: readonly Outgoing[]): FromWorker[] =>
  out.map((o) => {
    const m = o.message;
    if (m.op !== 'finished') return m;
    expect(m.ms).toBeGreaterThanOrEqual(0);
    const { ms: _ms, ...rest } = m;
    return rest;
  });

export function erredOf(
  out: readonly Outgoing[],
  key: string,
): { name: string; message: string; stack?: string } {
  const m = messages(out).find((x) => x.op === 'erred' && x.key === key);
  if (m === undefined || m.op !== 'erred') throw new Error(`no erred message for ${key}`);
  return m.error;
}

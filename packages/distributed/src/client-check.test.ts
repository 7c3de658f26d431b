import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { sourceRef } from '@dask-ts/graph';
import type { Graph } from '@dask-ts/protocol';
import { parseFromClient, parseToClient } from './client-check.js';
import { fromClientSchema, graphMessage, toClientSchema } from './client-messages.js';

const inc = sourceRef('(x) => x + 1', { name: 'inc' });
const graph: Graph = new Map([
  ['a', { kind: 'data', value: 1 }],
  ['b', { kind: 'task', fn: inc, args: [{ $ref: 'a' }], deps: ['a'], placement: { retries: 2 } }],
]);

const fromClient: Record<string, unknown>[] = [
  { op: 'hold', ...graphMessage(graph), keys: ['b'], push: ['b'] },
  { op: 'hold', ...graphMessage(graph), keys: ['a', 'b'], broadcast: true },
  { op: 'compute', id: 4, ...graphMessage(graph), keys: ['b'] },
  { op: 'release', keys: ['a', 'b'] },
  { op: 'release', keys: [], cancel: true },
  { op: 'cancel', id: 3 },
];
const toClient: Record<string, unknown>[] = [
  { op: 'values', keys: ['a'], values: [1] },
  { op: 'values', keys: ['a'], failed: true },
  { op: 'finished', keys: ['a', 'b'] },
  { op: 'result', id: 7, values: [1, 'x'] },
  { op: 'key', key: 'a', status: 'finished' },
];

const text = fc.oneof(fc.string({ maxLength: 3 }), fc.anything());
const ref = fc.record(
  {
    kind: fc.constantFrom('module', 'builtin', 'source', 'local', 'other'),
    specifier: text,
    exportName: text,
    name: text,
    module: text,
    source: text,
    scope: fc.oneof(fc.dictionary(fc.string(), fc.anything()), fc.anything()),
    helpers: fc.oneof(fc.dictionary(fc.string(), text), fc.anything()),
    origin: text,
  },
  { requiredKeys: ['kind'] },
);

/** `m` with field `field` set to `value` (or removed, for undefined). */
function withField(m: Record<string, unknown>, field: string, value: unknown): unknown {
  const out = { ...m };
  if (value === undefined) delete out[field];
  else out[field] = value;
  return out;
}

describe('the quick checks of client messages', () => {
  it('accept what the zod schemas accept, with the same data', () => {
    for (const m of fromClient) {
      const quick = parseFromClient(m);
      const slow = fromClientSchema.safeParse(m);
      expect(quick.success && slow.success).toBe(true);
      if (quick.success && slow.success) expect(quick.data).toEqual(slow.data);
    }
    for (const m of toClient) {
      const quick = parseToClient(m);
      const slow = toClientSchema.safeParse(m);
      expect(quick.success && slow.success).toBe(true);
      if (quick.success && slow.success) expect(quick.data).toEqual(slow.data);
    }
  }, 10_000);

  it('refuse what the zod schemas refuse, field by field, with zod saying why', () => {
    const bad = fc.oneof(
      fc.anything(),
      fc.array(fc.anything(), { maxLength: 3 }),
      fc.array(fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double()), { maxLength: 3 }),
      fc.array(fc.array(fc.anything(), { maxLength: 2 }), { maxLength: 2 }),
      fc.constant([{ kind: 'local', name: 'f' }]),
      fc.array(ref, { maxLength: 2 }),
      fc.constant([{ retries: -1 }]),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: fromClient.length - 1 }),
        fc.integer({ min: 0, max: toClient.length - 1 }),
        fc.constantFrom(
          'op',
          'keys',
          'graphKeys',
          'fns',
          'fnIndex',
          'payloads',
          'deps',
          'placements',
          'placementIndex',
          'push',
          'broadcast',
          'cancel',
          'values',
          'failed',
          'id',
        ),
        bad,
        (i, j, field, value) => {
          const from = withField(fromClient[i], field, value);
          const quickFrom = parseFromClient(from);
          expect(quickFrom.success).toBe(fromClientSchema.safeParse(from).success);
          const to = withField(toClient[j], field, value);
          const quickTo = parseToClient(to);
          expect(quickTo.success).toBe(toClientSchema.safeParse(to).success);
          if (!quickTo.success) expect(quickTo.error.issues.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 2000 },
    );
  }, 60_000);

  it('refuse the function references the zod schema refuses', () => {
    fc.assert(
      fc.property(ref, (fn) => {
        const m = { ...fromClient[0], fns: [fn] };
        expect(parseFromClient(m).success).toBe(fromClientSchema.safeParse(m).success);
      }),
      { numRuns: 3000 },
    );
  }, 60_000);
});

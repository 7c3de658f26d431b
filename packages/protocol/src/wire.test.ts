// The zod-free half of the protocol: its types equal the zod schemas' types, `checkToWorker`
// accepts and refuses exactly what `toWorkerSchema` does, and the runtime entry loads no zod.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import type { z } from 'zod';
import {
  checkFromWorker,
  checkToWorker,
  fromWorkerSchema,
  packCompute,
  parseMessage,
  ProtocolError,
  toWorkerSchema,
  wireTaskSchema,
  computeSchema,
  type ComputeMessage,
  type FromWorker,
  type ToWorker,
  type WireTask,
} from './index.js';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

const fn = { kind: 'source', source: '(x) => x + 1', scope: {} } as const;
const compute = packCompute([
  { key: 'y', fn, args: [{ $ref: 'x' }], deps: ['x'] },
  {
    key: 'z',
    fn: { kind: 'module', specifier: 'node:path', exportName: 'join' },
    args: ['a', 1],
    deps: [],
  },
  { key: 'w', fn: { kind: 'builtin', name: 'b', module: 'm' }, args: [], deps: [] },
]);

const valid: unknown[] = [
  compute,
  { op: 'put', keys: ['x'], values: [1] },
  { op: 'release', keys: [] },
  { op: 'gather', id: 3, keys: ['x'], release: true },
  { op: 'close' },
  { op: 'batch', messages: [compute, { op: 'release', keys: ['x'] }] },
  { op: 'close', extra: 1 },
  { ...compute, fns: [{ kind: 'source', source: 'x', scope: { a: 1 }, name: 'f' }] },
  { ...compute, want: [0, 2] },
  { ...compute, want: undefined },
];

const invalid: unknown[] = [
  null,
  7,
  [],
  {},
  { op: 'nope' },
  { op: 'toString' },
  { op: 'put', keys: ['x'] },
  { op: 'put', keys: [1], values: [] },
  { op: 'release', keys: 'x' },
  { op: 'gather', id: 1.5, keys: [], release: true },
  { op: 'gather', id: 1, keys: [], release: 'yes' },
  { ...compute, keys: [1, 2, 3] },
  { ...compute, fnIndex: [-1, 0, 0] },
  { ...compute, argCount: [-2, 0, 0] },
  { ...compute, args: [1] },
  { ...compute, want: [-1] },
  { ...compute, want: 0 },
  { ...compute, fns: [{ kind: 'local', name: 'f' }] },
  { ...compute, fns: [{ kind: 'module', specifier: '', exportName: 'x' }] },
  { ...compute, fns: [{ kind: 'builtin', name: 'b', module: '' }] },
  { ...compute, fns: [{ kind: 'source', source: 'x', scope: [] }] },
  { ...compute, fns: [{ kind: 'source', source: 'x', scope: null }] },
  { ...compute, fns: [{ kind: 'source', source: 'x', scope: {}, name: 3 }] },
  { op: 'batch', messages: [{ op: 'batch', messages: [] }] },
  { op: 'batch', messages: [null] },
  { op: 'batch', messages: 'x' },
];

const err = { name: 'Error', message: 'boom' };
const validFromWorker: unknown[] = [
  { op: 'hello', worker: 'thread-0', version: 3, pid: 12 },
  { op: 'finished', keys: ['x'], nbytes: [8] },
  { op: 'finished', keys: ['x', 'y'], nbytes: [8, NaN], ms: 0 },
  { op: 'finished', keys: ['x'], nbytes: [8], ms: 1.5, valueKeys: ['x'], values: [{ a: 1 }] },
  { op: 'finished', keys: [], nbytes: [], extra: true },
  { op: 'erred', key: 'x', error: err },
  {
    op: 'erred',
    key: 'x',
    error: {
      ...err,
      stack: 's',
      cause: [1],
      props: { code: 'E' },
      thrown: { value: undefined },
      class: 'C',
    },
  },
  { op: 'erred', key: 'x', error: { ...err, thrown: { value: null }, cause: undefined } },
  {
    op: 'erred',
    key: 'x',
    error: Object.assign(new Error('boom'), { props: Object.create(null) }),
  },
  { op: 'gathered', id: 1, keys: ['x'], values: [1], missing: [] },
];

const invalidFromWorker: unknown[] = [
  null,
  'finished',
  [],
  { op: 'batch', messages: [] },
  { op: 'compute' },
  { op: 'hello', worker: 1, version: 3, pid: 1 },
  { op: 'hello', worker: 'w', version: 1.5, pid: 1 },
  { op: 'hello', worker: 'w', version: 3 },
  { op: 'finished', keys: [1], nbytes: [8] },
  { op: 'finished', keys: ['x'], nbytes: ['8'] },
  { op: 'finished', keys: ['x'], nbytes: [8], ms: -1 },
  { op: 'finished', keys: ['x'], nbytes: [8], ms: NaN },
  { op: 'finished', keys: ['x'], nbytes: [8], ms: Infinity },
  { op: 'finished', keys: ['x'], nbytes: [8], valueKeys: [1], values: [1] },
  { op: 'finished', keys: ['x'], nbytes: [8], valueKeys: ['x'], values: 1 },
  { op: 'erred', key: 1, error: err },
  { op: 'erred', key: 'x' },
  { op: 'erred', key: 'x', error: [] },
  { op: 'erred', key: 'x', error: { name: 'E' } },
  { op: 'erred', key: 'x', error: { ...err, stack: 1 } },
  { op: 'erred', key: 'x', error: { ...err, props: [] } },
  { op: 'erred', key: 'x', error: { ...err, props: new Map() } },
  { op: 'erred', key: 'x', error: { ...err, thrown: null } },
  { op: 'erred', key: 'x', error: { ...err, thrown: {} } },
  { op: 'erred', key: 'x', error: { ...err, props: new (class P {})() } },
  { op: 'hello', worker: 'w', version: 2 ** 60, pid: 1 },
  { op: 'erred', key: 'x', error: { ...err, class: 1 } },
  { op: 'gathered', id: 1.5, keys: [], values: [], missing: [] },
  { op: 'gathered', id: 1, keys: [], values: {}, missing: [] },
  { op: 'gathered', id: 1, keys: [], values: [] },
];

describe('the zod-free wire', () => {
  it('has the types the schemas infer', () => {
    const same: [
      Same<ToWorker, z.infer<typeof toWorkerSchema>>,
      Same<FromWorker, z.infer<typeof fromWorkerSchema>>,
      Same<WireTask, z.infer<typeof wireTaskSchema>>,
      Same<ComputeMessage, z.infer<typeof computeSchema>>,
    ] = [true, true, true, true];
    expect(same).toEqual([true, true, true, true]);
  });

  it.each(valid.map((m, i) => [i, m]))('accepts valid message %i as the schema does', (_, m) => {
    expect(toWorkerSchema.safeParse(m).success).toBe(true);
    expect(checkToWorker(m, 'scheduler')).toBe(m);
  });

  it.each(invalid.map((m, i) => [i, m]))(
    'refuses malformed message %i as the schema does',
    (_, m) => {
      expect(toWorkerSchema.safeParse(m).success).toBe(false);
      expect(() => checkToWorker(m, 'scheduler')).toThrow(ProtocolError);
    },
  );

  it.each(validFromWorker.map((m, i) => [i, m]))(
    'accepts valid worker message %i as the schema does',
    (_, m) => {
      expect(fromWorkerSchema.safeParse(m).success).toBe(true);
      expect(checkFromWorker(m, 'thread-0')).toBe(m);
    },
  );

  it.each(invalidFromWorker.map((m, i) => [i, m]))(
    'refuses malformed worker message %i as the schema does',
    (_, m) => {
      expect(fromWorkerSchema.safeParse(m).success).toBe(false);
      expect(() => checkFromWorker(m, 'thread-0')).toThrow(ProtocolError);
    },
  );

  it('names the worker and the field of a malformed report', () => {
    expect(() => checkFromWorker({ op: 'finished', keys: 7, nbytes: [] }, 'thread-0')).toThrow(
      /^Malformed message from thread-0: keys: expected an array \(each a string\), got number\. Received: \{"op":"finished"/,
    );
  });

  it('names the sender and the field, as parseMessage does', () => {
    const m = { op: 'put', keys: ['a', 2], values: [] };
    expect(() => checkToWorker(m, 'scheduler')).toThrow(
      /^Malformed message from scheduler: keys\.1: expected a string, got number\. Received: \{"op":"put"/,
    );
    expect(() => parseMessage(toWorkerSchema, m, 'scheduler')).toThrow(
      /keys\.1: expected a string/,
    );
  });

  it('imports no zod from the runtime entry, directly or through its modules', () => {
    const seen = new Set<string>();
    const imported: string[] = [];
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(new URL(file, import.meta.url), 'utf8');
      for (const [, spec] of text.matchAll(/^(?:import|export)\s[^;]*?from '([^']+)'/gms)) {
        if (spec.startsWith('./')) visit(spec.replace(/\.js$/, '.ts'));
        else imported.push(spec);
      }
    };
    visit('./runtime.ts');
    expect(seen.size).toBeGreaterThan(5);
    expect(imported.filter((s) => !s.startsWith('node:'))).toEqual([]);
  });
});

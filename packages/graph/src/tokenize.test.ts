import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Worker } from 'node:worker_threads';
import { tokenize, tokenizeSymbol } from './tokenize.js';

describe('tokenize', () => {
  it('is a 32-character hex string', () => {
    expect(tokenize(1)).toMatch(/^[0-9a-f]{32}$/);
    expect(tokenize()).toMatch(/^[0-9a-f]{32}$/);
  });

  it('distinguishes primitives by type', () => {
    const values = [
      1,
      '1',
      1n,
      true,
      'true',
      null,
      undefined,
      'null',
      0,
      -0,
      NaN,
      'NaN',
      Infinity,
      '',
      [],
      {},
      [[]],
      [undefined],
    ];
    const tokens = values.map((v) => tokenize(v));
    expect(new Set(tokens).size).toBe(values.length);
    expect(tokenize(NaN)).toBe(tokenize(Number.NaN));
    expect(tokenize(-0)).toBe(tokenize(-0));
  });

  it('distinguishes argument boundaries', () => {
    expect(tokenize('ab', 'c')).not.toBe(tokenize('a', 'bc'));
    expect(tokenize([1, 2])).not.toBe(tokenize(1, 2));
    expect(tokenize({ a: 'b' })).not.toBe(tokenize({ ab: '' }));
  });

  it('sorts plain object keys, keeps array order', () => {
    expect(tokenize({ a: 1, b: 2 })).toBe(tokenize({ b: 2, a: 1 }));
    expect(tokenize([1, 2])).not.toBe(tokenize([2, 1]));
  });

  it('is order-independent for Sets and Maps', () => {
    expect(tokenize(new Set([1, 2, 3]))).toBe(tokenize(new Set([3, 1, 2])));
    expect(
      tokenize(
        new Map([
          ['a', 1],
          ['b', 2],
        ]),
      ),
    ).toBe(
      tokenize(
        new Map([
          ['b', 2],
          ['a', 1],
        ]),
      ),
    );
    expect(tokenize(new Map([['a', 1]]))).not.toBe(tokenize(new Map([['a', 2]])));
    expect(tokenize(new Set([1]))).not.toBe(tokenize([1]));
    expect(tokenize(new Map([[1, 2]]))).not.toBe(tokenize(new Map([[2, 1]])));
  });

  it('hashes typed arrays by dtype and bytes', () => {
    expect(tokenize(new Float64Array([1, 2]))).toBe(tokenize(new Float64Array([1, 2])));
    expect(tokenize(new Float64Array([1, 2]))).not.toBe(tokenize(new Float64Array([1, 3])));
    expect(tokenize(new Int32Array([1, 2]))).not.toBe(tokenize(new Uint32Array([1, 2])));
    expect(tokenize(Buffer.from([1, 2]))).toBe(tokenize(new Uint8Array([1, 2])));
    const big = new Float64Array(1 << 20).map((_, i) => i);
    const copy = big.slice();
    expect(tokenize(big)).toBe(tokenize(copy));
    copy[123456] = -1;
    expect(tokenize(big)).not.toBe(tokenize(copy));
    // A view hashes only its own bytes.
    expect(tokenize(big.subarray(2, 4))).toBe(tokenize(new Float64Array([2, 3])));
  });

  it('hashes dates, regexps and functions', () => {
    expect(tokenize(new Date(5))).toBe(tokenize(new Date(5)));
    expect(tokenize(new Date(5))).not.toBe(tokenize(new Date(6)));
    expect(tokenize(/a/g)).not.toBe(tokenize(/a/i));
    const f = (x: number): number => x + 1;
    const g = (x: number): number => x + 2;
    expect(tokenize(f)).toBe(tokenize(f));
    expect(tokenize(f)).not.toBe(tokenize(g));
    const make =
      () =>
      (x: number): number =>
        x * 2;
    expect(tokenize({ kind: 'local', fn: make(), name: 'm' })).toBe(
      tokenize({ kind: 'local', fn: make(), name: 'm' }),
    );
    expect(tokenize({ kind: 'local', fn: make(), name: 'm' })).not.toBe(
      tokenize({ kind: 'local', fn: make(), name: 'n' }),
    );
  });

  it('terminates on cycles and tells different cycles apart', () => {
    const a: unknown[] = [1];
    a.push(a);
    const b: unknown[] = [2];
    b.push(b);
    expect(tokenize(a)).toBe(tokenize(structuredClone(a)));
    expect(tokenize(a)).not.toBe(tokenize(b));
    const o: Record<string, unknown> = { x: 1 };
    o.self = o;
    o.m = new Map([['o', o]]);
    expect(tokenize(o)).toBe(tokenize(structuredClone(o)));
    // Shared (non-cyclic) references hash like copies.
    const s = [1, 2];
    expect(tokenize([s, s])).toBe(
      tokenize([
        [1, 2],
        [1, 2],
      ]),
    );
  });

  it('uses a [Symbol.for("dask-ts.tokenize")] method', () => {
    class P {
      constructor(
        readonly x: number,
        readonly noise: number,
      ) {}
      [tokenizeSymbol](): unknown {
        return ['P', this.x];
      }
    }
    expect(tokenize(new P(1, 1))).toBe(tokenize(new P(1, 2)));
    expect(tokenize(new P(1, 1))).not.toBe(tokenize(new P(2, 1)));
    expect(tokenizeSymbol).toBe(Symbol.for('dask-ts.tokenize'));
  });

  it('includes the class name of class instances', () => {
    class A {
      x = 1;
    }
    class B {
      x = 1;
    }
    expect(tokenize(new A())).not.toBe(tokenize(new B()));
    expect(tokenize(new A())).toBe(tokenize(new A()));
  });

  const value = fc.letrec((tie) => ({
    leaf: fc.oneof(
      fc.integer(),
      fc.double(),
      fc.string(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
      fc.bigInt(),
      fc.date({ noInvalidDate: true }),
      fc.array(fc.double()).map((a) => new Float64Array(a)),
      fc.array(fc.integer({ min: 0, max: 255 })).map((a) => new Uint8Array(a)),
    ),
    node: fc.oneof(
      { maxDepth: 3 },
      tie('leaf'),
      fc.array(tie('node'), { maxLength: 4 }),
      fc.dictionary(fc.string(), tie('node'), { maxKeys: 4 }),
      fc.array(fc.tuple(fc.string(), tie('node')), { maxLength: 3 }).map((e) => new Map(e)),
      fc.array(tie('leaf'), { maxLength: 4 }).map((e) => new Set(e)),
    ),
  })).node;

  it('property: the same value gives the same token, also after structuredClone', () => {
    fc.assert(
      fc.property(value, (v) => {
        const t = tokenize(v);
        expect(tokenize(v)).toBe(t);
        expect(tokenize(structuredClone(v))).toBe(t);
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 300) },
    );
  });

  it('property: different JSON values give different tokens', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        fc.pre(JSON.stringify(a) !== JSON.stringify(b));
        // Key order aside, distinct JSON values differ.
        const norm = (v: unknown): string =>
          JSON.stringify(v, (_k, x: unknown) =>
            x && typeof x === 'object' && !Array.isArray(x)
              ? Object.fromEntries(
                  Object.entries(x).sort((p, q) => (p[0] < q[0] ? -1 : p[0] > q[0] ? 1 : 0)),
                )
              : x,
          );
        fc.pre(norm(a) !== norm(b));
        expect(tokenize(a)).not.toBe(tokenize(b));
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 300) },
    );
  });

  it('gives the same token in a worker thread', async () => {
    // The value travels to a worker thread and back (structured clone, another realm's objects).
    const v = { a: [1, 'x', 2n], s: new Set([3, 1]), t: new Int16Array([7, 8]) };
    const here = tokenize(v);
    const again = await new Promise<string>((resolve, reject) => {
      const w = new Worker(
        `const { parentPort, workerData } = require('node:worker_threads'); parentPort.postMessage(workerData);`,
        { eval: true, workerData: v },
      );
      w.once('message', (m: unknown) => {
        void w.terminate();
        resolve(tokenize(m));
      });
      w.once('error', reject);
    });
    expect(again).toBe(here);
  });
});
